from django.urls import path

from copyguard.services.checkups import views

app_name = "checkups"

urlpatterns = [
    path("", views.checkup_list, name="list"),
    path("new/", views.checkup_start, name="start"),
    path("<int:checkup_id>/", views.checkup_detail, name="checkup"),
    path("<int:checkup_id>/save/", views.checkup_save, name="save"),
    path("<int:checkup_id>/report.pdf", views.checkup_pdf, name="pdf"),
    path("<int:checkup_id>/comments/", views.checkup_comment, name="comment"),
]
