"""Public tip-offs: anyone reports suspected piracy; the administration triages it.

Submitting (``submit_tip_off``) needs no account and no CAPTCHA. Abuse is held off by
- a per-address limit: each rate in ``COPYGUARD_TIP_OFF_RATES`` counted over a sliding window
  of the stored tip-offs whose ``source_hash`` (an HMAC of the address keyed with the secret
  key — the address itself is never stored) is the sender's;
- a ceiling per administration (``COPYGUARD_TIP_OFF_ADMINISTRATION_RATE``) against floods from
  many addresses;
- on the web form, a honeypot field people do not see and a signed render time: a form sent
  within ``MIN_FORM_SECONDS`` of being shown, older than a day, or sent twice is refused.
Files are recognised by their first bytes (pictures, PDF, plain text, sound, video) and
anything else — programs, archives, office documents — is refused; they are written before
the tip-off's transaction and removed again if it fails, so nothing is left half-written.

The reporter gets a receipt code once (80 random bits, in four groups of four characters of
Crockford's base 32); only its SHA-256 is kept, and the status page finds the tip-off by it.

Triage (``review_tip_off``, ``tip_off_to_hit``, ``tip_off_to_case``, ``dismiss_tip_off``) is
for the administration's members with ``TRIAGE_TIP_OFFS``; each meets the triage deadline
opened on submission and writes an audit event.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copyguard import uploads
from copyguard.accounts.audit import Actor, record
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.models import Membership, Organisation, User
from copyguard.enforcement.access.common import permissions_in
from copyguard.enforcement.actions.common import (
    forbidden,
    invalid,
    meet_deadlines,
    next_number,
    open_deadline,
    wrong_status,
)
from copyguard.enforcement.enums import (
    CaseOrigin,
    DeadlineKind,
    EnforcementErrorCode,
    EnforcementPermission,
    TipOffStatus,
    permissions_for_role,
)
from copyguard.enforcement.models import TipOff, TipOffFile, TipOffStatusLookup
from copyguard.enforcement.models.common import URL_LENGTH
from copyguard.jobs.queue import enqueue_with_change
from copyguard.monitoring import abuse
from copyguard.monitoring.enums import HitChannel, NotificationKind
from copyguard.monitoring.models import Hit, Notification
from copyguard.monitoring.ratelimit import Rate
from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import Work

__all__ = [
    "DESCRIPTION_MAX",
    "DESCRIPTION_MIN",
    "MIN_FORM_SECONDS",
    "RateLimitedError",
    "Submitted",
    "check_status_rate",
    "default_administration",
    "dismiss_tip_off",
    "file_path",
    "find_by_receipt",
    "form_token",
    "new_receipt_code",
    "normalise_receipt_code",
    "receipt_hash",
    "report_administrations",
    "review_tip_off",
    "source_hash",
    "submit_tip_off",
    "tip_off_to_case",
    "tip_off_to_hit",
    "triage_due",
]

DESCRIPTION_MIN = 10
DESCRIPTION_MAX = 5000
WORK_TITLE_MAX = 300
NAME_MAX = 200
CONTACT_MAX = 254
NOTE_MAX = 2000
MIN_FORM_SECONDS = abuse.MIN_FORM_SECONDS
FORM_SALT = "copyguard.enforcement.tip-off-form"
SUBMIT_ACTION = "enforcement.tip_off.submit"
TRIAGE = EnforcementPermission.TRIAGE_TIP_OFFS.value

# Crockford's base 32: no I, L, O, U, so a code read aloud or retyped is not misread.
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_LENGTH = 16  # 16 characters of 5 bits: 80 bits
_RECEIPT_READING = str.maketrans({"O": "0", "I": "1", "L": "1"})


class RateLimitedError(abuse.RateLimitedError):
    """Too many tip-offs or look-ups: 429, with the seconds until one is possible again."""

    def __init__(self, message: Any, retry_after: int) -> None:
        super().__init__(EnforcementErrorCode.RATE_LIMITED, message, retry_after)


@dataclass(frozen=True)
class Submitted:
    """A tip-off just received and its receipt code (shown once, never stored)."""

    tip_off: TipOff
    receipt_code: str


# ------------------------------------------------------------------ receipt codes


def new_receipt_code() -> str:
    """A fresh random code, grouped for reading: ``XXXX-XXXX-XXXX-XXXX``."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def normalise_receipt_code(text: str) -> str | None:
    """The code's 16 characters however it was typed (lower case, spaces, dashes, O for 0,
    I or L for 1); ``None`` when it cannot be a receipt code."""
    compact = re.sub(
        "[\\s\\-\u2010\u2011\u2013\u2014_]", "", unicodedata.normalize("NFKC", text or "")
    ).upper()
    compact = compact.translate(_RECEIPT_READING)
    if len(compact) != RECEIPT_LENGTH or any(c not in RECEIPT_ALPHABET for c in compact):
        return None
    return compact


def receipt_hash(code: str) -> str:
    """What is stored of a receipt code: the SHA-256 of its 16 characters."""
    canonical = normalise_receipt_code(code)
    if canonical is None:
        raise ValueError("not a receipt code")
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def find_by_receipt(code: str) -> TipOff | None:
    """The tip-off a receipt code belongs to; ``None`` for a wrong or malformed code alike."""
    canonical = normalise_receipt_code(code)
    if canonical is None:
        return None
    return (
        TipOff.objects.select_related("administration")
        .filter(receipt_hash=receipt_hash(canonical))
        .first()
    )


# ------------------------------------------------------------------ abuse limits


def source_hash(ip: str | None) -> str:
    """A keyed hash of the sender's network address (HMAC-SHA-256 with the secret key):
    equal for equal addresses, and useless to anyone without the key."""
    return abuse.address_hash("tip-off-source", ip)


_FORM = abuse.PublicForm(
    salt=FORM_SALT,
    action=SUBMIT_ACTION,
    invalid_code=EnforcementErrorCode.INVALID,
    unreadable=_("The form could not be checked. Reload the page and send the report again."),
    too_fast=_(
        "That was sent faster than a person fills in the form. Wait a moment and send it again."
    ),
    too_old=_("The form is more than a day old. Reload the page and send the report again."),
)


def form_token(now: datetime | None = None) -> str:
    """The signed render time (and a one-time nonce) the web form carries."""
    return _FORM.token(now)


def _rates() -> list[Rate]:
    return [Rate.parse(text) for text in settings.TIP_OFF_RATES]


def _check_rates(source: str, administration: Organisation, now: datetime) -> None:
    mine = TipOff.objects.filter(source_hash=source)
    decision = abuse.over_limit(((mine, rate) for rate in _rates()), now)
    if decision is not None:
        raise RateLimitedError(
            _(
                "Too many reports from your network address. You may send another in "
                "%(minutes)d minutes."
            )
            % {"minutes": abuse.retry_minutes(decision.retry_after)},
            decision.retry_after,
        )
    ceiling = Rate.parse(settings.TIP_OFF_ADMINISTRATION_RATE)
    everybody = TipOff.objects.filter(administration=administration)
    decision = abuse.over_limit([(everybody, ceiling)], now)
    if decision is not None:
        raise RateLimitedError(
            _(
                "%(administration)s is receiving too many reports right now. Please try again "
                "in %(minutes)d minutes."
            )
            % {
                "administration": administration.name,
                "minutes": abuse.retry_minutes(decision.retry_after),
            },
            decision.retry_after,
        )


def check_status_rate(source: str, now: datetime | None = None) -> None:
    """Count one status look-up from ``source``; refuse beyond ``COPYGUARD_TIP_OFF_STATUS_RATE``.

    Each look-up is a row (``TipOffStatusLookup``) counted over a sliding window, so the
    limit holds across all web processes; rows older than the window are forgotten here.
    Receipt codes carry 80 random bits, so this is a second line against guessing, not the
    first."""
    rate = Rate.parse(settings.TIP_OFF_STATUS_RATE)
    now = now or timezone.now()
    with transaction.atomic():
        TipOffStatusLookup.objects.filter(
            created_at__lte=now - timedelta(seconds=rate.seconds)
        ).delete()
        mine = TipOffStatusLookup.objects.filter(source_hash=source)
        decision = abuse.over_limit([(mine, rate)], now)
        if decision is not None:
            raise RateLimitedError(
                _("Too many look-ups from your network address. Try again in %(minutes)d minutes.")
                % {"minutes": abuse.retry_minutes(decision.retry_after)},
                decision.retry_after,
            )
        TipOffStatusLookup.objects.create(source_hash=source, created_at=now)


# ------------------------------------------------------------------ files


def files_dir() -> Path:
    return Path(settings.DATA_DIR) / "enforcement" / "tip-offs"


def file_path(attachment: TipOffFile) -> Path:
    """Where an attached file's bytes are (its name is random, never the reporter's)."""
    return uploads.file_path(files_dir(), attachment.storage_name)


# What a tip-off may carry: pictures, PDF, plain text, sound and video.
ACCEPTED = frozenset(
    {
        *uploads.PICTURES,
        "image/heic",
        uploads.PDF,
        uploads.TEXT,
        "audio/mpeg",
        "audio/ogg",
        "audio/flac",
        "audio/wav",
        "audio/mp4",
        "video/webm",
        "video/x-msvideo",
        "video/quicktime",
        "video/mp4",
    }
)


_REFUSALS = uploads.Refusals(
    field="files",
    invalid_code=EnforcementErrorCode.INVALID,
    too_large_code=EnforcementErrorCode.TOO_LARGE,
    unsupported_code=EnforcementErrorCode.INVALID,
    too_large=_("%(name)s is too large: a file may have at most %(mb)s MB."),
    unsupported=_(
        "%(name)s is not a picture, PDF, plain text, sound or video file; only those "
        "can be attached."
    ),
)


def _policy() -> uploads.Policy:
    return uploads.Policy(
        directory=files_dir(),
        max_bytes=settings.TIP_OFF_MAX_BYTES,
        accept=ACCEPTED,
        refusals=_REFUSALS,
        max_files=settings.TIP_OFF_MAX_FILES,
    )


def _file_name(index: int) -> str:
    return gettext("file %(number)d") % {"number": index}


def _store_files(files: list[uploads.Upload]) -> list[uploads.Stored]:
    """Check and write every file, or none: a refused file removes those written before."""
    return uploads.store_all(files, _policy(), _file_name)


def _remove(stored: Iterable[uploads.Stored]) -> None:
    uploads.remove(files_dir(), stored)


# ------------------------------------------------------------------ submitting


def report_administrations() -> list[Organisation]:
    """The administrations a tip-off may go to: active ones, by region."""
    return list(
        Organisation.objects.filter(kind=OrganisationKind.ADMINISTRATION, is_active=True).order_by(
            "region_code", "level", "name", "pk"
        )
    )


def default_administration(choices: list[Organisation]) -> Organisation | None:
    """The national administration when there is one (reports go there unless the reporter
    picks a regional one)."""
    return next((o for o in choices if o.level == "national"), None)


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise invalid(_("Give the address of the suspected copy."), "url")
    if len(url) > URL_LENGTH:
        raise invalid(
            _("The address is too long (at most %(count)d characters).") % {"count": URL_LENGTH},
            "url",
        )
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise invalid(_("Give a web address starting with http:// or https://."), "url") from None
    return url


def _clean_text(value: str, field: str, maximum: int, label: Any) -> str:
    value = (value or "").strip()
    if len(value) > maximum:
        raise invalid(
            _("%(field)s is too long (at most %(count)d characters).")
            % {"field": label, "count": maximum},
            field,
        )
    return value


def _officers(administration: Organisation) -> list[User]:
    """Active members of the administration who triage tip-offs."""
    memberships = Membership.objects.filter(
        organisation=administration, is_active=True, user__is_active=True
    ).select_related("user")
    return [
        m.user
        for m in memberships.order_by("user_id")
        if TRIAGE in permissions_for_role(administration.kind, m.role)
    ]


def _notify_officers(tip_off: TipOff) -> list[Notification]:
    """An in-app message (and an e-mail after commit) to each officer who triages."""
    link = reverse("enforcement:tipoff", args=[tip_off.pk])
    made = []
    for user in _officers(tip_off.administration):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject = gettext("New tip-off %(reference)s") % {"reference": tip_off.reference}
            body = "\n".join(
                [
                    gettext("A member of the public reported suspected piracy.")
                    + " "
                    + gettext("Triage it by %(date)s.")
                    % {"date": f"{timezone.localtime(triage_due(tip_off)):%Y-%m-%d}"},
                    gettext("Address: %(url)s") % {"url": tip_off.url},
                    gettext("Open it: %(link)s") % {"link": settings.BASE_URL + link},
                ]
            )
        made.append(
            Notification.objects.create(
                user=user,
                organisation=tip_off.administration,
                kind=NotificationKind.ENFORCEMENT,
                subject=subject[:300],
                body=body,
                link=link,
            )
        )
        _mail_after_commit(user.email, subject[:300], body)
    return made


def _mail_after_commit(to: str, subject: str, body: str) -> None:
    from copyguard.accounts.tasks import send_email

    enqueue_with_change(send_email, to, subject, body)


def triage_due(tip_off: TipOff) -> datetime:
    return tip_off.created_at + timedelta(days=settings.TIP_OFF_TRIAGE_DAYS)


def submit_tip_off(
    actor: Actor,
    administration: Organisation | None,
    *,
    url: str,
    description: str,
    work_title: str = "",
    anonymous: bool = True,
    reporter_name: str = "",
    reporter_contact: str = "",
    files: Iterable[uploads.Upload] = (),
    source: str,
    form_token: str | None = None,
    honeypot: str = "",
    now: datetime | None = None,
) -> Submitted:
    """Receive a report from the public.

    ``source`` is :func:`source_hash` of the sender's address. ``form_token`` is checked when
    given (the web form always gives it; the API has none). Raises ``ActionError`` (400 for
    bad input, 413/415 for a refused file, 429 over a limit) having written nothing."""
    now = now or timezone.now()
    if (honeypot or "").strip():
        raise invalid(_("This report cannot be accepted."), "website")
    nonce = _FORM.nonce(form_token, now) if form_token is not None else ""
    if (
        administration is None
        or administration.kind != OrganisationKind.ADMINISTRATION
        or not administration.is_active
    ):
        raise invalid(_("Choose the administration the report goes to."), "administration")
    url = _clean_url(url)
    description = _clean_text(description, "description", DESCRIPTION_MAX, _("The description"))
    if len(description) < DESCRIPTION_MIN:
        raise invalid(
            _("Describe what you found in at least %(count)d characters.")
            % {"count": DESCRIPTION_MIN},
            "description",
        )
    work_title = _clean_text(work_title, "work_title", WORK_TITLE_MAX, _("The work's title"))
    if anonymous:
        reporter_name = reporter_contact = ""
    else:
        reporter_name = _clean_text(reporter_name, "reporter_name", NAME_MAX, _("Your name"))
        reporter_contact = _clean_text(
            reporter_contact, "reporter_contact", CONTACT_MAX, _("Your contact")
        )
        if not reporter_contact:
            raise invalid(
                _("Say how the administration can reach you, or report anonymously."),
                "reporter_contact",
            )
    chosen = list(files)
    # Refuse early, before reading any file, when the sender is over a limit already.
    _check_rates(source, administration, now)
    stored = _store_files(chosen)
    try:
        return _record(
            actor,
            administration,
            now=now,
            nonce=nonce,
            source=source,
            stored=stored,
            url=url,
            description=description,
            work_title=work_title,
            anonymous=anonymous,
            reporter_name=reporter_name,
            reporter_contact=reporter_contact,
        )
    except BaseException:
        _remove(stored)
        raise


def _record(
    actor: Actor,
    administration: Organisation,
    *,
    now: datetime,
    nonce: str,
    source: str,
    stored: list[uploads.Stored],
    **fields: Any,
) -> Submitted:
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _create(actor, administration, now, nonce, source, stored, fields)
        except IntegrityError:
            # Another report took the same reference meanwhile (or, far less likely, the
            # same receipt code): number it again.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _create(
    actor: Actor,
    administration: Organisation,
    now: datetime,
    nonce: str,
    source: str,
    stored: list[uploads.Stored],
    fields: dict[str, Any],
) -> Submitted:
    # One administration's reports are counted one after the other (a row lock; SQLite
    # serialises writers anyway), so two requests cannot both take the last place.
    Organisation.objects.select_for_update().filter(pk=administration.pk).first()
    if _FORM.sent_before(nonce, now):
        raise invalid(
            _(
                "This form was sent already. Your report was received once; to report "
                "something else, open the form again."
            ),
            "form_token",
        )
    _check_rates(source, administration, now)
    code = new_receipt_code()
    tip_off = TipOff.objects.create(
        reference=next_number(TipOff, "reference", f"TO-{timezone.localtime(now):%Y}-"),
        receipt_hash=receipt_hash(code),
        administration=administration,
        source_hash=source,
        created_at=now,
        **fields,
    )
    for item in stored:
        TipOffFile.objects.create(
            tip_off=tip_off,
            original_name=item.name,
            storage_name=item.storage_name,
            media_type=item.media_type,
            size=item.size,
            sha256=item.sha256,
        )
    open_deadline(DeadlineKind.TIP_OFF_TRIAGE, administration, triage_due(tip_off), tip_off=tip_off)
    _notify_officers(tip_off)
    record(
        actor,
        SUBMIT_ACTION,
        tip_off,
        organisation=administration,
        params={
            "files": len(stored),
            "anonymous": fields["anonymous"],
            "form": nonce,
        },
    )
    return Submitted(tip_off, code)


# ------------------------------------------------------------------ triage


def _locked(tip_off: TipOff) -> TipOff:
    return (
        TipOff.objects.select_for_update(of=("self",))
        .select_related("administration")
        .get(pk=tip_off.pk)
    )


def _require_triager(actor: Actor, tip_off: TipOff) -> None:
    user = actor.user
    if user is None:  # the system or the command line
        return
    if TRIAGE not in permissions_in(user, [tip_off.administration_id]):
        raise forbidden(_("Only the administration's officers may triage its tip-offs."))


def _notes(public_note: str, note: str) -> tuple[str, str]:
    return (
        _clean_text(public_note, "public_note", NOTE_MAX, _("The note to the reporter")),
        _clean_text(note, "note", NOTE_MAX, _("The internal note")),
    )


def _decide(
    actor: Actor,
    tip_off: TipOff,
    status: str,
    *,
    public_note: str,
    note: str,
    verb: str,
    **params: Any,
) -> TipOff:
    previous = tip_off.status
    tip_off.status = status
    if public_note:
        tip_off.public_note = public_note
    if note:
        tip_off.triage_note = note
    tip_off.triaged_by = actor.user
    tip_off.triaged_at = timezone.now()
    tip_off.save()
    meet_deadlines(DeadlineKind.TIP_OFF_TRIAGE, tip_off=tip_off)
    record(
        actor,
        f"enforcement.tip_off.{verb}",
        tip_off,
        organisation=tip_off.administration,
        params={"from": previous, "to": status, **params},
    )
    return tip_off


@transaction.atomic
def review_tip_off(
    actor: Actor, tip_off: TipOff, *, public_note: str = "", note: str = ""
) -> TipOff:
    """Take a received tip-off into review (the reporter sees it is being looked at)."""
    public_note, note = _notes(public_note, note)
    tip_off = _locked(tip_off)
    _require_triager(actor, tip_off)
    if tip_off.status != TipOffStatus.RECEIVED:
        raise wrong_status(tip_off.get_status_display())
    return _decide(
        actor, tip_off, TipOffStatus.IN_REVIEW, public_note=public_note, note=note, verb="review"
    )


def registered_work(work_id: object = None, number: str = "") -> Work | None:
    """A work with a registration in force, by id or by registration number."""
    registered = Work.objects.filter(registrations__status=RegistrationStatus.REGISTERED)
    if number:
        return registered.filter(registrations__number=number.strip()).distinct().first()
    try:
        return registered.filter(pk=int(str(work_id))).distinct().first()
    except (TypeError, ValueError):
        return None


@transaction.atomic
def tip_off_to_hit(
    actor: Actor, tip_off: TipOff, work: Work, *, public_note: str = "", note: str = ""
) -> TipOff:
    """Record the reported address as a hit of ``work`` (a registered work the officer
    recognised). A hit of the same work file and address is reused, never duplicated; the
    administration is its finder, so it sees the hit, and the rights holder reviews it."""
    from copyguard.monitoring.actions.hits import record_matches

    public_note, note = _notes(public_note, note)
    tip_off = _locked(tip_off)
    _require_triager(actor, tip_off)
    if not tip_off.is_open():
        raise wrong_status(tip_off.get_status_display())
    if not work.registrations.filter(status=RegistrationStatus.REGISTERED).exists():
        raise invalid(_("Choose a registered work."), "work")
    work_file = work.files.order_by("pk").first()
    if work_file is None:
        raise invalid(_("This work has no file a hit could refer to."), "work")
    result = record_matches(
        url=tip_off.url,
        page_url=tip_off.url,
        page_title="",
        outcome={
            "matches": [
                {
                    "work_file_id": work_file.pk,
                    "media": work_file.media,
                    # Not an engine match: an officer's judgement on a report.
                    "score": 0.0,
                    "detail": {"tip_off": tip_off.reference},
                }
            ]
        },
        channel=HitChannel.TIP_OFF,
        organisation=tip_off.administration,
    )
    hit_ids = result["created"] + result["seen_again"]
    if not hit_ids:
        raise invalid(
            _("The rights holder has licensed this site for the work: no hit was recorded."),
            "work",
        )
    hit = Hit.objects.get(pk=hit_ids[0])
    tip_off.hit = hit
    return _decide(
        actor,
        tip_off,
        TipOffStatus.HIT,
        public_note=public_note,
        note=note,
        verb="hit",
        hit=hit.pk,
        work=work.pk,
        new_hit=bool(result["created"]),
    )


@transaction.atomic
def tip_off_to_case(
    actor: Actor,
    tip_off: TipOff,
    *,
    title: str,
    summary: str = "",
    public_note: str = "",
    note: str = "",
) -> TipOff:
    """Open an administrative case from the tip-off (with its hit, when it became one)."""
    from copyguard.enforcement.actions.cases import open_case

    public_note, note = _notes(public_note, note)
    title = (title or "").strip()
    if not title:
        raise invalid(_("Give the case a title."), "title")
    tip_off = _locked(tip_off)
    _require_triager(actor, tip_off)
    if not (tip_off.is_open() or tip_off.status == TipOffStatus.HIT):
        raise wrong_status(tip_off.get_status_display())
    hits = (tip_off.hit,) if tip_off.hit is not None else ()
    case = open_case(
        actor,
        tip_off.administration,
        title=title,
        origin=CaseOrigin.TIP_OFF,
        summary=summary.strip() or tip_off.description,
        online=True,
        hits=hits,
        tip_off=tip_off,
    )
    tip_off.case = case
    return _decide(
        actor,
        tip_off,
        TipOffStatus.CASE,
        public_note=public_note,
        note=note,
        verb="case",
        case=case.pk,
    )


@transaction.atomic
def dismiss_tip_off(actor: Actor, tip_off: TipOff, *, reason: str, public_note: str = "") -> TipOff:
    """Dismiss a tip-off (not piracy, not enough to go on, already handled): the reason is
    kept internally; the note, if any, is what the reporter reads."""
    public_note, reason = _notes(public_note, reason)
    if not reason:
        raise invalid(_("Say why the tip-off is dismissed."), "reason")
    tip_off = _locked(tip_off)
    _require_triager(actor, tip_off)
    if not tip_off.is_open():
        raise wrong_status(tip_off.get_status_display())
    return _decide(
        actor,
        tip_off,
        TipOffStatus.DISMISSED,
        public_note=public_note,
        note=reason,
        verb="dismiss",
    )
