from django.urls import path

from copyguard.services.funds import views

app_name = "funds"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("programmes/new/", views.programme_new, name="programme_new"),
    path("programmes/<int:programme_id>/", views.programme_detail, name="programme"),
    path("programmes/<int:programme_id>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<int:programme_id>/status/", views.programme_status, name="programme_status"),
    path("programmes/<int:programme_id>/totals/", views.programme_totals, name="totals"),
    path("programmes/<int:programme_id>/apply/", views.apply, name="apply"),
    path("applications/<int:application_id>/", views.application_detail, name="application"),
    path(
        "applications/<int:application_id>/documents/<slug:requirement>/",
        views.document_download,
        name="document",
    ),
    path(
        "applications/<int:application_id>/documents/<slug:requirement>/upload/",
        views.document_upload,
        name="document_upload",
    ),
    path(
        "applications/<int:application_id>/documents/<slug:requirement>/remove/",
        views.document_remove,
        name="document_remove",
    ),
    path("applications/<int:application_id>/<slug:step>/", views.application_step, name="step"),
]
