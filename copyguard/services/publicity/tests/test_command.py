"""``copyguard publicity``: events with figures, the check-in list, attendance read back."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.services.publicity.actions import registrations
from copyguard.services.publicity.checkin import read_attendance
from copyguard.services.publicity.models import TrainingEvent
from copyguard.services.publicity.testing import PublicityWorld, published_event

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("publicity", *args, stdout=out)
    return out.getvalue()


def _started_event(pw: PublicityWorld) -> tuple[TrainingEvent, list[int]]:
    event = published_event(pw, capacity=2)
    ids = [
        registrations.register(Actor(None), event, name=f"人{i}", contact=f"p{i}@example.test",
                               source=str(i)).registration.pk
        for i in range(3)
    ]  # fmt: skip
    start = timezone.now() - timedelta(hours=1)
    TrainingEvent.objects.filter(pk=event.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=2)
    )
    event.refresh_from_db()
    return event, ids


def test_the_events_with_their_figures(pw: PublicityWorld) -> None:
    event, _ids = _started_event(pw)
    rows = [json.loads(line) for line in _run("events", "--json").splitlines()]
    assert [r["id"] for r in rows] == [event.pk]
    assert (rows[0]["registered"], rows[0]["waiting"], rows[0]["attended"]) == (2, 1, 0)
    assert rows[0]["attendance_rate"] == "0.0000"
    assert _run("events", "--when", "past") == ""
    assert str(event.pk) in _run("events", "--organiser", str(pw.city.pk))


def test_the_check_in_list_reads_back_as_attendance(pw: PublicityWorld, tmp_path: Path) -> None:
    event, ids = _started_event(pw)
    listed = _run("checkin", str(event.pk))
    lines = listed.strip().splitlines()
    assert lines[0].startswith("id,") and len(lines) == 4
    filled = "\n".join(
        [
            lines[0],
            lines[1][: lines[1].rfind(",")] + ",yes",
            lines[2][: lines[2].rfind(",")] + ",否",
        ]
    )
    path = tmp_path / "filled.csv"
    path.write_text(filled, encoding="utf-8")
    out = _run("attendance", str(event.pk), str(path), "--as", pw.analyst.email)
    assert out.strip() == "2 changed; 1 of 2 attended (50.0%)."
    assert event.registrations.get(pk=ids[0]).attended is True


def test_refusals_exit_with_status_2(pw: PublicityWorld, tmp_path: Path) -> None:
    event, ids = _started_event(pw)
    path = tmp_path / "filled.csv"
    path.write_text(f"{ids[0]},yes\n", encoding="utf-8")
    cases = [
        ("checkin", "999999"),
        ("attendance", str(event.pk), str(path), "--as", "nobody@example.test"),
        ("attendance", str(event.pk), str(tmp_path / "missing.csv"), "--as", pw.analyst.email),
        ("attendance", str(event.pk), str(path), "--as", pw.viewer.email),
        ("attendance", str(event.pk), str(path), "--as", pw.outsider.email),
    ]
    for args in cases:
        with pytest.raises(CommandError) as error:
            _run(*args)
        assert error.value.returncode == 2, args
    assert event.registrations.get(pk=ids[0]).attended is None


@pytest.mark.parametrize(
    "text", ["id,attended\nabc,yes", "1,maybe", "99999999999999999999,yes", "id,x\n1,yes\n-2,no"]
)
def test_unreadable_attendance_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="line"):
        read_attendance(text)


def test_attendance_reads_the_first_and_last_columns() -> None:
    text = "\ufeffid,name,attended\n7,王,是\n8,李,\n\n9,张,NO\n"
    assert read_attendance(text) == {7: True, 8: None, 9: False}
