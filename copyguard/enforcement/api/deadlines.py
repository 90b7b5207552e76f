"""API of enforcement: deadlines."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["enforcement"])
