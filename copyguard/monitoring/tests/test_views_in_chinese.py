"""Every monitoring page, rendered in Simplified Chinese, shows no English left
untranslated (the detector of tests/test_pages_in_chinese.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, Role
from copyguard.monitoring.enums import NotificationKind, RunStatus
from copyguard.monitoring.models import (
    AllowListEntry,
    CrawlRun,
    Evidence,
    KeyWork,
    Notification,
    Site,
)
from copyguard.monitoring.tests.core_helpers import make_hit, make_source
from copyguard.monitoring.tests.views_helpers import PASSAGES, data_dir
from copyguard.testing import make_member, make_organisation
from copyguard.works.testing import Registry, registered_work
from tests.test_pages_in_chinese import chinese_client, english_in

pytestmark = pytest.mark.django_db
__all__ = ["data_dir"]


@pytest.fixture
def world(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "zh-hans"
    bureau = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="佛山市版权局",
        name_en="",
        level=AdministrationLevel.MUNICIPAL,
        region_code="440600",
    )
    registrar = make_member(bureau, Role.REGISTRAR, full_name="周")
    registry = Registry(bureau, registrar, make_member(bureau, Role.VIEWER), bureau, registrar)
    publisher = make_organisation(OrganisationKind.RIGHTS_HOLDER, name="岭南出版社", name_en="")
    owner = make_member(publisher, Role.OWNER, email="owner@lingnan.test", full_name="李明")
    officer = make_member(bureau, Role.ENFORCEMENT_OFFICER, email="o@foshan.test", full_name="陈")
    work = registered_work(publisher, registry, title="江南").work
    source = make_source(publisher, name="论坛监测")
    now = timezone.now()
    run = CrawlRun.objects.create(
        source=source,
        status=RunStatus.RUNNING,
        started_at=now - timedelta(minutes=3),
        heartbeat_at=now,
        pages_fetched=12,
        errors=1,
        error_log=["https://pirate.example/x 404"],
    )
    site = Site.objects.create(domain="luntan.example")
    text = make_hit(work, "https://luntan.example/t/1", site=site, passages=PASSAGES, first_run=run)
    image = make_hit(
        work,
        "https://luntan.example/p/2.jpg",
        site=site,
        media="image",
        box=[10, 10, 200, 120],
        detail={},
        priority=True,
    )
    audio = make_hit(
        work,
        "https://luntan.example/a/3.mp3",
        site=site,
        media="audio",
        segments=[{"query": [3, 33], "reference": [0, 30]}],
    )
    Evidence.objects.create(hit=text, url=text.url)
    AllowListEntry.objects.create(owner=publisher, domain="hezuo.example", licensee="合作方")
    today = timezone.localdate()
    KeyWork.objects.create(
        administration=bureau, work=work, starts_on=today, ends_on=today, reason="专项行动"
    )
    Notification.objects.create(
        user=owner, kind=NotificationKind.KEY_WORK_HIT, subject="发现重点作品", link="/"
    )
    return {
        "owner": owner,
        "officer": officer,
        "source": source,
        "run": run,
        "hits": [text, image, audio],
    }


def _pages(world) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        reverse("monitoring:queue"),
        reverse("monitoring:queue") + "?status=",
        reverse("monitoring:sources"),
        reverse("monitoring:source_kinds"),
        *(reverse("monitoring:source_create", args=[k]) for k in ("site", "feed", "sitemap")),
        reverse("monitoring:source_create", args=["listing"]),
        reverse("monitoring:source_create", args=["upload"]),
        reverse("monitoring:source", args=[world["source"].pk]),
        reverse("monitoring:source_edit", args=[world["source"].pk]),
        reverse("monitoring:run", args=[world["run"].pk]),
        *(reverse("monitoring:hit", args=[hit.pk]) for hit in world["hits"]),
        reverse("monitoring:allow_list"),
        reverse("monitoring:watchlist"),
        reverse("monitoring:notifications"),
    ]


def test_a_rights_holders_monitoring_pages_are_all_chinese(world) -> None:
    client = chinese_client(world["owner"])
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_in(response.content.decode()) == [], url


def test_an_administrations_pages_and_form_errors_are_all_chinese(world) -> None:
    client = chinese_client(world["officer"])
    for url in (
        reverse("monitoring:queue"),
        reverse("monitoring:watchlist"),
        reverse("monitoring:source_create", args=["site"]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_in(response.content.decode()) == [], url
    response = client.post(reverse("monitoring:watchlist"), {"registration_number": "X"})
    assert response.status_code == 400
    assert english_in(response.content.decode()) == []
    response = client.post(
        reverse("monitoring:source_create", args=["site"]), {"name": "", "max_depth": "99"}
    )
    assert response.status_code == 400
    assert english_in(response.content.decode()) == []
