"""An RFC 9162 §2.1 reference written for the tests, apart from copyguard.ledger.merkle.

The recursive definitions (MTH, PATH, PROOF/SUBPROOF of §2.1.1 to 2.1.2, computed from all
entries every time) and the verification algorithms of §2.1.3.2 and §2.1.4.2, written
from the RFC's text with hashlib alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(entries: Sequence[bytes]) -> bytes:
    n = len(entries)
    if n == 0:
        return _sha(b"")
    if n == 1:
        return _sha(b"\x00" + entries[0])
    k = _k(n)
    return _sha(b"\x01" + mth(entries[:k]) + mth(entries[k:]))


def path(m: int, entries: Sequence[bytes]) -> list[bytes]:
    n = len(entries)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*path(m, entries[:k]), mth(entries[k:])]
    return [*path(m - k, entries[k:]), mth(entries[:k])]


def _subproof(m: int, entries: Sequence[bytes], whole: bool) -> list[bytes]:
    n = len(entries)
    if m == n:
        return [] if whole else [mth(entries)]
    k = _k(n)
    if m <= k:
        return [*_subproof(m, entries[:k], whole), mth(entries[k:])]
    return [*_subproof(m - k, entries[k:], False), mth(entries[:k])]


def proof(m: int, entries: Sequence[bytes]) -> list[bytes]:
    return _subproof(m, entries, True)


def _is_set(value: int) -> bool:
    return value % 2 == 1


def verify_inclusion_rfc(
    leaf: bytes, leaf_index: int, tree_size: int, inclusion_path: Sequence[bytes], root: bytes
) -> bool:
    """§2.1.3.2, step by step."""
    if leaf_index >= tree_size:
        return False
    fn = leaf_index
    sn = tree_size - 1
    r = leaf
    for p in inclusion_path:
        if sn == 0:
            return False
        if _is_set(fn) or fn == sn:
            r = _sha(b"\x01" + p + r)
            if not _is_set(fn):
                while not (_is_set(fn) or fn == 0):
                    fn = fn // 2
                    sn = sn // 2
        else:
            r = _sha(b"\x01" + r + p)
        fn = fn // 2
        sn = sn // 2
    return sn == 0 and r == root


def verify_consistency_rfc(
    first: int,
    second: int,
    consistency_path: Sequence[bytes],
    first_hash: bytes,
    second_hash: bytes,
) -> bool:
    """§2.1.4.2, step by step (sizes 1 ≤ first ≤ second)."""
    if first == second:
        return len(consistency_path) == 0 and first_hash == second_hash
    if len(consistency_path) == 0:
        return False
    items = list(consistency_path)
    if first & (first - 1) == 0:  # an exact power of two
        items = [first_hash, *items]
    fn = first - 1
    sn = second - 1
    if _is_set(fn):
        while _is_set(fn):
            fn = fn // 2
            sn = sn // 2
    fr = items[0]
    sr = items[0]
    for c in items[1:]:
        if sn == 0:
            return False
        if _is_set(fn) or fn == sn:
            fr = _sha(b"\x01" + c + fr)
            sr = _sha(b"\x01" + c + sr)
            if not _is_set(fn):
                while not (_is_set(fn) or fn == 0):
                    fn = fn // 2
                    sn = sn // 2
        else:
            sr = _sha(b"\x01" + sr + c)
        fn = fn // 2
        sn = sn // 2
    return fr == first_hash and sr == second_hash and sn == 0
