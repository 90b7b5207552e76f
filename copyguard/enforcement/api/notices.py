"""API of enforcement: notices."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["enforcement"])
