"""Appending to the ledger, and the proofs and bundles other apps hand out.

``append_entry`` is called by other apps' actions inside their own transaction: the entry,
its subtree hashes and a new signed tree head commit or roll back with the caller's change.
It writes no audit event of its own (the caller's action does; the ledger is itself the
public record).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from copyguard import faults
from copyguard.ledger import bundle, merkle
from copyguard.ledger.keys import SigningKey, load_or_create_key
from copyguard.ledger.models import (
    LedgerEntry,
    LedgerKey,
    LedgerNode,
    LedgerState,
    SignedTreeHead,
)

__all__ = [
    "LedgerError",
    "append_entry",
    "build_bundle",
    "consistency_proof",
    "inclusion_proof",
    "latest_head",
    "proof_for",
    "signing_key",
]

KIND_MAX_LENGTH = 64


class LedgerError(Exception):
    """A proof cannot be given (no such size or entry yet, or the stored tree is damaged)."""


def signing_key() -> SigningKey:
    return load_or_create_key(settings.DATA_DIR)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _actor_field(actor: Any) -> dict[str, Any] | None:
    """Who, as the public log may show it: a user id and the channel, never an e-mail."""
    if actor is None:
        return None
    user = getattr(actor, "user", actor)
    via = getattr(actor, "via", None)
    user_id = getattr(user, "pk", None)
    field: dict[str, Any] = {"user_id": user_id}
    if via:
        field["via"] = str(via)
    return field


def _register_key(key: SigningKey) -> None:
    LedgerKey.objects.get_or_create(key_id=key.key_id, defaults={"public_key": key.public_b64})


def _lock_state() -> LedgerState:
    """Take the next index: the UPDATE locks the state row until the transaction ends.

    (On PostgreSQL a row lock; on SQLite the database's write lock.) A second appender
    waits here, so indices are unique and dense.
    """
    if not LedgerState.objects.filter(pk=1).update(tree_size=F("tree_size") + 1):
        LedgerState.objects.get_or_create(pk=1)
        LedgerState.objects.filter(pk=1).update(tree_size=F("tree_size") + 1)
    return LedgerState.objects.select_for_update().get(pk=1)


def append_entry(kind: str, body: dict[str, Any], *, actor: Any = None) -> LedgerEntry:
    """Append one entry and sign the tree head that covers it.

    The entry is ``{"kind", "timestamp" (ms), "body", "actor"?}`` in canonical JSON;
    ``body`` must be JSON (it is public: no personal data beyond what the public may see).
    ``actor`` is an accounts ``Actor`` or a user; the entry shows only the user's id and
    the channel. Call it inside the caller's transaction.
    """
    if not isinstance(kind, str) or not kind or len(kind) > KIND_MAX_LENGTH:
        raise ValueError(f"a ledger kind is 1 to {KIND_MAX_LENGTH} characters")
    if not isinstance(body, dict):
        raise TypeError("a ledger entry body is a dict")
    key = signing_key()
    with transaction.atomic():
        state = _lock_state()
        index = state.tree_size - 1
        timestamp = _now_ms()
        content: dict[str, Any] = {"kind": kind, "timestamp": timestamp, "body": body}
        who = _actor_field(actor)
        if who is not None:
            content["actor"] = who
        data = merkle.canonical_json(content)  # TypeError / ValueError on non-JSON bodies
        leaf = merkle.leaf_hash(data)
        edge = merkle.CompactRange(index, [bytes.fromhex(h) for h in state.edge])
        completed = edge.append(leaf)
        entry = LedgerEntry.objects.create(leaf_index=index, kind=kind, entry=data, leaf_hash=leaf)
        if completed:
            LedgerNode.objects.bulk_create(
                [LedgerNode(level=lv, index=ix, hash=h) for lv, ix, h in completed]
            )
        state.edge = [h.hex() for h in edge.hashes]
        state.save(update_fields=["edge"])
        faults.point("ledger.append")
        _register_key(key)
        _sign_head(key, state.tree_size, edge.root(), timestamp)
    return entry


def _sign_head(key: SigningKey, size: int, root: bytes, timestamp: int) -> SignedTreeHead:
    head = {"tree_size": size, "root_hash": root.hex(), "timestamp": timestamp}
    head["key_id"] = key.key_id
    signature = key.sign(bundle.head_message(head))
    return SignedTreeHead.objects.create(signature=signature, **head)


# ---------------------------------------------------------------- reading


def latest_head() -> SignedTreeHead | None:
    return SignedTreeHead.objects.order_by("-tree_size").first()


def head_for_size(size: int) -> SignedTreeHead:
    head = SignedTreeHead.objects.filter(tree_size=size).first()
    if head is None:
        raise LedgerError(f"no signed tree head of size {size}")
    return head


def _fetch_nodes(keys: Iterable[merkle.NodeKey]) -> dict[merkle.NodeKey, bytes]:
    keys = set(keys)
    found: dict[merkle.NodeKey, bytes] = {}
    leaves = [index for level, index in keys if level == 0]
    if leaves:
        for index, value in LedgerEntry.objects.filter(leaf_index__in=leaves).values_list(
            "leaf_index", "leaf_hash"
        ):
            found[(0, index)] = bytes(value)
    inner = [key for key in keys if key[0] > 0]
    if inner:
        query = Q()
        for level, index in inner:
            query |= Q(level=level, index=index)
        for level, index, value in LedgerNode.objects.filter(query).values_list(
            "level", "index", "hash"
        ):
            found[(level, index)] = bytes(value)
    missing = keys - set(found)
    if missing:
        raise LedgerError(f"the stored tree lacks subtree hashes {sorted(missing)[:3]}")
    return found


def _hashes(ranges: list[tuple[int, int]]) -> list[bytes]:
    nodes = _fetch_nodes(merkle.proof_nodes(ranges))
    return [merkle.range_hash(start, end, nodes) for start, end in ranges]


def inclusion_proof(index: int, size: int) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``size`` entries."""
    return _hashes(merkle.inclusion_ranges(index, size))


def consistency_proof(first: int, second: int) -> list[bytes]:
    return _hashes(merkle.consistency_ranges(first, second))


def proof_for(entry: LedgerEntry, head: SignedTreeHead | None = None) -> bundle.ProofDocument:
    """proof.json for ``entry`` against ``head`` (default: the latest signed tree head)."""
    head = head or latest_head()
    if head is None or head.tree_size <= entry.leaf_index:
        raise LedgerError(f"no signed tree head covers entry {entry.leaf_index} yet")
    path = inclusion_proof(entry.leaf_index, head.tree_size)
    key = LedgerKey.objects.filter(key_id=head.key_id).first()
    if key is None:
        raise LedgerError(f"the key {head.key_id[:16]}… that signed the head is unknown")
    return {
        "entry": entry.content,
        "leaf_index": entry.leaf_index,
        "tree_size": head.tree_size,
        "inclusion_path": [h.hex() for h in path],
        "signed_tree_head": head.as_dict(),  # type: ignore[typeddict-item]
        "public_key": key.public_key,
    }


def build_bundle(entry: LedgerEntry, files: dict[str, bytes], manifest: Mapping[str, Any]) -> bytes:
    """An evidence bundle (zip bytes) for ``entry``: manifest.json, the files, proof.json.

    ``manifest`` says what was captured, when and by whom; the SHA-256 of every file and
    the signature are added here. Each file's SHA-256 must be recorded in the entry
    (ValueError otherwise), which is what ties the files to the ledger.
    """
    key = signing_key()
    head = latest_head()
    if head is not None and head.key_id != key.key_id:
        raise LedgerError("the latest head was signed by another key than the current one")
    return bundle.pack_bundle(proof_for(entry, head), files, manifest, key.sign)
