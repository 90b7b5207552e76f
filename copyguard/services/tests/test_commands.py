"""`copyguard services`: overdue requests, routing rules in and out as CSV, a station's
workload; refused input is one line with exit status 2."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.models import AuditEvent
from copyguard.services.actions import requests as actions
from copyguard.services.models import RoutingRule
from copyguard.services.tests.helpers import ServiceWorld

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("services", *args, stdout=out)
    return out.getvalue()


def test_overdue_lists_only_answers_owed_past_their_deadline(world: ServiceWorld) -> None:
    late = world.submit(now=timezone.now() - timedelta(days=40), subject="Late")
    world.submit(subject="On time")
    answered = world.submit(now=timezone.now() - timedelta(days=40), subject="Answered")
    actions.assign_request(Actor(world.supervisor), answered, world.officer)
    actions.post_message(Actor(world.officer), answered, "Done", answer=True)
    lines = [json.loads(line) for line in _run("overdue", "--json").splitlines()]
    assert [line["number"] for line in lines] == [late.number]
    assert lines[0]["days_overdue"] >= 20
    assert late.number in _run("overdue", "--station", str(world.station.pk))
    assert late.number not in _run("overdue", "--station", str(world.jm.pk))


def test_rules_are_imported_whole_and_exported_again(world: ServiceWorld, tmp_path: Path) -> None:
    source = tmp_path / "rules.csv"
    source.write_text(
        "station,region_prefix,kinds,priority,note\n"
        f"{world.jm.pk},4407,registration_help;pledge_financing,200,江门\n"
        f"{world.other_station.name},330411,,100,\n",
        encoding="utf-8",
    )
    assert "2 rule(s) added" in _run("rules-import", str(source))
    assert "0 rule(s) added" in _run("rules-import", str(source))
    rule = RoutingRule.objects.get(region_prefix="4407")
    assert rule.kinds == ["registration_help", "pledge_financing"] and rule.priority == 200
    exported = _run("rules-export")
    assert f"{world.jm.pk},4407,registration_help;pledge_financing,200,江门" in exported
    assert AuditEvent.objects.filter(action="services.routing_rule.import").count() == 2
    assert "4407" in _run("rules")


def test_replace_deactivates_the_stations_other_rules(world: ServiceWorld, tmp_path: Path) -> None:
    source = tmp_path / "rules.csv"
    source.write_text(f"station,region_prefix\n{world.station.pk},330402\n", encoding="utf-8")
    _run("rules-import", str(source), "--replace")
    world.rule.refresh_from_db()
    assert not world.rule.is_active
    assert RoutingRule.objects.filter(station=world.station, is_active=True).count() == 1


@pytest.mark.parametrize(
    "content, message",
    [
        ("station,region_prefix\n999999,44\n", "Row 1"),
        ("station,region_prefix\n{jm},0440\n", "Row 1"),
        ("station,region_prefix,kinds\n{jm},44,free_lunch\n", "Row 1"),
        ("station,region_prefix,priority\n{jm},44,2000\n", "Row 1"),
        ("station,region_prefix\n{jm},44\n{jm},x\n", "Row 2"),
        ("name,prefix\nx,44\n", "missing"),
        ("station,region_prefix\n", "no rules"),
    ],
)
def test_a_bad_rules_file_adds_nothing(
    world: ServiceWorld, tmp_path: Path, content: str, message: str
) -> None:
    source = tmp_path / "rules.csv"
    source.write_text(content.format(jm=world.jm.pk), encoding="utf-8")
    before = RoutingRule.objects.count()
    with pytest.raises(CommandError) as refused:
        _run("rules-import", str(source))
    assert message in str(refused.value) and refused.value.returncode == 2
    assert RoutingRule.objects.count() == before


def test_unreadable_files_are_refused_in_one_line(world: ServiceWorld, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as refused:
        _run("rules-import", str(tmp_path / "missing.csv"))
    assert "No such file" in str(refused.value)
    binary = tmp_path / "rules.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CommandError) as refused:
        _run("rules-import", str(binary))
    assert "UTF-8" in str(refused.value)
    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"a" * (1024 * 1024 + 1))
    with pytest.raises(CommandError) as refused:
        _run("rules-import", str(huge))
    assert "1 MB" in str(refused.value)


def test_the_workload_of_a_station(world: ServiceWorld) -> None:
    actions.assign_request(Actor(world.supervisor), world.submit(), world.officer)
    out = _run("workload", str(world.station.pk), "--since", "2000-01-01")
    assert world.officer.email in out and world.station.name in out
    with pytest.raises(CommandError):
        _run("workload", str(world.enterprise.pk))
    with pytest.raises(CommandError):
        _run("workload", str(world.station.pk), "--since", "soon")
