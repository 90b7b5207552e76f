"""Back-office view of worker processes: looked at, never edited (workers report themselves)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from copyguard.jobs.models import Worker


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    list_display = (
        "worker_id",
        "hostname",
        "pid",
        "started_at",
        "last_seen_at",
        "stopped_at",
        "jobs_done",
        "is_alive",
    )
    list_filter = ("hostname", ("stopped_at", admin.EmptyFieldListFilter))
    search_fields = ("worker_id", "hostname")
    readonly_fields = (
        "worker_id",
        "hostname",
        "pid",
        "started_at",
        "last_seen_at",
        "stopped_at",
        "jobs_done",
    )

    @admin.display(boolean=True, description=_("alive"))
    def is_alive(self, worker: Worker) -> bool:
        return Worker.objects.alive().filter(pk=worker.pk).exists()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
