"""The ledger's stored state: entries, perfect-subtree hashes, signed tree heads, keys.

Entries are kept as the exact canonical bytes that were hashed; ``copyguard ledger check``
rehashes them. ``LedgerNode`` holds the hash of every complete subtree of two or more
leaves (level ≥ 1); level 0 is ``LedgerEntry.leaf_hash``. ``LedgerState`` is the one row
appends lock to take the next index; it also keeps the right edge of the tree (the perfect
subtrees covering ``[0, tree_size)``) so an append needs no lookups.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerState(models.Model):
    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    tree_size = models.PositiveBigIntegerField(default=0)
    # Hex hashes of the perfect subtrees covering [0, tree_size), largest first.
    edge = models.JSONField(default=list)

    class Meta:
        verbose_name = _("ledger state")

    def __str__(self) -> str:
        return f"ledger of {self.tree_size}"


class LedgerEntry(models.Model):
    leaf_index = models.PositiveBigIntegerField(_("leaf index"), unique=True)
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    entry = models.BinaryField(_("entry (canonical JSON)"))
    leaf_hash = models.BinaryField(_("leaf hash"), max_length=32)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["leaf_index"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self) -> str:
        return f"#{self.leaf_index} {self.kind}"

    @property
    def entry_bytes(self) -> bytes:
        return bytes(self.entry)

    @property
    def content(self) -> Any:
        return json.loads(self.entry_bytes)


class LedgerNode(models.Model):
    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="ledger_node_unique")
        ]

    def __str__(self) -> str:
        return f"({self.level}, {self.index})"


class SignedTreeHead(models.Model):
    tree_size = models.PositiveBigIntegerField(_("tree size"), unique=True)
    root_hash = models.CharField(_("root hash"), max_length=64)
    timestamp = models.PositiveBigIntegerField(_("timestamp (ms)"))
    key_id = models.CharField(_("key id"), max_length=64)
    signature = models.CharField(_("signature"), max_length=128)

    class Meta:
        ordering = ["tree_size"]
        verbose_name = _("signed tree head")
        verbose_name_plural = _("signed tree heads")

    def __str__(self) -> str:
        return f"STH {self.tree_size} {self.root_hash[:12]}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "timestamp": self.timestamp,
            "key_id": self.key_id,
            "signature": self.signature,
        }


class LedgerKey(models.Model):
    """Every public key that has signed a head, so old heads stay checkable after a new key."""

    key_id = models.CharField(_("key id"), max_length=64, unique=True)
    public_key = models.CharField(_("public key (base64)"), max_length=64)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger signing key")

    def __str__(self) -> str:
        return self.key_id[:16]
