"""China: Regulation on the Protection of the Right of Communication through Information
Networks, art. 14 (notice), art. 15 (removal and forwarding), art. 16 (counter-notice) and
art. 17 (restoration; no second notice about the same material)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from copyguard.enforcement.jurisdictions.base import (
    Element,
    Jurisdiction,
    any_filled,
    at_once,
    filled,
    true,
)


def _items(obj: Any) -> list[Any]:
    return list(obj.items.all()) if obj.pk else []


def _works_named(notice: Any) -> bool:
    items = _items(notice)
    return bool(items) and all(item.work_id and item.work.title.strip() for item in items)


def _addresses_given(notice: Any) -> bool:
    items = _items(notice)
    return bool(items) and all(item.url.strip() for item in items)


def _preliminary_proof(notice: Any) -> bool:
    # Each address needs captured evidence: an evidence bundle on the ledger.
    items = _items(notice)
    return bool(items) and all(
        item.evidence_id is not None and item.evidence.is_ready() for item in items
    )


def _material_named(counter: Any) -> bool:
    return bool(_items(counter)) and bool(counter.material_description.strip())


JURISDICTION = Jurisdiction(
    code="cn",
    name=_("China"),
    notice_law=_(
        "Regulation on the Protection of the Right of Communication through Information "
        "Networks, article 14"
    ),
    counter_law=_(
        "Regulation on the Protection of the Right of Communication through Information "
        "Networks, articles 16 and 17"
    ),
    notice_elements=(
        Element(
            "claimant_name", "art. 14 (1)", _("the rights holder's name"), filled("claimant_name")
        ),
        Element(
            "claimant_contact",
            "art. 14 (1)",
            _("the rights holder's contact details (e-mail or telephone)"),
            any_filled("claimant_email", "claimant_phone"),
        ),
        Element(
            "claimant_address",
            "art. 14 (1)",
            _("the rights holder's address"),
            filled("claimant_address"),
        ),
        Element("works", "art. 14 (2)", _("the name of each infringing work"), _works_named),
        Element(
            "addresses",
            "art. 14 (2)",
            _("the network address of each infringing work"),
            _addresses_given,
        ),
        Element(
            "proof",
            "art. 14 (3)",
            _("preliminary proof of infringement: an evidence bundle for each address"),
            _preliminary_proof,
        ),
        Element("signature", "art. 14", _("the rights holder's signature"), filled("signature")),
        Element(
            "responsibility",
            "art. 14",
            _("the statement that the rights holder answers for the notice's truth"),
            true("responsibility_statement"),
        ),
    ),
    counter_elements=(
        Element("uploader_name", "art. 16 (1)", _("the uploader's name"), filled("uploader_name")),
        Element(
            "uploader_contact",
            "art. 16 (1)",
            _("the uploader's contact details (e-mail or telephone)"),
            any_filled("uploader_email", "uploader_phone"),
        ),
        Element(
            "uploader_address",
            "art. 16 (1)",
            _("the uploader's address"),
            filled("uploader_address"),
        ),
        Element(
            "material",
            "art. 16 (2)",
            _("the name and network address of the material to restore"),
            _material_named,
        ),
        Element(
            "proof", "art. 16 (3)", _("preliminary proof of non-infringement"), filled("proof")
        ),
    ),
    restore_window=at_once,
    bars_renotification=True,
)
