"""Signed tree heads and evidence bundles, checked offline (no Django, no database).

A bundle is a zip holding ``manifest.json``, the captured files and ``proof.json``
(docs/ledger.md). ``verify_bundle`` checks, in this order, and reports the first failure
first: the zip is readable and safe (no path tricks, no bomb); ``proof.json`` is well formed;
its public key is the key the head names; the head's signature; the entry's inclusion under
the head's root; ``manifest.json`` is canonical and signed by the same key; it lists the
SHA-256 of every other file, and the files match; the ledger entry records the SHA-256 of
every captured file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import lzma
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypedDict

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from copyguard.ledger.merkle import canonical_json, leaf_hash, verify_inclusion

__all__ = [
    "MAX_BUNDLE_BYTES",
    "MAX_MEMBERS",
    "ProofDocument",
    "SignedHead",
    "head_message",
    "inspect_bundle",
    "manifest_message",
    "pack_bundle",
    "verify_bundle",
    "verify_head",
]

MAX_MEMBERS = 1000
MAX_BUNDLE_BYTES = 2 * 1024**3  # uncompressed, all members together
MANIFEST = "manifest.json"
PROOF = "proof.json"


class SignedHead(TypedDict):
    tree_size: int
    root_hash: str
    timestamp: int
    key_id: str
    signature: str


class ProofDocument(TypedDict):
    entry: Any
    leaf_index: int
    tree_size: int
    inclusion_path: list[str]
    signed_tree_head: SignedHead
    public_key: str


class BundleError(Exception):
    pass


_UNREADABLE_MEMBER = (
    zipfile.BadZipFile,
    NotImplementedError,
    RuntimeError,
    OSError,
    EOFError,
    ValueError,
    zlib.error,
    lzma.LZMAError,
)


def head_message(head: Mapping[str, Any]) -> bytes:
    """What a tree head's signature covers: the canonical JSON of its other four fields."""
    return canonical_json({k: head[k] for k in ("tree_size", "root_hash", "timestamp", "key_id")})


def manifest_message(manifest: Mapping[str, Any]) -> bytes:
    return canonical_json({k: v for k, v in manifest.items() if k != "signature"})


def _public_key(public_b64: Any) -> tuple[Ed25519PublicKey, bytes]:
    if not isinstance(public_b64, str):
        raise BundleError("public_key is not a base64 string")
    try:
        raw = base64.b64decode(public_b64, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw), raw
    except (binascii.Error, ValueError):
        raise BundleError("public_key is not a base64 raw Ed25519 key") from None


def _check_signature(key: Ed25519PublicKey, signature: Any, message: bytes) -> bool:
    if not isinstance(signature, str):
        return False
    try:
        key.verify(base64.b64decode(signature, validate=True), message)
    except (binascii.Error, ValueError, InvalidSignature):
        return False
    return True


def verify_head(head: Any, public_raw: bytes) -> list[str]:
    """Problems with a signed tree head under ``public_raw`` (empty when it holds)."""
    if not isinstance(head, dict):
        return ["signed_tree_head is not an object"]
    types = {"tree_size": int, "root_hash": str, "timestamp": int, "key_id": str, "signature": str}
    for name, kind in types.items():
        if not isinstance(head.get(name), kind) or isinstance(head.get(name), bool):
            return [f"signed_tree_head.{name} is missing or not a {kind.__name__}"]
    if head["tree_size"] < 0 or head["timestamp"] < 0:
        return ["signed_tree_head has a negative tree_size or timestamp"]
    try:
        if len(bytes.fromhex(head["root_hash"])) != 32:
            raise ValueError
    except ValueError:
        return ["signed_tree_head.root_hash is not 64 hex digits"]
    if head["key_id"] != hashlib.sha256(public_raw).hexdigest():
        return ["signed_tree_head.key_id is not the SHA-256 of the public key"]
    key = Ed25519PublicKey.from_public_bytes(public_raw)
    if not _check_signature(key, head["signature"], head_message(head)):
        return ["signed_tree_head signature does not verify"]
    return []


def _check_proof(proof: Any) -> tuple[list[str], bytes | None]:
    """Problems with proof.json and, when it holds, the raw public key."""
    if not isinstance(proof, dict):
        return ["proof.json is not a JSON object"], None
    for name in ("entry", "leaf_index", "tree_size", "inclusion_path", "signed_tree_head"):
        if name not in proof:
            return [f"proof.json has no {name}"], None
    try:
        _, public_raw = _public_key(proof.get("public_key"))
    except BundleError as exc:
        return [f"proof.json: {exc}"], None
    index, size = proof["leaf_index"], proof["tree_size"]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (index, size)):
        return ["proof.json: leaf_index and tree_size must be whole numbers"], None
    problems = verify_head(proof["signed_tree_head"], public_raw)
    if problems:
        return problems, None
    head = proof["signed_tree_head"]
    if head["tree_size"] != size:
        return ["proof.json: tree_size differs from the signed tree head's"], None
    path = proof["inclusion_path"]
    try:
        if not isinstance(path, list):
            raise ValueError
        hashes = [bytes.fromhex(h) for h in path]
        if any(len(h) != 32 for h in hashes):
            raise ValueError
    except (TypeError, ValueError):
        return ["proof.json: inclusion_path is not a list of 64-hex-digit hashes"], None
    leaf = leaf_hash(canonical_json(proof["entry"]))
    if not verify_inclusion(leaf, index, size, hashes, bytes.fromhex(head["root_hash"])):
        return [
            f"inclusion proof fails: entry {index} is not in the signed tree of size {size}"
        ], None
    return [], public_raw


def _safe_name(name: str) -> bool:
    parts = name.split("/")
    return (
        bool(name)
        and not name.startswith("/")
        and "\\" not in name
        and ":" not in name
        and "\x00" not in name
        and all(part not in ("", ".", "..") for part in parts)
    )


def _read_zip(data: bytes, max_bytes: int) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, ValueError):
        # NotImplementedError: a zip version or feature zipfile does not read.
        raise BundleError("not a zip file") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise BundleError(f"too many files in the zip ({len(infos)} > {MAX_MEMBERS})")
        files: dict[str, bytes] = {}
        total = 0
        for info in infos:
            if info.filename.endswith("/"):  # a folder (is_dir() fails on an empty name)
                continue
            if not _safe_name(info.filename):
                raise BundleError(f"unsafe file name in the zip: {info.filename!r}")
            if info.filename in files:
                raise BundleError(f"file {info.filename!r} appears twice in the zip")
            chunks = []
            try:
                with archive.open(info) as member:
                    # Read with a cap instead of trusting the sizes the zip declares.
                    while chunk := member.read(1 << 20):
                        total += len(chunk)
                        if total > max_bytes:
                            raise BundleError(
                                f"the zip unpacks to more than {max_bytes} bytes (zip bomb?)"
                            )
                        chunks.append(chunk)
            except _UNREADABLE_MEMBER as exc:
                # A damaged member: corrupt compressed data, a wrong CRC, an unknown
                # compression method, encryption.
                raise BundleError(f"cannot read {info.filename!r} from the zip: {exc}") from None
            files[info.filename] = b"".join(chunks)
    return files


def _json_file(files: Mapping[str, bytes], name: str) -> Any:
    if name not in files:
        raise BundleError(f"{name} is missing")
    try:
        return json.loads(files[name].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BundleError(f"{name} is not valid JSON") from None


def _string_values(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value.lower()}
    if isinstance(value, dict):
        return {s for v in value.values() for s in _string_values(v)}
    if isinstance(value, list):
        return {s for v in value for s in _string_values(v)}
    return set()


def _check_manifest(files: Mapping[str, bytes], public_raw: bytes, entry: Any) -> list[str]:
    manifest = _json_file(files, MANIFEST)
    if not isinstance(manifest, dict):
        return ["manifest.json is not a JSON object"]
    if files[MANIFEST] != canonical_json(manifest):
        return ["manifest.json is not in canonical form (it was edited)"]
    key = Ed25519PublicKey.from_public_bytes(public_raw)
    if not _check_signature(key, manifest.get("signature"), manifest_message(manifest)):
        return ["manifest.json signature does not verify"]
    listed = manifest.get("files")
    if not isinstance(listed, dict) or not all(isinstance(v, str) for v in listed.values()):
        return ["manifest.json has no files object of name → SHA-256"]
    others = set(files) - {MANIFEST}
    for name in sorted(others - set(listed)):
        return [f"{name} is in the zip but not in manifest.json"]
    for name in sorted(set(listed) - others):
        return [f"{name} is listed in manifest.json but missing from the zip"]
    for name in sorted(listed):
        if hashlib.sha256(files[name]).hexdigest() != listed[name].lower():
            return [f"{name}: SHA-256 differs from manifest.json (the file was changed)"]
    recorded = _string_values(entry)
    for name in sorted(set(listed) - {PROOF}):
        if listed[name].lower() not in recorded:
            return [f"{name}: the ledger entry does not record its SHA-256"]
    return []


def inspect_bundle(
    source: str | Path | bytes,
    *,
    key_id: str | None = None,
    max_bytes: int = MAX_BUNDLE_BYTES,
) -> tuple[list[str], dict[str, Any]]:
    """Problems with an evidence bundle (first failure first) and what it holds.

    ``key_id``, when given, is the key the verifier trusts (published by the platform);
    a bundle signed by any other key fails. The summary has ``leaf_index``, ``tree_size``,
    ``kind``, ``key_id``, ``timestamp`` and ``files`` (name → SHA-256) once readable.
    """
    if isinstance(source, bytes):
        data = source
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            return [f"cannot read {source!s}: {exc.strerror or exc}"], {}
    summary: dict[str, Any] = {}
    try:
        files = _read_zip(data, max_bytes)
        proof = _json_file(files, PROOF)
        problems, public_raw = _check_proof(proof)
        if problems or public_raw is None:
            return problems, summary
        head = proof["signed_tree_head"]
        summary = {
            "leaf_index": proof["leaf_index"],
            "tree_size": proof["tree_size"],
            "kind": proof["entry"].get("kind") if isinstance(proof["entry"], dict) else None,
            "key_id": head["key_id"],
            "timestamp": head["timestamp"],
            "files": {name: hashlib.sha256(content).hexdigest() for name, content in files.items()},
        }
        if key_id is not None and key_id.lower() != head["key_id"]:
            return [
                f"signed by key {head['key_id']}, not by the trusted key {key_id.lower()}"
            ], summary
        return _check_manifest(files, public_raw, proof["entry"]), summary
    except BundleError as exc:
        return [str(exc)], summary


def verify_bundle(
    source: str | Path | bytes,
    *,
    key_id: str | None = None,
    max_bytes: int = MAX_BUNDLE_BYTES,
) -> list[str]:
    """Problems with an evidence bundle (a path or the zip's bytes), first failure first.

    An empty list means every check held.
    """
    return inspect_bundle(source, key_id=key_id, max_bytes=max_bytes)[0]


def pack_bundle(
    proof: ProofDocument,
    files: Mapping[str, bytes],
    manifest: Mapping[str, Any],
    sign: Any,
) -> bytes:
    """The zip of a bundle. ``sign(bytes) -> base64 str`` signs the manifest.

    Refuses (ValueError) names that are unsafe or reserved, and files whose SHA-256 the
    entry does not record: such a bundle would not verify.
    """
    reserved = {MANIFEST, PROOF}
    for name in files:
        if name in reserved or not _safe_name(name):
            raise ValueError(f"cannot put a file named {name!r} in a bundle")
    proof_bytes = canonical_json(proof)
    hashes = {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}
    recorded = _string_values(proof["entry"])
    missing = [name for name, digest in hashes.items() if digest not in recorded]
    if missing:
        raise ValueError(f"the ledger entry does not record the SHA-256 of {', '.join(missing)}")
    hashes[PROOF] = hashlib.sha256(proof_bytes).hexdigest()
    body = {k: v for k, v in manifest.items() if k not in ("files", "signature")}
    body["files"] = hashes
    body["signature"] = sign(manifest_message(body))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, canonical_json(body))
        for name, content in files.items():
            archive.writestr(name, content)
        archive.writestr(PROOF, proof_bytes)
    return out.getvalue()
