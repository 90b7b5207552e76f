"""Deadline API: the caller's organisations' deadlines, earliest first, filtered by
overdue and kind; a deadline of another organisation is 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from copyguard.enforcement.actions.common import meet_deadlines, open_deadline
from copyguard.enforcement.enums import DeadlineKind
from copyguard.enforcement.tests.test_counter_support import enforcement_world, sent_notice
from tests.api.support import error_of, with_token

__all__ = ["enforcement_world"]

pytestmark = pytest.mark.django_db


def test_deadlines_of_the_callers_organisations_with_filters(enforcement_world):
    world = enforcement_world
    now = timezone.now()
    notice = sent_notice(world, "us")
    late = open_deadline(
        DeadlineKind.RESTORE, world.platform, now - timedelta(hours=3), notice=notice
    )
    later = open_deadline(
        DeadlineKind.NOTICE_ANSWER, world.platform, now + timedelta(days=2), notice=notice
    )
    done = open_deadline(
        DeadlineKind.TIP_OFF_TRIAGE, world.platform, now - timedelta(days=3), notice=notice
    )
    meet_deadlines(DeadlineKind.TIP_OFF_TRIAGE, notice=notice)
    theirs = open_deadline(
        DeadlineKind.CLAIMANT_ACTION, world.holder, now - timedelta(hours=1), notice=notice
    )
    viewer = with_token(world.platform_viewer)

    def ids(query=""):
        return [d["id"] for d in viewer.get(f"/enforcement/deadlines{query}").json()["items"]]

    assert ids() == [late.pk, later.pk]
    assert ids("?overdue=true") == [late.pk]
    assert ids("?overdue=false") == [later.pk]
    assert ids("?kind=notice_answer") == [later.pk]
    assert ids("?pending=false") == [done.pk, late.pk, later.pk]
    assert ids(f"?organisation={world.holder.pk}") == []
    assert "kind" in error_of(viewer.get("/enforcement/deadlines?kind=nonsense"), 400)["fields"]
    one = viewer.get(f"/enforcement/deadlines/{late.pk}").json()
    assert one["overdue"] is True and one["subject_type"] == "notice"
    assert one["subject_id"] == notice.pk and one["subject_label"] == notice.number
    assert one["link"].startswith("/")
    error_of(viewer.get(f"/enforcement/deadlines/{theirs.pk}"), 404)
    error_of(with_token(world.outsider).get(f"/enforcement/deadlines/{late.pk}"), 404)
    error_of(viewer.get("/enforcement/deadlines/999999"), 404)
    assert with_token(world.outsider).get("/enforcement/deadlines").json()["items"] == []
    holder = with_token(world.viewer)
    assert [d["id"] for d in holder.get("/enforcement/deadlines").json()["items"]] == [theirs.pk]
