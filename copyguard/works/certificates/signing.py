"""Signing certificate content and checking signatures.

A certificate's content is signed as canonical JSON (sorted keys, UTF-8, no spaces: the
ledger's ``canonical_json``) with the ledger's Ed25519 key, so one published key vouches
for the log and the certificates. The *signed document* is
``{"algorithm": "Ed25519", "content": {…}, "key_id": hex, "signature": base64}``; anyone
holding it and the public key can check it offline (docs/certificates.md shows how).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from copyguard.ledger.merkle import canonical_json

__all__ = [
    "SignedContent",
    "public_key_b64",
    "sign_content",
    "signature_holds",
    "verify_document",
]


@dataclass(frozen=True)
class SignedContent:
    content_json: str
    content_sha256: str
    signature: str
    key_id: str


def sign_content(content: dict[str, Any]) -> SignedContent:
    """Canonicalise ``content`` and sign it with the ledger's current key."""
    from copyguard.ledger.actions import signing_key

    key = signing_key()
    data = canonical_json(content)
    return SignedContent(
        content_json=data.decode("utf-8"),
        content_sha256=hashlib.sha256(data).hexdigest(),
        signature=key.sign(data),
        key_id=key.key_id,
    )


def public_key_b64(key_id: str) -> str | None:
    """The base64 raw public key with ``key_id``: the current key or one that signed before."""
    from copyguard.ledger.actions import signing_key
    from copyguard.ledger.models import LedgerKey

    current = signing_key()
    if current.key_id == key_id:
        return current.public_b64
    return LedgerKey.objects.filter(key_id=key_id).values_list("public_key", flat=True).first()


@functools.lru_cache(maxsize=4096)
def signature_holds(data: bytes, signature: str, public_b64: str) -> bool:
    """Does ``signature`` (base64) sign ``data`` under the base64 raw Ed25519 key?

    Cached: the verification page checks the same certificate again and again.
    """
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64, validate=True))
        key.verify(base64.b64decode(signature, validate=True), data)
    except (binascii.Error, ValueError, InvalidSignature):
        return False
    return True


def verify_document(document: Any, public_b64: str) -> list[str]:
    """Problems with a signed document under the given public key (empty: it holds)."""
    if not isinstance(document, dict):
        return ["the signed document is not a JSON object"]
    for name in ("content", "signature", "key_id"):
        if name not in document:
            return [f"the signed document has no {name}"]
    if document.get("algorithm", "Ed25519") != "Ed25519":
        return ["the signed document names another algorithm than Ed25519"]
    try:
        raw = base64.b64decode(public_b64, validate=True)
    except (binascii.Error, ValueError):
        return ["the public key is not base64"]
    if document["key_id"] != hashlib.sha256(raw).hexdigest():
        return ["the document was signed with another key (key_id differs)"]
    if not isinstance(document["signature"], str):
        return ["the signature is not a base64 string"]
    try:
        data = canonical_json(document["content"])
    except (TypeError, ValueError):
        return ["the content is not JSON"]
    if not signature_holds(data, document["signature"], public_b64):
        return ["the signature does not verify: the content was changed or not signed by us"]
    return []
