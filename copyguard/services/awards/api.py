"""API of model units, mounted at /api/v1/model-units."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Model units"])
