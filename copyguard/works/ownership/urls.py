from django.urls import path

from copyguard.works.ownership import views

app_name = "ownership"

urlpatterns = [
    path("", views.index, name="index"),
    path("registration/<int:registration_id>/", views.registration_records, name="registration"),
    path(
        "registration/<int:registration_id>/<str:kind>",
        views.apply,
        name="apply",
    ),
    path("<int:record_id>/", views.record_detail, name="record"),
    path("<int:record_id>/approve", views.decide, {"decision": "approve"}, name="approve"),
    path("<int:record_id>/reject", views.decide, {"decision": "reject"}, name="reject"),
    path("<int:record_id>/withdraw", views.withdraw, name="withdraw"),
    path("<int:record_id>/release", views.release, name="release"),
]
