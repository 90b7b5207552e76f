from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Navigation entries the current user may use (filled in by the web shell)."""
    return {"nav_items": []}
