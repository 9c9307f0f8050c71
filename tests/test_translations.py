"""The UI speaks natural zh-Hans by default: every message of every catalogue is translated."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = sorted(
    [
        *ROOT.glob("locale/zh_Hans/LC_MESSAGES/django.po"),
        *ROOT.glob("facadeops/*/locale/zh_Hans/LC_MESSAGES/django.po"),
    ]
)


def _entries(po: Path) -> list[tuple[str, str, bool]]:
    text = po.read_text(encoding="utf-8")
    result = []
    for block in text.split("\n\n"):
        m = re.search(r'^msgid ((?:".*"\n)+)', block + "\n", re.M)
        if not m:
            continue
        msgid = "".join(re.findall(r'"(.*)"', m.group(1)))
        if not msgid:
            continue  # header
        strs = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block + "\n", re.M)
        msgstr = "".join("".join(re.findall(r'"(.*)"', s)) for s in strs)
        result.append((msgid, msgstr, "#, fuzzy" in block or ", fuzzy" in block))
    return result


def test_there_are_catalogues() -> None:
    assert CATALOGUES, "no zh_Hans catalogues found"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_is_translated_and_not_fuzzy(po: Path) -> None:
    entries = _entries(po)
    untranslated = [mid for mid, s, _f in entries if not s]
    fuzzy = [mid for mid, _s, f in entries if f]
    assert not untranslated, f"untranslated in {po}: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy in {po}: {fuzzy[:20]}"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_compiles(po: Path) -> None:
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", "/dev/null", str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_default_language_is_simplified_chinese(settings) -> None:
    assert settings.LANGUAGE_CODE == "zh-hans"
    with translation.override("zh-hans"):
        assert translation.gettext("Export to Excel") == "导出 Excel"
    with translation.override("en"):
        assert translation.gettext("Export to Excel") == "Export to Excel"
