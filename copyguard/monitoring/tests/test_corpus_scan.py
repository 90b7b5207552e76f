"""`copyguard scan-corpus`: planted copies in WARC/WET files become hits, once each; bad
files become shard errors while the scan goes on; bad arguments exit 2 in one line."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from copyguard.accounts.enums import OrganisationKind
from copyguard.cli import main
from copyguard.fingerprint.tests.synthetic import zipf_english
from copyguard.monitoring.corpus.testing import Record, html_page, registered_file, write_warc
from copyguard.monitoring.enums import HitChannel, RunStatus, ShardStatus
from copyguard.monitoring.models import CorpusScan, Hit
from copyguard.testing import make_organisation
from copyguard.works.models import WorkFile
from copyguard.works.samples import landscape_png
from copyguard.works.testing import make_registry, registered_work

# The command commits like a shell run does: no test transaction around it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir()


@dataclass
class Corpus:
    directory: Path
    holder_id: int
    planted: set[tuple[int, str]]  # (work file id, url)


def other_text(seed: int, words: int = 400) -> str:
    return zipf_english(random.Random(1000 + seed), words)


def make_corpus(directory: Path) -> Corpus:
    """Registered works (two texts, a picture) and archive files with copies of them planted
    among unrelated pages."""
    registry = make_registry()
    holder = make_organisation(OrganisationKind.RIGHTS_HOLDER, name="Alpha Press")
    books = [zipf_english(random.Random(seed), 700) for seed in (1, 2)]
    files = []
    for i, text in enumerate(books):
        registration = registered_work(holder, registry, text, title=f"Book {i}", name=f"b{i}.txt")
        files.append(WorkFile.objects.get(work=registration.work))
    photo = landscape_png(7)
    registered_file(holder, registry, photo, "valley.png", title="Valley", category="photography")
    files.append(WorkFile.objects.get(work__title="Valley"))
    copy_0 = " ".join(books[0].split()[100:400])
    copy_1 = " ".join(books[1].split()[250:550])
    forum = "https://forum.example.net/thread/17?page=2"
    wet = "https://blog.example.org/2026/free-book"
    picture = "https://img.example.com/gallery/valley.png"
    write_warc(
        directory / "crawl-00.warc.gz",
        [
            Record("https://news.example.com/a", html_page("News", other_text(1))),
            Record(forum, html_page("Reply #3", other_text(2, 80) + "\n" + copy_0)),
            Record("https://news.example.com/b", html_page("More news", other_text(3))),
        ],
    )
    write_warc(
        directory / "crawl-00.wet.gz",
        [
            Record(
                "https://news.example.com/a", other_text(4).encode(), "text/plain", "conversion"
            ),
            Record(wet, (other_text(5, 60) + "\n" + copy_1).encode(), "text/plain", "conversion"),
        ],
    )
    write_warc(
        directory / "images" / "crawl-01.warc",
        [
            Record(picture, photo, "image/png"),
            Record("https://img.example.com/noise.png", landscape_png(99), "image/png"),
        ],
        gzip=False,
    )
    planted = {(files[0].pk, forum), (files[1].pk, wet), (files[2].pk, picture)}
    return Corpus(directory, holder.pk, planted)


@pytest.fixture
def run(capsys):  # type: ignore[no-untyped-def]
    def call(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = main(["scan-corpus", *args])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return call


def hits() -> set[tuple[int, str]]:
    return set(Hit.objects.values_list("work_file_id", "url"))


def test_it_finds_every_planted_copy_once_and_goes_on_past_bad_files(run, tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    bad = tmp_path / "corpus" / "bad"
    bad.mkdir()
    good = write_warc(
        bad / "cut.warc.gz", [Record("https://x.example/1", html_page("x", other_text(9)))]
    )
    good.write_bytes(good.read_bytes()[:-200])
    (bad / "page.warc").write_bytes(b"<html>a web page, not an archive</html>\n" * 50)
    (bad / "empty.warc.gz").write_bytes(b"")
    huge = write_warc(
        bad / "huge.warc.gz",
        [
            Record("https://x.example/huge.bin", b"\0" * (33 * 2**20), "application/pdf"),
            Record("https://x.example/after", html_page("after", other_text(10))),
        ],
    )

    status, out, err = run(str(corpus.directory), "--organisation", str(corpus.holder_id),
                           "--workers", "1", "--json")  # fmt: skip

    assert status == 0, err
    summary = json.loads(out)
    assert hits() == corpus.planted
    assert summary["hits_found"] == 3 and summary["status"] == RunStatus.FINISHED
    assert summary["shards_total"] == summary["shards_done"] == 7
    failed = {Path(e["shard"].rsplit("@", 1)[0]).name: e["error"] for e in summary["errors"]}
    assert set(failed) == {"cut.warc.gz", "page.warc", "empty.warc.gz"}
    assert "empty file" in failed["empty.warc.gz"]
    assert "not a WARC record" in failed["page.warc"]
    scan = CorpusScan.objects.get(pk=summary["scan_id"])
    huge_shard = scan.shards.get(path=str(huge.resolve()))
    assert huge_shard.status == ShardStatus.DONE and "cap" in huge_shard.error
    assert huge_shard.documents == 1  # the page after the oversized record
    assert scan.error == "3 of 7 shard(s) could not be read to their end"
    hit = Hit.objects.get(url__contains="forum")
    assert hit.channel == HitChannel.CORPUS and hit.corpus_scan == scan
    assert hit.page_title == "Reply #3" and hit.passages
    assert hit.found_by_id == corpus.holder_id


def test_scanning_the_same_files_again_records_no_second_hit(run, tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    args = [str(corpus.directory), "--organisation", "Alpha Press", "--workers", "1", "--json"]
    assert run(*args)[0] == 0

    status, out, err = run(*args)

    assert status == 0, err
    assert json.loads(out)["hits_found"] == 0
    assert hits() == corpus.planted and Hit.objects.count() == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/no/such/corpus", "--organisation", "Alpha Press"], "no such file or directory"),
        (["{empty}", "--organisation", "Alpha Press"], "no WARC or WET files"),
        (["{empty}"], "--organisation is needed"),
        (["{empty}", "--organisation", "Nobody Ltd"], "no single active organisation"),
        (["--resume", "999"], "no corpus scan 999"),
        (["{empty}", "--resume", "1"], "either PATH"),
        (
            ["{empty}", "--organisation", "Alpha Press", "--scheduler", "localhost"],
            "tcp://HOST:PORT",
        ),
        (["{empty}", "--workers", "0"], "at least 1"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    run, tmp_path: Path, args: list[str], message: str
) -> None:
    make_organisation(OrganisationKind.RIGHTS_HOLDER, name="Alpha Press")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "readme.txt").write_text("no archives here")

    status, out, err = run(*[a.replace("{empty}", str(tmp_path / "empty")) for a in args])

    assert status == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("copyguard scan-corpus: error: "), err
    assert message in lines[0]
    assert not CorpusScan.objects.exists()


def test_an_unreachable_scheduler_exits_2_with_one_line(run, tmp_path: Path) -> None:
    holder = make_organisation(OrganisationKind.RIGHTS_HOLDER, name="Alpha Press")
    path = write_warc(tmp_path / "a.warc.gz", [Record("https://x.example/", html_page("x", "y"))])

    status, _out, err = run(str(path), "--organisation", str(holder.pk),
                            "--scheduler", "tcp://127.0.0.1:9")  # fmt: skip

    assert status == 2
    assert err.strip().startswith("copyguard scan-corpus: error: cannot reach the Dask scheduler")
    assert len(err.strip().splitlines()) == 1
    assert not CorpusScan.objects.exists()


def test_with_copy_index_the_workers_scan_a_copy_of_the_index(run, tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")

    status, _out, err = run(str(corpus.directory), "--organisation", "Alpha Press",
                           "--workers", "1", "--copy-index", "--json")  # fmt: skip

    assert status == 0, err
    assert hits() == corpus.planted


def test_the_worker_setup_writes_the_copied_index_into_the_workers_directory(
    tmp_path: Path, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    from copyguard.monitoring.corpus.worker import CorpusWorkerSetup, index_files

    monkeypatch.setenv("COPYGUARD_DATA_DIR", str(settings.DATA_DIR))
    index = tmp_path / "data" / "works-index"
    (index / "text").mkdir(parents=True)
    (index / "text" / "manifest.json").write_text("{}")
    (index / "lock").write_text("")
    files = index_files(index)
    assert files == {"text/manifest.json": b"{}"}
    worker = SimpleNamespace(local_directory=str(tmp_path / "worker"))

    CorpusWorkerSetup("/not/on/this/worker", files).setup(worker)

    copy = tmp_path / "worker" / "copyguard-data"
    assert (copy / "works-index" / "text" / "manifest.json").read_text() == "{}"
    assert copy == settings.DATA_DIR
