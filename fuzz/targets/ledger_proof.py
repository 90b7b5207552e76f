"""The proof inside a bundle (ledger/bundle.py ``_check_proof``, ``verify_head``) and the
RFC 9162 proof checks it rests on (ledger/merkle.py): ``proof.json`` of any JSON, and
inclusion and consistency proofs of any sizes and hashes. Problems are returned, never
raised."""

from __future__ import annotations

import json

from copyguard.ledger import bundle, merkle
from fuzz.harness import FuzzedInput


def _hashes(given: FuzzedInput) -> list[bytes]:
    count = given.byte() % 12
    hashes = []
    for _ in range(count):
        hashes.append(given.data[given.position : given.position + 32])
        given.position += 32
    return hashes


def TestOneInput(data: bytes) -> None:
    given = FuzzedInput(data)
    mode = given.byte() % 3
    if mode == 0:
        try:
            proof = json.loads(given.rest().decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return
        problems, public = bundle._check_proof(proof)
        assert all(isinstance(p, str) for p in problems)
        assert (public is None) == bool(problems)
        problems = bundle.verify_head(
            proof.get("signed_tree_head") if isinstance(proof, dict) else proof, bytes(32)
        )
        assert isinstance(problems, list) and problems
        return
    first = int.from_bytes(given.chunk(9), "big")
    second = int.from_bytes(given.chunk(9), "big")
    path = _hashes(given)
    root = given.chunk(32)
    if mode == 1:
        assert isinstance(merkle.verify_inclusion(root, first, second, path, root), bool)
    else:
        assert isinstance(merkle.verify_consistency(first, second, path, root, root), bool)
