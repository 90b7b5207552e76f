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
def chart(table: Table, width: int | str = 640) -> SafeString:
    """The table's SVG chart, ``width`` units wide (height in proportion). Safe:
    ``copyguard.insights.charts`` escapes every piece of text it writes."""
    try:
        wide = max(320, min(1280, int(width)))
    except (TypeError, ValueError):
        wide = 640
    return mark_safe(table.svg(wide, wide * 9 // 16))  # noqa: S308 - escaped by charts


@register.simple_tag
def cell(table: Table, row: Any, index: int) -> str:
    column = table.columns[index]
    return format_value(row.values[index], row.kind or column.kind)
