"""merkle.py against the RFC 9162 reference in rfc9162.py (written apart from it)."""

from __future__ import annotations

import hashlib
import random

import pytest

from copyguard.ledger import merkle
from copyguard.ledger.tests import rfc9162


def _entries(n: int) -> list[bytes]:
    return [f"entry {i}".encode() for i in range(n)]


def _stored(entries: list[bytes]) -> tuple[merkle.CompactRange, dict[merkle.NodeKey, bytes]]:
    """What the ledger keeps: leaf hashes and every perfect subtree as it completes."""
    tree = merkle.CompactRange()
    nodes: dict[merkle.NodeKey, bytes] = {}
    for i, entry in enumerate(entries):
        leaf = merkle.leaf_hash(entry)
        nodes[(0, i)] = leaf
        for level, index, value in tree.append(leaf):
            nodes[(level, index)] = value
    return tree, nodes


def test_known_answers() -> None:
    assert hashlib.sha256(b"").digest() == merkle.EMPTY_ROOT
    assert merkle.EMPTY_ROOT.hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert merkle.root_from_leaves([]) == merkle.EMPTY_ROOT
    assert merkle.leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert merkle.leaf_hash(b"") != merkle.EMPTY_ROOT  # leaves and the empty tree differ
    a, b = merkle.leaf_hash(b"a"), merkle.leaf_hash(b"b")
    assert merkle.node_hash(a, b) == hashlib.sha256(b"\x01" + a + b).digest()
    assert merkle.root_from_leaves([a, b]) == merkle.node_hash(a, b)
    # Three leaves split 2 + 1, not 1 + 2.
    c = merkle.leaf_hash(b"c")
    assert merkle.root_from_leaves([a, b, c]) == merkle.node_hash(merkle.node_hash(a, b), c)


def test_canonical_json_sorts_keys_and_keeps_utf8_without_spaces() -> None:
    assert merkle.canonical_json({"b": [1, "春"], "a": None}) == '{"a":null,"b":[1,"春"]}'.encode()
    with pytest.raises(ValueError):
        merkle.canonical_json({"x": float("nan")})


def _check_size(entries: list[bytes]) -> None:
    n = len(entries)
    tree, nodes = _stored(entries)
    assert tree.root() == rfc9162.mth(entries)
    for size in range(1, n + 1):
        assert merkle.range_hash(0, size, nodes) == rfc9162.mth(entries[:size])
    root = rfc9162.mth(entries)
    for m in range(n):
        path = merkle.inclusion_proof(m, n, nodes)
        assert path == rfc9162.path(m, entries), (m, n)
        leaf = merkle.leaf_hash(entries[m])
        assert rfc9162.verify_inclusion_rfc(leaf, m, n, path, root)
        assert merkle.verify_inclusion(leaf, m, n, path, root)
    for m in range(1, n + 1):
        proof = merkle.consistency_proof(m, n, nodes)
        assert proof == rfc9162.proof(m, entries), (m, n)
        first_root = rfc9162.mth(entries[:m])
        assert rfc9162.verify_consistency_rfc(m, n, proof, first_root, root)
        assert merkle.verify_consistency(m, n, proof, first_root, root)


@pytest.mark.parametrize("n", range(1, 41))
def test_every_proof_of_every_size_up_to_40_matches_the_rfc(n: int) -> None:
    _check_size(_entries(n))


@pytest.mark.parametrize("n", random.Random(9162).sample(range(41, 300), 6))
def test_proofs_of_larger_random_sizes_match_the_rfc(n: int) -> None:
    _check_size(_entries(n))


def test_proofs_in_a_big_tree_need_few_stored_hashes() -> None:
    n = 1_000_003
    for m in (0, 1, 500_000, n - 1):
        assert len(merkle.proof_nodes(merkle.inclusion_ranges(m, n))) <= 2 * 20
    assert len(merkle.proof_nodes(merkle.consistency_ranges(777_777, n))) <= 2 * 20


def test_verification_rejects_altered_proofs() -> None:
    entries = _entries(13)
    _, nodes = _stored(entries)
    root = rfc9162.mth(entries)
    leaf = merkle.leaf_hash(entries[5])
    path = merkle.inclusion_proof(5, 13, nodes)
    flipped = [path[0][:-1] + bytes([path[0][-1] ^ 1]), *path[1:]]
    assert not merkle.verify_inclusion(leaf, 5, 13, flipped, root)
    assert not merkle.verify_inclusion(leaf, 6, 13, path, root)
    assert not merkle.verify_inclusion(leaf, 5, 17, path, root)  # a tree of another shape
    assert not merkle.verify_inclusion(leaf, 5, 13, path[:-1], root)
    assert not merkle.verify_inclusion(leaf, 5, 13, [*path, path[0]], root)
    assert not merkle.verify_inclusion(leaf, 13, 13, path, root)
    proof = merkle.consistency_proof(6, 13, nodes)
    first_root = rfc9162.mth(entries[:6])
    assert not merkle.verify_consistency(6, 13, proof[:-1], first_root, root)
    assert not merkle.verify_consistency(6, 13, proof, root, root)
    assert not merkle.verify_consistency(7, 13, proof, first_root, root)
    assert not merkle.verify_consistency(6, 13, [], first_root, root)
    assert not merkle.verify_consistency(13, 6, proof, root, first_root)
    assert merkle.verify_consistency(0, 13, [], merkle.EMPTY_ROOT, root)


def test_a_compact_range_resumes_from_its_stored_edge() -> None:
    entries = _entries(21)
    whole, _ = _stored(entries)
    part, _ = _stored(entries[:13])
    resumed = merkle.CompactRange(part.size, part.hashes)
    for entry in entries[13:]:
        resumed.append(merkle.leaf_hash(entry))
    assert resumed.root() == whole.root()
    with pytest.raises(ValueError):
        merkle.CompactRange(13, part.hashes[:-1])
