"""United States: 17 U.S.C. §512(c)(3)(A) (notice) and §512(g) (counter-notice and
restoration in 10 to 14 business days unless the claimant files an action)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from copyguard.enforcement.jurisdictions.base import Element, Jurisdiction, any_filled, filled, true
from copyguard.enforcement.jurisdictions.business_days import add_business_days

RESTORE_NOT_BEFORE_DAYS = 10
RESTORE_BY_DAYS = 14


def _items(obj: Any) -> list[Any]:
    return list(obj.items.all()) if obj.pk else []


def _works_identified(notice: Any) -> bool:
    items = _items(notice)
    return bool(items) and all(item.work_id and item.work.title.strip() for item in items)


def _material_located(notice: Any) -> bool:
    items = _items(notice)
    return bool(items) and all(item.url.strip() for item in items)


def _material_and_location(counter: Any) -> bool:
    return bool(_items(counter)) and bool(counter.material_description.strip())


def restore_window(received_at: datetime) -> tuple[datetime, datetime]:
    return (
        add_business_days(received_at, RESTORE_NOT_BEFORE_DAYS),
        add_business_days(received_at, RESTORE_BY_DAYS),
    )


JURISDICTION = Jurisdiction(
    code="us",
    name=_("United States"),
    notice_law=_("17 U.S.C. §512(c)(3)(A) (DMCA)"),
    counter_law=_("17 U.S.C. §512(g)(2) and (3) (DMCA)"),
    notice_elements=(
        Element(
            "signature",
            "§512(c)(3)(A)(i)",
            _("a physical or electronic signature"),
            filled("signature"),
        ),
        Element(
            "works",
            "§512(c)(3)(A)(ii)",
            _("identification of the copyrighted work claimed to be infringed"),
            _works_identified,
        ),
        Element(
            "addresses",
            "§512(c)(3)(A)(iii)",
            _("identification of the infringing material and where it is"),
            _material_located,
        ),
        Element(
            "contact",
            "§512(c)(3)(A)(iv)",
            _("the complaining party's address and telephone number or e-mail address"),
            lambda n: (
                filled("claimant_name", "claimant_address")(n)
                and any_filled("claimant_email", "claimant_phone")(n)
            ),
        ),
        Element(
            "good_faith",
            "§512(c)(3)(A)(v)",
            _("a statement of good-faith belief that the use is not authorised"),
            true("good_faith_statement"),
        ),
        Element(
            "accuracy",
            "§512(c)(3)(A)(vi)",
            _(
                "a statement that the notice is accurate and, under penalty of perjury, "
                "that the complaining party is authorised to act"
            ),
            true("accuracy_statement"),
        ),
    ),
    counter_elements=(
        Element(
            "signature",
            "§512(g)(3)(A)",
            _("a physical or electronic signature"),
            filled("signature"),
        ),
        Element(
            "material",
            "§512(g)(3)(B)",
            _("identification of the material removed and where it appeared"),
            _material_and_location,
        ),
        Element(
            "mistake",
            "§512(g)(3)(C)",
            _(
                "a statement under penalty of perjury of good-faith belief that the material "
                "was removed by mistake or misidentification"
            ),
            true("mistake_statement"),
        ),
        Element(
            "contact",
            "§512(g)(3)(D)",
            _("the subscriber's name, address and telephone number"),
            filled("uploader_name", "uploader_address", "uploader_phone"),
        ),
        Element(
            "consent",
            "§512(g)(3)(D)",
            _("consent to the jurisdiction of the federal district court"),
            true("jurisdiction_consent"),
        ),
    ),
    restore_window=restore_window,
    bars_renotification=False,
)
