"""Routes of enforcement under /enforcement/: each workflow's view module lists its own."""

from __future__ import annotations

from copyguard.enforcement.views import (
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

app_name = "enforcement"

urlpatterns = [
    *notices.urlpatterns,
    *platform.urlpatterns,
    *counter.urlpatterns,
    *deadlines.urlpatterns,
    *tipoffs.urlpatterns,
    *cases.urlpatterns,
    *thresholds.urlpatterns,
    *transfers.urlpatterns,
    *cooperation.urlpatterns,
    *campaigns.urlpatterns,
]
