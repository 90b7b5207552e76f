"""Appends from several threads and processes at once: indices stay unique and dense."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

from copyguard.jobs.testing import subprocess_env
from copyguard.ledger.actions import append_entry
from copyguard.ledger.check import check_ledger
from copyguard.ledger.models import LedgerEntry, SignedTreeHead

APPENDER = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copyguard.settings")
django.setup()
from copyguard.ledger.actions import append_entry
for n in range(int(sys.argv[2])):
    append_entry("test", {"process": sys.argv[1], "n": n})
"""


def _assert_dense(expected: int) -> None:
    indices = list(LedgerEntry.objects.order_by("leaf_index").values_list("leaf_index", flat=True))
    assert indices == list(range(expected))
    assert SignedTreeHead.objects.count() == expected
    assert check_ledger().problem is None


@pytest.mark.django_db(transaction=True)
def test_threads_appending_at_once_get_unique_dense_indices() -> None:
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            for n in range(15):
                append_entry("test", {"thread": name, "n": n})
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(str(i),)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    _assert_dense(60)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_processes_appending_at_once_get_unique_dense_indices(ledger_data_dir: Path) -> None:
    append_entry("test", {"first": True})  # the key exists before the processes start
    env = subprocess_env(ledger_data_dir)
    processes = [
        subprocess.Popen([sys.executable, "-c", APPENDER, str(i), "50"], env=env) for i in range(2)
    ]
    for process in processes:
        assert process.wait(timeout=120) == 0

    _assert_dense(101)
