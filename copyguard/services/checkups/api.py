"""API of enterprise check-ups, mounted at /api/v1/checkups."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Enterprise check-ups"])
