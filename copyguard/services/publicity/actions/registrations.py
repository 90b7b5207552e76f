"""Registering for a training event, with or without an account, and cancelling.

Places are taken one after the other: the event's row is locked while a registration is
counted, so two people cannot both take the last place. When the event is full the person
goes on the waiting list and moves up, first come first served, when someone cancels or the
organiser adds places.

No CAPTCHA; abuse is held off as public tip-offs are
(``copyguard.enforcement.actions.tipoffs``):
- a limit per network address (``COPYGUARD_PUBLICITY_REGISTRATION_RATES``, counted over a
  sliding window of the stored registrations whose ``source_hash`` — an HMAC of the address
  keyed with the secret key; the address itself is not kept — is the sender's);
- a ceiling per event (``COPYGUARD_PUBLICITY_EVENT_RATE``) against floods from many addresses;
- on the web form, a honeypot field and a signed render time (a form sent within
  ``MIN_FORM_SECONDS``, older than a day, or sent twice is refused);
- one active registration per contact (phone or e-mail) and event.

The person gets a cancellation code once (only its SHA-256 is kept); with it they cancel
without an account. A signed-in person also cancels from their account.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import User
from copyguard.monitoring import abuse
from copyguard.monitoring.ratelimit import Rate
from copyguard.services.publicity.access import EDIT, permissions_on
from copyguard.services.publicity.actions.common import forbidden, invalid, record, text
from copyguard.services.publicity.actions.events import _fill_places
from copyguard.services.publicity.enums import (
    ACTIVE_REGISTRATIONS,
    PublicityErrorCode,
    RegistrationStatus,
)
from copyguard.services.publicity.models import EventRegistration, TrainingEvent

__all__ = [
    "MIN_FORM_SECONDS",
    "RateLimitedError",
    "Registered",
    "cancel_by_code",
    "cancel_registration",
    "contact_key",
    "find_by_code",
    "form_token",
    "register",
    "source_hash",
]

NAME_LIMIT = 100
ORGANISATION_LIMIT = 200
CONTACT_LIMIT = 254
MIN_FORM_SECONDS = abuse.MIN_FORM_SECONDS
FORM_SALT = "copyguard.publicity.registration-form"
REGISTER_ACTION = "publicity.registration.create"
_PHONE = re.compile(r"^\+?[0-9][0-9 \-()]{4,24}$")


class RateLimitedError(abuse.RateLimitedError):
    """Too many registrations: 429, with the seconds until one is possible again."""

    def __init__(self, message: Any, retry_after: int) -> None:
        super().__init__(PublicityErrorCode.RATE_LIMITED, message, retry_after)


@dataclass(frozen=True)
class Registered:
    """A registration just made and its cancellation code (shown once, never stored)."""

    registration: EventRegistration
    cancel_code: str


def source_hash(ip: str | None) -> str:
    """A keyed hash of the sender's network address (HMAC-SHA-256 with the secret key)."""
    return abuse.address_hash("publicity-registration", ip)


_FORM = abuse.PublicForm(
    salt=FORM_SALT,
    action=REGISTER_ACTION,
    invalid_code=PublicityErrorCode.INVALID,
    unreadable=_("The form could not be checked. Reload the page and register again."),
    too_fast=_(
        "That was sent faster than a person fills in the form. Wait a moment and send it again."
    ),
    too_old=_("The form is more than a day old. Reload the page."),
)


def form_token(now: datetime | None = None) -> str:
    """The signed render time (and a one-time nonce) the web form carries."""
    return _FORM.token(now)


def contact_key(contact: str) -> str:
    """The contact as compared: e-mail addresses case-folded, phone numbers digits only."""
    value = unicodedata.normalize("NFKC", contact).strip()
    if "@" in value:
        return value.casefold()
    return re.sub(r"[^0-9+]", "", value)


def _clean_contact(value: str) -> str:
    contact = text(value, "contact", CONTACT_LIMIT, lines=False,
                   required=_("Give a phone number or an e-mail address."))  # fmt: skip
    contact = unicodedata.normalize("NFKC", contact)
    if "@" in contact:
        try:
            validate_email(contact)
        except ValidationError:
            raise invalid(_("Give a valid e-mail address."), "contact") from None
    elif not _PHONE.match(contact):
        raise invalid(_("Give a phone number or an e-mail address."), "contact")
    return contact


def _rates() -> list[Rate]:
    values = settings.PUBLICITY_REGISTRATION_RATES
    return [Rate.parse(v) for v in values]


def _check_rates(source: str, event: TrainingEvent, now: datetime) -> None:
    mine = EventRegistration.objects.filter(source_hash=source)
    decision = abuse.over_limit(((mine, rate) for rate in _rates()), now)
    if decision is not None:
        raise RateLimitedError(
            _("Too many registrations from your network address. Try again in %(minutes)d minutes.")
            % {"minutes": abuse.retry_minutes(decision.retry_after)},
            decision.retry_after,
        )
    ceiling = Rate.parse(settings.PUBLICITY_EVENT_RATE)
    decision = abuse.over_limit([(EventRegistration.objects.filter(event=event), ceiling)], now)
    if decision is not None:
        raise RateLimitedError(
            _(
                "This event is receiving too many registrations right now. Try again in %(minutes)d minutes."
            )
            % {"minutes": abuse.retry_minutes(decision.retry_after)},
            decision.retry_after,
        )


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


def register(
    actor: Actor,
    event: TrainingEvent,
    *,
    name: str,
    contact: str,
    organisation_name: str = "",
    source: str,
    form_token: str | None = None,
    honeypot: str = "",
    now: datetime | None = None,
) -> Registered:
    """Register a person for ``event``: confirmed while there are places, on the waiting
    list after. Raises ``ActionError`` (400 bad input, 409 closed or already registered,
    429 over a limit) having written nothing."""
    now = now or timezone.now()
    if (honeypot or "").strip():
        raise invalid(_("This registration cannot be accepted."), "website")
    nonce = _FORM.nonce(form_token, now) if form_token is not None else ""
    name = text(name, "name", NAME_LIMIT, lines=False, required=_("Give your name."))
    organisation_name = text(
        organisation_name, "organisation_name", ORGANISATION_LIMIT, lines=False
    )
    contact = _clean_contact(contact)
    key = contact_key(contact)
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    _check_rates(source, event, now)
    try:
        with transaction.atomic():
            return _create(
                actor, event, user, now, nonce, source, name, organisation_name, contact, key
            )
    except IntegrityError:
        raise _already() from None


def _already() -> ActionError:
    return ActionError(
        PublicityErrorCode.ALREADY_REGISTERED,
        _("This phone number or e-mail address is registered for the event already."),
        field="contact",
        status=409,
    )


def _create(
    actor: Actor,
    event: TrainingEvent,
    user: User | None,
    now: datetime,
    nonce: str,
    source: str,
    name: str,
    organisation_name: str,
    contact: str,
    key: str,
) -> Registered:
    # The event's registrations are counted one after the other (a row lock; SQLite
    # serialises writers anyway), so two people cannot both take the last place.
    event = TrainingEvent.objects.select_for_update().select_related("organiser").get(pk=event.pk)
    if not event.registration_open(now):
        raise ActionError(
            PublicityErrorCode.REGISTRATION_CLOSED,
            _("Registration for this event is not open."),
            status=409,
        )
    if _FORM.sent_before(nonce, now):
        raise invalid(
            _(
                "This form was sent already: you are registered once. Open the page again to register someone else."
            ),
            "form_token",
        )
    _check_rates(source, event, now)
    active = event.registrations.filter(status__in=ACTIVE_REGISTRATIONS)
    if active.filter(contact_key=key).exists():
        raise _already()
    confirmed = active.filter(status=RegistrationStatus.CONFIRMED).count()
    full = event.capacity is not None and confirmed >= event.capacity
    code = secrets.token_urlsafe(18)
    registration = EventRegistration.objects.create(
        event=event,
        name=name,
        organisation_name=organisation_name,
        contact=contact,
        contact_key=key,
        user=user,
        status=RegistrationStatus.WAITING if full else RegistrationStatus.CONFIRMED,
        cancel_hash=_code_hash(code),
        source_hash=source,
        created_at=now,
    )
    record(
        actor,
        "registration.create",
        registration,
        event.organiser,
        event=event.pk,
        status=registration.status,
        form=nonce or None,
    )
    return Registered(registration, code)


def find_by_code(code: str) -> EventRegistration | None:
    """The registration a cancellation code belongs to (``None`` for a wrong code)."""
    code = (code or "").strip()
    if not code or len(code) > 100:
        return None
    return (
        EventRegistration.objects.select_related("event", "event__organiser")
        .filter(cancel_hash=_code_hash(code))
        .first()
    )


def cancel_registration(
    actor: Actor,
    registration: EventRegistration,
    *,
    now: datetime | None = None,
    by_code: bool = False,
) -> EventRegistration:
    """Cancel a registration: by the person (with their code, or signed in as its account)
    or by the organiser's writers. A freed place goes to the first on the waiting list."""
    now = now or timezone.now()
    user = actor.user
    if not by_code:
        own = user is not None and registration.user_id == user.pk
        if not own and (
            user is None or EDIT not in permissions_on(user, registration.event.organiser_id)
        ):
            raise forbidden(_("Only the person registered or the organiser may cancel this."))
    with transaction.atomic():
        event = (
            TrainingEvent.objects.select_for_update()
            .select_related("organiser")
            .get(pk=registration.event_id)
        )
        registration = EventRegistration.objects.get(pk=registration.pk)
        if not registration.is_active():
            raise ActionError(
                PublicityErrorCode.WRONG_STATUS,
                _("This registration is cancelled already."),
                status=409,
            )
        if now >= event.starts_at:
            raise ActionError(
                PublicityErrorCode.WRONG_STATUS,
                _("The event has started; a registration can no longer be cancelled."),
                status=409,
            )
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        promoted = _fill_places(event, now)
        record(
            actor,
            "registration.cancel",
            registration,
            event.organiser,
            event=event.pk,
            by_code=by_code or None,
            promoted=[r.pk for r in promoted] or None,
        )
    return registration


def cancel_by_code(actor: Actor, code: str, *, now: datetime | None = None) -> EventRegistration:
    registration = find_by_code(code)
    if registration is None:
        raise ActionError(
            PublicityErrorCode.NOT_FOUND, _("No registration has this code."), status=404
        )
    return cancel_registration(actor, registration, now=now, by_code=True)
