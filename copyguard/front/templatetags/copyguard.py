"""Template helpers shared by every app: ``{% load copyguard %}``."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from copyguard.accounts.models import Organisation

register = template.Library()


@register.filter
def display_name(organisation: Organisation | None) -> str:
    """The organisation's name in the current language (English name when showing English)."""
    if organisation is None:
        return ""
    return organisation.display_name(get_language())


@register.inclusion_tag("front/includes/empty.html")
def empty_state(message: str, hint: str = "") -> dict[str, str]:
    """A consistent empty state: ``{% empty_state _("No members yet.") %}``."""
    return {"message": message, "hint": hint}


@register.filter
def wrap_dots(value: object) -> SafeString:
    """Let dotted names (``accounts.membership.add``) wrap after each dot in narrow columns."""
    return mark_safe(escape(str(value)).replace(".", ".<wbr>"))  # noqa: S308 - escaped first
