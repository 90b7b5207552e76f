"""The ledger's Ed25519 signing key: generated on first use into the data directory.

The private key is kept as its 32 raw bytes in ``<data dir>/ledger/ed25519.key`` (mode 0600,
never committed). Its ``key_id`` is the hex SHA-256 of the 32-byte raw public key.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

__all__ = ["SigningKey", "key_id_for", "load_or_create_key"]

_cache: dict[Path, SigningKey] = {}
_lock = threading.Lock()


def key_id_for(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    public_raw: bytes

    @property
    def key_id(self) -> str:
        return key_id_for(self.public_raw)

    @property
    def public_b64(self) -> str:
        return base64.b64encode(self.public_raw).decode("ascii")

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.private.sign(message)).decode("ascii")


def _wrap(private: Ed25519PrivateKey) -> SigningKey:
    public_raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return SigningKey(private, public_raw)


def _read(path: Path) -> SigningKey:
    raw = path.read_bytes()
    if len(raw) != 32:
        raise RuntimeError(f"{path} is not a 32-byte Ed25519 private key")
    return _wrap(Ed25519PrivateKey.from_private_bytes(raw))


def load_or_create_key(data_dir: Path | str) -> SigningKey:
    """The key in ``data_dir``, created (atomically, mode 0600) when there is none yet."""
    path = Path(data_dir) / "ledger" / "ed25519.key"
    with _lock:
        if path in _cache:
            return _cache[path]
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists():
            private = Ed25519PrivateKey.generate()
            raw = private.private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            )
            # Written to a temporary name, then linked: a second process either wins the
            # link or reads the finished key, never half a file.
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, raw)
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        key = _read(path)
        _cache[path] = key
        return key
