"""``python -m fuzz``: run the fuzz targets, replay inputs, write the seed corpora.

    python -m fuzz list
    python -m fuzz run [--seconds N] [--jobs J] [--work DIR] [TARGET...]
    python -m fuzz replay [TARGET...]          # corpus and regression inputs, no atheris
    python -m fuzz one TARGET [LIBFUZZER-ARGS...] [CORPUS-DIR | INPUT-FILE...]
    python -m fuzz corpus                      # (re)write fuzz/corpus/ from real libraries

``run`` exits 1 when any target crashed, naming the input and the command that replays it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from fuzz import target_names


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["one"]:
        # libFuzzer parses its own flags: hand them over untouched.
        if len(argv) < 2:
            print("usage: python -m fuzz one TARGET [LIBFUZZER-ARGS...]", file=sys.stderr)
            return 2
        from fuzz.harness import fuzz_target

        fuzz_target(argv[1], argv[2:])
        return 0
    parser = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="the targets")
    run = commands.add_parser("run", help="fuzz targets for a set time each")
    run.add_argument("--seconds", type=int, default=60, help="fuzzing time per target")
    run.add_argument("--jobs", type=int, default=1, help="targets at a time")
    run.add_argument("--work", type=Path, help="work directory (default: a new temporary one)")
    run.add_argument("--table", action="store_true", help="print a Markdown table at the end")
    run.add_argument("targets", nargs="*", metavar="TARGET")
    replay = commands.add_parser("replay", help="run the corpus and regression inputs once")
    replay.add_argument("targets", nargs="*", metavar="TARGET")
    commands.add_parser("corpus", help="write the seed corpora from real libraries")
    args = parser.parse_args(argv)

    if args.command == "list":
        print("\n".join(target_names()))
        return 0
    if args.command == "corpus":
        from fuzz.make_corpus import write_corpora

        for name, count in write_corpora().items():
            print(f"{name:<14} {count} seed files")
        return 0
    if args.command == "replay":
        from fuzz.harness import replay as replay_target

        for name in args.targets or target_names():
            print(f"{name:<14} {replay_target(name)} inputs replayed", flush=True)
        return 0
    from fuzz.runner import run_targets, summary_table

    if args.seconds < 1:
        parser.error("--seconds must be at least 1")
    work = args.work or Path(tempfile.mkdtemp(prefix="copyguard-fuzz-"))
    print(f"work directory: {work}", flush=True)
    try:
        results = run_targets(args.targets, args.seconds, work, jobs=args.jobs)
    except KeyError as exc:
        parser.error(str(exc.args[0]))
    if args.table:
        print(summary_table(results, args.seconds))
    crashed = [r for r in results if not r.ok]
    for result in crashed:
        print(f"{result.name}: crashed (exit {result.returncode}); log {result.log}")
        for artifact in result.artifacts:
            print(f"  input {artifact}\n  replay: python -m fuzz one {result.name} {artifact}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
