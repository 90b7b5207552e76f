"""What a certificate says: its content, built from a registered work.

The content is a plain JSON object holding codes, not translated labels (the PDF shows
each value in both languages); it is what gets signed, so it holds only the fields of the
certificate and nothing that changes later (the certificate's status lives outside it).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from copyguard.works.models import Registration, SoftwareDetails

__all__ = ["CONTENT_FORMAT", "build_content", "verification_url"]

CONTENT_FORMAT = "copyguard-certificate/1"


def verification_url(number: str) -> str:
    """The public page that checks ``number`` (what the QR code holds)."""
    return settings.BASE_URL + reverse("front:verify_number", args=[number])


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def build_content(
    registration: Registration, *, version: int, issued_at: datetime
) -> dict[str, Any]:
    work = registration.work
    administration = registration.administration
    assert registration.number is not None, "only a registered work gets a certificate"
    content: dict[str, Any] = {
        "format": CONTENT_FORMAT,
        "registration_number": registration.number,
        "version": version,
        "issued_at": timezone.localtime(issued_at).isoformat(timespec="seconds"),
        "title": work.title,
        "category": work.category,
        "authors": [
            {"name": a.real_name, "pen_name": a.pen_name, "kind": a.kind}
            for a in work.authors.order_by("order", "pk")
        ],
        "rights_holders": [
            {"name": s.holder_name, "share": f"{s.share:.2f}"}
            for s in work.shares.order_by("-share", "pk")
        ],
        "rights_obtained": work.rights_obtained,
        "completed_on": _day(work.completed_on),
        "completed_place": work.completed_place,
        "publication_status": work.publication_status,
        "first_published_on": _day(work.first_published_on),
        "first_published_place": work.first_published_place,
        "registration_date": _day(registration.registered_on),
        "administration": {
            "name": administration.name if administration else "",
            "name_en": administration.name_en if administration else "",
            "region_code": registration.number.split("-", 1)[0],
        },
        "files": [
            {"name": f.original_name, "sha256": f.sha256, "size": f.size, "iscc": f.iscc_code}
            for f in work.files.order_by("original_name", "sha256")
        ],
        "verification_url": verification_url(registration.number),
    }
    details = SoftwareDetails.objects.filter(work=work).first()
    if details is not None:
        content["software"] = {"name": details.name, "version": details.version}
    return content
