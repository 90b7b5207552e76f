"""docs/cli.md documents every command of the project and every one of their options."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

from copyguard.cli import CLI_PARSERS, COMMANDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
# Options Django gives every management command; documented once, in their own section.
DJANGO_COMMON = {
    "-h", "--help", "--version", "-v", "--verbosity", "--settings", "--pythonpath",
    "--traceback", "--no-color", "--force-color", "--skip-checks",
}  # fmt: skip
HEADING = re.compile(r"^## (.+)$", re.MULTILINE)


def parser_of(name: str) -> argparse.ArgumentParser:
    if name in CLI_PARSERS:
        return CLI_PARSERS[name]()
    command = load_command_class(get_commands()[name], name)
    return command.create_parser("copyguard", name)


def _actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The parser's actions and those of its sub-commands (``takedowns check --notice``)."""
    found = list(parser._actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _actions(sub)
    return found


def options_of(name: str) -> set[str]:
    return {
        option
        for action in _actions(parser_of(name))
        for option in action.option_strings
        if option not in DJANGO_COMMON
    }


def sections() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    found = list(HEADING.finditer(text))
    return {
        match.group(1).strip(): text[
            match.end() : found[i + 1].start() if i + 1 < len(found) else None
        ]
        for i, match in enumerate(found)
    }


def test_the_commands_have_options_to_check() -> None:
    # Guards the tests below against passing on parsers that found nothing.
    assert {"--host", "--port", "--threads"} <= options_of("serve")
    assert {"--parent-region", "--type"} <= options_of("createorg")
    assert {"--worker-id", "--batch"} <= options_of("worker")


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_a_section(name: str) -> None:
    assert f"copyguard {name}" in sections(), f"docs/cli.md has no '## copyguard {name}'"


@pytest.mark.parametrize(
    ("name", "option"),
    sorted((name, option) for name in COMMANDS for option in options_of(name)),
)
def test_every_option_is_documented_in_its_commands_section(name: str, option: str) -> None:
    section = sections().get(f"copyguard {name}", "")
    # A sub-command's option may be written with its sub-command: `verify --key-id`.
    documented = re.search(rf"`(?:[a-z-]+ )?{re.escape(option)}`", section)
    assert documented, f"copyguard {name} {option} is missing from docs/cli.md"


def test_the_options_every_django_command_takes_are_documented() -> None:
    section = sections()["Options every Django command takes"]
    for option in DJANGO_COMMON:
        assert f"`{option}`" in section, option


def test_the_docs_describe_no_command_the_project_does_not_have() -> None:
    documented = {title.split()[1] for title in sections() if title.startswith("copyguard ")}
    assert documented == set(COMMANDS)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_docs_name_no_option_a_command_does_not_have(name: str) -> None:
    section = sections()[f"copyguard {name}"]
    rows = re.findall(r"^\| (`(?:[a-z-]+ )?--[^|]*)\|", section, re.MULTILINE)
    named = {option for row in rows for option in re.findall(r"`(?:[a-z-]+ )?(--[a-z-]+)`", row)}
    assert named <= options_of(name), named - options_of(name)
