"""Print the permission matrix, summarised per area, as Markdown (for docs/permissions.md).

    COPYGUARD_DATA_DIR=/tmp/x .venv/bin/python -m tests.security.matrix_docs

Read from the expectations file, not from the code: it is what the matrix test holds the
code to."""

from __future__ import annotations

import os


def _area(key: str) -> str:
    if " " in key:
        parts = key.split(" ", 1)[1].split("/")
        return "API " + (parts[3] if len(parts) > 3 else "")
    return key.split(":")[0] if ":" in key else "other"


def _cell(text: str) -> str:
    """Text for a table cell: a rule's alternatives are joined by "|", which would end it."""
    return text.replace("|", "\\|")


def table() -> str:
    from tests.security.matrix_routes import all_routes, entry_for
    from tests.security.permissions import EXPECTATIONS

    rows: dict[str, list[str]] = {}
    routes = all_routes()
    covered: dict[str, list[str]] = {}
    for route in routes:
        pattern = entry_for(route.key, EXPECTATIONS)
        if pattern is not None and pattern.endswith("*"):
            covered.setdefault(pattern, []).append(route.key)
            continue
        if pattern is None:
            continue
        entry = EXPECTATIONS[pattern]
        if entry.sample:
            obj = entry.sample
        elif set(route.params) - set(entry.args):
            obj = "not sampled: an id nothing has (404 for all)"
        else:
            obj = ""
        rows.setdefault(_area(route.key), []).append(
            f"| `{route.key}` | {_cell(entry.rule.text)} | {obj} | {_cell(entry.note)} |"
        )
    out: list[str] = []
    for area in sorted(rows):
        out += [
            f"\n#### {area}\n",
            "| route | who gets in | object tried | note |",
            "|---|---|---|---|",
            *rows[area],
        ]
    for pattern, keys in covered.items():
        entry = EXPECTATIONS[pattern]
        out.append(f"\n`{pattern}` ({len(keys)} routes): {entry.rule.text}.")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copyguard.settings")
    import django

    django.setup()
    print(table())
