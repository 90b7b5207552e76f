"""`copyguard thresholds list|show|import|export`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from copyguard.enforcement.models import ThresholdTable

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("thresholds", *args, stdout=out)
    return out.getvalue()


def test_list_and_show_the_seeded_table() -> None:
    listing = run("list")
    assert "2011-01-10" in listing and "in force" in listing
    shown = run("show")
    assert "clicks" in shown and "50000" in shown and "2011 Opinions art. 13 (3)" in shown


def test_export_then_import_as_a_new_version(tmp_path) -> None:
    data = json.loads(run("export"))
    assert len(data["rules"]) == 14
    data["effective_from"] = "2031-05-01"
    data["name_en"] = "Next version"
    data["rules"][0]["amount"] = "45000"
    path = tmp_path / "table.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert "14 thresholds" in run("import", str(path))
    table = ThresholdTable.objects.get(name_en="Next version")
    assert table.created_by is None and table.rules.count() == 14
    assert "future" in run("list")
    # The same date again is refused, with nothing stored.
    with pytest.raises(CommandError, match="already takes effect"):
        run("import", str(path))
    assert ThresholdTable.objects.count() == 2


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '{"name": "x"}'])
def test_bad_files_are_refused(tmp_path, content) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError):
        run("import", str(path))
    assert ThresholdTable.objects.count() == 1


def test_missing_file_and_unknown_table() -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        run("import", "/nonexistent/file.json")
    with pytest.raises(CommandError, match="No threshold table has id"):
        run("show", "9999")
