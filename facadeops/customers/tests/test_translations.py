"""Every user-facing string of the app is translated into zh-Hans (DESIGN: Language)."""

from __future__ import annotations

import re
from pathlib import Path

PO = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_po_complete() -> None:
    """No empty and no fuzzy translation in the customers catalogue."""
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    assert len(entries) > 100
    empty = [e for e in entries if re.search(r'^msgstr(\[0\])? ""$', e, re.M)]
    assert not empty, empty[:3]
    assert "#, fuzzy" not in text
    assert 'msgid "Service contracts"\nmsgstr "维保合同"' in text
    assert 'msgid "completion acceptance date"\nmsgstr "竣工验收日期"' in text
