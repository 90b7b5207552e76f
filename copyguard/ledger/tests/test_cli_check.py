"""`copyguard ledger check` and `copyguard ledger sth`: tampering with stored rows is caught."""

from __future__ import annotations

import json

import pytest

from copyguard.ledger.actions import append_entry, signing_key
from copyguard.ledger.merkle import leaf_hash
from copyguard.ledger.models import LedgerEntry, LedgerNode, LedgerState, SignedTreeHead

pytestmark = pytest.mark.django_db


@pytest.fixture
def log() -> list[LedgerEntry]:
    return [append_entry("test", {"n": n, "note": "原文"}) for n in range(21)]


def _flip(content: bytes, at: int) -> bytes:
    return content[:at] + bytes([content[at] ^ 0x01]) + content[at + 1 :]


def test_an_untouched_ledger_passes(copyguard, log) -> None:  # type: ignore[no-untyped-def]
    run = copyguard("ledger", "check")

    assert run.status == 0, run.err
    assert "21 entries and 21 signed tree heads hold" in run.out


def test_an_empty_ledger_passes(copyguard) -> None:  # type: ignore[no-untyped-def]
    assert copyguard("ledger", "check").status == 0


@pytest.mark.parametrize("at", [0, 5, -2])
def test_one_changed_byte_of_a_stored_entry_is_named(copyguard, log, at) -> None:  # type: ignore[no-untyped-def]
    entry = log[13]
    data = bytes(entry.entry)
    LedgerEntry.objects.filter(pk=entry.pk).update(entry=_flip(data, at % len(data)))

    run = copyguard("ledger", "check")

    assert run.status == 1
    assert "entry 13: its bytes no longer hash to its stored leaf hash" in run.err


def test_a_changed_entry_with_a_matching_leaf_hash_fails_at_its_head(copyguard, log) -> None:  # type: ignore[no-untyped-def]
    changed = _flip(bytes(log[13].entry), 3)
    LedgerEntry.objects.filter(pk=log[13].pk).update(entry=changed, leaf_hash=leaf_hash(changed))

    run = copyguard("ledger", "check")

    assert run.status == 1
    # Subtree (1, 6) over entries 12 and 13 is the first stored hash the change breaks.
    assert "subtree (1, 6)" in run.err


def test_a_rewritten_tree_fails_at_the_first_signed_head(copyguard, log) -> None:  # type: ignore[no-untyped-def]
    changed = _flip(bytes(log[20].entry), 3)
    LedgerEntry.objects.filter(pk=log[20].pk).update(entry=changed, leaf_hash=leaf_hash(changed))

    run = copyguard("ledger", "check")

    assert run.status == 1
    assert "signed tree head of size 21" in run.err
    assert "entry 20 or an earlier one" in run.err


@pytest.mark.parametrize("field", ["root_hash", "timestamp", "signature", "tree_size"])
def test_one_changed_byte_of_a_stored_head_is_caught(copyguard, log, field) -> None:  # type: ignore[no-untyped-def]
    head = SignedTreeHead.objects.get(tree_size=8)
    value = getattr(head, field)
    if isinstance(value, int):
        changed: object = value ^ 1 if field == "timestamp" else 50
    else:
        changed = value[:5] + ("0" if value[5] != "0" else "1") + value[6:]
    SignedTreeHead.objects.filter(pk=head.pk).update(**{field: changed})

    run = copyguard("ledger", "check")

    assert run.status == 1
    assert "signed tree head of size" in run.err


def test_a_removed_entry_is_caught(copyguard, log) -> None:  # type: ignore[no-untyped-def]
    LedgerEntry.objects.filter(pk=log[20].pk).delete()
    assert "the ledger holds only 20 entries" in copyguard("ledger", "check").err

    LedgerEntry.objects.filter(pk=log[4].pk).delete()
    assert "entry 4 is missing" in copyguard("ledger", "check").err


def test_a_changed_subtree_hash_is_caught(copyguard, log) -> None:  # type: ignore[no-untyped-def]
    LedgerNode.objects.filter(level=2, index=1).update(hash=bytes(32))

    run = copyguard("ledger", "check")

    assert run.status == 1
    assert "subtree (2, 1) over entries 4 to 7" in run.err


def test_a_changed_state_row_is_caught(copyguard, log) -> None:  # type: ignore[no-untyped-def]
    LedgerState.objects.update(edge=[])

    assert "state row" in copyguard("ledger", "check").err


def test_sth_prints_the_latest_head(copyguard, log) -> None:  # type: ignore[no-untyped-def]
    run = copyguard("ledger", "sth")

    head = json.loads(run.out)
    assert run.status == 0
    assert head["tree_size"] == 21
    assert head["key_id"] == signing_key().key_id


def test_sth_of_an_empty_ledger_says_so(copyguard) -> None:  # type: ignore[no-untyped-def]
    run = copyguard("ledger", "sth")

    assert run.status == 1
    assert "no entries yet" in run.err


def test_a_bad_action_is_a_one_line_error(copyguard) -> None:  # type: ignore[no-untyped-def]
    run = copyguard("ledger", "burn")

    assert run.status == 2
    assert len(run.err.strip().splitlines()) == 1


def test_an_unreadable_database_is_a_one_line_error(copyguard, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.db import OperationalError

    def broken(*args: object, **kwargs: object) -> None:
        raise OperationalError("no such table: ledger_ledgerentry")

    monkeypatch.setattr("copyguard.ledger.check.check_ledger", broken)
    monkeypatch.setattr("copyguard.ledger.models.LedgerEntry.objects.count", broken)

    run = copyguard("ledger", "check")

    assert run.status == 2
    assert run.err.strip().splitlines() == [
        "copyguard ledger check: error: cannot read the ledger (no such table: "
        "ledger_ledgerentry); run copyguard migrate first"
    ]


def test_check_reports_progress_in_chunks(log) -> None:  # type: ignore[no-untyped-def]
    from copyguard.ledger.check import check_ledger

    seen: list[int] = []
    result = check_ledger(seen.append)

    assert result.problem is None
    assert sum(seen) == 21
