# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""Re-checking a hit: only a 404/410/451 or content that no longer matches the work takes
it offline; a failing site leaves it as it was, with the error noted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.models import AuditEvent
from copyguard.monitoring.actions import recheck_hit
from copyguard.monitoring.actions.recheck import RecheckOutcome
from copyguard.monitoring.models import Hit
from copyguard.monitoring.tests.core_helpers import World, make_hit, make_world, use_data_dir
from copyguard.monitoring.tests.loopback import LoopbackSite, html_page, loopback_site
from copyguard.works.testing import SAMPLE_TEXT

UNRELATED = "今天天气很好，我们去公园散步，看见很多人在放风筝，孩子们笑得很开心。" * 8
LONG_AGO = timezone.now() - timedelta(days=3)


@pytest.fixture
def world(db, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    use_data_dir(settings, tmp_path)
    settings.ALLOW_PRIVATE_NETWORKS = True
    return make_world()


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    with loopback_site() as served:
        yield served


def copy_on(world: World, site: LoopbackSite, path: str = "/t/1", **fields) -> Hit:  # type: ignore[no-untyped-def]
    fields.setdefault("last_checked_at", LONG_AGO)
    fields.setdefault("last_seen_at", LONG_AGO)
    return make_hit(world.work, url=site.url(path), **fields)


def check(hit: Hit) -> Hit:
    return recheck_hit(Actor(user=None, via="test"), hit)


def test_a_copy_still_there_stays_online_and_counts_as_seen(world, site):
    site.serve("/t/1", html_page("Chapter one", SAMPLE_TEXT))
    hit = copy_on(world, site, online=False)

    checked = check(hit)

    assert checked.online is True
    assert (checked.last_checked_at or LONG_AGO) > LONG_AGO and checked.last_seen_at > LONG_AGO
    note = checked.detail["recheck"]
    assert note["outcome"] == RecheckOutcome.ONLINE and note["http_status"] == 200
    event = AuditEvent.objects.get(action="monitoring.hit.recheck")
    assert event.object_id == str(hit.pk) and event.organisation == world.holder
    assert event.params["was_online"] is False and event.params["online"] is True


@pytest.mark.parametrize("status", [404, 410, 451])
def test_a_copy_taken_down_goes_offline(world, site, status):
    site.serve("/t/1", b"gone", status=status, kind="text/plain")
    hit = copy_on(world, site)

    checked = check(hit)

    assert checked.online is False and checked.last_seen_at == LONG_AGO
    assert checked.detail["recheck"]["outcome"] == RecheckOutcome.REMOVED
    assert checked.detail["recheck"]["http_status"] == status


def test_a_page_whose_content_was_replaced_is_offline_for_the_work(world, site):
    site.serve("/t/1", html_page("Picnic", UNRELATED))
    hit = copy_on(world, site)

    checked = check(hit)

    assert checked.online is False
    assert checked.detail["recheck"]["outcome"] == RecheckOutcome.REPLACED


def test_a_failing_server_leaves_online_as_it_was_and_notes_the_error(world, site):
    site.serve("/t/1", b"busy", status=503, kind="text/plain")
    site.serve("/t/2", b"busy", status=503, kind="text/plain")
    online = copy_on(world, site, "/t/1")
    offline = copy_on(world, site, "/t/2", online=False)

    first = check(online)
    assert first.online is True and (first.last_checked_at or LONG_AGO) > LONG_AGO
    note = first.detail["recheck"]
    assert note["outcome"] == RecheckOutcome.FAILED and note["error"] == "HTTP 503"
    assert note["failures"] == 1 and note["failing_since"] == note["at"]

    again = check(first)
    assert again.online is True and again.detail["recheck"]["failures"] == 2
    assert again.detail["recheck"]["failing_since"] == note["failing_since"]
    assert check(offline).online is False


def test_an_unreachable_site_is_not_taken_for_a_removal(world, site):
    hit = make_hit(world.work, url="http://127.0.0.1:1/t/1", last_checked_at=LONG_AGO)

    checked = check(hit)

    assert checked.online is True and (checked.last_checked_at or LONG_AGO) > LONG_AGO
    assert checked.detail["recheck"]["outcome"] == RecheckOutcome.FAILED
    assert checked.detail["recheck"]["error"]


def test_private_addresses_are_refused_unless_allowed_and_change_nothing(world, site, settings):
    settings.ALLOW_PRIVATE_NETWORKS = False
    site.serve("/t/1", b"gone", status=404, kind="text/plain")
    hit = copy_on(world, site)

    checked = check(hit)

    assert checked.online is True and site.requests == []
    assert checked.detail["recheck"]["outcome"] == RecheckOutcome.FAILED
    assert "network guard" in checked.detail["recheck"]["error"]


def test_a_working_check_after_failures_clears_the_count_and_keeps_the_engine_detail(world, site):
    site.serve("/t/1", b"busy", status=503, kind="text/plain")
    hit = copy_on(world, site, detail={"containment": 0.9})
    check(hit)
    site.serve("/t/1", html_page("Chapter one", SAMPLE_TEXT))

    checked = check(hit)

    assert checked.detail["containment"] == 0.9
    assert checked.detail["recheck"]["outcome"] == RecheckOutcome.ONLINE
    assert "failures" not in checked.detail["recheck"]
