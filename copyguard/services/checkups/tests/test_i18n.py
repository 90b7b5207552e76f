"""The Chinese of check-ups' messages (i18n/checkups.json, merged into the catalogue by the
integrator): every entry translated, with the same placeholders as its msgid."""

from __future__ import annotations

import json
import re
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[1] / "i18n" / "checkups.json"
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def test_every_entry_is_chinese_with_the_placeholders_of_its_msgid():
    entries = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    assert len(entries) > 150
    for msgid, text in entries.items():
        assert text.strip(), msgid
        assert re.search(r"[\u4e00-\u9fff]", text), msgid
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(text)), msgid
