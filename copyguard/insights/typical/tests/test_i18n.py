"""The Chinese of this app's messages (i18n/typical.json) keeps every placeholder."""

from __future__ import annotations

import json
import re
from pathlib import Path

I18N = Path(__file__).resolve().parent.parent / "i18n" / "typical.json"
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def test_every_translation_keeps_the_placeholders_and_says_something() -> None:
    catalogue = json.loads(I18N.read_text(encoding="utf-8"))
    assert catalogue
    for msgid, chinese in catalogue.items():
        assert chinese.strip(), msgid
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(chinese)), msgid


def test_the_status_words_are_translated() -> None:
    catalogue = json.loads(I18N.read_text(encoding="utf-8"))
    for msgid in ("In editing", "Approved", "Typical cases", "Significance"):
        assert msgid in catalogue
