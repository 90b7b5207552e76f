"""API of typical cases, mounted at /api/v1/typical-cases."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Typical cases"])
