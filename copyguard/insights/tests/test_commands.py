"""`copyguard statistics`: show, export, report, publish; one-line refusals."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from copyguard.accounts.models import AuditEvent
from copyguard.insights.models import PublishedStatistics
from copyguard.insights.testing import EXPECTED, make_statistics_world


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    return make_statistics_world()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("statistics", *args, stdout=out)
    return out.getvalue()


def test_tables_lists_every_key(world) -> None:  # type: ignore[no-untyped-def]
    keys = run("tables").split()
    assert "registrations.by_region" in keys and len(keys) == 27


def test_show_prints_a_sections_figures(world) -> None:  # type: ignore[no-untyped-def]
    out = run(
        "show", "--region", "440000", "--year", "2025", "--section", "cases", "--language", "en"
    )
    assert "Fines imposed" in out and "5,000.00" in out


def test_export_writes_csv_and_xlsx(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "regions.csv"
    run(
        "export",
        "--region",
        "440000",
        "--year",
        "2025",
        "--table",
        "registrations.by_region",
        "--output",
        str(target),
        "--language",
        "en",
    )
    rows = list(csv.reader(io.StringIO(target.read_text("utf-8-sig"))))
    body = {r[0]: r[1] for r in rows if len(r) == 2 and r[1].isdigit()}
    assert body["Foshan Copyright Bureau"] == str(
        EXPECTED[("registrations.by_region", "440600", "count")]
    )
    book_path = tmp_path / "all.xlsx"
    run(
        "export",
        "--region",
        str(world.gd.pk),
        "--year",
        "2025",
        "--table",
        "all",
        "--format",
        "xlsx",
        "--output",
        str(book_path),
    )
    assert len(load_workbook(book_path).sheetnames) == 27


def test_report_renders_the_pdf(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "report.pdf"
    run("report", "--region", "440700", "--year", "2025", "--output", str(target))
    assert target.read_bytes().startswith(b"%PDF")


def test_publish_from_the_shell_is_audited(world) -> None:  # type: ignore[no-untyped-def]
    out = run(
        "publish", "--region", "440000", "--year", "2025", "--tables", "registrations.summary"
    )
    publication = PublishedStatistics.objects.get()
    assert str(publication.pk) in out
    assert AuditEvent.objects.get(action="insights.statistics.publish").params["via"] == "cli"


@pytest.mark.parametrize(
    "args",
    [
        ("show", "--region", "999999", "--section", "cases"),
        ("show", "--region", "440000", "--section", "nope"),
        ("show", "--region", "440000", "--year", "1800", "--section", "cases"),
        ("show", "--region", "440000", "--from", "2025-13", "--section", "cases"),
        ("export", "--region", "440000", "--table", "nope", "--output", "/tmp/x.csv"),
        ("export", "--region", "440000", "--table", "all", "--output", "/tmp/x.csv"),
        (
            "export",
            "--region",
            "440000",
            "--table",
            "cases.summary",
            "--output",
            "/nonexistent/dir/x.csv",
        ),
        ("report", "--region", "440000", "--year", "1800", "--output", "/tmp/x.pdf"),
        ("publish", "--region", "440000", "--year", "2025", "--tables", "nope"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(world, args) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert caught.value.returncode == 2
    assert "\n" not in str(caught.value)
