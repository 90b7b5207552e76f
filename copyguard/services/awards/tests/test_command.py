"""``copyguard awards``: rounds, ranking, evaluate (as an organiser only), report."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django.fixtures import Settings

from copyguard.accounts.models import AuditEvent
from copyguard.services.awards import actions
from copyguard.services.awards.testing import World, act, make_round, make_world, self_nomination
from copyguard.services.awards.tests.helpers import registration

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def run(*args: str) -> str:
    out = StringIO()
    call_command("awards", *args, stdout=out)
    return out.getvalue()


def test_the_command(tmp_path: Path) -> None:
    world: World = make_world()
    round_ = make_round(world)
    nomination = self_nomination(world, round_)
    registration(world.enterprise, datetime.date(2025, 8, 8))
    assert f"{round_.pk}\t2025\tunit\t440000\topen\t1\t" in run("rounds")
    assert run("rounds", "--organiser", "330000") == ""
    actions.close_nominations(act(world.analyst), round_)
    for email in ("viewer@gd.test", "owner@qx.test", "sup@zj.test", "nobody@x.test"):
        with pytest.raises(CommandError) as error:
            run("evaluate", str(round_.pk), "--as", email)
        assert error.value.returncode == 2
    assert not AuditEvent.objects.filter(action="awards.round.evaluated").exists()
    ranking = run("evaluate", str(round_.pk), "--as", "analyst@gd.test")
    assert ranking.startswith(f"1\t60.0000\tevaluating\t{nomination.pk}\t")
    event = AuditEvent.objects.get(action="awards.round.evaluated")
    assert event.params["via"] == "cli"
    report = run("report", str(nomination.pk), "--language", "en")
    assert "C1 Works registered: 60.0000 / 60.00 (value 1.0000)" in report
    assert "Best among the 1 compared regions: 1" in report
    assert "C2 Training events held: 0.0000 / 40.00 (value -)" in report
    assert "No value: 0 points." in report
    with pytest.raises(CommandError):
        run("report", "999999")
    with pytest.raises(CommandError):
        run("ranking", "999999")
