"""`copyguard assessment`: import, open, compute, ranking, report; refusals exit 2."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from copyguard.insights.assessment.enums import RoundStatus
from copyguard.insights.assessment.models import AssessmentRound, IndicatorSystem
from copyguard.insights.assessment.testing import make_world, small_system

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("assessment", *args, stdout=out)
    return out.getvalue()


def test_import_open_compute_and_show_from_the_shell(tmp_path: Path) -> None:
    world = make_world()
    source = tmp_path / "system.json"
    data = small_system()
    data["aspects"][0]["tasks"][0]["indicators"][0]["weight"] = "70"
    data["aspects"][0]["tasks"][0]["indicators"][1]["weight"] = "30"
    source.write_text(json.dumps(data), encoding="utf-8")
    assert "version 2 (active)" in run(
        "import", "--province", "440000", "--file", str(source), "--activate"
    )
    assert IndicatorSystem.objects.get(version=2).indicators().get(code="A1.1").weight == 70
    assert "version 2" in run("open", "--province", "440000", "--year", "2025")
    ranking = run("compute", "--province", "440000", "--year", "2025", "--language", "en")
    assert world.cities[0].region_code in ranking and "Fail" in ranking
    report = run(
        "report", "--province", "440000", "--year", "2025", "--city", "440100", "--language", "en"
    )
    assert "A1.2" in report and "No value: 0 points." in report
    exported = tmp_path / "out.json"
    run("export", "--province", "440000", "--output", str(exported))
    assert (
        json.loads(exported.read_text())["aspects"][0]["tasks"][0]["indicators"][0]["weight"]
        == "70.00"
    )
    run("publish", "--province", "440000", "--year", "2025")
    assert AssessmentRound.objects.get().status == RoundStatus.PUBLISHED


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ranking", "--province", "999999", "--year", "2025"], "No administration"),
        (["ranking", "--province", "440000", "--year", "2025"], "no round"),
        (["import", "--province", "440000", "--file", "/nonexistent.json"], "not a file"),
        (["publish", "--province", "440000", "--year", "1999"], "no round"),
    ],
)
def test_refusals_are_one_line(args: list[str], message: str) -> None:
    make_world()
    with pytest.raises(CommandError, match=message) as error:
        run(*args)
    assert error.value.returncode == 2


def test_a_malformed_file_is_refused(tmp_path: Path) -> None:
    make_world()
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        run("import", "--province", "440000", "--file", str(bad))
    bad.write_text(json.dumps({"name": "x"}), encoding="utf-8")
    with pytest.raises(CommandError):
        run("import", "--province", "440000", "--file", str(bad))
