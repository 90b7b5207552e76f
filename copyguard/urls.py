"""Top-level URL map: each app owns its own routes."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from copyguard.api import api

urlpatterns = [
    path("", include("copyguard.front.urls")),
    path("", include("copyguard.jobs.urls")),
    path("accounts/", include("copyguard.accounts.urls")),
    path("", include("copyguard.ledger.urls")),
    path("certificates/", include("copyguard.works.certificates.urls")),
    path("ownership/", include("copyguard.works.ownership.urls")),
    path("works/", include("copyguard.works.urls")),
    path("monitoring/", include("copyguard.monitoring.urls")),
    path("enforcement/", include("copyguard.enforcement.urls")),
    path("insights/", include("copyguard.insights.urls")),
    path("typical-cases/", include("copyguard.insights.typical.urls")),
    path("assessment/", include("copyguard.insights.assessment.urls")),
    path("services/", include("copyguard.services.urls")),
    path("checkups/", include("copyguard.services.checkups.urls")),
    path("publicity/", include("copyguard.services.publicity.urls")),
    path("funds/", include("copyguard.services.funds.urls")),
    path("model-units/", include("copyguard.services.awards.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler403 = "copyguard.front.views.error_403"
handler404 = "copyguard.front.views.error_404"
handler500 = "copyguard.front.views.error_500"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
