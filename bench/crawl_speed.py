"""Crawl-and-match speed: pages a second per core, crawling a local pirate forum.

Question: how many pages a second does one core crawl, and crawl *and* match against the
registry, when monitoring a site of over 1,000 pages?

Set-up: a fresh SQLite database and data directory in a temporary directory (the default
deployment), migrated; the pirate sites' registered works (``copyguard.monitoring.testing``:
the demo's three texts, a novel of four chapters, three photographs, a song and a film) are
registered and approved, so the registry's text, image, audio and video indexes hold them.
The site is the pirate forum of the monitoring tests scaled up (``--threads`` threads of
3-7 posts of Debian fortunes, paginated thread lists; three threads paste registered texts),
served by a threaded ``http.server`` in a process of its own on a loopback address.

Two runs of the same site, each from a clean state:

- ``crawl alone``: ``copyguard.monitoring.crawl.run_crawl`` (Scrapy in its subprocess:
  robots.txt, throttling, dedup, link extraction, bodies written to the run's directory),
  each item handed to a callback that does nothing;
- ``crawl + match``: the monitoring job itself (``start_run`` → ``crawl_source_run``, run
  inline): the same crawl, and each page recorded, read for its main text (trafilatura),
  compared with the registry's index (``scan_source``) and its matches recorded as hits.

Then the three other pirate sites (an e-book site, a gallery, a media page: few pages, but
EPUB, PDF and TXT downloads, photographs, MP3 and MP4 files) are crawled and matched the
same way, where reading and matching the files dominates: items (pages and files) a second
per core.

Politeness is the deployment's except the delay: no download delay (``CRAWL_DELAY_MS=0``),
two requests at a time per host (the crawler's fixed per-host concurrency). Time is CPU
time of this process (the job, the matching) plus the crawler subprocess, measured with
``getrusage``; the site's server is another process and is not counted. Pages per core =
pages / CPU seconds; wall-clock pages a second are given too (bounded by the per-host
concurrency as much as by the CPU).

There is no peer: no open-source system crawls and matches against a registry of works
this way, so the figures are throughput on this machine. ``--quick`` crawls a forum of
about 100 pages and the e-book site, with the texts alone registered: for checking the
script only.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import markdown_table, parser, record


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _serve(threads: int, conn: Connection) -> None:
    """The pirate sites, in a process of their own until the parent says stop."""
    from copyguard.monitoring.testing import PirateSites

    with PirateSites(threads=threads) as sites:
        blocked = {p.url for p in sites.blocked}
        conn.send(
            {
                name: {
                    "start": site.url("/"),
                    "pages": [u for u in site.pages() if u not in blocked],
                    "planted": sorted(sites.expected(name)),
                }
                for name, site in sites.sites.items()
            }
        )
        conn.recv()


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument(
        "--threads", type=int, default=900, help="forum threads (default 900: ~1,400 pages)"
    )
    args = p.parse_args()
    if args.quick:
        args.threads = 60

    workdir = tempfile.mkdtemp(prefix="copyguard-crawl-bench-")
    os.environ["COPYGUARD_DATA_DIR"] = workdir
    os.environ["COPYGUARD_ALLOW_PRIVATE_NETWORKS"] = "1"
    os.environ["COPYGUARD_CRAWL_DELAY_MS"] = "0"
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "copyguard.settings"
    import django

    django.setup()
    from django.test.utils import override_settings

    override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ).enable()

    # The server process is forked before any database connection is opened.
    ours, theirs = multiprocessing.get_context("fork").Pipe()
    server = multiprocessing.get_context("fork").Process(
        target=_serve, args=(args.threads, theirs), daemon=True
    )
    server.start()
    try:
        _bench(args, ours, Path(workdir))
    finally:
        ours.send("stop")
        server.join(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def _bench(args: Any, conn: Connection, workdir: Path) -> None:
    from django.core.management import call_command
    from django.test import TestCase

    from copyguard.accounts.audit import Actor
    from copyguard.accounts.enums import OrganisationKind, Role
    from copyguard.monitoring.actions import create_source, start_run
    from copyguard.monitoring.crawl import run_crawl
    from copyguard.monitoring.models import Hit
    from copyguard.monitoring.testing import register_material
    from copyguard.testing import make_member, make_organisation
    from copyguard.works.testing import make_registry

    load = os.getloadavg()[0]
    call_command("migrate", verbosity=0)
    holder = make_organisation(OrganisationKind.RIGHTS_HOLDER, name="Pearl River Press")
    owner = Actor(user=make_member(holder, Role.OWNER))
    started = time.perf_counter()
    texts = ("arcade-rain", "lighthouse", "south-lake", "gleaner")
    works = register_material(holder, make_registry(), keys=texts if args.quick else None)
    print(
        f"registered {len(works)} works in {time.perf_counter() - started:.0f} s", file=sys.stderr
    )
    key_of = {work.pk: key for key, work in works.items()}

    sites = conn.recv()
    start, pages = sites["forum"]["start"], sites["forum"]["pages"]
    crawled = ["forum", "ebooks"] if args.quick else list(sites)
    planted = {
        (key, url) for name in crawled for key, url in sites[name]["planted"] if key in works
    }
    config = {"start_urls": [start], "max_depth": 10, "max_pages": 50_000}
    rows = []

    # Crawl alone.
    counted = {"page": 0, "file": 0}

    def count(item: Any) -> None:
        counted[item["kind"]] += 1

    from copyguard.monitoring.sources import get_kind

    spec = {"kind": "site", "config": get_kind("site").clean_config(config), "download_delay": 0.0}
    wall, cpu_self, cpu_children = (
        time.perf_counter(),
        _cpu(resource.RUSAGE_SELF),
        _cpu(resource.RUSAGE_CHILDREN),
    )
    summary = run_crawl(spec, workdir / "crawl-alone", count)  # type: ignore[arg-type]
    wall = time.perf_counter() - wall
    cpu = _cpu(resource.RUSAGE_SELF) - cpu_self + _cpu(resource.RUSAGE_CHILDREN) - cpu_children
    assert summary["finished"], summary
    if counted["page"] < len(pages):
        raise SystemExit(f"the crawl fetched {counted['page']} of the {len(pages)} pages")
    rows.append(("crawl alone", counted["page"], wall, cpu))

    # Crawl and match: the monitoring job.
    source = create_source(owner, holder, name="forum", kind="site", config=config)
    wall, cpu_self, cpu_children = (
        time.perf_counter(),
        _cpu(resource.RUSAGE_SELF),
        _cpu(resource.RUSAGE_CHILDREN),
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        run = start_run(owner, source)
    wall = time.perf_counter() - wall
    cpu = _cpu(resource.RUSAGE_SELF) - cpu_self + _cpu(resource.RUSAGE_CHILDREN) - cpu_children
    run.refresh_from_db()
    assert run.status == "finished", (run.message, run.error_log)
    rows.append(("crawl + match", run.pages_fetched, wall, cpu))

    # The other sites: few pages, but e-books, pictures, sound and video to read and match.
    others = [name for name in crawled if name != "forum"]
    wall, cpu_self, cpu_children = (
        time.perf_counter(),
        _cpu(resource.RUSAGE_SELF),
        _cpu(resource.RUSAGE_CHILDREN),
    )
    items = files = 0
    for name in others:
        other = create_source(
            owner, holder, name=name, kind="site",
            config={"start_urls": [sites[name]["start"]], "max_depth": 10},
        )  # fmt: skip
        with TestCase.captureOnCommitCallbacks(execute=True):
            run = start_run(owner, other)
        run.refresh_from_db()
        assert run.status == "finished", (run.message, run.error_log)
        items += run.pages_fetched
        files += run.files_fetched
        print(
            f"{name}: {run.pages_fetched} pages, {run.files_fetched} files, "
            f"{run.duration_seconds or 0:.1f} s, {run.errors} errors {run.error_log[:3]}",
            file=sys.stderr,
        )
    wall = time.perf_counter() - wall
    cpu = _cpu(resource.RUSAGE_SELF) - cpu_self + _cpu(resource.RUSAGE_CHILDREN) - cpu_children

    found = {(key_of[h.work_id], h.url) for h in Hit.objects.all()}
    table = markdown_table(
        ["run", "pages", "wall s", "pages/s (wall)", "CPU s", "pages/s per core"],
        [(name, n, f"{w:.1f}", f"{n / w:.1f}", f"{c:.1f}", f"{n / c:.1f}")
         for name, n, w, c in rows],
    )  # fmt: skip
    media_table = markdown_table(
        ["run", "pages", "files", "wall s", "CPU s", "items/s per core"],
        [(f"crawl + match: {', '.join(others)}", items, files, f"{wall:.1f}", f"{cpu:.1f}",
          f"{(items + files) / cpu:.2f}")],
    )  # fmt: skip
    alone, matched = rows
    held = "texts only (--quick)" if args.quick else "texts, photographs, a song, a film"
    per_page_ms = (matched[3] / matched[1] - alone[3] / alone[1]) * 1000
    body = (
        f"A pirate forum of {len(pages)} pages ({args.threads} threads) on loopback; the "
        f"registry holds {len(works)} works ({held}). "
        "Two requests at a time per host, no download delay. No peer (see the script's "
        f"docstring). Load average when the run started: {load:.1f} (CPU times are the run's "
        f"own; wall times also show what else the machine was doing).\n\n{table}\n\n"
        f"Matching adds {per_page_ms:.1f} ms of CPU a page (recording, main text, index "
        f"search, hits). Hits: {len(found & planted)} of {len(planted)} planted copies, "
        f"{len(found - planted)} elsewhere.\n\n"
        f"The other pirate sites crawled ({', '.join(others)}: e-books in EPUB, PDF and GB18030 "
        "TXT, photographs, MP3 and MP4 files), where the files dominate:\n\n"
        f"{media_table}\n"
    )
    record("Crawl-and-match speed (bench/crawl_speed.py)", body, args)
    if found != planted:
        raise SystemExit("the crawl did not find exactly the planted copies")


if __name__ == "__main__":
    main()
