from django.urls import path

from copyguard.insights.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("systems/import/", views.system_import, name="system_import"),
    path("systems/<int:pk>/", views.system_detail, name="system"),
    path("systems/<int:pk>/export.json", views.system_export, name="system_export"),
    path("systems/<int:pk>/<str:verb>/", views.system_action, name="system_action"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("populations/", views.populations, name="populations"),
    path("rounds/open/", views.round_open, name="round_open"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/submit/", views.submit, name="submit"),
    path("rounds/<int:pk>/cities/<int:city>/", views.report, name="report"),
    path("rounds/<int:pk>/cities/<int:city>/report.pdf", views.report_pdf, name="report_pdf"),
    path("rounds/<int:pk>/<str:verb>/", views.round_action, name="round_action"),
    path("submissions/<int:pk>/review/", views.review, name="review"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("cities/<int:city>/history/", views.history, name="history"),
]
