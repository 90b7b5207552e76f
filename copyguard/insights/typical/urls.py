"""Pages of typical cases under /typical-cases/: public ones first, the back office under
manage/."""

from __future__ import annotations

from django.urls import path

from copyguard.insights.typical.views import manage, public

app_name = "typical"

urlpatterns = [
    path("", public.public_list, name="public"),
    path("<int:pk>/", public.public_detail, name="public_detail"),
    path("manage/", manage.manage_list, name="manage"),
    path("manage/propose/<int:case_id>/", manage.propose, name="propose"),
    path("manage/<int:pk>/", manage.manage_detail, name="manage_detail"),
    path(
        "manage/<int:pk>/<str:what>/",
        manage.typical_action,
        name="action",
    ),
    path(
        "manage/<int:pk>/names/<int:term_pk>/<str:what>/",
        manage.term_action,
        name="term_action",
    ),
]
