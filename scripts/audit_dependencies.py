"""Dependency audit: pip-audit over the pinned requirements, with a reviewed ignore list.

    .venv/bin/python scripts/audit_dependencies.py

1. The ignore list (requirements/pip-audit-ignore.txt) is read: one vulnerability id a
   line, each with its reason after ``#``; a line without a reason is an error.
2. Each vulnerability service (PyPI's JSON API, then OSV) is asked about a canary pin known
   to be vulnerable (Django 3.2.0). A service that finds nothing there, or cannot look it up,
   is not answering usefully: a "No known vulnerabilities found" from it would be empty.
3. With a working service, every pin of requirements/{base,test,bench}.txt is audited
   (``--no-deps``: the files pin everything). Exit 1 on any finding not ignored, or on any
   pin the service could not look up (it was not audited).

Exit status: 0 clean; 1 findings (or pins not audited); 2 bad ignore list; 3 no vulnerability
service answers here: the script says so and prints the command it would have run.
scripts/test shows exit 3 as UNAVAILABLE (never as ok), and as a failure when
COPYGUARD_AUDIT_REQUIRED=1 (set it where CI has a network).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REQUIREMENTS = [REPO / "requirements" / name for name in ("base.txt", "test.txt", "bench.txt")]
IGNORE_FILE = REPO / "requirements" / "pip-audit-ignore.txt"
SERVICES = ("pypi", "osv")
CANARY = "django==3.2.0"  # dozens of published advisories: a working service finds them
_ID = re.compile(r"^(PYSEC|GHSA|CVE|OSV)-[\w-]+$")


class BadIgnoreList(ValueError):
    pass


def read_ignore_list(path: Path = IGNORE_FILE) -> dict[str, str]:
    """{vulnerability id: reason}; BadIgnoreList names the first bad line."""
    ignored: dict[str, str] = {}
    if not path.exists():
        return ignored
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        vuln, _, reason = text.partition("#")
        vuln, reason = vuln.strip(), reason.strip()
        if not _ID.match(vuln):
            raise BadIgnoreList(f"{path.name}:{number}: {vuln!r} is not a vulnerability id")
        if len(reason) < 10:
            raise BadIgnoreList(f"{path.name}:{number}: {vuln} needs a reason after '#'")
        ignored[vuln] = reason
    return ignored


def pip_audit(service: str, requirements: list[Path], ignored: dict[str, str]) -> dict:
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "--disable-pip",
        "--no-deps",
        "--progress-spinner",
        "off",
        "--vulnerability-service",
        service,
        "--format",
        "json",
        "--timeout",
        "20",
    ]
    for requirement in requirements:
        command += ["-r", str(requirement)]
    for vuln in ignored:
        command += ["--ignore-vuln", vuln]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    try:
        report: dict = json.loads(done.stdout or "{}")
    except json.JSONDecodeError:
        report = {}
    report["_stderr"] = done.stderr.strip().splitlines()[-3:]
    report["_command"] = " ".join(command[2:])
    return report


def service_works(service: str) -> tuple[bool, str]:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as canary:
        canary.write(CANARY + "\n")
    try:
        report = pip_audit(service, [Path(canary.name)], {})
    finally:
        Path(canary.name).unlink()
    dependencies = report.get("dependencies", [])
    if not dependencies:
        return False, "no answer (" + " ".join(report["_stderr"]) + ")"
    canary_entry = dependencies[0]
    if canary_entry.get("skip_reason"):
        return False, canary_entry["skip_reason"]
    if not canary_entry.get("vulns"):
        return False, f"it reports no advisory for {CANARY}, which has dozens"
    return True, f"{len(canary_entry['vulns'])} advisories for the canary {CANARY}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    try:
        ignored = read_ignore_list()
    except BadIgnoreList as exc:
        print(f"pip-audit ignore list: {exc}", file=sys.stderr)
        return 2
    print(f"ignore list: {len(ignored)} reviewed entr{'y' if len(ignored) == 1 else 'ies'}")
    pins = sum(
        1
        for path in REQUIREMENTS
        for line in path.read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.lstrip().startswith("#")
    )
    for service in SERVICES:
        works, why = service_works(service)
        print(f"vulnerability service {service}: {'answers' if works else 'unusable'}: {why}")
        if not works:
            continue
        report = pip_audit(service, REQUIREMENTS, ignored)
        found = [
            (dep["name"], dep["version"], vuln["id"], vuln.get("fix_versions", []))
            for dep in report.get("dependencies", [])
            for vuln in dep.get("vulns", [])
        ]
        skipped = [dep for dep in report.get("dependencies", []) if dep.get("skip_reason")]
        for name, version, vuln, fixes in found:
            fix = ", ".join(fixes) or "no fixed version yet"
            print(f"  FINDING {name}=={version}: {vuln} (fixed in: {fix})")
        for dep in skipped:
            print(f"  NOT AUDITED {dep['name']}: {dep['skip_reason']}")
        audited = len(report.get("dependencies", [])) - len(skipped)
        print(
            f"pip-audit ({service}): {audited} pins audited of {pins}, {len(found)} findings, "
            f"{len(skipped)} not audited, {len(ignored)} ignored as reviewed"
        )
        return 1 if found or skipped or not audited else 0
    print(
        "UNAVAILABLE: no vulnerability service answers from this machine, so no dependency "
        f"was audited. It would run, for the {pins} pins:\n"
        "  pip-audit --disable-pip --no-deps --vulnerability-service pypi "
        + " ".join(f"-r {p.relative_to(REPO)}" for p in REQUIREMENTS)
        + "".join(f" --ignore-vuln {vuln}" for vuln in ignored)
        + "\nand fail on any finding. Run this script where pypi.org's JSON API "
        "(per-version pages) or api.osv.dev can be reached."
    )
    return 3


if __name__ == "__main__":
    sys.exit(main())
