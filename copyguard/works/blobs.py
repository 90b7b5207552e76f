"""Content-addressed files in Django's default storage: the same bytes are stored once.

A file's bytes live at ``works/blobs/<first 2 hex>/<sha256>``, the text the engine read from
it at ``works/text/<first 2 hex>/<sha256>.txt``. Writing one that exists already is a no-op,
so a blob written by a transaction that later rolled back is simply reused next time.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

__all__ = ["blob_name", "read_blob", "read_text", "sha256_of", "store_blob", "store_text"]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def blob_name(sha256: str) -> str:
    return f"works/blobs/{sha256[:2]}/{sha256}"


def text_name(sha256: str) -> str:
    return f"works/text/{sha256[:2]}/{sha256}.txt"


def _store(name: str, data: bytes) -> str:
    if default_storage.exists(name):
        return name
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:  # another writer got there between exists() and save()
        default_storage.delete(saved)
    return name


def store_blob(sha256: str, data: bytes) -> str:
    return _store(blob_name(sha256), data)


def store_text(sha256: str, text: str) -> str:
    return _store(text_name(sha256), text.encode("utf-8"))


def read_blob(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return bytes(handle.read())


def read_text(name: str) -> str:
    return read_blob(name).decode("utf-8")
