"""API of regional assessment, mounted at /api/v1/assessment."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Regional assessment"])
