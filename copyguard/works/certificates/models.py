"""Electronic registration certificates: signed content, rendered PDF, status over time.

A certificate's legal content is frozen at issue as canonical JSON and signed with the
ledger's Ed25519 key; the PDF is a rendering of that content (with the signed document
attached) and is stored once under its SHA-256. A correction issues version n + 1 and
marks version n superseded; revocation (by the registering administration) ends a
certificate without a successor.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from copyguard.works.certificates.enums import CertificateStatus
from copyguard.works.models import Registration


class Certificate(models.Model):
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    version = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )
    # The exact canonical JSON that was signed (sorted keys, no spaces, UTF-8).
    content_json = models.TextField(_("signed content (canonical JSON)"))
    content_sha256 = models.CharField(_("SHA-256 of the signed content"), max_length=64)
    signature = models.CharField(_("Ed25519 signature (base64)"), max_length=128)
    key_id = models.CharField(_("signing key id"), max_length=64)
    pdf_storage_name = models.CharField(max_length=200, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    pdf_size = models.PositiveIntegerField(_("PDF size in bytes"), default=0)
    ledger_entry = models.ForeignKey(
        "ledger.LedgerEntry",
        verbose_name=_("ledger entry of the issue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status_entry = models.ForeignKey(
        "ledger.LedgerEntry",
        verbose_name=_("ledger entry of the supersession or revocation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    superseded_by = models.OneToOneField(
        "self",
        verbose_name=_("superseded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["registration", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "version"], name="one_certificate_per_version"
            ),
            models.UniqueConstraint(
                fields=["registration"],
                condition=models.Q(status="valid"),
                name="one_valid_certificate_per_registration",
            ),
        ]
        indexes = [
            # Public verification counts the certificates still without a rendered PDF on
            # every request (copyguard.works.certificates.verification.answer_version).
            models.Index(
                fields=["pdf_sha256"],
                condition=models.Q(pdf_sha256=""),
                name="certificate_pdf_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration.number} v{self.version}"

    @property
    def content(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.content_json)
        return value

    @property
    def content_bytes(self) -> bytes:
        return self.content_json.encode("utf-8")

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID

    @property
    def has_pdf(self) -> bool:
        return bool(self.pdf_storage_name)

    def can_revoke(self) -> bool:
        return self.status == CertificateStatus.VALID

    def can_supersede(self) -> bool:
        return self.status == CertificateStatus.VALID

    def signed_document(self) -> dict[str, Any]:
        """What the PDF carries as its attachment: the content, the signature, the key."""
        return {
            "algorithm": "Ed25519",
            "content": self.content,
            "key_id": self.key_id,
            "signature": self.signature,
        }
