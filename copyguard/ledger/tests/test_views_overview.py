"""The public ledger page and the plain /ledger/sth address."""

from __future__ import annotations

import pytest
from django.test import Client

from copyguard.ledger.actions import append_entry
from copyguard.ledger.tests.rfc9162 import mth

pytestmark = pytest.mark.django_db


@pytest.fixture
def log() -> list[bytes]:
    return [bytes(append_entry("test", {"n": n}).entry) for n in range(3)]


def test_the_overview_page_shows_the_head_in_both_languages(log: list[bytes]) -> None:
    english = Client(headers={"accept-language": "en"}).get("/ledger/")
    chinese = Client(headers={"accept-language": "zh-hans"}).get("/ledger/")

    assert english.status_code == chinese.status_code == 200
    assert "Transparency ledger" in english.content.decode()
    assert "透明日志" in chinese.content.decode()
    assert mth(log).hex() in english.content.decode()
