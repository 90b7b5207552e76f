"""Schemathesis against the live API, as every role and anonymous: zero 5xx, zero answers
that break the OpenAPI document.

    python -m tests.robustness.run                      # the short pass CI runs
    python -m tests.robustness.run --examples 200 --phases examples,coverage,fuzzing,stateful

The world is the demo data behind ``copyguard serve`` on loopback with a database of its own
(tests.robustness.world); each generated request goes out as one of 25 personas in turn
(tests.robustness.hooks). Two passes: first every operation except the three that can take
a persona's own access away (revoking a token, changing or ending a membership), then those
three, so that a persona does not lose its token half-way through the run. Exit status 0
only when schemathesis found nothing. docs/api-robustness.md describes the run and its
findings.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.robustness.world import REPO_DIR, World, demo_world

__all__ = ["PassResult", "RunResult", "main", "run_passes"]

# Operations whose requests can revoke a persona's own token or end its membership.
ACCOUNT_PATHS = r"^/api/v1/(me/tokens/\{token_id\}|memberships/\{membership_id\})$"

CI_EXAMPLES = 15  # each operation called by 15 of the 25 personas; each persona gets 60%
CI_PHASES = "examples,fuzzing"
# One schemathesis worker by default: with two, Hypothesis (describing a filter with
# Python's ast module) failed once in a run with "AST constructor recursion depth
# mismatch", a thread-safety fault of CPython 3.11.7's ast module, not of the API.
CI_WORKERS = 1

# Statuses a request that matches the schema may get (positive_data_acceptance): 400 and
# 422 too, the API's answers when an action refuses input the schema cannot judge (two
# fields that contradict each other, an id of another organisation's record, a year in the
# future). A 400 about a query or path parameter is still a finding: the check
# parameters_said_by_the_schema (tests.robustness.hooks) catches it. And 415 for a file
# whose bytes are not of a kind the route takes: the document can say only that a file is
# binary, the route reads its kind from its content (copyguard.uploads).
CONFIG = """\
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404", "409", "415", "422", "429"]
"""


@dataclass
class PassResult:
    name: str
    exit_status: int
    seconds: float
    operations: int
    examples: int
    output: str

    @property
    def ok(self) -> bool:
        return self.exit_status == 0


@dataclass
class RunResult:
    world: World
    passes: list[PassResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(p.ok for p in self.passes)

    def summary(self) -> str:
        lines = [
            f"database: {self.world.database}; personas: {len(self.world.personas)} roles "
            f"+ anonymous; world built in {self.world.setup_seconds:.0f}s"
        ]
        for p in self.passes:
            lines.append(
                f"{p.name}: {'ok' if p.ok else 'FAILED'}: {p.operations} operations, "
                f"{p.examples} test cases, {p.seconds:.0f}s"
            )
        return "\n".join(lines)


def _figure(pattern: str, text: str) -> int:
    match = re.search(pattern, text)
    return int(match.group(1)) if match else 0


def _schemathesis(
    world: World,
    name: str,
    path_filter: list[str],
    *,
    examples: int,
    phases: str,
    seed: int | None,
    workers: int,
    work_dir: Path,
    extra: Sequence[str] = (),
) -> PassResult:
    personas_file = work_dir / "personas.json"
    personas_file.write_text(json.dumps(world.personas), encoding="utf-8")
    config = work_dir / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    args = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(config),
        "--no-color",
        "run",
        world.schema_url,
        "--checks",
        "all",
        "--phases",
        phases,
        "--max-examples",
        str(examples),
        "--workers",
        str(workers),
        "--no-shrink",
        "--generation-database",
        "none",
        "--suppress-health-check",
        "all",
        "--request-timeout",
        "60",
        # A slow answer is the load test's business (bench/); here only one that nears
        # the request timeout counts (the default, 10 s, fails on a busy CI machine).
        "--max-response-time",
        "60",
        "--output-truncate",
        "false",
        "--report",
        "junit",
        "--report-dir",
        str(work_dir / f"report-{name}"),
        *path_filter,
        *extra,
    ]
    if seed is not None:
        args += ["--seed", str(seed)]
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.robustness.hooks",
        "COPYGUARD_ROBUSTNESS_PERSONAS": str(personas_file),
        "PYTHONPATH": str(REPO_DIR),
    }
    started = time.monotonic()
    result = subprocess.run(
        args, cwd=work_dir, env=env, capture_output=True, text=True, check=False
    )
    output = result.stdout + result.stderr
    return PassResult(
        name=name,
        exit_status=result.returncode,
        seconds=time.monotonic() - started,
        operations=_figure(r"Tested:\s+(\d+)", output),
        examples=_figure(r"(\d+) generated", output),
        output=output,
    )


def run_passes(
    world: World,
    *,
    examples: int = CI_EXAMPLES,
    phases: str = CI_PHASES,
    seed: int | None = None,
    workers: int = CI_WORKERS,
    extra: Sequence[str] = (),
) -> RunResult:
    """Both passes against ``world``."""
    result = RunResult(world=world)
    with tempfile.TemporaryDirectory(prefix="copyguard-schemathesis-") as tmp:
        work_dir = Path(tmp)
        for name, path_filter in (
            ("operations", ["--exclude-path-regex", ACCOUNT_PATHS]),
            ("account operations", ["--include-path-regex", ACCOUNT_PATHS]),
        ):
            result.passes.append(
                _schemathesis(
                    world,
                    name,
                    path_filter,
                    examples=examples,
                    phases=phases,
                    seed=seed,
                    workers=workers,
                    work_dir=work_dir,
                    extra=extra,
                )
            )
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.robustness.run", description=__doc__)
    parser.add_argument(
        "--examples",
        type=int,
        default=CI_EXAMPLES,
        help="test cases per operation (default: %(default)s, the CI pass)",
    )
    parser.add_argument(
        "--phases",
        default=CI_PHASES,
        help="schemathesis phases: examples, coverage, fuzzing, stateful (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=None, help="schemathesis's random seed")
    parser.add_argument(
        "--workers",
        type=int,
        default=CI_WORKERS,
        help="concurrent schemathesis workers (default: %(default)s, see CI_WORKERS)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="keep the world's data directory here (server.log holds the server's errors)",
    )
    parser.add_argument(
        "schemathesis_args",
        nargs="*",
        help="more `schemathesis run` options, after --",
    )
    args = parser.parse_args(argv)
    with demo_world(keep_dir=args.data_dir) as world:
        result = run_passes(
            world,
            examples=args.examples,
            phases=args.phases,
            seed=args.seed,
            workers=args.workers,
            extra=args.schemathesis_args,
        )
        for p in result.passes:
            print(p.output)
        print(result.summary())
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
