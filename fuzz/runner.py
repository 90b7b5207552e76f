"""Running targets under libFuzzer, each in a process of its own, and reading their stats.

Every target gets a work directory (``<work>/<name>/``): ``corpus/`` receives the inputs
the fuzzer found interesting (the seed corpus in fuzz/corpus/<name>/ is only read), crash
inputs land in ``artifacts/`` (``crash-…``, ``timeout-…``, ``oom-…``), and ``log`` keeps
libFuzzer's output. A crash stops that target; the others still run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from fuzz import CORPUS_DIR, FUZZ_DIR, target_names

__all__ = ["TargetRun", "run_target", "run_targets", "summary_table"]

#: A single input taking longer than this is a hang (libFuzzer -timeout).
INPUT_TIMEOUT_SECONDS = 20
#: Memory of one fuzzing process past which an input is a memory blow-up (libFuzzer
#: -rss_limit_mb; the interpreter with the media libraries loaded takes ~300 MB).
RSS_LIMIT_MB = 2048
#: Largest input the fuzzer makes up (seed files may be larger).
MAX_LEN = 65536
#: Past its fuzzing time, a target's process is stopped after this long (start-up with
#: instrumentation takes a minute or more on a loaded machine; libFuzzer's -timeout
#: cannot fire while a C call holds the interpreter).
STARTUP_GRACE_SECONDS = 600
_ARTIFACT = re.compile(r"^(crash|timeout|oom|leak|slow-unit)-")


@dataclass
class TargetRun:
    name: str
    seconds: float  # wall-clock, start-up included
    returncode: int
    executions: int = 0
    execs_per_second: int = 0
    coverage: int = 0  # libFuzzer's "cov:" (instrumented edges reached)
    features: int = 0
    corpus: int = 0  # inputs in the working corpus at the end
    peak_rss_mb: int = 0
    artifacts: list[Path] = field(default_factory=list)
    log: Path | None = None

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.artifacts

    def reproduce(self) -> str:
        if not self.artifacts:
            return ""
        return f"python -m fuzz one {self.name} {self.artifacts[0]}"


def _stat(text: str, name: str) -> int:
    found = re.findall(rf"stat::{name}:\s*(\d+)", text)
    return int(found[-1]) if found else 0


def _progress(text: str) -> tuple[int, int, int]:
    """cov, ft and corp of libFuzzer's last progress line."""
    cov = re.findall(r"cov: (\d+)", text)
    ft = re.findall(r"ft: (\d+)", text)
    corp = re.findall(r"corp: (\d+)", text)
    return tuple(int(v[-1]) if v else 0 for v in (cov, ft, corp))  # type: ignore[return-value]


def run_target(
    name: str,
    seconds: int,
    work: Path,
    *,
    extra_args: list[str] | None = None,
    timeout: int = INPUT_TIMEOUT_SECONDS,
    rss_limit_mb: int = RSS_LIMIT_MB,
) -> TargetRun:
    """Fuzz ``name`` for ``seconds`` (the fuzzing itself; start-up and the seed corpus's
    first pass come on top, within a grace period)."""
    directory = work / name
    corpus = directory / "corpus"
    artifacts = directory / "artifacts"
    corpus.mkdir(parents=True, exist_ok=True)
    artifacts.mkdir(parents=True, exist_ok=True)
    before = {p.name for p in artifacts.iterdir()}
    log = directory / "log"
    command = [
        sys.executable,
        "-m",
        "fuzz",
        "one",
        name,
        f"-max_total_time={seconds}",
        f"-timeout={timeout}",
        f"-rss_limit_mb={rss_limit_mb}",
        f"-max_len={MAX_LEN}",
        f"-artifact_prefix={artifacts}/",
        "-print_final_stats=1",
        *(extra_args or []),
        str(corpus),
    ]
    seeds = CORPUS_DIR / name
    if seeds.is_dir():
        command.append(str(seeds))
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(FUZZ_DIR.parent), env.get("PYTHONPATH", "")) if p
    )
    started = time.monotonic()
    with open(log, "wb") as output:
        try:
            process = subprocess.run(
                command,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=FUZZ_DIR.parent,
                env=env,
                timeout=seconds + STARTUP_GRACE_SECONDS,
                check=False,
            )
            returncode = process.returncode
        except subprocess.TimeoutExpired:
            returncode = -9
    elapsed = time.monotonic() - started
    text = log.read_text(encoding="utf-8", errors="replace")
    cov, ft, corp = _progress(text)
    found = sorted(
        p for p in artifacts.iterdir() if p.name not in before and _ARTIFACT.match(p.name)
    )
    return TargetRun(
        name=name,
        seconds=elapsed,
        returncode=returncode,
        executions=_stat(text, "number_of_executed_units"),
        execs_per_second=_stat(text, "average_exec_per_sec"),
        coverage=cov,
        features=ft,
        corpus=corp,
        peak_rss_mb=_stat(text, "peak_rss_mb"),
        artifacts=found,
        log=log,
    )


def run_targets(
    names: list[str] | None,
    seconds: int,
    work: Path,
    *,
    jobs: int = 1,
    extra_args: list[str] | None = None,
    report: bool = True,
) -> list[TargetRun]:
    """Run the targets (all when ``names`` is empty), ``jobs`` at a time."""
    chosen = names or target_names()
    unknown = sorted(set(chosen) - set(target_names()))
    if unknown:
        raise KeyError(f"no fuzz target named {', '.join(unknown)} (see python -m fuzz list)")

    def one(name: str) -> TargetRun:
        result = run_target(name, seconds, work, extra_args=extra_args)
        if report:
            state = "ok" if result.ok else f"CRASH ({result.reproduce()})"
            print(
                f"{name:<14} {result.executions:>9} runs  {result.execs_per_second:>6}/s  "
                f"cov {result.coverage:>6}  {state}",
                flush=True,
            )
        return result

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, chosen))


def summary_table(results: list[TargetRun], seconds: int) -> str:
    """A Markdown table of the runs, for docs/fuzzing.md."""
    lines = [
        "| target | seconds fuzzed | runs | runs/s | coverage (edges) | corpus | peak RSS MB "
        "| result |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        state = "ok" if r.ok else f"crash: {r.artifacts[0].name if r.artifacts else r.returncode}"
        lines.append(
            f"| {r.name} | {seconds} | {r.executions} | {r.execs_per_second} | {r.coverage} "
            f"| {r.corpus} | {r.peak_rss_mb} | {state} |"
        )
    return "\n".join(lines)
