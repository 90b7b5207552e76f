"""Routes of the monitoring pages (names are relied on by templates and navigation)."""

from django.urls import path
from django.views.generic import RedirectView

from copyguard.monitoring.views import allowlist, hits, notifications, sources, watchlist

app_name = "monitoring"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="monitoring:queue"), name="home"),
    # Sources and runs
    path("sources/", sources.source_list, name="sources"),
    path("sources/new/", sources.source_kinds, name="source_kinds"),
    path("sources/new/<str:kind>/", sources.source_create, name="source_create"),
    path("sources/<int:source_id>/", sources.source_detail, name="source"),
    path("sources/<int:source_id>/edit/", sources.source_edit, name="source_edit"),
    path("sources/<int:source_id>/start/", sources.source_start, name="source_start"),
    path("runs/<int:run_id>/", sources.run_detail, name="run"),
    path("runs/<int:run_id>/status/", sources.run_status, name="run_status"),
    path("runs/<int:run_id>/cancel/", sources.run_cancel, name="run_cancel"),
    # Hits and evidence
    path("hits/", hits.queue, name="queue"),
    path("hits/<int:hit_id>/", hits.hit_detail, name="hit"),
    path("hits/<int:hit_id>/evidence/", hits.evidence_capture, name="evidence_capture"),
    path("hits/<int:hit_id>/recheck/", hits.hit_recheck, name="hit_recheck"),
    path("hits/<int:hit_id>/<str:decision>/", hits.hit_decide, name="hit_decide"),
    path(
        "evidence/<int:evidence_id>/download/",
        hits.evidence_download,
        name="evidence_download",
    ),
    # Allow-list, watchlist, notifications
    path("allow-list/", allowlist.allow_list, name="allow_list"),
    path(
        "allow-list/<int:entry_id>/remove/",
        allowlist.allow_list_remove,
        name="allow_list_remove",
    ),
    path("watchlist/", watchlist.watchlist, name="watchlist"),
    path("watchlist/<int:key_work_id>/end/", watchlist.key_work_end, name="key_work_end"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.notifications_read_all, name="notifications_read"),
    path(
        "notifications/<int:notification_id>/read/",
        notifications.notification_read,
        name="notification_read",
    ),
]
