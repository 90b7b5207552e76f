"""The deadline dashboard: overdue first with how late, then due soon, then later; filters;
each organisation sees only its own; the nav badge counts the overdue ones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from copyguard.enforcement.actions.common import meet_deadlines, open_deadline
from copyguard.enforcement.enums import DeadlineKind
from copyguard.enforcement.tests.test_counter_support import enforcement_world, sent_notice
from copyguard.testing import make_user

__all__ = ["enforcement_world"]

pytestmark = pytest.mark.django_db

URL = "/enforcement/deadlines/"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _deadlines(world):
    now = timezone.now()
    notice = sent_notice(world, "us")
    made = {
        "later": open_deadline(
            DeadlineKind.NOTICE_ANSWER, world.platform, now + timedelta(days=5), notice=notice
        ),
        "overdue": open_deadline(
            DeadlineKind.RESTORE, world.platform, now - timedelta(days=2, hours=3), notice=notice
        ),
        "soon": open_deadline(
            DeadlineKind.NOTICE_ANSWER, world.platform, now + timedelta(hours=5), notice=notice
        ),
        "claimant": open_deadline(
            DeadlineKind.CLAIMANT_ACTION, world.holder, now - timedelta(hours=1), notice=notice
        ),
        "met": open_deadline(
            DeadlineKind.TIP_OFF_TRIAGE, world.platform, now - timedelta(days=9), notice=notice
        ),
    }
    meet_deadlines(DeadlineKind.TIP_OFF_TRIAGE, notice=notice)
    return made


def _order(page):
    return [part.split('"')[0] for part in page.split('data-deadline="')[1:]]


def test_the_dashboard_lists_overdue_first_then_soon_then_later(client, enforcement_world):
    world = enforcement_world
    made = _deadlines(world)
    assert reverse("enforcement:deadlines") == URL
    client.force_login(world.notice_handler)
    page = client.get(URL).content.decode()
    assert _order(page) == [str(made[k].pk) for k in ("overdue", "soon", "later")]
    assert 'data-state="overdue"' in page and "2 d 3 h late" in page
    assert 'class="deadline-overdue"' in page and 'id="overdue-total" class="late">1<' in page
    assert 'data-state="soon"' in page and 'data-state="later"' in page
    # Each row links to its subject (the notice's page, once it exists; else here).
    assert f'<a href="/enforcement/notices/{made["overdue"].notice.pk}/">' in page or (
        f'<a href="{URL}">' in page
    )
    # The rights holder's deadline is not the platform's business.
    assert str(made["claimant"].pk) not in _order(page)


def test_filters_by_kind_and_organisation(client, enforcement_world):
    world = enforcement_world
    made = _deadlines(world)
    client.force_login(world.notice_handler)
    page = client.get(URL + "?kind=restore").content.decode()
    assert _order(page) == [str(made["overdue"].pk)]
    page = client.get(URL + f"?organisation={world.holder.pk}").content.decode()
    assert _order(page) == [] and 'id="no-deadlines"' in page
    page = client.get(URL + "?kind=nonsense&organisation=x").content.decode()
    assert len(_order(page)) == 3


def test_read_only_members_see_their_deadlines_and_outsiders_see_none(client, enforcement_world):
    world = enforcement_world
    made = _deadlines(world)
    client.force_login(world.viewer)
    assert _order(client.get(URL).content.decode()) == [str(made["claimant"].pk)]
    client.force_login(world.platform_viewer)
    page = client.get(URL).content.decode()
    assert len(_order(page)) == 3 and "you can act" not in page
    client.force_login(world.outsider)
    assert _order(client.get(URL).content.decode()) == []
    client.force_login(make_user())
    assert client.get(URL).status_code == 403


def test_the_nav_badge_counts_the_overdue_deadlines(client, enforcement_world):
    world = enforcement_world
    _deadlines(world)
    client.force_login(world.notice_handler)
    page = client.get(URL).content.decode()
    nav = page.split('data-nav="deadlines"')[1].split("</a>")[0]
    assert 'class="badge warning nav-badge">1<' in nav
    client.force_login(world.admin_viewer)
    page = client.get(URL).content.decode()
    assert "nav-badge" not in page.split('data-nav="deadlines"')[1].split("</a>")[0]
