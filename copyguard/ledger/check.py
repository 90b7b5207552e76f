"""`copyguard ledger check`: rebuild the whole tree from the stored entry bytes.

Entries are read in index order, rehashed from their bytes (never from the stored leaf
hashes), and appended to a fresh compact range. Along the way every stored leaf hash and
subtree hash is compared with the rebuilt one (proofs are served from them), and whenever
the rebuilt tree reaches the size of a stored signed head, the head's root and signature
are checked. The first divergence is reported.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from copyguard.ledger import bundle, merkle
from copyguard.ledger.models import LedgerEntry, LedgerKey, LedgerNode, LedgerState, SignedTreeHead

__all__ = ["CheckResult", "check_ledger"]

CHUNK = 2000


@dataclass
class CheckResult:
    entries: int
    heads: int
    problem: str | None  # the first divergence, or None when everything holds


def _entries() -> Iterator[tuple[int, bytes, bytes]]:
    last = -1
    while True:
        rows = list(
            LedgerEntry.objects.filter(leaf_index__gt=last)
            .order_by("leaf_index")
            .values_list("leaf_index", "entry", "leaf_hash")[:CHUNK]
        )
        if not rows:
            return
        for index, entry, leaf in rows:
            yield index, bytes(entry), bytes(leaf)
        last = rows[-1][0]


class _StoredNodes:
    """The stored subtree hashes of one level at a time, fetched in chunks as needed."""

    def __init__(self) -> None:
        self.buffers: dict[int, dict[int, bytes]] = {}

    def get(self, level: int, index: int) -> bytes | None:
        buffer = self.buffers.get(level)
        if buffer is None or index not in buffer:
            buffer = {
                i: bytes(h)
                for i, h in LedgerNode.objects.filter(
                    level=level, index__gte=index, index__lt=index + CHUNK
                ).values_list("index", "hash")
            }
            self.buffers[level] = buffer
        return buffer.get(index)


def _public_keys() -> dict[str, Ed25519PublicKey]:
    keys = {}
    for key_id, public_b64 in LedgerKey.objects.values_list("key_id", "public_key"):
        try:
            keys[key_id] = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64))
        except (binascii.Error, ValueError):
            continue  # reported when a head names it
    return keys


def _head_problem(
    head: SignedTreeHead, root: bytes, keys: dict[str, Ed25519PublicKey]
) -> str | None:
    name = f"signed tree head of size {head.tree_size}"
    if head.root_hash != root.hex():
        return (
            f"{name}: its root {head.root_hash[:16]}… differs from the tree rebuilt from the "
            f"entries ({root.hex()[:16]}…); entry {head.tree_size - 1} or an earlier one, or "
            "the head, was changed"
        )
    key = keys.get(head.key_id)
    if key is None:
        return f"{name}: signed by key {head.key_id[:16]}…, which the ledger does not know"
    if bundle.verify_head(head.as_dict(), key.public_bytes_raw()):
        return f"{name}: the signature does not verify (the head was changed)"
    return None


def check_ledger(progress: Callable[[int], None] | None = None) -> CheckResult:
    """Check the whole ledger; ``progress(n)`` is called after every chunk of n entries."""
    total = LedgerEntry.objects.count()
    heads = SignedTreeHead.objects.order_by("tree_size").iterator(chunk_size=CHUNK)
    keys = _public_keys()
    stored_nodes = _StoredNodes()
    tree = merkle.CompactRange()
    checked_heads = 0
    node_count = 0
    next_head = next(heads, None)

    def result(problem: str | None) -> CheckResult:
        return CheckResult(tree.size, checked_heads, problem)

    if next_head is not None and next_head.tree_size == 0:
        return result("signed tree head of size 0: the ledger never signs an empty tree")
    for index, data, stored_leaf in _entries():
        if index != tree.size:
            return result(f"entry {tree.size} is missing (the next stored entry is {index})")
        leaf = merkle.leaf_hash(data)
        if leaf != stored_leaf:
            return result(f"entry {index}: its bytes no longer hash to its stored leaf hash")
        for level, node_index, value in tree.append(leaf):
            node_count += 1
            if stored_nodes.get(level, node_index) != value:
                return result(
                    f"subtree ({level}, {node_index}) over entries {node_index << level} to "
                    f"{((node_index + 1) << level) - 1}: the stored hash is missing or wrong"
                )
        while next_head is not None and next_head.tree_size == tree.size:
            problem = _head_problem(next_head, tree.root(), keys)
            if problem:
                return result(problem)
            checked_heads += 1
            next_head = next(heads, None)
        if progress is not None and tree.size % CHUNK == 0:
            progress(CHUNK)
    if progress is not None and tree.size % CHUNK:
        progress(tree.size % CHUNK)
    if next_head is not None:
        return result(
            f"signed tree head of size {next_head.tree_size}: the ledger holds only "
            f"{tree.size} entries (entries were removed)"
        )
    if tree.size != total:
        return result(f"{total} entries are stored but only {tree.size} form the log")
    if LedgerNode.objects.count() != node_count:
        return result("the ledger stores subtree hashes that belong to no subtree")
    state = LedgerState.objects.filter(pk=1).first()
    state_size = state.tree_size if state is not None else 0
    if state_size != tree.size or (
        state is not None and state.edge != [h.hex() for h in tree.hashes]
    ):
        return result("the ledger's state row does not match its entries")
    return result(None)
