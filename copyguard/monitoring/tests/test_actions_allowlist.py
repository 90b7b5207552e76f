"""Allow-list and watchlist actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.monitoring.actions import (
    add_allow_list_entry,
    add_key_work,
    mark_all_read,
    mark_read,
    remove_allow_list_entry,
    remove_key_work,
    update_allow_list_entry,
    update_key_work,
)
from copyguard.monitoring.actions.allowlist import clean_domain
from copyguard.monitoring.models import AllowListEntry, KeyWork, Notification
from copyguard.monitoring.tests.core_helpers import World, make_world, use_data_dir
from copyguard.works.testing import text_work


@pytest.fixture
def world(db, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    use_data_dir(settings, tmp_path)
    return make_world()


def test_a_domain_is_cleaned_from_what_was_typed():
    assert clean_domain(" HTTPS://WWW.Example.com/path ") == "www.example.com"
    assert clean_domain("example.com.") == "example.com"
    for bad in ("", "exa mple.com", "a..b", "-" * 300):
        with pytest.raises(ActionError):
            clean_domain(bad)


def test_adding_changing_and_removing_an_entry_is_audited(world):
    actor = Actor(user=world.owner)
    entry = add_allow_list_entry(
        actor, world.holder, domain="licensee.example", work=world.work, licensee="L Co."
    )
    assert (entry.owner, entry.work, entry.domain) == (world.holder, world.work, "licensee.example")
    entry = update_allow_list_entry(actor, entry, work=None, valid_until=timezone.localdate())
    assert entry.work is None and entry.valid_until == timezone.localdate()
    remove_allow_list_entry(actor, entry)
    assert not AllowListEntry.objects.exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="monitoring.allow_list.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "monitoring.allow_list.add",
        "monitoring.allow_list.update",
        "monitoring.allow_list.remove",
    ]


def test_an_entry_belongs_to_a_rights_holder_and_names_one_of_its_works(world):
    with pytest.raises(ActionError):
        add_allow_list_entry(Actor(user=world.officer), world.administration, domain="a.example")
    with pytest.raises(ActionError) as caught:
        add_allow_list_entry(
            Actor(user=world.owner), world.holder, domain="a.example", work=world.other_work
        )
    assert caught.value.field == "work"
    assert not AllowListEntry.objects.exists()


def test_key_works_are_registered_works_for_a_bounded_period(world):
    actor = Actor(user=world.officer)
    today = timezone.localdate()
    key = add_key_work(
        actor, world.administration, world.work, starts_on=today, ends_on=today, reason=" R "
    )
    assert key.reason == "R" and key.is_active()
    key = update_key_work(actor, key, ends_on=today + timedelta(days=7))
    assert key.ends_on == today + timedelta(days=7)
    with pytest.raises(ActionError):
        update_key_work(actor, key, ends_on=today - timedelta(days=1))
    with pytest.raises(ActionError):
        add_key_work(
            actor,
            world.administration,
            world.work,
            starts_on=today,
            ends_on=today + timedelta(days=401),
        )
    draft = text_work(world.holder, title="草稿")
    with pytest.raises(ActionError) as caught:
        add_key_work(actor, world.administration, draft, starts_on=today, ends_on=today)
    assert caught.value.field == "work"
    with pytest.raises(ActionError):
        add_key_work(actor, world.holder, world.work, starts_on=today, ends_on=today)
    remove_key_work(actor, key)
    assert not KeyWork.objects.exists()
    assert AuditEvent.objects.filter(action__startswith="monitoring.key_work.").count() == 3


def test_notifications_are_marked_read(world):
    one = Notification.objects.create(user=world.owner, kind="key_work_hit", subject="a")
    Notification.objects.create(user=world.owner, kind="key_work_hit", subject="b")
    other = Notification.objects.create(user=world.staff, kind="key_work_hit", subject="c")
    assert mark_read(one).read_at is not None
    assert mark_all_read(world.owner) == 1
    other.refresh_from_db()
    assert other.read_at is None
