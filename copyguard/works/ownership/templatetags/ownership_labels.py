"""Labels of ownership codes, in the language of the page (verification caches codes)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from copyguard.works.ownership.enums import (
    AssignmentScope,
    EconomicRight,
    LicenceType,
    RecordKind,
    RecordStatus,
)

register = template.Library()

_CHOICES = {
    "kind": RecordKind,
    "status": RecordStatus,
    "scope": AssignmentScope,
    "licence": LicenceType,
    "right": EconomicRight,
}


@register.filter
def ownership_label(code: object, what: str) -> str:
    """``{{ record.kind|ownership_label:"kind" }}`` → the translated label (or the code)."""
    choices = _CHOICES.get(what)
    if choices is None or code not in choices.values:
        return str(code or "")
    return str(choices(code).label)


@register.filter
def right_labels(codes: Iterable[str] | None) -> str:
    """The translated names of economic rights, separated by commas."""
    return ", ".join(ownership_label(code, "right") for code in codes or [])
