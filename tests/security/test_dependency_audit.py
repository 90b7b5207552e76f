"""The dependency audit step: its reviewed ignore list is well-formed (every entry has a
reason), a bad list is refused, and a vulnerability service that answers nothing is
reported as unavailable, never as a clean audit."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


def audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "audit_dependencies", REPO / "scripts" / "audit_dependencies.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_committed_ignore_list_is_well_formed() -> None:
    ignored = audit().read_ignore_list()
    assert all(len(reason) >= 10 for reason in ignored.values())


def test_an_entry_without_a_reason_is_refused(tmp_path: Path) -> None:
    module = audit()
    path = tmp_path / "ignore.txt"
    path.write_text("# comment\nPYSEC-2024-1 # the function is not used by copyguard\n")
    assert module.read_ignore_list(path) == {
        "PYSEC-2024-1": "the function is not used by copyguard"
    }
    path.write_text("GHSA-aaaa-bbbb-cccc\n")
    with pytest.raises(module.BadIgnoreList, match="needs a reason"):
        module.read_ignore_list(path)
    path.write_text("django # too broad, not an id\n")
    with pytest.raises(module.BadIgnoreList, match="not a vulnerability id"):
        module.read_ignore_list(path)


def test_a_service_that_cannot_look_up_the_canary_is_unavailable(
    monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """What this machine's PyPI answers (404 for every version page): pip-audit itself then
    says "No known vulnerabilities found" and exits 0; the script says UNAVAILABLE, exit 3."""
    module = audit()

    def answers_nothing(service: str, requirements: list[Path], ignored: dict[str, str]) -> dict:
        names = [line.split("==")[0] for path in requirements for line in path.read_text().split()]
        reason = "Dependency not found on PyPI and could not be audited"
        return {
            "dependencies": [{"name": n, "skip_reason": reason} for n in names],
            "_stderr": [],
            "_command": "",
        }

    monkeypatch.setattr(module, "pip_audit", answers_nothing)
    assert module.main([]) == 3
    out = capsys.readouterr().out
    assert "UNAVAILABLE" in out and "pip-audit --disable-pip --no-deps" in out


def test_a_finding_fails_the_audit(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    module = audit()

    def finds_one(service: str, requirements: list[Path], ignored: dict[str, str]) -> dict:
        vuln = {"id": "PYSEC-2099-1", "fix_versions": ["9.9"]}
        return {"dependencies": [{"name": "django", "version": "3.2.0", "vulns": [vuln]}]}

    monkeypatch.setattr(module, "pip_audit", finds_one)
    assert module.main([]) == 1
    assert "FINDING django==3.2.0: PYSEC-2099-1" in capsys.readouterr().out


def test_scripts_test_runs_the_audit_and_never_counts_unavailable_as_ok() -> None:
    script = (REPO / "scripts" / "test").read_text(encoding="utf-8")
    assert "scripts/audit_dependencies.py" in script
    assert 'RESULTS+=("UNAVAILABLE' in script
