"""Template helpers of the monitoring pages: ``{% load monitoring %}``."""

from __future__ import annotations

from django import template

from copyguard.monitoring.views.figures import clock as _clock
from copyguard.works.enums import FileMedia

register = template.Library()

_MEDIA = dict(FileMedia.choices)


@register.filter
def media_label(value: str) -> str:
    """The media's name in the current language (``text`` → Text)."""
    return str(_MEDIA.get(value, value))


@register.filter
def clock(seconds: float | int | None) -> str:
    """Seconds as m:ss (or h:mm:ss)."""
    if seconds is None:
        return ""
    return _clock(float(seconds))
