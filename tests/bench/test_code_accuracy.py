"""The code benchmark: its transformations give valid, changed Python, and it runs."""

from __future__ import annotations

import ast
import io
import random
import sysconfig
import tokenize
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from bench import code_accuracy, codegen
from bench.common import Doc

STDLIB = Path(sysconfig.get_paths()["stdlib"])
MODULES = ["textwrap.py", "json/encoder.py", "shlex.py", "calendar.py", "tkinter/ttk.py"]


@pytest.fixture(params=MODULES)
def source(request: pytest.FixtureRequest) -> str:
    return (STDLIB / request.param).read_text(encoding="utf-8")


def _functions(src: str) -> Counter[str]:
    """Every function definition (with its body), wherever it is, ignoring positions."""
    tree = ast.parse(src)
    return Counter(
        ast.dump(n, include_attributes=False)
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    )


def _names(src: str) -> list[str]:
    return [
        t.string
        for t in tokenize.generate_tokens(io.StringIO(src).readline)
        if t.type == tokenize.NAME
    ]


@pytest.mark.parametrize(
    "transform",
    ["rename", "reformat", "strip_comments", "add_comments", "reorder", "combined", "excerpt"],
)
def test_every_transformation_gives_valid_python_that_differs(source: str, transform: str) -> None:
    out = getattr(codegen, transform)(source, random.Random(7))
    assert out is not None
    ast.parse(out)
    assert out != source


def test_renaming_is_consistent(source: str) -> None:
    renamed = codegen.rename(source, random.Random(3))
    before, after = _names(source), _names(renamed)
    assert len(before) == len(after)
    new_for: defaultdict[str, set[str]] = defaultdict(set)
    old_for: defaultdict[str, set[str]] = defaultdict(set)
    for old, new in zip(before, after, strict=True):
        new_for[old].add(new)
        old_for[new].add(old)
    # A name becomes one new name (an attribute of another object may keep the old one) ...
    assert all(len(news - {old}) <= 1 for old, news in new_for.items())
    # ... and no two names become the same one.
    assert all(len(olds) == 1 for olds in old_for.values())
    defined = {n.name for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef)}
    kept = {n.name for n in ast.walk(ast.parse(renamed)) if isinstance(n, ast.FunctionDef)}
    assert {n for n in defined if not n.startswith("__")} - kept, "functions were renamed"


def test_reformatting_keeps_the_syntax_tree(source: str) -> None:
    out = codegen.reformat(source, random.Random(5))
    assert ast.dump(ast.parse(out)) == ast.dump(ast.parse(source))


def test_reordering_keeps_the_same_functions_in_another_order(source: str) -> None:
    out = codegen.reorder(source, random.Random(11))
    assert _functions(out) == _functions(source)
    order = [n.name for n in ast.parse(out).body if isinstance(n, ast.FunctionDef | ast.ClassDef)]
    original = [
        n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef | ast.ClassDef)
    ]
    methods = [
        [m.name for m in c.body if isinstance(m, ast.FunctionDef)]
        for c in ast.walk(ast.parse(out))
        if isinstance(c, ast.ClassDef)
    ]
    methods_before = [
        [m.name for m in c.body if isinstance(m, ast.FunctionDef)]
        for c in ast.walk(ast.parse(source))
        if isinstance(c, ast.ClassDef)
    ]
    assert order != original or methods != methods_before


def test_comment_removal_leaves_no_comment_or_docstring(source: str) -> None:
    out = codegen.strip_comments(source)
    tokens = tokenize.generate_tokens(io.StringIO(out).readline)
    assert not [t for t in tokens if t.type == tokenize.COMMENT]
    for node in ast.walk(ast.parse(out)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef):
            assert ast.get_docstring(node) is None


def test_comment_addition_adds_comments_and_changes_no_code(source: str) -> None:
    out = codegen.add_comments(source, random.Random(2))

    def comments(src: str) -> int:
        tokens = tokenize.generate_tokens(io.StringIO(src).readline)
        return sum(t.type == tokenize.COMMENT for t in tokens)

    assert comments(out) > comments(source)
    assert ast.dump(ast.parse(codegen.strip_comments(out))) == ast.dump(
        ast.parse(codegen.strip_comments(source))
    )


def test_an_excerpt_is_a_contiguous_run_of_original_lines(source: str) -> None:
    out = codegen.excerpt(source, random.Random(4), min_lines=40, max_lines=150)
    assert out is not None
    lines = out.splitlines(keepends=True)
    assert 40 <= codegen.code_lines(out)[-1] <= 155  # lines of code (a class line may lead)
    assert "".join(lines[-40:]) in source


def test_a_merge_holds_the_units_of_every_part() -> None:
    a = (STDLIB / "textwrap.py").read_text(encoding="utf-8")
    b = (STDLIB / "shlex.py").read_text(encoding="utf-8")
    rng = random.Random(9)
    parts = [codegen.pick_units(a, rng, 40), codegen.pick_units(b, rng, 40)]
    assert all(sum(u.lines for u in p) >= 40 for p in parts)  # lines of code
    out = codegen.merge(parts, codegen.imports(a) + codegen.imports(b), rng)
    ast.parse(out)
    for part in parts:
        for unit in part:
            assert unit.text.rstrip("\n") in out


def test_lines_of_code_leave_out_blank_lines_comments_and_docstrings() -> None:
    src = 'def f(a):\n    """Doc\n    string."""\n\n    # note\n    return (a +\n            1)\n'
    assert codegen.code_lines(src) == [0, 1, 1, 1, 1, 1, 2, 3]


def test_shared_code_relates_modules_sharing_a_long_verbatim_run() -> None:
    helper = "".join(
        f"def helper_{i}(values, limit={i}):\n"
        f"    return [v * {i} for v in values if v < limit and v != 'x{i}']\n"
        for i in range(6)
    )
    docs = [
        Doc("a", "code", "import os\n" + helper + "X = 1\n"),
        Doc("b", "code", "import sys\n\n" + helper.replace("'", '"') + "Y = [2]\n"),
        Doc("c", "code", "def other(a, b):\n    return a + b\n" * 3),
    ]
    shared = code_accuracy.SharedCode(docs)
    assert shared.is_related("a", "b")  # quote style does not count
    assert not shared.is_related("a", "c")
    assert shared.run("a", "b") >= code_accuracy.RELATED_TOKENS


def test_the_benchmark_runs_quickly(capsys: pytest.CaptureFixture[str]) -> None:
    assert code_accuracy.main(["--quick", "--no-record"]) == 0
    out = capsys.readouterr().out
    for cls in code_accuracy.CLASSES:
        assert f"| {cls} |" in out
    assert "copydetect" in out
