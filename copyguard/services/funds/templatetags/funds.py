"""Template helpers of the funds pages: ``{{ obj|local:"title" }}`` (the English field on
English pages when filled in) and ``{{ rule|rule_text }}`` (an eligibility rule in words)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language, gettext

from copyguard.accounts.enums import OrganisationKind, RightsHolderType
from copyguard.services.funds.enums import DocumentFormat, RuleKind

register = template.Library()


@register.filter
def local(obj: Any, field: str) -> str:
    language = get_language() or ""
    getter = (
        obj.get if isinstance(obj, dict) else lambda name, default="": getattr(obj, name, default)
    )
    if language.startswith("en"):
        english = getter(f"{field}_en", "")
        if english:
            return str(english)
    value = getter(field, "")
    return "" if value is None else str(value)


def _labels(choices: Any, values: list[str]) -> str:
    labels = dict(choices.choices)
    return ", ".join(str(labels.get(v, v)) for v in values)


@register.filter
def rule_text(rule: dict[str, Any]) -> str:
    kind = rule.get("kind")
    if kind == RuleKind.ORGANISATION_KIND:
        return gettext("The applicant is one of: %(kinds)s") % {
            "kinds": _labels(OrganisationKind, rule["in"])
        }
    if kind == RuleKind.RIGHTS_HOLDER_TYPE_IN:
        return gettext("The rights holder is one of: %(types)s") % {
            "types": _labels(RightsHolderType, rule["in"])
        }
    if kind == RuleKind.REGION_PREFIX:
        return gettext("Registered in a region whose code starts with %(prefix)s") % {
            "prefix": rule["value"]
        }
    if kind == RuleKind.REGISTERED_WORKS_AT_LEAST:
        return gettext("At least %(count)s works registered in copyguard") % {
            "count": rule["value"]
        }
    if kind == RuleKind.ANY_OF:
        return gettext("At least one of: %(rules)s") % {
            "rules": "; ".join(rule_text(r) for r in rule["rules"])
        }
    return str(kind)


@register.filter
def formats_text(formats: list[str]) -> str:
    return _labels(DocumentFormat, formats)


@register.filter
def actual_text(result: dict[str, Any]) -> str:
    """What the applicant has, for one rule's result."""
    actual = result.get("actual")
    if result.get("kind") == RuleKind.ANY_OF:
        return "; ".join(f"{'✓' if r['passed'] else '✗'} {actual_text(r)}" for r in actual or [])
    if result.get("kind") == RuleKind.ORGANISATION_KIND:
        return _labels(OrganisationKind, [str(actual)])
    if result.get("kind") == RuleKind.RIGHTS_HOLDER_TYPE_IN:
        return _labels(RightsHolderType, [actual]) if actual else "—"
    return "—" if actual in (None, "") else str(actual)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None
