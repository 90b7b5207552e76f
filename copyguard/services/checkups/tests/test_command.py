"""`copyguard checkups`: versions, import (refused documents: one line, exit 2, nothing
stored), export, list, report as text, JSON and PDF."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from copyguard.services.checkups.models import Questionnaire
from copyguard.services.checkups.testing import submitted_checkup

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("checkups", *args, stdout=out)
    return out.getvalue()


def test_export_then_import_as_a_new_version(tmp_path: Path, world):
    document = json.loads(_run("export"))
    assert document["version"] == 1
    document["version"] = 3
    document["areas"][0]["weight"] = "3"
    path = tmp_path / "v3.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert "Imported questionnaire version 3" in _run("import", str(path))
    assert Questionnaire.objects.current().version == 3
    versions = _run("versions")
    assert "3" in versions and "18" in versions
    with pytest.raises(CommandError) as caught:
        _run("import", str(path))
    assert "exists already" in str(caught.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"version": 4}', "actions: must be a list"),
        ("[]", "object"),
    ],
)
def test_a_bad_file_is_refused_in_one_line(tmp_path: Path, world, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        _run("import", str(path))
    assert message in str(caught.value) and caught.value.returncode == 2
    assert Questionnaire.objects.count() == 1


def test_a_missing_file_is_refused(world):
    with pytest.raises(CommandError):
        _run("import", "/nonexistent/file.json")
    with pytest.raises(CommandError):
        _run("export", "42")


def test_list_and_report(tmp_path: Path, world):
    last = submitted_checkup(world.holder, 2024, best=False)
    this = submitted_checkup(world.holder, 2025)
    listing = _run("list", "--risk", "severe")
    assert str(last.pk) in listing and "Alpha Press" in listing and "2025" not in listing
    data = json.loads(_run("report", str(this.pk), "--json"))
    assert data["overall_score"] == str(this.overall_score)
    assert data["previous_year"] == 2024
    assert data["overall_change"] == str(this.overall_score - last.overall_score)
    text = _run("report", str(this.pk))
    assert f"{this.overall_score} / 100" in text
    pdf = tmp_path / "r.pdf"
    assert "Wrote" in _run("report", str(this.pk), "--pdf", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError):
        _run("report", "999999")
