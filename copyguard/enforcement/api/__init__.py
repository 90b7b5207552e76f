"""The enforcement API under /api/v1/enforcement/: one router per workflow."""

from __future__ import annotations

from ninja import Router

from copyguard.enforcement.api import (
    campaigns,
    cases,
    cooperation,
    counter,
    deadlines,
    notices,
    platform,
    thresholds,
    tipoffs,
    transfers,
)

router = Router()
for module in (
    notices,
    platform,
    counter,
    deadlines,
    tipoffs,
    cases,
    thresholds,
    transfers,
    cooperation,
    campaigns,
):
    router.add_router("/enforcement", module.router)
