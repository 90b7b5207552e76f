"""Routes of the works registry's pages (names are relied on by templates and navigation)."""

from django.urls import path

from copyguard.works.views import applicant, examination

app_name = "works"

urlpatterns = [
    # The applicant's works
    path("", applicant.work_list, name="list"),
    path("new/", applicant.work_create, name="create"),
    path("<int:work_id>/", applicant.work_detail, name="work"),
    path("<int:work_id>/edit/", applicant.work_edit, name="edit"),
    path("<int:work_id>/files/", applicant.file_upload, name="upload"),
    path("<int:work_id>/files/<int:file_id>/remove/", applicant.file_remove, name="file_remove"),
    path("<int:work_id>/software/", applicant.software, name="software"),
    path("<int:work_id>/start-again/", applicant.start_again, name="start_again"),
    path("registrations/<int:registration_id>/submit/", applicant.submit, name="submit"),
    path("registrations/<int:registration_id>/check/", applicant.check_progress, name="check"),
    # Examination by registrars
    path("examination/", examination.queue, name="queue"),
    path("examination/<int:registration_id>/", examination.examination, name="examination"),
    path("examination/<int:registration_id>/take/", examination.take, name="take"),
    path(
        "examination/<int:registration_id>/<str:decision>/",
        examination.decide,
        name="decide",
    ),
    path("conflicts/<int:conflict_id>/", examination.conflict, name="conflict"),
    path(
        "conflicts/<int:conflict_id>/resolve/",
        examination.conflict_resolve,
        name="conflict_resolve",
    ),
]
