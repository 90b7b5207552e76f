from django.urls import path

from copyguard.works.certificates import views

app_name = "certificates"

urlpatterns = [
    path(
        "registration/<int:registration_id>/",
        views.registration_certificates,
        name="registration",
    ),
    path(
        "registration/<int:registration_id>/issue",
        views.issue,
        name="issue",
    ),
    path(
        "registration/<int:registration_id>/reissue",
        views.reissue,
        name="reissue",
    ),
    path("<int:certificate_id>/revoke", views.revoke, name="revoke"),
    path("<int:certificate_id>/pdf", views.download_pdf, name="pdf"),
    path("<int:certificate_id>/bundle", views.download_bundle, name="bundle"),
]
