"""Key works and the priority of hits found before: while a key work is active its open
hits have priority; once no active key work covers the work, no hit of it has."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.models import AuditEvent
from copyguard.monitoring.actions import (
    add_key_work,
    confirm_hit,
    dismiss_hit,
    remove_key_work,
    reopen_hit,
    sweep_key_work_priorities,
    update_key_work,
)
from copyguard.monitoring.enums import HitStatus
from copyguard.monitoring.models import Hit, KeyWork
from copyguard.monitoring.tests.core_helpers import World, make_hit, make_world, use_data_dir


@pytest.fixture
def world(db, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    use_data_dir(settings, tmp_path)
    return make_world()


def officer(world: World) -> Actor:
    return Actor(user=world.officer, via="test")


def hits_of(world: World) -> dict[str, Hit]:
    return {
        "new": make_hit(world.work, url="https://pirate.example/new"),
        "confirmed": make_hit(
            world.work, url="https://pirate.example/confirmed", status=HitStatus.CONFIRMED
        ),
        "dismissed": make_hit(
            world.work, url="https://pirate.example/dismissed", status=HitStatus.DISMISSED
        ),
        "other": make_hit(world.other_work, url="https://pirate.example/other"),
    }


def priorities(hits: dict[str, Hit]) -> dict[str, bool]:
    return {name: Hit.objects.get(pk=hit.pk).priority for name, hit in hits.items()}


def key_work(world: World, start: int = 0, end: int = 30, administration=None) -> KeyWork:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return add_key_work(
        officer(world),
        administration or world.administration,
        world.work,
        starts_on=today + timedelta(days=start),
        ends_on=today + timedelta(days=end),
    )


def test_marking_a_key_work_gives_its_open_hits_priority_at_once(world):
    hits = hits_of(world)

    key = key_work(world)

    assert priorities(hits) == {
        "new": True,
        "confirmed": True,
        "dismissed": False,
        "other": False,
    }
    event = AuditEvent.objects.get(action="monitoring.key_work.add")
    assert event.object_id == str(key.pk) and event.params["raised"] == 2


def test_a_key_work_of_a_later_period_gives_priority_when_its_period_begins(world):
    hits = hits_of(world)
    key_work(world, start=2, end=10)
    assert not any(priorities(hits).values())

    change = sweep_key_work_priorities(today=timezone.localdate() + timedelta(days=2))

    assert change == {"raised": 2, "lowered": 0}
    assert priorities(hits)["new"] and priorities(hits)["confirmed"]
    assert AuditEvent.objects.filter(action="monitoring.key_work.sweep").count() == 1


def test_priority_ends_when_the_period_lapses_by_date(world):
    hits = hits_of(world)
    key_work(world, end=3)

    assert sweep_key_work_priorities() == {"raised": 0, "lowered": 0}
    assert not AuditEvent.objects.filter(action="monitoring.key_work.sweep").exists()
    change = sweep_key_work_priorities(today=timezone.localdate() + timedelta(days=4))

    assert change == {"raised": 0, "lowered": 2}
    assert not any(priorities(hits).values())


def test_removing_a_key_work_ends_priority_unless_another_covers_the_work(world):
    hits = hits_of(world)
    first = key_work(world)
    second = key_work(world, administration=world.other_administration)

    remove_key_work(officer(world), first)
    assert priorities(hits)["new"] is True

    remove_key_work(Actor(user=world.other_officer, via="test"), second)
    assert not any(priorities(hits).values())
    event = AuditEvent.objects.filter(action="monitoring.key_work.remove").latest("pk")
    assert event.params["lowered"] == 2


def test_ending_the_period_early_ends_priority_and_moving_it_back_restores_it(world):
    hits = hits_of(world)
    key = key_work(world, start=-5, end=30)
    yesterday = timezone.localdate() - timedelta(days=1)

    key = update_key_work(officer(world), key, ends_on=yesterday)
    assert not any(priorities(hits).values())

    update_key_work(officer(world), key, ends_on=timezone.localdate())
    assert priorities(hits)["new"] and priorities(hits)["confirmed"]


def test_a_hit_back_in_the_queue_of_an_active_key_work_gets_priority(world):
    hits = hits_of(world)
    key_work(world)
    reviewer = Actor(user=world.owner, via="test")

    reopened = reopen_hit(reviewer, hits["dismissed"])
    assert reopened.priority is True

    dismissed = dismiss_hit(reviewer, reopened, "a quotation")
    assert dismissed.priority is True  # kept while the key work lasts
    assert confirm_hit(reviewer, dismissed).priority is True
