"""Template filters of the model-unit pages."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from copyguard.accounts.models import Organisation

register = template.Library()


@register.filter
def org_name(organisation: Organisation | None) -> str:
    """An organisation's name in the active language (English when it has one)."""
    if organisation is None:
        return ""
    return organisation.display_name(get_language())
