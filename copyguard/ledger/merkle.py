"""RFC 9162 §2.1 Merkle trees: hashes, roots, inclusion and consistency proofs (no Django).

The tree over entries ``D[0:n]`` is the one RFC 9162 defines: a leaf hashes as
``SHA-256(0x00 ‖ entry)``, an inner node as ``SHA-256(0x01 ‖ left ‖ right)``, the root of an
empty tree is ``SHA-256("")``, and a tree of ``n > 1`` leaves splits at ``k``, the largest
power of two below ``n``.

Every range the RFC's recursion visits is made of *perfect subtrees*: the subtree at
``(level, index)`` covers leaves ``[index·2^level, (index+1)·2^level)``. A caller that keeps
the hash of each perfect subtree once it is complete (``CompactRange.append`` reports
them) answers a root, an inclusion proof or a consistency proof with O(log n) stored hashes
and never rehashes the leaves: the functions here first name the subtrees they need
(``*_nodes``), the caller fetches them in one go, and the ``*_from`` functions assemble the
answer. ``verify_inclusion`` and ``verify_consistency`` are the algorithms of
RFC 9162 §2.1.3.2 and §2.1.4.2.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "EMPTY_ROOT",
    "CompactRange",
    "NodeKey",
    "canonical_json",
    "consistency_proof",
    "consistency_ranges",
    "inclusion_proof",
    "inclusion_ranges",
    "leaf_hash",
    "node_hash",
    "proof_nodes",
    "range_hash",
    "range_nodes",
    "root_from_leaves",
    "verify_consistency",
    "verify_inclusion",
]

NodeKey = tuple[int, int]  # (level, index): leaves [index << level, (index + 1) << level)

EMPTY_ROOT = hashlib.sha256(b"").digest()


def canonical_json(value: Any) -> bytes:
    """The canonical bytes of a JSON value: sorted keys, no spaces, UTF-8 (not \\u escapes).

    NaN and infinities are refused (they are not JSON).
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below ``n`` (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def range_nodes(start: int, end: int) -> list[NodeKey]:
    """The perfect subtrees, left to right, whose hashes make up MTH(D[start:end]).

    ``start`` must be a multiple of a power of two at least ``end - start`` (true of every
    range the RFC's recursion visits, and of ``[0, n)``).
    """
    nodes: list[NodeKey] = []
    while end > start:
        size = end - start
        if size & (size - 1) == 0:
            level = size.bit_length() - 1
            nodes.append((level, start >> level))
            break
        k = _split(size)
        level = k.bit_length() - 1
        nodes.append((level, start >> level))
        start += k
    return nodes


def _fold(hashes: Sequence[bytes]) -> bytes:
    """MTH of a range from its perfect subtrees: each left subtree joins all that follow."""
    if not hashes:
        return EMPTY_ROOT
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def range_hash(start: int, end: int, nodes: Mapping[NodeKey, bytes]) -> bytes:
    return _fold([nodes[key] for key in range_nodes(start, end)])


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The ranges whose MTH form PATH(index, D[0:size]), from the leaf upwards."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    ranges: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


def consistency_ranges(first: int, second: int) -> list[tuple[int, int]]:
    """The ranges whose MTH form PROOF(first, D[0:second]) (RFC 9162 §2.1.4.1), in order.

    Empty when ``first`` is 0 or equals ``second``.
    """
    if not 0 <= first <= second:
        raise ValueError(f"no consistency proof from {first} to {second}")
    if first in (0, second):
        return []
    ranges: list[tuple[int, int]] = []
    start, end, m, whole = 0, second, first, True
    while True:
        if m == end - start:
            if not whole:
                ranges.append((start, end))
            break
        k = _split(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
            m -= k
            whole = False
    ranges.reverse()
    return ranges


def proof_nodes(ranges: Iterable[tuple[int, int]]) -> set[NodeKey]:
    """Every perfect subtree a list of ranges needs (fetch them, then call range_hash)."""
    return {key for start, end in ranges for key in range_nodes(start, end)}


def inclusion_proof(index: int, size: int, nodes: Mapping[NodeKey, bytes]) -> list[bytes]:
    return [range_hash(s, e, nodes) for s, e in inclusion_ranges(index, size)]


def consistency_proof(first: int, second: int, nodes: Mapping[NodeKey, bytes]) -> list[bytes]:
    return [range_hash(s, e, nodes) for s, e in consistency_ranges(first, second)]


def root_from_leaves(leaf_hashes: Iterable[bytes]) -> bytes:
    tree = CompactRange()
    for leaf in leaf_hashes:
        tree.append(leaf)
    return tree.root()


class CompactRange:
    """The right edge of a growing tree: the perfect subtrees covering ``[0, size)``.

    ``append`` is amortised O(1) and returns the perfect subtrees it completed (level ≥ 1),
    for a caller that stores them; ``root`` is O(log n).
    """

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != bin(size).count("1"):
            raise ValueError(f"a range of {size} leaves has {bin(size).count('1')} subtrees")
        self.size = size
        self.hashes = list(hashes)  # left to right, largest first

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        completed: list[tuple[int, int, bytes]] = []
        current = leaf
        index = self.size
        level = 0
        while index & 1:  # the new subtree closes a pair with its left neighbour
            current = node_hash(self.hashes.pop(), current)
            level += 1
            index >>= 1
            completed.append((level, index, current))
        self.hashes.append(current)
        self.size += 1
        return completed

    def root(self) -> bytes:
        return _fold(self.hashes)


def verify_inclusion(
    leaf: bytes, index: int, size: int, path: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``path`` prove leaf hash ``leaf`` at ``index`` under ``root``?"""
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, proof: Sequence[bytes], first_root: bytes, second_root: bytes
) -> bool:
    """RFC 9162 §2.1.4.2: does ``proof`` show the tree of ``first`` is a prefix of ``second``?

    A tree of size 0 is a prefix of every tree (with an empty proof).
    """
    if not 0 <= first <= second:
        return False
    if first == 0:
        return not proof and first_root == EMPTY_ROOT
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0
