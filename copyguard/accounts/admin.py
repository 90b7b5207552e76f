"""The back office (Django admin) for platform staff.

Changes made here are audited like every other change: each save and delete writes an
audit event (``admin.<model>.add|change|delete``) in the same transaction, with the admin
user as actor. Secrets never appear: API tokens and invitations show only their hashes,
and both are created by their actions (which hand the key to its owner), never here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models, router, transaction
from django.db.models import QuerySet
from django.forms import BaseModelForm
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from copyguard.accounts import actions, throttle
from copyguard.accounts.audit import Actor, record
from copyguard.accounts.forms import AdminUserChangeForm, AdminUserCreationForm
from copyguard.accounts.models import (
    ApiToken,
    AuditEvent,
    Invitation,
    Membership,
    Organisation,
    User,
)

admin.site.site_header = _("copyguard back office")
admin.site.site_title = _("copyguard back office")
admin.site.index_title = _("Platform administration")
# The back office's sign-in keeps to the same failed sign-in limits as the site's.
admin.site.login = throttle.guard_sign_in(admin.site.login)  # type: ignore[method-assign,assignment]


def admin_actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, via="admin")


def _organisation_of(obj: models.Model) -> Organisation | None:
    if isinstance(obj, Organisation):
        return obj if obj.pk is not None else None
    organisation = getattr(obj, "organisation", None)
    return organisation if isinstance(organisation, Organisation) else None


def audit_admin_change(
    request: HttpRequest, verb: str, obj: models.Model, params: dict[str, Any] | None = None
) -> None:
    """Record one back-office change (``verb``: add, change or delete)."""
    record(
        admin_actor(request),
        f"admin.{obj._meta.label_lower}.{verb}",
        obj,
        organisation=_organisation_of(obj),
        params=params,
    )


class AuditedAdmin(admin.ModelAdmin):
    """A model admin whose saves and deletes (inlines included) write audit events."""

    def save_model(self, request: HttpRequest, obj: Any, form: BaseModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change or form.changed_data:
            verb = "change" if change else "add"
            audit_admin_change(request, verb, obj, {"fields": sorted(form.changed_data)})

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        # Recorded first: after deletion the object no longer has its id.
        audit_admin_change(request, "delete", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic(using=router.db_for_write(self.model)):
            for obj in queryset:
                audit_admin_change(request, "delete", obj)
            super().delete_queryset(request, queryset)

    def save_formset(
        self, request: HttpRequest, form: BaseModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        for deleted in formset.deleted_forms:
            if deleted.instance.pk is not None:
                audit_admin_change(request, "delete", deleted.instance)
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit_admin_change(request, "add", obj)
        for obj, fields in formset.changed_objects:
            audit_admin_change(request, "change", obj, {"fields": sorted(fields)})


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records nobody edits by hand: they can be looked at, not added, changed or deleted."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# ---------------------------------------------------------------- memberships


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "is_active", "created_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("user",)
    verbose_name = pgettext_lazy("membership row in the back office", "member")
    verbose_name_plural = _("members")


class UserMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("organisation", "role", "is_active", "created_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("organisation",)


# ---------------------------------------------------------------- users


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    ordering = ("email",)
    list_display = (
        "email",
        "full_name",
        "language",
        "email_verified_at",
        "is_active",
        "is_staff",
        "is_superuser",
        "date_joined",
    )
    list_filter = ("is_active", "is_staff", "is_superuser", "language")
    search_fields = ("email", "full_name")
    readonly_fields = ("last_login", "date_joined")
    inlines = (UserMembershipInline,)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "language")}),
        (
            _("Status and rights"),
            {
                "fields": (
                    "email_verified_at",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "language",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # Django's password view saves the form itself; record the change with it.
        with transaction.atomic(using=router.db_for_write(self.model)):
            response: HttpResponse = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.get(pk=id)
                audit_admin_change(request, "change", user, {"fields": ["password"]})
        return response


# ---------------------------------------------------------------- organisations


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = (
        "name",
        "kind",
        "level",
        "region_code",
        "rights_holder_type",
        "parent",
        "is_active",
        "created_at",
    )
    list_filter = ("kind", "level", "rights_holder_type", "is_active")
    search_fields = ("name", "name_en", "region_code", "contact_email")
    raw_id_fields = ("parent",)
    list_select_related = ("parent",)
    readonly_fields = ("created_at",)
    inlines = (MembershipInline,)
    fieldsets = (
        (None, {"fields": ("name", "name_en", "kind", "is_active")}),
        (
            _("Place in the hierarchy"),
            {"fields": ("level", "region_code", "parent", "rights_holder_type")},
        ),
        (_("Contact"), {"fields": ("contact_email", "contact_phone", "address")}),
        (_("Dates"), {"fields": ("created_at",)}),
    )


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ("user", "organisation", "role", "is_active", "created_at")
    list_filter = ("role", "is_active", "organisation__kind")
    search_fields = ("user__email", "user__full_name", "organisation__name")
    raw_id_fields = ("user", "organisation")
    list_select_related = ("user", "organisation")
    readonly_fields = ("created_at",)


# ---------------------------------------------------------------- invitations and tokens


@admin.register(Invitation)
class InvitationAdmin(AuditedAdmin):
    """Invitations are sent from the members page; here they can be extended or withdrawn."""

    list_display = (
        "email",
        "organisation",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )
    list_filter = ("role", "organisation__kind")
    search_fields = ("email", "organisation__name")
    list_select_related = ("organisation", "invited_by")
    fields = (
        "organisation",
        "email",
        "role",
        "invited_by",
        "key_hash",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )
    readonly_fields = (
        "organisation",
        "email",
        "role",
        "invited_by",
        "key_hash",
        "created_at",
        "accepted_at",
        "revoked_at",
    )
    actions = ("withdraw",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Withdraw the selected invitations"), permissions=["change"])
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        count = 0
        for invitation in queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True):
            actions.revoke_invitation(admin_actor(request), invitation)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d invitation withdrawn.", "%(count)d invitations withdrawn.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    """Tokens are created by their owners; here they can only be looked at and revoked."""

    list_display = ("name", "user", "prefix", "scope", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "user__email", "prefix")
    list_select_related = ("user",)
    fields = (
        "user",
        "name",
        "prefix",
        "scope",
        "key_hash",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = fields
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            actions.revoke_api_token(admin_actor(request), token)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )


# ---------------------------------------------------------------- audit log


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit log can be searched here but never changed."""

    list_display = ("created_at", "actor_label", "organisation", "action", "object_repr", "ip")
    list_filter = ("organisation__kind", "created_at")
    search_fields = ("actor_label", "action", "object_repr", "object_id", "ip")
    list_select_related = ("organisation",)
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "actor",
        "actor_label",
        "organisation",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "params",
        "ip",
    )
    readonly_fields = fields
