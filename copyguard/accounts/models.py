"""Users, organisations, memberships, invitations, API tokens and audit events."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import (
    MANAGING_ROLES,
    ROLES_BY_KIND,
    AdministrationLevel,
    OrganisationKind,
    RightsHolderType,
    Role,
    TokenScope,
    permissions_for_role,
)

region_code_validator = RegexValidator(
    r"^[1-9]\d{5}$", _("A GB/T 2260 region code has six digits, e.g. 440700.")
)


def hash_secret(raw: str) -> str:
    """SHA-256 of a high-entropy random secret (tokens, invitation keys)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("email_verified_at", timezone.now())
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    is_staff = models.BooleanField(
        _("platform staff"),
        default=False,
        help_text=_("May use the back office (Django admin)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name or self.email

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def active_memberships(self) -> models.QuerySet[Membership]:
        return self.memberships.filter(is_active=True, organisation__is_active=True).select_related(
            "organisation"
        )


class Organisation(models.Model):
    """A body that uses the platform: an administration, a rights holder, a platform, …"""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    level = models.CharField(
        _("administrative level"),
        max_length=12,
        choices=AdministrationLevel.choices,
        blank=True,
        help_text=_("For copyright administrations only."),
    )
    rights_holder_type = models.CharField(
        _("rights holder type"),
        max_length=12,
        choices=RightsHolderType.choices,
        blank=True,
        help_text=_("For rights holders only."),
    )
    region_code = models.CharField(
        _("region code (GB/T 2260)"),
        max_length=6,
        blank=True,
        validators=[region_code_validator],
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "region_code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "region_code", "level"],
                condition=models.Q(kind="administration"),
                name="one_administration_per_region_and_level",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None = None) -> str:
        if language and language.startswith("en") and self.name_en:
            return self.name_en
        return self.name

    def roles(self) -> tuple[Role, ...]:
        return ROLES_BY_KIND[self.kind]

    def role_allowed(self, role: str) -> bool:
        return role in self.roles()

    def managing_role(self) -> Role:
        return next(role for role in self.roles() if role in MANAGING_ROLES)

    def ancestors(self) -> list[Organisation]:
        chain: list[Organisation] = []
        node = self.parent
        seen = {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.kind == OrganisationKind.ADMINISTRATION:
            if not self.level:
                errors["level"] = _("A copyright administration needs a level.")
            if self.level != AdministrationLevel.NATIONAL and not self.region_code:
                errors["region_code"] = _("A regional administration needs a region code.")
        elif self.level:
            errors["level"] = _("Only copyright administrations have a level.")
        if self.kind == OrganisationKind.RIGHTS_HOLDER and not self.rights_holder_type:
            errors["rights_holder_type"] = _("Say what kind of rights holder this is.")
        if self.kind != OrganisationKind.RIGHTS_HOLDER and self.rights_holder_type:
            errors["rights_holder_type"] = _("Only rights holders have a rights holder type.")
        if (
            self.parent is not None
            and self.pk is not None
            and (self.parent_id == self.pk or any(a.pk == self.pk for a in self.parent.ancestors()))
        ):
            errors["parent"] = _("An organisation cannot be its own ancestor.")
        if errors:
            raise ValidationError(errors)


class Membership(models.Model):
    """A user's place in an organisation, with one role."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGING_ROLES

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.VIEWER

    def permissions(self) -> frozenset[str]:
        return permissions_for_role(self.role)

    def has_permission(self, permission: str) -> bool:
        return permission in self.permissions()

    def clean(self) -> None:
        if self.organisation_id and not self.organisation.role_allowed(self.role):
            raise ValidationError(
                {"role": _("This role does not exist in this kind of organisation.")}
            )


def _invitation_expiry() -> Any:
    return timezone.now() + timedelta(days=7)


class Invitation(models.Model):
    """An offer to join an organisation with a role, sent by e-mail."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), default=_invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)

    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Tokens made before scopes existed keep the whole power they had (the migration's
    # default); new ones are given the scope chosen when they are made.
    scope = models.CharField(
        _("scope"), max_length=10, choices=TokenScope.choices, default=TokenScope.WRITE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_key() -> str:
        return settings.API_TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AuditEvent(models.Model):
    """One state change: who did what to which object, from where, when.

    Written by every action in the same transaction as the change it records.
    """

    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(
        _("actor"),
        max_length=254,
        blank=True,
        help_text=_("E-mail of the actor at the time, kept if the user is deleted."),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("organisation"),
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action}"

    def param_pairs(self) -> list[tuple[str, object]]:
        """The parameters as (name, value) pairs, for templates: ``params.items`` there would
        read a parameter named "items" (a counter-notice's) instead of the dict's method."""
        return list(self.params.items()) if isinstance(self.params, dict) else []


class SignInFailure(models.Model):
    """One failed sign-in, kept while it counts towards the limits (copyguard.accounts.throttle).

    ``account`` is the e-mail address typed (lower-cased), whether or not an account has it,
    so that the answer does not tell which addresses exist.
    """

    account = models.CharField(max_length=254, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.account} {self.address or ''}"


class MailRequest(models.Model):
    """One e-mail someone asked the site to send to an address (a password reset link, a
    new confirmation link, a "you already have an account" note), kept while it counts
    towards the limit on such e-mails (copyguard.accounts.throttle)."""

    class Purpose(models.TextChoices):
        PASSWORD_RESET = "password_reset", _("password reset")
        CONFIRMATION = "confirmation", _("confirmation link")
        SIGNUP_NOTICE = "signup_notice", _("sign-up with a registered address")

    purpose = models.CharField(
        max_length=20, choices=Purpose.choices, default=Purpose.PASSWORD_RESET
    )
    account = models.CharField(max_length=254, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("e-mail request")
        verbose_name_plural = _("e-mail requests")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.purpose} {self.account}"
