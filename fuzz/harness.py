"""What the targets share: loading a target, running it under atheris, replaying inputs.

A target module (``fuzz/targets/<name>.py``) defines ``TestOneInput(data: bytes)`` and may
name the third-party packages whose coverage should also guide the fuzzer in a literal
``INSTRUMENT = ("pypdf",)``; copyguard itself is always instrumented. ``DJANGO = True``
sets Django up before the instrumented import. The target imports
the code it calls at its top: :func:`fuzz_target` imports it inside atheris's import hook,
so those modules (and whatever they import for the first time) are instrumented.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import io
import logging
import os
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

from fuzz import CORPUS_DIR, REGRESSIONS_DIR, TARGETS_DIR

__all__ = [
    "FuzzedInput",
    "django_setup",
    "fuzz_target",
    "inputs_of",
    "instrumented_packages",
    "load_target",
    "quiet",
    "quieted",
    "replay",
]


def _literal(name: str, variable: str, default: object) -> object:
    """A literal assigned at the top of a target's source, read without importing it (the
    import has to happen inside atheris's hook)."""
    tree = ast.parse((TARGETS_DIR / f"{name}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == variable for t in node.targets
        ):
            return ast.literal_eval(node.value)
    return default


def instrumented_packages(name: str) -> list[str]:
    """``copyguard`` and the packages the target lists in ``INSTRUMENT``."""
    return ["copyguard", *(str(p) for p in _literal(name, "INSTRUMENT", ()))]  # type: ignore[attr-defined]


def quiet() -> None:
    """Libraries' warnings and log lines about bad input are expected here by the thousand:
    silence them (they slow the fuzzer down and bury its own output). For a fuzzing
    process; in a shared one (pytest) use :func:`quieted`."""
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)


@contextlib.contextmanager
def quieted() -> Iterator[None]:
    """:func:`quiet` for the duration of a block, then as before."""
    previous = logging.root.manager.disable
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.disable(logging.CRITICAL)
        try:
            yield
        finally:
            logging.disable(previous)


def django_setup() -> None:
    """Django configured from copyguard.settings, for the API targets (no database is
    touched: the targets parse requests, they do not run views)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copyguard.settings")
    if not os.environ.get("COPYGUARD_DATA_DIR"):
        os.environ["COPYGUARD_DATA_DIR"] = tempfile.mkdtemp(prefix="copyguard-fuzz-data-")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def load_target(name: str) -> ModuleType:
    if name not in _names():
        raise KeyError(f"no fuzz target named {name!r} (see python -m fuzz list)")
    return importlib.import_module(f"fuzz.targets.{name}")


def _names() -> list[str]:
    from fuzz import target_names

    return target_names()


def fuzz_target(name: str, libfuzzer_args: list[str]) -> None:
    """Run one target under libFuzzer (this process ends when the fuzzing does)."""
    import atheris

    quiet()
    if _literal(name, "DJANGO", False):
        # Set up first, uninstrumented: the models and apps Django loads are not what the
        # target exercises, and instrumenting them all makes start-up slow.
        django_setup()
    with atheris.instrument_imports(include=instrumented_packages(name)):
        module = load_target(name)
    atheris.Setup([f"fuzz-{name}", *libfuzzer_args], module.TestOneInput)
    atheris.Fuzz()


def inputs_of(name: str) -> list[Path]:
    """The seed corpus and the regression inputs of a target, sorted."""
    found: list[Path] = []
    for root in (CORPUS_DIR / name, REGRESSIONS_DIR / name):
        if root.is_dir():
            found.extend(sorted(p for p in root.iterdir() if p.is_file() and p.name[0] != "."))
    return found


def replay(name: str, paths: list[Path] | None = None) -> int:
    """Run the target once on each input (no atheris needed); the first crash raises.
    Returns the number of inputs run."""
    test_one_input: Callable[[bytes], None] = load_target(name).TestOneInput
    paths = inputs_of(name) if paths is None else paths
    with quieted():
        for path in paths:
            try:
                test_one_input(path.read_bytes())
            except BaseException as exc:
                exc.add_note(f"fuzz target {name}, input {path}")
                raise
    return len(paths)


class FuzzedInput:
    """A small cursor over the fuzzer's bytes, for targets that need a few choices (a file
    name, a content type) besides the payload. Deterministic: the same bytes give the same
    choices, so a saved crash input replays exactly."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0

    def byte(self) -> int:
        if self.position >= len(self.data):
            return 0
        value = self.data[self.position]
        self.position += 1
        return value

    def choice(self, options: tuple[str, ...] | list[str]) -> str:
        return options[self.byte() % len(options)]

    def chunk(self, limit: int = 255) -> bytes:
        """A length byte, then up to that many bytes (at most ``limit``)."""
        size = min(self.byte(), limit)
        piece = self.data[self.position : self.position + size]
        self.position += len(piece)
        return piece

    def rest(self) -> bytes:
        piece = self.data[self.position :]
        self.position = len(self.data)
        return piece


@contextlib.contextmanager
def no_stderr() -> Iterator[None]:
    """Some decoders print to stderr themselves; keep the fuzzer's output readable."""
    with contextlib.redirect_stderr(io.StringIO()):
        yield


def _main() -> None:  # pragma: no cover - used by the runner's subprocesses
    fuzz_target(sys.argv[1], sys.argv[2:])
