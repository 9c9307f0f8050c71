"""zh-Hans is the default UI language: the People catalogue is complete."""

from __future__ import annotations

import re
from pathlib import Path

PO = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_catalogue_complete_and_not_fuzzy() -> None:
    """Every People msgid has a zh-Hans translation; nothing is fuzzy."""
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries = re.split(r"\n\n", text.split("\n\n", 1)[1])
    empty = [e for e in entries if re.search(r'msgstr ""\s*$', e.strip())]
    assert empty == []
    assert 'msgid "Employed"\nmsgstr "在职"' in text
    assert 'msgstr "高处作业证有效期至"' in text
