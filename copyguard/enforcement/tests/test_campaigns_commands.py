"""`copyguard campaigns` and `copyguard cooperation counts`: figures from the shell, one-line
refusals with exit status 2."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from copyguard.accounts.audit import Actor
from copyguard.enforcement.actions import cooperation as actions
from copyguard.enforcement.enums import ClosureKind
from copyguard.enforcement.models import SiteClosure
from copyguard.enforcement.tests.cooperation_campaign_helpers import at, make_campaign, world
from copyguard.monitoring.models import Site

pytestmark = pytest.mark.django_db
__all__ = ["world"]


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_campaign_tallies_as_csv_and_the_list(world):
    campaign = make_campaign(world.administration, name_en="Sword Net 2026")
    SiteClosure.objects.create(
        campaign=campaign,
        kind=ClosureKind.SITE,
        site=Site.objects.create(domain="pirate-books.example"),
        closed_on=date(2026, 7, 1),
        administration=world.administration,
    )
    rows = dict(csv.reader(io.StringIO(_run("campaigns", "tallies", str(campaign.pk), "--csv"))))
    assert rows["sites_shut"] == "1" and rows["cases"] == "0"
    assert "Sword Net 2026" in _run("campaigns", "list")
    with pytest.raises(CommandError) as caught:
        _run("campaigns", "tallies", "999999")
    assert caught.value.returncode == 2


def test_cooperation_counts_as_json(world):
    actions.request_cooperation(
        Actor(world.officer),
        world.administration,
        world.other_administration,
        kind="evidence",
        subject="S",
        details="D",
        now=at(date(2026, 3, 1)),
    )
    args = ["cooperation", "counts", "--administration", str(world.other_administration.pk)]
    body = json.loads(_run(*args, "--from", "2026-01-01", "--to", "2026-12-31"))
    assert body["received"] == {"evidence": {"requested": 1}} and body["sent_total"] == 0
    for bad in (["--from", "2026-12-31", "--to", "2026-01-01"], ["--from", "x", "--to", "y"]):
        with pytest.raises(CommandError) as caught:
            _run(*args, *bad)
        assert caught.value.returncode == 2
