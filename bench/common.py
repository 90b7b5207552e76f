"""What every benchmark shares: the evaluation material, the machine, and the report.

Material comes from Debian packages (``fortunes``, ``fortunes-zh``, ``bible-kjv``) and from
the running Python's own standard library; :func:`ensure_material` installs the packages
when they are missing and apt is usable, and otherwise stops with the command to run.

Each benchmark prints its table and, unless ``--no-record`` is given, appends a section to
``docs/benchmarks.md`` with the command, the machine and the figures (:func:`record`).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import re
import shlex
import shutil
import socket
import subprocess
import sys
import sysconfig
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "docs" / "benchmarks.md"
FORTUNES = Path("/usr/share/games/fortunes")
ZH_FILES = ("chinese", "tang300", "song100")
PACKAGES = ("fortunes", "fortunes-zh", "bible-kjv")
SEED = 20261201

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_VERSE = re.compile(r"^(\d?[A-Za-z]+)(\d+):(\d+) (.*)$")


class MaterialMissing(SystemExit):
    pass


@dataclass(frozen=True)
class Doc:
    """One piece of evaluation material: a stable name, its language and its text."""

    name: str
    lang: str  # "en", "zh" or "code"
    text: str


def ensure_material() -> None:
    """Install the Debian packages holding the material if missing (root + apt), or stop."""
    missing = [p for p in PACKAGES if not _installed(p)]
    if not missing:
        return
    command = ["apt-get", "install", "-y", "-q", *missing]
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"installing {' '.join(missing)} (evaluation material)", file=sys.stderr)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=False)
        if done.returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, check=False)
            done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=False)
        if done.returncode == 0 and all(_installed(p) for p in missing):
            return
    raise MaterialMissing(
        f"the benchmark needs Debian packages {', '.join(missing)}: run `sudo {shlex.join(command)}`"
    )


def _installed(package: str) -> bool:
    if package == "bible-kjv":
        return shutil.which("bible") is not None
    if package == "fortunes-zh":
        return (FORTUNES / "tang300").exists()
    return (FORTUNES / "fortunes").exists()


def _fortune_entries(path: Path) -> list[str]:
    raw = path.read_text(encoding="utf-8", errors="replace")
    entries = []
    for entry in re.split(r"^%\s*$", _ANSI.sub("", raw), flags=re.M):
        entry = entry.strip("\n")
        if entry.strip():
            entries.append(entry)
    return entries


def fortunes_en() -> list[Doc]:
    """Every English fortune (the ``fortunes`` package, offensive ones are not installed)."""
    ensure_material()
    docs = []
    for path in sorted(FORTUNES.iterdir()):
        if path.suffix or path.is_symlink() or not path.is_file() or path.name in ZH_FILES:
            continue
        for i, entry in enumerate(_fortune_entries(path)):
            docs.append(Doc(f"fortunes/{path.name}/{i}", "en", entry))
    return docs


def fortunes_zh() -> list[Doc]:
    """Every Chinese fortune, Tang poem and Song lyric (``fortunes-zh``)."""
    ensure_material()
    docs = []
    for name in ZH_FILES:
        for i, entry in enumerate(_fortune_entries(FORTUNES / name)):
            docs.append(Doc(f"fortunes-zh/{name}/{i}", "zh", entry))
    return docs


def bible_chapters() -> list[Doc]:
    """The King James Bible (``bible-kjv``), one document per chapter, verses as lines."""
    ensure_material()
    out = subprocess.run(
        ["bible", "-f", "gen1:1-rev22:21"], capture_output=True, check=True, text=True
    ).stdout
    chapters: dict[str, list[str]] = {}
    for line in out.splitlines():
        m = _VERSE.match(line)
        if m:
            chapters.setdefault(f"{m.group(1)}{m.group(2)}", []).append(m.group(4))
        elif line.strip() and chapters:
            next(reversed(chapters.values())).append(line.strip())
    return [Doc(f"kjv/{name}", "en", "\n".join(verses)) for name, verses in chapters.items()]


def books(entries: Sequence[Doc], size: int, prefix: str) -> list[Doc]:
    """Consecutive short entries bound into documents of about ``size`` characters each."""
    docs: list[Doc] = []
    parts: list[str] = []
    length = 0
    for entry in entries:
        parts.append(entry.text)
        length += len(entry.text)
        if length >= size:
            docs.append(Doc(f"{prefix}/{len(docs)}", entry.lang, "\n\n".join(parts)))
            parts, length = [], 0
    if parts:
        docs.append(Doc(f"{prefix}/{len(docs)}", entries[-1].lang, "\n\n".join(parts)))
    return docs


def stdlib_modules(min_lines: int = 80, max_bytes: int = 200_000) -> list[Doc]:
    """The running Python's standard-library modules (tests and generated files left out)."""
    root = Path(sysconfig.get_paths()["stdlib"])
    skip = {"test", "tests", "idle_test", "site-packages", "dist-packages", "__pycache__"}
    docs = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if skip & set(rel.parts) or rel.name.startswith("_pydecimal") or "lib2to3" in rel.parts:
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if len(data) > max_bytes or data.count(b"\n") < min_lines:
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        docs.append(Doc(f"stdlib/{rel.as_posix()}", "code", text))
    return docs


def rng(label: str) -> np.random.Generator:
    """A generator seeded from the fixed seed and a label, so each part draws independently."""
    return np.random.default_rng([SEED, *label.encode("utf-8")])


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{cpu}, {cores} cores{memory}; Python {platform.python_version()}, "
        f"numpy {np.__version__}, {platform.system()} {platform.release()}"
    )


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    def cell(value: object) -> str:
        if isinstance(value, float):
            return f"{value:.3f}"
        return str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def command_line() -> str:
    script = Path(sys.argv[0])
    with contextlib.suppress(ValueError):
        script = script.resolve().relative_to(REPO)
    return shlex.join([".venv/bin/python", str(script), *sys.argv[1:]])


def record(title: str, body: str, args: argparse.Namespace) -> None:
    """Print ``body`` and, unless ``--no-record``, append it to docs/benchmarks.md."""
    print(body)
    if getattr(args, "no_record", False):
        return
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (
        f"\n## {title} — {when}\n\n"
        f"Command: `{command_line()}`  \nMachine: {machine()}\n\n{body.rstrip()}\n"
    )
    if not RESULTS.exists():
        RESULTS.write_text(
            "# Benchmarks\n\nWritten by the scripts in `bench/` (see bench/README.md); each run "
            "appends a section with its command, machine and figures, ours beside the peer's "
            "measured in the same run.\n",
            encoding="utf-8",
        )
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(section)
    print(f"appended to {RESULTS.relative_to(REPO)}", file=sys.stderr)


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument(
        "--quick",
        action="store_true",
        help="a small sample, for checking the script works (figures are not meaningful)",
    )
    p.add_argument(
        "--no-record", action="store_true", help="print only; do not append to docs/benchmarks.md"
    )
    return p


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds the process ``pid`` has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
