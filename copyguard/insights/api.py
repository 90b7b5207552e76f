"""API of statistics and reports, mounted at /api/v1/insights."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Statistics and reports"])
