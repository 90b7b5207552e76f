"""The ledger's public, read-only API: tree heads, entries, proofs and the public key.

Anyone may call these routes, signed in or not (a token that is sent must still be valid).
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema

from copyguard.apiutil import (
    ERROR_RESPONSES,
    MAX_OBJECT_ID,
    PUBLIC,
    ApiError,
    ApiErrorCode,
)
from copyguard.ledger import actions
from copyguard.ledger.models import LedgerEntry, LedgerKey, SignedTreeHead

MAX_ENTRIES = 100


router = Router(auth=PUBLIC, tags=["ledger"])


def _responses(schema: Any) -> dict[int, Any]:
    return {200: schema, **ERROR_RESPONSES}


class HeadOut(Schema):
    tree_size: int
    root_hash: str = Field(description="Hex SHA-256 Merkle tree hash (RFC 9162).")
    timestamp: int = Field(description="Milliseconds since 1970-01-01 UTC.")
    key_id: str = Field(description="Hex SHA-256 of the raw Ed25519 public key.")
    signature: str = Field(description="Base64 Ed25519 signature of the other four fields.")


class EntryOut(Schema):
    leaf_index: int
    kind: str
    entry: dict[str, Any] = Field(description="The entry; its canonical JSON is the leaf.")
    leaf_hash: str


class EntriesOut(Schema):
    start: int
    end: int = Field(description="One past the last entry returned.")
    tree_size: int
    entries: list[EntryOut]


class EntryProofOut(EntryOut):
    tree_size: int
    inclusion_path: list[str]
    signed_tree_head: HeadOut


class ConsistencyOut(Schema):
    first: int
    second: int
    proof: list[str]
    first_head: HeadOut
    second_head: HeadOut


class KeyOut(Schema):
    key_id: str
    public_key: str = Field(description="Base64 of the 32-byte raw Ed25519 public key.")


class PublicKeyOut(KeyOut):
    algorithm: str
    keys: list[KeyOut] = Field(description="Every key that has signed a head, oldest first.")


class EntriesQuery(Schema):
    start: int = Field(0, ge=0, le=MAX_OBJECT_ID)
    end: int | None = Field(None, ge=1, le=MAX_OBJECT_ID, description="Exclusive.")


class SizeQuery(Schema):
    tree_size: int | None = Field(None, ge=1, le=MAX_OBJECT_ID)


class ConsistencyQuery(Schema):
    first: int = Field(..., ge=1, le=MAX_OBJECT_ID)
    second: int | None = Field(None, ge=1, le=MAX_OBJECT_ID)


def _bad(field: str, message: str) -> ApiError:
    return ApiError(400, ApiErrorCode.INVALID, message, fields={field: [message]})


def _latest() -> SignedTreeHead:
    head = actions.latest_head()
    if head is None:
        raise ApiError(404, ApiErrorCode.NOT_FOUND, gettext("The ledger has no entries yet."))
    return head


def _head_of(size: int, field: str, latest: SignedTreeHead) -> SignedTreeHead:
    if size > latest.tree_size:
        raise _bad(
            field,
            gettext("The ledger has %(size)s entries; no tree of %(asked)s is signed yet.")
            % {"size": latest.tree_size, "asked": size},
        )
    if size == latest.tree_size:
        return latest
    try:
        return actions.head_for_size(size)
    except actions.LedgerError as exc:
        raise _bad(field, str(exc)) from None


def _entry_out(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "leaf_index": entry.leaf_index,
        "kind": entry.kind,
        "entry": entry.content,
        "leaf_hash": bytes(entry.leaf_hash).hex(),
    }


@router.get("/ledger/sth", response=_responses(HeadOut), summary="Latest signed tree head")
def latest_sth(request: HttpRequest) -> dict[str, Any]:
    return _latest().as_dict()


@router.get("/ledger/entries", response=_responses(EntriesOut), summary="Entries in a range")
def list_entries(request: HttpRequest, query: Query[EntriesQuery]) -> dict[str, Any]:
    """Entries ``start`` ≤ index < ``end`` (default and at most ``start`` + 100)."""
    end = query.end if query.end is not None else query.start + MAX_ENTRIES
    if end <= query.start:
        raise _bad("end", gettext("end must be greater than start."))
    if end - query.start > MAX_ENTRIES:
        raise _bad("end", gettext("At most %(n)s entries at a time.") % {"n": MAX_ENTRIES})
    head = actions.latest_head()
    size = head.tree_size if head is not None else 0
    rows = LedgerEntry.objects.filter(leaf_index__gte=query.start, leaf_index__lt=min(end, size))
    entries = [_entry_out(e) for e in rows.order_by("leaf_index")]
    return {
        "start": query.start,
        "end": query.start + len(entries),
        "tree_size": size,
        "entries": entries,
    }


@router.get(
    "/ledger/entries/{index}",
    response=_responses(EntryProofOut),
    summary="One entry with its inclusion proof",
)
def get_entry(request: HttpRequest, index: int, query: Query[SizeQuery]) -> dict[str, Any]:
    """The proof is against the signed head of ``tree_size`` entries (default: the latest)."""
    if not 0 <= index <= MAX_OBJECT_ID:
        raise ApiError(404, ApiErrorCode.NOT_FOUND, gettext("No such ledger entry."))
    latest = _latest()
    entry = LedgerEntry.objects.filter(leaf_index=index).first()
    if entry is None or index >= latest.tree_size:
        raise ApiError(404, ApiErrorCode.NOT_FOUND, gettext("No such ledger entry."))
    size = query.tree_size if query.tree_size is not None else latest.tree_size
    if size <= index:
        raise _bad(
            "tree_size",
            gettext("Entry %(index)s is only in trees of more than %(index)s entries.")
            % {"index": index},
        )
    head = _head_of(size, "tree_size", latest)
    proof = actions.proof_for(entry, head)
    return {
        **_entry_out(entry),
        "tree_size": proof["tree_size"],
        "inclusion_path": proof["inclusion_path"],
        "signed_tree_head": proof["signed_tree_head"],
    }


@router.get(
    "/ledger/consistency",
    response=_responses(ConsistencyOut),
    summary="Consistency proof between two tree sizes",
)
def consistency(request: HttpRequest, query: Query[ConsistencyQuery]) -> dict[str, Any]:
    """Proves the tree of ``first`` entries is a prefix of the tree of ``second`` (default:
    the latest)."""
    latest = _latest()
    second = query.second if query.second is not None else latest.tree_size
    if query.first > second:
        raise _bad("first", gettext("first must not be greater than second."))
    first_head = _head_of(query.first, "first", latest)
    second_head = _head_of(second, "second", latest)
    proof = actions.consistency_proof(query.first, second)
    return {
        "first": query.first,
        "second": second,
        "proof": [h.hex() for h in proof],
        "first_head": first_head.as_dict(),
        "second_head": second_head.as_dict(),
    }


@router.get(
    "/ledger/public-key", response=_responses(PublicKeyOut), summary="The signing public key"
)
def public_key(request: HttpRequest) -> dict[str, Any]:
    key = actions.signing_key()
    keys = [
        {"key_id": k.key_id, "public_key": k.public_key}
        for k in LedgerKey.objects.order_by("created", "pk")
    ]
    return {
        "algorithm": "Ed25519",
        "key_id": key.key_id,
        "public_key": key.public_b64,
        "keys": keys,
    }
