"""The doc parts of service requests name every route, command option and setting (the
integrator appends them to docs/api.md, docs/cli.md and docs/settings.md)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from copyguard.api import api
from copyguard.services.enums import RequestKind
from copyguard.services.management.commands.services import Command

DOCS = Path(__file__).resolve().parents[3] / "docs"
SOURCES = Path(__file__).resolve().parents[1]
# Apps of other areas that live inside this package.
OTHER_APPS = {"checkups", "publicity", "funds", "awards"}
ROUTE = re.compile(r"`(GET|POST|PUT|PATCH|DELETE) (/api/v1/services/[^`\s]*)`")


def _routes() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/v1/services/")
        for method in operations
    }


def test_every_route_is_documented_and_no_other() -> None:
    routes = _routes()
    assert len(routes) >= 15
    documented = set(ROUTE.findall((DOCS / "api-parts" / "services.md").read_text("utf-8")))
    assert routes == documented


def test_every_command_option_is_documented() -> None:
    parser = Command().create_parser("copyguard", "services")
    text = (DOCS / "cli-parts" / "services.md").read_text("utf-8")
    names: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                names.add(name)
                names |= {
                    o for a in sub._actions for o in a.option_strings if o not in ("-h", "--help")
                }
    assert {"overdue", "rules-import", "--replace", "--json"} <= names
    missing = {name for name in names if f"`{name}`" not in text}
    assert not missing


def test_every_setting_read_is_documented() -> None:
    read = set()
    for path in SOURCES.rglob("*.py"):
        parts = path.relative_to(SOURCES).parts
        if "tests" in parts or parts[0] in OTHER_APPS:
            continue
        text = path.read_text("utf-8")
        read |= set(re.findall(r'(?:settings\.|_dates\(\s*")(SERVICE_[A-Z_]+)', text))
    read |= {f"SERVICE_ANSWER_DAYS_{kind.upper()}" for kind in RequestKind.values}
    assert {"SERVICE_HOLIDAYS", "SERVICE_MAX_BYTES", "SERVICE_AUTO_ASSIGN"} <= read
    documented = set(
        re.findall(
            r"^\| `COPYGUARD_(SERVICE_[A-Z_]+)` \|",
            (DOCS / "settings-parts" / "services.md").read_text("utf-8"),
            re.M,
        )
    )
    assert read == documented
