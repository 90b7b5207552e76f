"""`copyguard --help` and dispatch to Django's management commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

from copyguard.cli import COMMANDS
from tests.cli.conftest import one_line_error

PROJECT_COMMANDS = [
    "serve", "demo", "worker", "migrate", "createorg", "createuser", "createtoken", "works",
    "check",
    "loaddemo", "match", "ledger", "scan", "scan-corpus", "monitor", "takedowns", "thresholds",
    "campaigns", "cooperation", "statistics", "assessment", "services", "checkups", "publicity",
    "funds", "awards", "backup", "restore",
]  # fmt: skip


def test_help_lists_every_project_command_with_a_line_of_help(copyguard) -> None:
    run = copyguard("--help")

    assert run.status == 0
    assert list(COMMANDS) == PROJECT_COMMANDS
    lines = run.out.splitlines()
    for name in PROJECT_COMMANDS:
        line = next((line for line in lines if line.split()[:1] == [name]), None)
        assert line is not None, f"{name} is not listed"
        with translation.override("en"):  # the command line speaks English, as Django's does
            assert str(COMMANDS[name]).split()[0] in line
    assert "Every Django management command is also available" in run.out
    assert "Usage: copyguard <command> [options]" in run.out


def test_no_arguments_and_help_show_the_same_help(copyguard) -> None:
    assert copyguard().out == copyguard("--help").out == copyguard("help").out


def test_help_of_a_command_of_the_command_line_lists_its_options(copyguard) -> None:
    run = copyguard("help", "serve")

    assert run.status == 0
    for option in ("--host", "--port", "--threads"):
        assert option in run.out


def test_help_of_a_management_command_comes_from_django(copyguard) -> None:
    run = copyguard("createorg", "--help")

    assert run.status == 0
    assert "--parent-region" in run.out


def test_django_lists_every_command_including_the_projects(copyguard) -> None:
    run = copyguard("help", "--commands")

    assert run.status == 0
    listed = set(run.out.split())
    assert {"worker", "createorg", "createuser", "migrate", "shell", "createsuperuser"} <= listed


@pytest.mark.django_db(transaction=True)
def test_any_django_command_runs_through_copyguard(copyguard) -> None:
    run = copyguard("showmigrations", "jobs")

    assert run.status == 0
    assert "[X] 0001_initial" in run.out


def test_an_unknown_command_is_refused_in_one_line(copyguard) -> None:
    run = copyguard("frobnicate")

    assert run.status == 2
    assert run.err.strip() == (
        "copyguard: error: unknown command 'frobnicate'; copyguard --help lists the commands"
    )


def test_a_bad_option_of_a_command_line_command_is_refused_in_one_line(copyguard) -> None:
    line = one_line_error(copyguard("serve", "--port", "70000"), "serve")

    assert "70000 is not between 1 and 65535" in line


def test_the_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("copyguard")

    done = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, timeout=60, check=False
    )

    assert done.returncode == 0, done.stderr
    assert "loaddemo" in done.stdout


def test_it_leaves_the_active_language_as_it_found_it(copyguard) -> None:
    with translation.override("zh-hans"):
        copyguard("--help")

        assert translation.get_language() == "zh-hans"
