"""Back-office view of monitoring records: looked at, not edited (changes go through actions)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from copyguard.monitoring.models import CrawlRun, Evidence, Hit, Source


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Source)
class SourceAdmin(_ReadOnly):
    list_display = ("name", "owner", "kind", "scope", "schedule", "enabled", "next_run_at")
    list_filter = ("kind", "scope", "enabled")
    search_fields = ("name",)


@admin.register(CrawlRun)
class CrawlRunAdmin(_ReadOnly):
    list_display = ("source", "status", "queued_at", "pages_fetched", "files_fetched", "hits_found")
    list_filter = ("status",)


@admin.register(Hit)
class HitAdmin(_ReadOnly):
    list_display = ("work", "url", "media", "score", "status", "priority", "first_seen_at")
    list_filter = ("status", "media", "channel", "priority")
    search_fields = ("url", "page_title")


@admin.register(Evidence)
class EvidenceAdmin(_ReadOnly):
    list_display = ("hit", "status", "requested_at", "captured_at", "bundle_sha256")
    list_filter = ("status",)
