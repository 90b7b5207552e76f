"""API of special support funds, mounted at /api/v1/funds."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Special support funds"])
