"""Pages of publicity and training under /publicity/: public ones first, the back office
under manage/."""

from __future__ import annotations

from django.urls import path

from copyguard.services.publicity.views import calendar, manage, public

app_name = "publicity"

urlpatterns = [
    path("", public.article_list, name="articles"),
    path("articles/<int:pk>/", public.article_detail, name="article"),
    path("articles/<int:pk>/files/<int:file_pk>/", public.attachment_download, name="attachment"),
    path("feed.atom", public.feed, name="feed"),
    path("events/", public.event_list, name="events"),
    path("events/<int:pk>/", public.event_detail, name="event"),
    path("events/<int:pk>/event.ics", calendar.event_ics, name="event_ics"),
    path("calendar/", calendar.month, name="calendar"),
    path("calendar.ics", calendar.calendar_ics, name="calendar_ics"),
    path("registrations/cancel/", public.cancel, name="cancel"),
    path("manage/", manage.manage_list, name="manage"),
    path("manage/articles/new/", manage.article_new, name="article_new"),
    path("manage/articles/<int:pk>/", manage.article_edit, name="article_manage"),
    path("manage/articles/<int:pk>/files/", manage.attachment_add, name="attachment_add"),
    path(
        "manage/articles/<int:pk>/files/<int:file_pk>/",
        manage.attachment_get,
        name="attachment_manage",
    ),
    path(
        "manage/articles/<int:pk>/files/<int:file_pk>/remove/",
        manage.attachment_remove,
        name="attachment_remove",
    ),
    path("manage/articles/<int:pk>/<str:what>/", manage.article_action, name="article_action"),
    path("manage/events/new/", manage.event_new, name="event_new"),
    path("manage/events/<int:pk>/", manage.event_edit, name="event_manage"),
    path("manage/events/<int:pk>/attendance/", manage.attendance, name="attendance"),
    path("manage/events/<int:pk>/checkin.csv", manage.checkin_csv, name="checkin_csv"),
    path(
        "manage/events/<int:pk>/registrations/<int:registration_pk>/cancel/",
        manage.registration_cancel,
        name="registration_cancel",
    ),
    path("manage/events/<int:pk>/<str:what>/", manage.event_action, name="event_action"),
]
