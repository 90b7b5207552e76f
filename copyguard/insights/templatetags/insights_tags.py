"""Template helpers of the statistics pages and the annual report."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from copyguard.insights.tables import Table, format_value

register = template.Library()


@register.filter
def lookup(mapping: dict[str, Any], key: str) -> Any:
    """``mapping[key]`` (``None`` when absent): a language's data in the report."""
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def chart(table: Table) -> SafeString:
    """The table's SVG chart. Safe: ``charts`` escapes every piece of text it writes."""
    return mark_safe(table.svg())  # noqa: S308 - built by copyguard.insights.charts, escaped there


@register.simple_tag
def cell(table: Table, row: Any, index: int) -> str:
    column = table.columns[index]
    return format_value(row.values[index], row.kind or column.kind)
