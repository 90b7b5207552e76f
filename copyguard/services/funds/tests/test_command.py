"""`copyguard funds`: programmes, applications and totals (table, CSV, file); unknown ids
are one-line errors."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from copyguard.services.funds import actions

pytestmark = pytest.mark.django_db


def _run(*args):
    out = io.StringIO()
    call_command("funds", *args, stdout=out)
    return out.getvalue()


def test_listing_and_totals(world, tmp_path):
    programme = world.programme()
    application = world.reviewed(programme)
    actions.approve_application(world.actor(world.supervisor), application, "12000")
    assert str(programme.pk) in _run("programmes", "--status", "open")
    assert "12000.00" in _run("applications", str(programme.pk))
    table = _run("report")
    assert "12000.00" in table and "88000.00" in table
    rows = list(
        csv.DictReader(io.StringIO(_run("report", "--csv", "--programme", str(programme.pk))))
    )
    assert (
        rows[0]["granted"] == "12000.00"
        and rows[0]["approved"] == "1"
        and rows[0]["budget_left"] == "88000.00"
    )
    target = tmp_path / "totals.csv"
    _run("report", "--output", str(target))
    assert "12000.00" in target.read_text(encoding="utf-8")
    with pytest.raises(CommandError):
        _run("applications", "99999")
    with pytest.raises(CommandError):
        _run("report", "--programme", "99999")
