"""The docs name every route of the check-ups API and every option of the command."""

from __future__ import annotations

from pathlib import Path

from copyguard.services.checkups.api import router

DOCS = Path(__file__).resolve().parents[4] / "docs"


def test_every_api_route_is_listed():
    listed = (DOCS / "api-parts" / "checkups.md").read_text(encoding="utf-8")
    routes = set()
    for path, view in router.path_operations.items():
        for operation in view.operations:
            for method in operation.methods:
                routes.add(f"`{method} /api/v1/checkups{path}`")
    assert routes
    for route in routes:
        assert route in listed, route


def test_every_command_option_is_documented():
    text = (DOCS / "cli-parts" / "checkups.md").read_text(encoding="utf-8")
    assert text.startswith("## copyguard checkups")
    for option in (
        "versions", "import", "export", "list", "report", "--enterprise", "--year", "--status",
        "--risk", "--json", "--pdf",
    ):  # fmt: skip
        assert f"`{option}`" in text, option


def test_the_user_docs_state_each_findings_rule():
    text = (DOCS / "services" / "checkups.md").read_text(encoding="utf-8")
    from django.utils import translation

    from copyguard.services.checkups.enums import FindingKind

    with translation.override("en"):
        for kind in FindingKind:
            assert str(kind.label) in text, kind
