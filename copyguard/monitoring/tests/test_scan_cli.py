# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""`copyguard scan FILE|URL…`: the registry's matches from the shell, as JSON lines or a
table; unreadable inputs are one line each; nothing is written to the database."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from copyguard.accounts.models import AuditEvent
from copyguard.cli import main
from copyguard.monitoring.models import UploadScan
from copyguard.monitoring.tests.test_scan_api import FORUM_POST
from copyguard.monitoring.tests.test_scan_api import essay as essay
from copyguard.monitoring.tests.test_scan_api_url import site as site

# The command closes the database connections when it ends, as Django's commands do: on a
# file database (when worker tests run in the same session) only real transactions survive.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("data_dir")]


@dataclass
class Run:
    status: int
    out: str
    err: str

    def lines(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.out.splitlines()]


@pytest.fixture
def scan(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    def run(*args: str) -> Run:
        capsys.readouterr()
        status = main(["scan", *args])
        captured = capsys.readouterr()
        return Run(status, captured.out, captured.err)

    return run


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    chapter = tmp_path / "chapter.txt"
    chapter.write_text(FORUM_POST, encoding="utf-8")
    weather = tmp_path / "weather.txt"
    weather.write_text("明天多云转晴，气温十五到二十二度，东南风三级，空气质量良好。" * 3)
    junk = tmp_path / "photo.png"
    junk.write_bytes(b"\x00\x01 not a picture" * 20)
    return {"chapter": chapter, "weather": weather, "junk": junk}


def test_json_prints_one_object_per_input_with_the_registered_works(
    scan,
    essay,  # type: ignore[no-untyped-def]
    files,
    tmp_path,
    site,
    settings,
) -> None:
    settings.ALLOW_PRIVATE_NETWORKS = True
    events = AuditEvent.objects.count()
    missing = str(tmp_path / "missing.txt")
    page = f"{site}/thread/42"
    run = scan(
        str(files["chapter"]), str(files["weather"]), missing, str(files["junk"]), page, "--json"
    )
    assert run.status == 0, run.err
    chapter, weather, gone, junk, fetched = run.lines()
    assert set(chapter) == {"input", "media", "matches", "error"}
    assert chapter["input"] == str(files["chapter"]) and chapter["media"] == "text"
    assert chapter["error"] == ""
    (found,) = chapter["matches"]  # type: ignore[misc]
    assert {"registration_number", "title", "score", "segments"} <= set(found)
    assert found["registration_number"] == essay.number and found["title"] == "江南"
    assert 0 < found["score"] <= 1 and found["segments"][0]["query"][1] > 0
    assert found["work_id"] == essay.work_id
    assert weather == {"input": str(files["weather"]), "media": "text", "matches": [], "error": ""}
    assert gone == {"input": missing, "media": "", "matches": [], "error": "no such file"}
    assert junk["media"] == "" and junk["error"] and junk["matches"] == []
    assert fetched["input"] == page and fetched["media"] == "text"
    assert [m["registration_number"] for m in fetched["matches"]] == [essay.number]  # type: ignore[union-attr]
    # Nothing was recorded.
    assert AuditEvent.objects.count() == events and not UploadScan.objects.exists()


def test_a_private_address_is_refused_unless_allowed(scan, essay, site, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ALLOW_PRIVATE_NETWORKS = False
    run = scan(f"{site}/thread/42", "--json")
    assert run.status == 2
    (refused,) = run.lines()
    assert refused["media"] == "" and str(refused["error"]).startswith("address refused")
    assert run.err.strip() == "copyguard scan: error: no input could be read"


def test_the_table_names_the_work_and_where_it_was_copied(scan, essay, files) -> None:  # type: ignore[no-untyped-def]
    run = scan(str(files["chapter"]), str(files["weather"]), str(files["junk"]))
    assert run.status == 0, run.err
    assert essay.number in run.out and "江南" in run.out and "chars " in run.out
    assert "no registered work found" in run.out
    assert "photo.png" in run.out


def test_no_readable_input_is_exit_status_2_with_one_line(scan, essay, files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    run = scan(str(tmp_path / "missing.txt"), str(files["junk"]), str(tmp_path))
    assert run.status == 2
    assert run.err.strip().splitlines() == ["copyguard scan: error: no input could be read"]
    assert "no such file" in run.out and "not a file" in run.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--threshold", "2"], "must be between 0 and 1"),
        (["--threshold", "x"], "is not a number"),
        (["--media", "poem"], "invalid choice"),
        ([], "the following arguments are required"),
    ],
)
def test_bad_options_are_one_line_and_exit_status_2(
    scan, db, files, args: list[str], message: str
) -> None:  # type: ignore[no-untyped-def]
    inputs = [str(files["chapter"])] if args else []
    run = scan(*inputs, *args)
    assert run.status == 2
    (line,) = run.err.strip().splitlines()
    assert line.startswith("copyguard scan: error: ") and message in line


def test_media_and_threshold_are_passed_to_the_engine(scan, essay, files) -> None:  # type: ignore[no-untyped-def]
    (as_code,) = scan(str(files["chapter"]), "--json", "--media", "code").lines()
    assert as_code["media"] == "code" and as_code["matches"] == []
    (strict,) = scan(str(files["chapter"]), "--json", "--threshold", "1").lines()
    assert strict["media"] == "text" and strict["matches"] == []
