"""append_entry: dense indices, exact canonical bytes, a signed head per append."""

from __future__ import annotations

import base64
import json

import pytest
from django.db import transaction

from copyguard.accounts.audit import Actor
from copyguard.ledger import bundle, merkle
from copyguard.ledger.actions import (
    append_entry,
    consistency_proof,
    inclusion_proof,
    latest_head,
    proof_for,
    signing_key,
)
from copyguard.ledger.models import LedgerEntry, LedgerNode, SignedTreeHead

pytestmark = pytest.mark.django_db


def test_it_stores_the_canonical_entry_and_signs_a_head_covering_it() -> None:
    entry = append_entry("work.registered", {"title": "春晓", "number": "440700-2026-A-00000001"})

    data = bytes(entry.entry)
    content = json.loads(data)
    assert data == merkle.canonical_json(content)
    assert "春晓".encode() in data  # UTF-8, not \u escapes
    assert content["kind"] == "work.registered"
    assert isinstance(content["timestamp"], int)
    assert bytes(entry.leaf_hash) == merkle.leaf_hash(data)
    head = latest_head()
    assert head is not None and head.tree_size == 1
    assert head.root_hash == merkle.leaf_hash(data).hex()
    assert bundle.verify_head(head.as_dict(), signing_key().public_raw) == []


def test_it_gives_dense_indices_and_subtree_hashes_as_subtrees_complete() -> None:
    entries = [append_entry("test", {"n": n}) for n in range(11)]

    assert [e.leaf_index for e in entries] == list(range(11))
    assert SignedTreeHead.objects.count() == 11
    # complete subtrees of 11 leaves: 5 of level 1, 2 of level 2, 1 of level 3
    assert LedgerNode.objects.count() == 8
    leaves = [bytes(e.leaf_hash) for e in entries]
    for size in range(1, 12):
        assert SignedTreeHead.objects.get(tree_size=size).root_hash == (
            merkle.root_from_leaves(leaves[:size]).hex()
        )


def test_it_shows_the_actor_by_id_and_channel_never_by_email(people) -> None:  # type: ignore[no-untyped-def]
    user = people.owner
    entry = append_entry("test", {}, actor=Actor(user=user, via="api"))

    assert entry.content["actor"] == {"user_id": user.pk, "via": "api"}
    assert user.email.encode() not in bytes(entry.entry)


def test_it_rolls_back_with_the_callers_transaction() -> None:
    append_entry("test", {"n": 0})
    with pytest.raises(RuntimeError), transaction.atomic():
        append_entry("test", {"n": 1})
        raise RuntimeError("the caller's action failed")
    entry = append_entry("test", {"n": 2})

    assert entry.leaf_index == 1
    assert LedgerEntry.objects.count() == 2


def test_it_refuses_a_body_that_is_not_json() -> None:
    with pytest.raises((TypeError, ValueError)):
        append_entry("test", {"when": object()})
    with pytest.raises(ValueError):
        append_entry("", {})
    assert LedgerEntry.objects.count() == 0


def test_proofs_from_stored_subtrees_verify() -> None:
    entries = [append_entry("test", {"n": n}) for n in range(13)]
    leaves = [bytes(e.leaf_hash) for e in entries]
    root = merkle.root_from_leaves(leaves)

    for entry in entries:
        path = inclusion_proof(entry.leaf_index, 13)
        assert merkle.verify_inclusion(leaves[entry.leaf_index], entry.leaf_index, 13, path, root)
    for first in range(1, 14):
        proof = consistency_proof(first, 13)
        assert merkle.verify_consistency(
            first, 13, proof, merkle.root_from_leaves(leaves[:first]), root
        )
    document = proof_for(entries[4])
    assert document["tree_size"] == 13
    assert base64.b64decode(document["public_key"]) == signing_key().public_raw
