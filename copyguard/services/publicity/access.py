"""Who sees and who changes articles and training events.

- The members of the publishing (organising) organisation — an administration or a service
  station — see its drafts, registrations and attendance (every role with ``VIEW``).
  Supervisors, analysts and registrars of an administration, and supervisors and liaison
  officers of a station, write (``EDIT``): articles, attachments, events, attendance.
  Supervisors alone publish, archive and cancel (``PUBLISH``). Enforcement officers and
  read-only members only read.
- Everybody else, members of other administrations included, gets 404 for a draft, and
  sees published articles and events only on the public pages, like any visitor.
Platform staff (superusers) see and may do all.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copyguard.accounts.models import Organisation, User
from copyguard.accounts.role_permissions import RolePermissions, get_object_or_404
from copyguard.services.publicity.enums import (
    PUBLISHER_KINDS,
    ArticleStatus,
    EventStatus,
    PublicityPermission,
    permissions_for_role,
)
from copyguard.services.publicity.models import (
    Article,
    ArticleAttachment,
    EventRegistration,
    TrainingEvent,
)

__all__ = [
    "EDIT",
    "PUBLISH",
    "VIEW",
    "articles_visible_to",
    "events_visible_to",
    "get_article_for_user",
    "get_attachment_for_user",
    "get_event_for_user",
    "get_public_article",
    "get_public_attachment",
    "get_public_event",
    "get_registration_for_user",
    "organisations_with",
    "permissions_on",
    "public_articles",
    "public_events",
    "publisher_organisations",
]

VIEW = PublicityPermission.VIEW.value
EDIT = PublicityPermission.EDIT.value
PUBLISH = PublicityPermission.PUBLISH.value

ROLES = RolePermissions(
    permissions_for_role,
    frozenset(p.value for p in PublicityPermission),
    view=VIEW,
    cache_attr="_publicity_permissions",
)


def organisations_with(user: User, permission: str = VIEW) -> list[int]:
    return ROLES.organisations_with(user, permission)


def permissions_on(user: User, organisation_id: int) -> frozenset[str]:
    return ROLES.permissions_in(user, [organisation_id])


def publisher_organisations(user: User, permission: str = EDIT) -> list[Organisation]:
    """The organisations the user may write articles and events for."""
    query = Organisation.objects.filter(is_active=True, kind__in=PUBLISHER_KINDS)
    if not user.is_superuser:
        query = query.filter(pk__in=organisations_with(user, permission))
    return list(query.order_by("region_code", "name", "pk"))


def _check(user: User, organisation_id: int, message: object, write: bool, permission: str) -> bool:
    granted = permissions_on(user, organisation_id)
    if VIEW not in granted:
        raise Http404(message)
    may_write = permission in granted
    if write and not may_write:
        raise PermissionDenied(_("Your role in this organisation does not allow this"))
    return may_write


# ------------------------------------------------------------------ articles


def articles_visible_to(user: User) -> QuerySet[Article]:
    """The articles the user sees in the back office (every status)."""
    if not user.is_authenticated:
        return Article.objects.none()
    if user.is_superuser:
        return Article.objects.all()
    return Article.objects.filter(publisher_id__in=organisations_with(user, VIEW))


def get_article_for_user(
    user: User, pk: object, *, write: bool = False, permission: str = EDIT
) -> tuple[Article, bool]:
    """The article and whether the user holds ``permission`` on it; 404 when they are not a
    member of its publisher, 403 when ``write`` is asked and they do not hold it."""
    article = get_object_or_404(Article, pk, _("No such article"), "publisher")
    return article, _check(user, article.publisher_id, _("No such article"), write, permission)


def get_attachment_for_user(
    user: User, article_pk: object, attachment_pk: object, *, write: bool = False
) -> tuple[ArticleAttachment, bool]:
    article, may_write = get_article_for_user(user, article_pk, write=write)
    attachment = get_object_or_404(ArticleAttachment, attachment_pk, _("No such file"))
    if attachment.article_id != article.pk:
        raise Http404(_("No such file"))
    return attachment, may_write


def public_articles() -> QuerySet[Article]:
    """What the public list shows: published articles, newest first."""
    return Article.objects.filter(status=ArticleStatus.PUBLISHED).order_by("-published_at", "-pk")


def get_public_article(pk: object) -> Article:
    """A published (or archived) article, for anyone; 404 for a draft."""
    article = get_object_or_404(Article, pk, _("No such article"), "publisher")
    if not article.is_public():
        raise Http404(_("No such article"))
    return article


def get_public_attachment(article_pk: object, attachment_pk: object) -> ArticleAttachment:
    article = get_public_article(article_pk)
    attachment = get_object_or_404(ArticleAttachment, attachment_pk, _("No such file"))
    if attachment.article_id != article.pk:
        raise Http404(_("No such file"))
    return attachment


# ------------------------------------------------------------------ events


def events_visible_to(user: User) -> QuerySet[TrainingEvent]:
    if not user.is_authenticated:
        return TrainingEvent.objects.none()
    if user.is_superuser:
        return TrainingEvent.objects.all()
    return TrainingEvent.objects.filter(organiser_id__in=organisations_with(user, VIEW))


def get_event_for_user(
    user: User, pk: object, *, write: bool = False, permission: str = EDIT
) -> tuple[TrainingEvent, bool]:
    """The event and whether the user holds ``permission`` on it (404 / 403 as above)."""
    event = get_object_or_404(TrainingEvent, pk, _("No such event"), "organiser")
    return event, _check(user, event.organiser_id, _("No such event"), write, permission)


def get_registration_for_user(
    user: User, event_pk: object, registration_pk: object, *, write: bool = False
) -> tuple[EventRegistration, bool]:
    event, may_write = get_event_for_user(user, event_pk, write=write)
    registration = get_object_or_404(
        EventRegistration, registration_pk, pgettext_lazy("publicity", "No such registration")
    )
    if registration.event_id != event.pk:
        raise Http404(pgettext_lazy("publicity", "No such registration"))
    registration.event = event
    return registration, may_write


def public_events() -> QuerySet[TrainingEvent]:
    """Events on the public pages: published and cancelled ones."""
    return TrainingEvent.objects.filter(
        status__in=(EventStatus.PUBLISHED, EventStatus.CANCELLED)
    ).order_by("starts_at", "pk")


def get_public_event(pk: object) -> TrainingEvent:
    event = get_object_or_404(TrainingEvent, pk, _("No such event"), "organiser")
    if not event.is_public():
        raise Http404(_("No such event"))
    return event
