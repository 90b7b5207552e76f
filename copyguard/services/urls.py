"""Routes of service requests under /services/."""

from __future__ import annotations

from copyguard.services.views import requests, routing, workload

app_name = "services"

urlpatterns = [
    *workload.urlpatterns,
    *routing.urlpatterns,
    *requests.urlpatterns,
]
