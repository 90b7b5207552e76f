"""API of service requests, mounted at /api/v1/services."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Service requests"])
