# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""kill -9 of the worker half-way through a bulk registration, a crawl and an upload scan.
A worker started after takes the job over once the dead one's heartbeat is stale, and the
records come out as if nothing had happened: every work, page and scan once."""

from __future__ import annotations

import io

import pytest
from django.db.models import Count

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.accounts.models import AuditEvent
from copyguard.ledger.check import check_ledger
from copyguard.monitoring import scanning_jobs
from copyguard.monitoring.actions import create_source, start_run
from copyguard.monitoring.crawl.testsite import LoopbackSite, Route
from copyguard.monitoring.enums import RunStatus
from copyguard.monitoring.models import CrawlRun, FetchedItem, Hit, UploadScan
from copyguard.testing import make_member, make_organisation
from copyguard.works import bulk
from copyguard.works.enums import BulkStatus, RegistrationStatus
from copyguard.works.models import BulkRegistration, Registration, Work, WorkFile
from copyguard.works.testing import SAMPLE_TEXT, make_registry, registered_work
from tests.faults.conftest import IMMEDIATE_TASKS, STALE_SECONDS, Moment, Site, wait_until

pytestmark = pytest.mark.slow

POEMS = [
    "床前明月光，疑是地上霜。举头望明月，低头思故乡。",
    "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。",
    "千山鸟飞绝，万径人踪灭。孤舟蓑笠翁，独钓寒江雪。",
    "红豆生南国，春来发几枝。愿君多采撷，此物最相思。",
    "空山不见人，但闻人语响。返景入深林，复照青苔上。",
]
UNRELATED = "今天天气很好，我们去公园散步，看见很多人在放风筝，孩子们笑得很开心。" * 8


def take_over(site: Site, what: str, done: object) -> None:
    """Start a worker that takes a silent one as dead after STALE_SECONDS; wait for
    ``done()``; stop it cleanly."""
    second = site.worker("second", COPYGUARD_WORKER_STALE_SECONDS=str(STALE_SECONDS))
    wait_until(done, what, timeout=180)
    site.stop(second)
    assert AuditEvent.objects.filter(action="jobs.task.requeue", params__worker_id="first").exists()


def test_a_bulk_registration_cut_short_makes_each_work_once(
    site: Site, settings, moment: Moment
) -> None:
    holder = make_organisation(name="Alpha Press")
    owner = make_member(holder, Role.OWNER)
    items: list[bulk.BulkItem] = [
        {
            "fields": {
                "title": f"诗 {n}",
                "category": "written",
                "authors": [{"real_name": "李白"}],
            },
            "files": [{"name": f"poem-{n}.txt", "data": (poem * 6).encode(), "media_type": ""}],
        }
        for n, poem in enumerate(POEMS)
    ]
    job = bulk.start_bulk(Actor(user=owner, via="api"), holder, items)  # queued on commit

    made = moment.nth(3, 1, len(POEMS))
    first = site.worker("first", point=f"works.bulk.item@{made}")
    site.wait_at("works.bulk.item", first)
    site.kill(first)
    assert Work.objects.filter(owner=holder).count() == made  # those made before the kill

    take_over(
        site,
        "the bulk registration to finish",
        lambda: BulkRegistration.objects.get(pk=job.pk).status == BulkStatus.DONE,
    )
    job.refresh_from_db()
    assert job.done == job.total == len(POEMS)
    assert sorted(r["index"] for r in job.results) == list(range(len(POEMS)))
    assert len({r["work_id"] for r in job.results}) == len(POEMS)
    assert Work.objects.filter(owner=holder).count() == len(POEMS)
    assert not WorkFile.objects.values("sha256").annotate(n=Count("pk")).filter(n__gt=1)
    registrations = Registration.objects.filter(work__owner=holder)
    assert registrations.count() == len(POEMS)
    assert {r.status for r in registrations} == {RegistrationStatus.SUBMITTED}
    assert check_ledger().problem is None


def page(title: str, text: str) -> bytes:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1><p>{text}</p></article></body></html>"
    ).encode()


def test_a_crawl_cut_short_resumes_from_its_journal_and_records_each_page_once(
    site: Site, settings, moment: Moment
) -> None:
    settings.TASKS = IMMEDIATE_TASKS
    holder = make_organisation(name="Alpha Press")
    owner = make_member(holder, Role.OWNER)
    registered_work(holder, make_registry())  # SAMPLE_TEXT, indexed in the data directory
    settings.TASKS = site.db_tasks
    settings.ALLOW_PRIVATE_NETWORKS = True  # the remote site is on loopback
    pages = 8
    links = " ".join(f'<a href="/t/{n}">{n}</a>' for n in range(pages))
    routes = {
        "/": Route(page("Forum", links)),
        "/robots.txt": Route(b"User-agent: *\nAllow: /\n", content_type="text/plain"),
    }
    for n in range(pages):
        text = SAMPLE_TEXT if n == 5 else f"{UNRELATED} {n}"
        routes[f"/t/{n}"] = Route(page(f"Post {n}", text), delay=0.3)
    with LoopbackSite(routes) as remote:
        source = create_source(
            Actor(user=owner),
            holder,
            name="Forum",
            kind="site",
            config={"start_urls": [remote.url("/")], "max_depth": 2},
        )
        run = start_run(Actor(user=owner), source)  # queued on commit

        first = site.worker(
            "first", point=f"monitoring.item.recorded@{moment.nth(3, 1, pages + 1)}"
        )
        site.wait_at("monitoring.item.recorded", first)
        site.kill(first)
        recorded = FetchedItem.objects.filter(run=run).count()
        assert 0 < recorded <= pages + 1

        take_over(
            site,
            "the crawl to finish",
            lambda: (
                CrawlRun.objects.get(pk=run.pk).status not in (RunStatus.QUEUED, RunStatus.RUNNING)
            ),
        )
    run.refresh_from_db()
    assert run.status == RunStatus.FINISHED, (run.message, run.error_log)
    urls = list(FetchedItem.objects.filter(run=run).values_list("url", flat=True))
    assert sorted(urls) == sorted([remote.url("/"), *(remote.url(f"/t/{n}") for n in range(pages))])
    (hit,) = Hit.objects.all()
    assert hit.url == remote.url("/t/5")
    assert AuditEvent.objects.filter(action="monitoring.run.resume", object_id=str(run.pk)).exists()


def test_an_upload_scan_cut_short_is_answered_once_by_the_next_worker(
    site: Site, settings, moment: Moment
) -> None:
    settings.TASKS = IMMEDIATE_TASKS
    holder = make_organisation(name="Alpha Press")
    essay = registered_work(holder, make_registry())
    settings.TASKS = site.db_tasks
    platform = make_organisation(OrganisationKind.PLATFORM, name="Video Site")
    uploader = make_member(platform, Role.OWNER)
    data = ("转载：" + SAMPLE_TEXT).encode()
    scan = scanning_jobs.queue_scan(
        Actor(user=uploader, via="api"),
        platform,
        token=None,
        media="auto",
        upload=io.BytesIO(data),
        name="chapter.txt",
        size=len(data),
    )
    kept = scanning_jobs.upload_path(scan)
    assert kept is not None and kept.exists()

    first = site.worker("first", point="monitoring.scan.matched")
    site.wait_at("monitoring.scan.matched", first)
    site.kill(first)
    assert UploadScan.objects.get(pk=scan.pk).status == RunStatus.RUNNING

    take_over(
        site,
        "the scan to finish",
        lambda: UploadScan.objects.get(pk=scan.pk).status == RunStatus.FINISHED,
    )
    scan.refresh_from_db()
    assert [m["registration_number"] for m in scan.result["matches"]] == [essay.number]
    assert not kept.exists()
    assert UploadScan.objects.count() == 1
