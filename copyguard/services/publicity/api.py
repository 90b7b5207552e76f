"""API of publicity and training, mounted at /api/v1/publicity."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Publicity and training"])
