"""Kinds, statuses, permissions and error codes of publicity and training (STYLE 5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ArticleKind(models.TextChoices):
    NEWS = "news", _("News")
    MATERIAL = "material", _("Material")
    POLICY = "policy", _("Policy")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", pgettext_lazy("publicity", "Published")
    ARCHIVED = "archived", _("Archived")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", pgettext_lazy("publicity", "Published")
    CANCELLED = "cancelled", _("Cancelled")


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    ENTERPRISES = "enterprises", _("Enterprises and rights holders")
    OFFICIALS = "officials", _("Government and judicial staff")
    STATIONS = "stations", _("Service stations and liaison officers")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_REGISTRATIONS = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)


class PublicityPermission(models.TextChoices):
    VIEW = "publicity.view", _("See drafts, registrations and attendance")
    EDIT = "publicity.edit", _("Write articles and events, record attendance")
    PUBLISH = "publicity.publish", _("Publish, archive and cancel")


class PublicityErrorCode(models.TextChoices):
    NOT_FOUND = "not_found", _("Not found")
    FORBIDDEN = "forbidden", _("Not allowed")
    INVALID = "invalid", _("Invalid input")
    WRONG_STATUS = "wrong_status", _("Not possible in the current status")
    TOO_LARGE = "too_large", _("File too large")
    UNSUPPORTED_FILE = "unsupported_file", _("Kind of file not accepted")
    REGISTRATION_CLOSED = "registration_closed", _("Registration is not open")
    ALREADY_REGISTERED = "already_registered", _("Already registered")
    FULL = "full", _("The event is full")
    RATE_LIMITED = "rate_limited", _("Too many registrations")


_P = PublicityPermission
_ALL = frozenset({_P.VIEW, _P.EDIT, _P.PUBLISH})
_WRITE = frozenset({_P.VIEW, _P.EDIT})
_READ = frozenset({_P.VIEW})
_GRANTS: dict[tuple[str, str], frozenset[str]] = {
    ("administration", "supervisor"): _ALL,
    ("administration", "analyst"): _WRITE,
    ("administration", "registrar"): _WRITE,
    ("administration", "enforcement_officer"): _READ,
    ("administration", "viewer"): _READ,
    ("station", "supervisor"): _ALL,
    ("station", "liaison_officer"): _WRITE,
    ("station", "viewer"): _READ,
}

# The kinds of organisation that publish articles and organise training events.
PUBLISHER_KINDS = ("administration", "station")


def permissions_for_role(kind: str, role: str) -> frozenset[str]:
    """What a member with ``role`` in an organisation of ``kind`` may do in publicity
    (administrations and service stations publish; everybody reads what is published)."""
    return frozenset(str(p) for p in _GRANTS.get((kind, role), frozenset()))
