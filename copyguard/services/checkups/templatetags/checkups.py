"""``{{ obj|local:"title" }}``: the English field (``title_en``) when the page (or the PDF
section) is in English and the field is filled in, else the Chinese one."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def local(obj: Any, field: str) -> str:
    language = get_language() or ""
    if language.startswith("en"):
        english = (
            obj.get(f"{field}_en") if isinstance(obj, dict) else getattr(obj, f"{field}_en", "")
        )
        if english:
            return str(english)
    value = obj.get(field, "") if isinstance(obj, dict) else getattr(obj, field, "")
    return "" if value is None else str(value)


@register.filter
def signed(value: Any) -> str:
    """A change with its sign: +3.50, -2.00, 0.00."""
    if value is None:
        return "—"
    text = f"{value:.2f}" if not isinstance(value, str) else value
    return text if text.startswith("-") or text in ("0.00", "0") else f"+{text}"


@register.filter
def lookup(mapping: Any, key: str) -> Any:
    """``{{ answers|lookup:question.code }}``: a dictionary's value by a variable key."""
    if isinstance(mapping, dict):
        return mapping.get(key, "")
    return ""
