"""Service requests in the back office (platform staff): read them, fix a routing rule."""

from __future__ import annotations

from django.contrib import admin

from copyguard.services.models import RoutingRule, ServiceMessage, ServiceRequest


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("region_prefix", "station", "priority", "is_active", "note")
    list_filter = ("is_active",)
    search_fields = ("region_prefix", "station__name", "note")
    raw_id_fields = ("station", "created_by")


class ServiceMessageInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ServiceMessage
    extra = 0
    fields = ("created_at", "side", "author", "is_answer", "body")
    readonly_fields = fields
    can_delete = False


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("number", "subject", "kind", "enterprise", "station", "officer", "status")
    list_filter = ("status", "kind")
    search_fields = ("number", "subject", "enterprise__name", "station__name")
    raw_id_fields = ("enterprise", "station", "officer", "submitted_by", "routing_rule")
    inlines = [ServiceMessageInline]
    # State changes go through the actions (audited); the back office only reads them.
    readonly_fields = (
        "status",
        "due_at",
        "assigned_at",
        "first_response_at",
        "answered_at",
        "closed_at",
        "withdrawn_at",
        "rating",
        "rating_comment",
        "rated_at",
    )
