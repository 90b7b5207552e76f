"""Acceptance of monitoring (issue 7): a crawl of realistic pirate sites on loopback finds
every planted copy and nothing else, and the hits' evidence bundles verify offline.

Registered works (four texts, three photographs, a song, a film) are copied onto four
sites (``copyguard.monitoring.testing``): a forum, an e-book site, a gallery and a media
page. A rights holder watches each site, plus the e-book site's RSS feed and the gallery's
sitemap; each run goes through the real crawl job (``crawl_source_run``: Scrapy in a
subprocess, the registry scan, the hit recording). Then every hit is confirmed, its
evidence captured, and each bundle checked by ``copyguard ledger verify`` in a process
with no database; a bundle with any one file altered must fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import TestCase
from pytest_django.fixtures import Settings

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.jobs.testing import REPO_DIR
from copyguard.monitoring.actions import confirm_hit, create_source, start_run
from copyguard.monitoring.enums import EvidenceStatus, HitStatus, RunStatus
from copyguard.monitoring.evidence.actions import capture_evidence
from copyguard.monitoring.evidence.bundle import bundle_path
from copyguard.monitoring.models import CrawlRun, Evidence, FetchedItem, Hit, Source
from copyguard.monitoring.testing import PirateSites, register_material
from copyguard.testing import make_member, make_organisation
from copyguard.works.testing import make_registry

pytestmark = [pytest.mark.slow, pytest.mark.django_db, pytest.mark.usefixtures("material")]


def crawl(actor: Actor, source: Source) -> CrawlRun:
    """One run of ``source`` through the real job (the test backend runs it inline)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        run = start_run(actor, source)
    run.refresh_from_db()
    assert run.status == RunStatus.FINISHED, (source.name, run.message, run.error_log)
    return run


def verify(bundle: Path, offline_dir: Path) -> subprocess.CompletedProcess[str]:
    """``copyguard ledger verify BUNDLE`` in a process without the database or data."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["COPYGUARD_DATA_DIR"] = str(offline_dir)
    return subprocess.run(
        [sys.executable, "-m", "copyguard.cli", "ledger", "verify", str(bundle)],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def explain(urls: set[str]) -> str:
    """What the runs did with ``urls``: never fetched, or fetched and read as what."""
    lines = []
    for url in sorted(urls):
        item = FetchedItem.objects.filter(url=url).order_by("pk").first()
        if item is None:
            lines.append(f"{url}: never fetched")
        else:
            lines.append(
                f"{url}: HTTP {item.status_code} {item.content_type}, read as "
                f"{item.media or '(nothing)'} {item.error}"
            )
    return "\n".join(lines)


def altered(bundle: Path, member: str, out: Path) -> Path:
    """A copy of ``bundle`` with one byte of ``member`` changed, everything else as it was."""
    with zipfile.ZipFile(bundle) as original, zipfile.ZipFile(out, "w") as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == member:
                middle = len(data) // 2
                data = data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]
            copy.writestr(info, data)
    return out


def test_a_crawl_finds_every_planted_copy_and_nothing_else_and_its_evidence_verifies(
    data_dir: Path, settings: Settings, tmp_path: Path
) -> None:
    settings.ALLOW_PRIVATE_NETWORKS = True
    settings.CRAWL_DELAY_MS = 0
    holder = make_organisation(OrganisationKind.RIGHTS_HOLDER, name="Pearl River Press")
    owner = Actor(user=make_member(holder, Role.OWNER))
    works = register_material(holder, make_registry())
    key_of = {work.pk: key for key, work in works.items()}

    with PirateSites() as sites:
        site_sources = {
            name: create_source(
                owner,
                holder,
                name=f"{name} site",
                kind="site",
                config={"start_urls": [site.url("/")], "max_depth": 5},
            )
            for name, site in sites.sites.items()
        }
        feed = create_source(
            owner, holder, name="e-books feed", kind="feed",
            config={"feed_urls": [sites.url("ebooks", "/feed.xml")]},
        )  # fmt: skip
        sitemap = create_source(
            owner, holder, name="gallery sitemap", kind="sitemap",
            config={"sitemap_urls": [sites.url("gallery", "/sitemap.xml")]},
        )  # fmt: skip
        runs = {name: crawl(owner, source) for name, source in site_sources.items()}
        hits_after_sites = Hit.objects.count()
        feed_run = crawl(owner, feed)
        sitemap_run = crawl(owner, sitemap)

        # Every planted copy is a hit, and nothing else is.
        found = {(key_of[h.work_id], h.url) for h in Hit.objects.all()}
        expected = sites.expected()
        recall = len(found & expected) / len(expected)
        precision = len(found & expected) / max(1, len(found))
        missed, extra = expected - found, found - expected
        assert not missed, f"recall {recall:.2f}:\n" + explain({u for _, u in missed})
        assert not extra, f"precision {precision:.2f}:\n" + explain({u for _, u in extra})
        # One hit per copy, however many sources saw it.
        assert Hit.objects.count() == len(expected) == hits_after_sites
        assert sum(r.hits_found for r in runs.values()) == len(expected)
        # The feed and the sitemap found their sites' copies again: the same hits.
        for run, site in ((feed_run, "ebooks"), (sitemap_run, "gallery")):
            seen = {p.url for p in sites.planted if p.site == site}
            again = set(Hit.objects.filter(sources=run.source).values_list("url", flat=True))
            assert again == seen, run.source.name
        # Hits are grouped by site: one per pirate host.
        for hit in Hit.objects.select_related("site"):
            assert hit.site.domain == urlsplit(hit.url).hostname
            planted = next(p for p in sites.planted if p.url == hit.url)
            assert hit.page_url == planted.page_url
        assert len({h.site_id for h in Hit.objects.all()}) == len(sites.sites)
        # robots.txt was read and obeyed: the members' area was never fetched.
        forum = sites["forum"]
        assert "/robots.txt" in forum.requests
        assert not [p for p in forum.requests if p.startswith("/members/")]

        # Confirmed, each hit's evidence is captured (re-fetched from the sites).
        for hit in Hit.objects.all():
            confirm_hit(owner, hit)
            with TestCase.captureOnCommitCallbacks(execute=True):
                capture_evidence(owner, hit)
    assert not Hit.objects.exclude(status=HitStatus.CONFIRMED).exists()
    evidence = list(Evidence.objects.select_related("hit"))
    assert len(evidence) == len(expected)
    failed = {e.hit.url: e.error for e in evidence if e.status != EvidenceStatus.CAPTURED}
    assert failed == {}

    offline = tmp_path / "offline"
    offline.mkdir()
    for item in evidence:
        done = verify(bundle_path(item), offline)
        assert done.returncode == 0, (item.hit.url, done.stdout, done.stderr)
        assert "VALID" in done.stdout

    # A page's bundle (with its screenshot) and a file's: any one file altered fails.
    page = next(e for e in evidence if e.hit.url == e.hit.page_url)
    download = next(e for e in evidence if e.hit.url.endswith(".epub"))
    for item in (page, download):
        with zipfile.ZipFile(bundle_path(item)) as bundle:
            members = bundle.namelist()
        assert {"manifest.json", "proof.json", "capture.warc.gz"} <= set(members)
        for member in members:
            copy = altered(bundle_path(item), member, tmp_path / f"altered-{item.pk}.zip")
            done = verify(copy, offline)
            assert done.returncode == 1, (member, done.stdout, done.stderr)
            assert "VALID" not in done.stdout.split()


def test_the_planted_list_names_distinct_sites_and_every_kind_of_copy() -> None:
    with PirateSites() as sites:
        hosts = {urlsplit(site.base_url).hostname for site in sites.sites.values()}
        assert len(hosts) == len(sites.sites) == 4
        hows = " / ".join(p.how for p in sites.planted)
        for words in ("Traditional", "light edits", "verbatim", "EPUB", "PDF", "GB18030",
                      "watermarked", "MP3", "re-encoded", "soundtrack"):  # fmt: skip
            assert words in hows
        assert {p.site for p in sites.planted} == set(sites.sites)
        assert sites["ebooks"].routes["/feed.xml"].body.startswith(b"<?xml")
