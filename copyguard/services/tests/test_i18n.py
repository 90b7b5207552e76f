"""The Chinese of this app's messages (i18n/services.json, merged into the catalogue by the
integrator): every message of the code is there or in the catalogue, and placeholders
survive translation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1]
CATALOGUE = json.loads((APP / "i18n" / "services.json").read_text(encoding="utf-8"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def test_the_catalogue_part_is_not_empty() -> None:
    assert len(CATALOGUE) > 100


@pytest.mark.parametrize("msgid", sorted(CATALOGUE))
def test_placeholders_survive_and_the_chinese_is_chinese(msgid: str) -> None:
    chinese = CATALOGUE[msgid]
    assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(chinese))
    assert re.search(r"[\u4e00-\u9fff]", chinese), chinese


def test_the_templates_messages_are_all_translated() -> None:
    from tests.test_translations import parse_po

    po = APP.parents[0] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    known = {e.msgid for e in parse_po(po) if e.msgstr.get(0)} | {
        key.split("\x04")[-1] for key in CATALOGUE
    }
    marked = set()
    for template in (APP / "templates" / "services").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        marked |= set(re.findall(r'{% translate "([^"]+)" %}', text))
    assert marked and not marked - known
