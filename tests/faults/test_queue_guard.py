"""No action queues a job from an after-commit callback: a web process killed between the
commit and the callback would lose that job for ever (docs/reliability.md). Jobs go through
``copyguard.jobs.queue.enqueue_with_change``, which writes the job row with the change.

The check reads the source: a ``transaction.on_commit(...)`` whose callback calls
``.enqueue`` (a lambda, a ``functools.partial`` of it, or a function of the same module,
named or called to make the callback)."""

from __future__ import annotations

import ast
from pathlib import Path

import copyguard

ROOT = Path(copyguard.__file__).parent
# The one place allowed to: it queues after commit for backends other than the database's.
ALLOWED = {ROOT / "jobs" / "queue.py"}


def _calls_enqueue(node: ast.AST) -> bool:
    return any(isinstance(sub, ast.Attribute) and sub.attr == "enqueue" for sub in ast.walk(node))


def queued_after_commit(source: str) -> list[int]:
    """Line numbers of ``on_commit`` calls in ``source`` whose callback queues a job."""
    tree = ast.parse(source)
    functions = {
        node.name: node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            == "on_commit"
            and node.args
        ):
            continue
        callback = node.args[0]
        named = {sub.id for sub in ast.walk(callback) if isinstance(sub, ast.Name)}
        if _calls_enqueue(callback) or any(
            _calls_enqueue(functions[name]) for name in named & functions.keys()
        ):
            found.append(node.lineno)
    return found


def test_no_action_queues_a_job_after_commit() -> None:
    offenders = [
        f"{path.relative_to(ROOT.parent)}:{line}"
        for path in sorted(ROOT.rglob("*.py"))
        if path not in ALLOWED and "/tests/" not in path.as_posix()
        for line in queued_after_commit(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "use copyguard.jobs.queue.enqueue_with_change instead"


def test_the_check_finds_each_way_of_queueing_after_commit() -> None:
    source = """
from functools import partial
from django.db import transaction

def a(send_email, to):
    transaction.on_commit(lambda: send_email.enqueue(to))

def b(send_email, to):
    transaction.on_commit(partial(send_email.enqueue, to))

def c(task, pk):
    def queue():
        task.enqueue(pk)
    transaction.on_commit(queue)

def _mailer(send_email, to):
    def send():
        send_email.enqueue(to)
    return send

def d(send_email, to):
    transaction.on_commit(_mailer(send_email, to))

def fine(path):
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
"""
    assert queued_after_commit(source) == [6, 9, 14, 22]
