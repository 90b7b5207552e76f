"""Training events: created and changed by the organiser's writers, published and
cancelled by its supervisors; attendance recorded by the writers once the event began."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor
from copyguard.accounts.models import Organisation
from copyguard.jobs.queue import enqueue_with_change
from copyguard.services.publicity.access import EDIT, PUBLISH
from copyguard.services.publicity.actions.common import (
    invalid,
    record,
    require,
    text,
    wrong_status,
)
from copyguard.services.publicity.enums import (
    PUBLISHER_KINDS,
    Audience,
    EventStatus,
    RegistrationStatus,
)
from copyguard.services.publicity.models import EventRegistration, TrainingEvent

__all__ = [
    "CAPACITY_LIMIT",
    "cancel_event",
    "create_event",
    "edit_event",
    "publish_event",
    "record_attendance",
]

TITLE_LIMIT = 300
DESCRIPTION_LIMIT = 20_000
PLACE_LIMIT = 300
REASON_LIMIT = 2_000
CAPACITY_LIMIT = 100_000
LONGEST = timedelta(days=31)
FIELDS = (
    "title",
    "title_en",
    "description",
    "description_en",
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "audience",
)


def _moment(value: Any, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, datetime):
        raise invalid(_("Enter a date and time."), field)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _clean(fields: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in FIELDS:
            raise invalid(_("Unknown field."), name)
        if name in ("title", "title_en"):
            cleaned[name] = text(value, name, TITLE_LIMIT, lines=False)
        elif name in ("description", "description_en"):
            cleaned[name] = text(value, name, DESCRIPTION_LIMIT)
        elif name == "place":
            cleaned[name] = text(value, name, PLACE_LIMIT, lines=False)
        elif name == "online_url":
            url = text(value, name, 500, lines=False)
            if url:
                try:
                    URLValidator(schemes=["http", "https"])(url)
                except ValidationError:
                    raise invalid(
                        _("Give a web address starting with http:// or https://."), name
                    ) from None
            cleaned[name] = url
        elif name == "capacity":
            if value in (None, ""):
                cleaned[name] = None
            else:
                try:
                    number = int(value)
                except (TypeError, ValueError):
                    raise invalid(_("Enter a whole number."), name) from None
                if not 1 <= number <= CAPACITY_LIMIT:
                    raise invalid(
                        _("Give between 1 and %(limit)d places, or none for no limit.")
                        % {"limit": CAPACITY_LIMIT},
                        name,
                    )
                cleaned[name] = number
        elif name == "audience":
            if value not in Audience.values:
                raise invalid(_("Choose who the event is for."), name)
            cleaned[name] = value
        else:
            cleaned[name] = _moment(value, name)
    return cleaned


def _check(event: TrainingEvent) -> None:
    """The rules an event's fields must meet together."""
    if not (event.title or event.title_en):
        raise invalid(_("Give a title in Chinese or in English."), "title")
    if event.starts_at is None:
        raise invalid(_("Give the start."), "starts_at")
    if event.ends_at is None:
        raise invalid(_("Give the end."), "ends_at")
    if event.ends_at <= event.starts_at:
        raise invalid(_("The end must come after the start."), "ends_at")
    if event.ends_at - event.starts_at > LONGEST:
        raise invalid(_("An event lasts at most 31 days."), "ends_at")
    if not (event.place or event.online_url):
        raise invalid(_("Give the place or the online link."), "place")
    opens, closes = event.registration_opens_at, event.registration_closes_at
    if closes and closes > event.ends_at:
        raise invalid(_("Registration must close before the event ends."), "registration_closes_at")
    if opens and opens >= (closes or event.starts_at):
        raise invalid(
            _("Registration must open before it closes (and before the event starts)."),
            "registration_opens_at",
        )


def _locked(event: TrainingEvent) -> TrainingEvent:
    return TrainingEvent.objects.select_for_update().select_related("organiser").get(pk=event.pk)


def create_event(
    actor: Actor,
    organiser: Organisation,
    *,
    fields: Mapping[str, Any],
    now: datetime | None = None,
) -> TrainingEvent:
    """A new draft event of ``organiser`` (an administration or a service station)."""
    now = now or timezone.now()
    if organiser.kind not in PUBLISHER_KINDS or not organiser.is_active:
        raise invalid(_("Only administrations and service stations organise events."), "organiser")
    user = require(actor, organiser.pk, EDIT)
    cleaned = _clean(fields)
    event = TrainingEvent(
        organiser=organiser,
        region_code=organiser.region_code,
        created_by=user,
        created_at=now,
        updated_at=now,
        **{"starts_at": None, "ends_at": None, **cleaned},
    )
    _check(event)
    with transaction.atomic():
        event.save()
        record(actor, "event.create", event, organiser, starts_at=event.starts_at.isoformat())
    return event


def edit_event(
    actor: Actor, event: TrainingEvent, *, fields: Mapping[str, Any], now: datetime | None = None
) -> TrainingEvent:
    """Change any field; fewer places than confirmed registrations are refused."""
    require(actor, event.organiser_id, EDIT)
    cleaned = _clean(fields)
    with transaction.atomic():
        event = _locked(event)
        if not event.may_edit():
            raise wrong_status(event.get_status_display())
        for name, value in cleaned.items():
            setattr(event, name, value)
        _check(event)
        confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        if event.capacity is not None and event.capacity < confirmed:
            raise invalid(
                _("%(count)d people are confirmed already; give at least that many places.")
                % {"count": confirmed},
                "capacity",
            )
        event.updated_at = now or timezone.now()
        event.save()
        promoted = _fill_places(event, event.updated_at)
        record(
            actor,
            "event.edit",
            event,
            event.organiser,
            fields=sorted(cleaned),
            promoted=len(promoted) or None,
        )
    return event


def publish_event(
    actor: Actor, event: TrainingEvent, *, now: datetime | None = None
) -> TrainingEvent:
    """Put a draft event on the public pages and the calendar."""
    require(actor, event.organiser_id, PUBLISH)
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked(event)
        if event.status != EventStatus.DRAFT:
            raise wrong_status(event.get_status_display())
        event.status = EventStatus.PUBLISHED
        event.published_at = now
        event.updated_at = now
        event.save()
        record(actor, "event.publish", event, event.organiser)
    return event


def cancel_event(
    actor: Actor, event: TrainingEvent, *, reason: str, now: datetime | None = None
) -> TrainingEvent:
    """Call the event off; it stays on the calendar marked cancelled and everybody
    registered with an e-mail address is told after the change is committed."""
    require(actor, event.organiser_id, PUBLISH)
    reason = text(reason, "reason", REASON_LIMIT, required=_("Say why the event is cancelled."))
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked(event)
        if event.status == EventStatus.CANCELLED:
            raise wrong_status(event.get_status_display())
        was_public = event.status == EventStatus.PUBLISHED
        event.status = EventStatus.CANCELLED
        event.cancelled_at = now
        event.cancel_reason = reason
        event.updated_at = now
        event.save()
        told = _tell_cancelled(event) if was_public else 0
        record(actor, "event.cancel", event, event.organiser, reason=reason, told=told)
    return event


def _tell_cancelled(event: TrainingEvent) -> int:
    from copyguard.accounts.tasks import send_email

    addresses = []
    for registration in event.registrations.filter(
        status__in=(RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)
    ):
        try:
            validate_email(registration.contact)
        except ValidationError:
            continue
        addresses.append(registration.contact)
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Cancelled: %(title)s") % {"title": event.title or event.title_en}
        body = gettext("The event you registered for is cancelled.") + "\n\n" + event.cancel_reason
    for address in addresses:
        enqueue_with_change(send_email, address, subject[:300], body)
    return len(addresses)


def _fill_places(event: TrainingEvent, now: datetime) -> list[EventRegistration]:
    """Move people off the waiting list, first come first served, while there are places
    (call inside the transaction holding the event's row)."""
    if event.status != EventStatus.PUBLISHED:
        return []
    waiting = event.registrations.filter(status=RegistrationStatus.WAITING).order_by(
        "created_at", "pk"
    )
    if event.capacity is None:
        free = waiting.count()
    else:
        confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        free = max(0, event.capacity - confirmed)
    promoted = list(waiting[:free])
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        _tell_promoted(event, registration)
    return promoted


def _tell_promoted(event: TrainingEvent, registration: EventRegistration) -> None:
    """An e-mail, after commit, to someone who got a place off the waiting list (when the
    contact they gave is an e-mail address; a phone number is called by the organiser)."""
    from copyguard.accounts.tasks import send_email

    try:
        validate_email(registration.contact)
    except ValidationError:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("You have a place: %(title)s") % {"title": event.title or event.title_en}
        body = gettext(
            "A place freed up and is yours: you are registered for %(title)s, %(when)s."
        ) % {
            "title": event.title or event.title_en,
            "when": f"{timezone.localtime(event.starts_at):%Y-%m-%d %H:%M}",
        }
    enqueue_with_change(send_email, registration.contact, subject[:300], body)


def record_attendance(
    actor: Actor,
    event: TrainingEvent,
    marks: Mapping[int, bool | None],
    *,
    now: datetime | None = None,
) -> int:
    """Record who came (``True``), who did not (``False``) and who is not known yet
    (``None``), by registration id; only confirmed registrations, and not before the event
    starts. Returns how many marks changed."""
    user = require(actor, event.organiser_id, EDIT)
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked(event)
        if event.status != EventStatus.PUBLISHED:
            raise wrong_status(event.get_status_display())
        if now < event.starts_at:
            raise invalid(_("Attendance is recorded once the event has started."), "attended")
        registrations = {
            r.pk: r
            for r in event.registrations.filter(
                pk__in=list(marks), status=RegistrationStatus.CONFIRMED
            )
        }
        unknown = [pk for pk in marks if pk not in registrations]
        if unknown:
            raise invalid(
                _("These are not confirmed registrations of this event: %(ids)s.")
                % {"ids": ", ".join(str(pk) for pk in unknown[:20])},
                "attended",
            )
        changed = 0
        for pk, mark in marks.items():
            registration = registrations[pk]
            if registration.attended is mark:
                continue
            registration.attended = mark
            registration.attendance_recorded_at = now if mark is not None else None
            registration.attendance_recorded_by = user if mark is not None else None
            registration.save(
                update_fields=["attended", "attendance_recorded_at", "attendance_recorded_by"]
            )
            changed += 1
        figures = event.figures()
        record(
            actor,
            "event.attendance",
            event,
            event.organiser,
            changed=changed,
            attended=figures.attended,
            registered=figures.confirmed,
        )
    return changed
