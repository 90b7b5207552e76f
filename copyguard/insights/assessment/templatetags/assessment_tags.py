"""Template filters of the assessment pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

from copyguard.insights.assessment.presentation import plain as _plain

register = template.Library()


@register.filter
def plain(value: Decimal | None) -> str:
    """A decimal without trailing zeros or exponent (``30.0000`` → ``30``); ``—`` for none."""
    return _plain(value)
