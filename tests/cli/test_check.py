"""`copyguard check`: system checks, database, migrations, data directory, workers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings

from copyguard.jobs.models import Worker
from tests.cli.conftest import one_line_error

pytestmark = pytest.mark.django_db


def row(out: str, check: str) -> tuple[str, str]:
    """(result, detail) of one row of the check table."""
    match = re.search(rf"│ {re.escape(check)}\s*│ (\w+)\s*│ (.*?)\s*│", out)
    assert match, f"no row {check!r} in:\n{out}"
    return match.group(1), match.group(2)


def test_a_healthy_installation_without_a_worker_passes_with_a_warning(copyguard) -> None:
    run = copyguard("check")

    assert run.status == 0, run.out
    assert row(run.out, "Django system checks") == ("ok", "no issues")
    assert row(run.out, "Database")[0] == "ok"
    assert row(run.out, "Migrations") == ("ok", "all applied")
    assert row(run.out, "Data directory")[0] == "ok"
    result, detail = row(run.out, "Workers")
    assert result == "warning"
    assert detail.startswith("no worker seen in the last 60 s")


def test_a_live_worker_answers_a_ping(copyguard) -> None:
    # Tests run jobs inline, so the ping is answered at once by this process.
    Worker.objects.create(worker_id="live", last_seen_at=timezone.now())

    run = copyguard("check")

    assert run.status == 0
    result, detail = row(run.out, "Workers")
    assert result == "ok"
    assert re.fullmatch(r"1 alive; ping answered by \S+ in [\d.]+ ms", detail), detail


def test_the_ping_can_be_skipped(copyguard) -> None:
    Worker.objects.create(worker_id="live", last_seen_at=timezone.now())

    run = copyguard("check", "--ping-timeout", "0")

    assert row(run.out, "Workers") == ("ok", "1 alive")


def test_an_unwritable_data_directory_is_an_error(
    copyguard, settings: Settings, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path / "missing"

    run = copyguard("check")

    assert run.status == 1
    result, detail = row(run.out, "Data directory")
    assert result == "error"
    assert str(tmp_path / "missing") in detail


def test_deployment_checks_report_what_production_needs(copyguard) -> None:
    run = copyguard("check", "--deploy")

    assert "security.W" in run.out


def test_a_bad_timeout_is_refused_in_one_line(copyguard) -> None:
    line = one_line_error(copyguard("check", "--ping-timeout", "soon"), "check")

    assert "'soon' is not a number of seconds" in line


def test_an_unusable_database_url_is_refused_in_one_line(tmp_path: Path) -> None:
    env = dict(os.environ, DATABASE_URL="bogus://db", COPYGUARD_DATA_DIR=str(tmp_path))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-m", "copyguard.cli", "check"], env=env, capture_output=True, text=True
    )

    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "DATABASE_URL: cannot use 'bogus' URLs" in done.stderr
    assert "Traceback" not in done.stderr
