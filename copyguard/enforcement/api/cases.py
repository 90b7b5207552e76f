"""API of enforcement: cases."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["enforcement"])
