"""Killing `copyguard scan-corpus` half-way loses nothing: the resumed scan skips the shards
recorded before the kill and records every planted copy exactly once."""

from __future__ import annotations

import json
import os
import random
import signal
from pathlib import Path

import pytest

from copyguard.accounts.enums import OrganisationKind
from copyguard.cli import main
from copyguard.fingerprint.tests.synthetic import zipf_english
from copyguard.jobs.testing import start_copyguard, subprocess_env, use_file_test_database, wait_for
from copyguard.monitoring.corpus.testing import Record, html_page, write_warc
from copyguard.monitoring.enums import RunStatus, ShardStatus
from copyguard.monitoring.models import CorpusScan, CorpusShard, Hit
from copyguard.testing import make_organisation
from copyguard.works.models import WorkFile
from copyguard.works.testing import make_registry, registered_work

# The scan runs as a real process on the test database: on SQLite it must be a file.
use_file_test_database()

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

FILES = 12
PAGES_PER_FILE = 40


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir()


def planted_corpus(directory: Path) -> set[tuple[int, str]]:
    """Three registered books, each copied onto two pages in different files, among
    ``FILES * PAGES_PER_FILE`` unrelated pages; returns the (work file, URL) of each copy."""
    registry = make_registry()
    holder = make_organisation(OrganisationKind.RIGHTS_HOLDER, name="Alpha Press")
    books = [zipf_english(random.Random(seed), 600) for seed in (11, 12, 13)]
    ids = []
    for i, text in enumerate(books):
        registration = registered_work(holder, registry, text, title=f"Book {i}", name=f"b{i}.txt")
        ids.append(WorkFile.objects.get(work=registration.work).pk)
    rng = random.Random(5)
    planted: set[tuple[int, str]] = set()
    places = {(2 * b + c) * FILES // 6 + c: b for b in range(3) for c in range(2)}
    for f in range(FILES):
        records = []
        for p in range(PAGES_PER_FILE):
            url = f"https://site{f}.example.net/page/{p}"
            text = zipf_english(rng, 300)
            if p == 7 and f in places:
                book = places[f]
                words = books[book].split()
                text += "\n" + " ".join(words[100 + 50 * (f % 2) : 400 + 50 * (f % 2)])
                planted.add((ids[book], url))
            records.append(Record(url, html_page(f"Page {p}", text)))
        write_warc(directory / f"crawl-{f:02d}.warc.gz", records)
    assert len(planted) == 6
    return planted


def test_a_scan_killed_half_way_resumes_and_finds_every_copy_once(
    settings, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    planted = planted_corpus(tmp_path / "corpus")
    env = subprocess_env(Path(settings.DATA_DIR))
    log = tmp_path / "scan.log"
    process = start_copyguard(
        ["scan-corpus", str(tmp_path / "corpus"), "--organisation", "Alpha Press",
         "--workers", "1", "--json"],
        env,
        log,
    )  # fmt: skip
    try:
        wait_for(
            lambda: CorpusShard.objects.filter(status=ShardStatus.DONE).count() >= 3,
            timeout=180,
            what="three shards done",
        )
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the command and its Dask workers
        process.wait(timeout=30)
    scan = CorpusScan.objects.get()
    assert scan.status == RunStatus.RUNNING  # nobody closed it
    before = dict(scan.shards.filter(status=ShardStatus.DONE).values_list("key", "finished_at"))
    assert 3 <= len(before) < FILES, f"the scan was not killed half-way: {log.read_text()}"
    hits_before = Hit.objects.count()
    assert scan.hits_found == hits_before

    capsys.readouterr()
    status = main(["scan-corpus", "--resume", str(scan.pk), "--workers", "1", "--json"])
    out, err = capsys.readouterr()

    assert status == 0, err
    summary = json.loads(out)
    assert summary["shards_scanned_now"] == FILES - len(before)
    assert summary["shards_done"] == summary["shards_total"] == FILES
    assert summary["status"] == RunStatus.FINISHED and summary["shards_failed"] == 0
    after = dict(scan.shards.values_list("key", "finished_at"))
    assert all(after[key] == finished for key, finished in before.items())  # not redone
    assert set(Hit.objects.values_list("work_file_id", "url")) == planted
    assert Hit.objects.count() == len(planted) == summary["hits_found"]
    assert sum(scan.shards.values_list("hits", flat=True)) == len(planted)
