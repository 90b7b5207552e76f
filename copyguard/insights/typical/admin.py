"""Back office (Django admin) of typical cases: the tags, whose English names are filled in
here when a supervisor created a tag in Chinese; typical cases are changed through their
pages (every change is an audited action), so they are read-only here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from copyguard.insights.typical.models import Tag, TypicalCase


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "name_en", "slug")
    search_fields = ("name", "name_en", "slug")


@admin.register(TypicalCase)
class TypicalCaseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "administration", "status", "year", "published_at")
    list_filter = ("status", "year")
    search_fields = ("title", "title_en")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
