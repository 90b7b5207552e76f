"""Service requests from submission to rating.

submitted → assigned → in progress → answered → closed, or withdrawn by the enterprise while
open. ``submit_request`` routes the request (actions.routing) and sets its answer deadline
(working days by kind). The receiving body's supervisor assigns a liaison officer
(``assign_request``; with no officer named, the one with the fewest open requests). The
officer and the enterprise exchange messages (``post_message``); the officer's answer
(``answer=True``) makes it answered, a message from the enterprise after that reopens it
(in progress). An answered request is closed by either side (``close_request``); the
enterprise rates a closed request once (``rate_request``).

Every function runs in one transaction, writes one audit event, and sends its notifications
(in-app, and e-mail after commit) to the other side.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Membership, Organisation, User
from copyguard.services import files
from copyguard.services.access import ASSIGN, HANDLE, SUBMIT, permissions_in
from copyguard.services.actions.common import (
    auto_assign_enabled,
    clean_text,
    due_at,
    forbidden,
    invalid,
    notify,
    wrong_status,
)
from copyguard.services.actions.routing import route
from copyguard.services.enums import (
    AWAITING_ANSWER,
    OPEN_STATUSES,
    MessageSide,
    RequestKind,
    RequestStatus,
    ServiceErrorCode,
    permissions_for_role,
)
from copyguard.services.models import ServiceAttachment, ServiceMessage, ServiceRequest

__all__ = [
    "BODY_MAX",
    "COMMENT_MAX",
    "DESCRIPTION_MAX",
    "SUBJECT_MAX",
    "assign_request",
    "assignable_officers",
    "close_request",
    "next_officer",
    "post_message",
    "rate_request",
    "submit_request",
    "withdraw_request",
]

SUBJECT_MAX = 200
DESCRIPTION_MAX = 10_000
BODY_MAX = 10_000
COMMENT_MAX = 2_000
# Roles auto-assignment picks from: the officers, not the supervisor who assigns.
_AUTO_ROLES = (Role.LIAISON_OFFICER, Role.REGISTRAR, Role.ENFORCEMENT_OFFICER)


# ------------------------------------------------------------------ officers


def _handlers(station: Organisation) -> list[Membership]:
    memberships = Membership.objects.filter(
        organisation=station, is_active=True, user__is_active=True
    ).select_related("user")
    return [
        m
        for m in memberships.order_by("user__email", "user_id")
        if HANDLE in permissions_for_role(station.kind, m.role)
    ]


def assignable_officers(station: Organisation) -> list[User]:
    """Members of ``station`` who may be assigned its requests (officers and supervisors)."""
    return [m.user for m in _handlers(station)]


def _supervisors(station: Organisation) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            organisation=station, is_active=True, user__is_active=True
        ).select_related("user")
        if ASSIGN in permissions_for_role(station.kind, m.role)
    ]


def next_officer(station: Organisation) -> User | None:
    """The officer auto-assignment picks: the liaison officer (in an administration, the
    registrar or enforcement officer) with the fewest open requests at ``station``; on a tie,
    the one assigned least recently; then by e-mail address. None when the station has no
    such officer (its supervisor then assigns by hand)."""
    officers = [m.user for m in _handlers(station) if m.role in _AUTO_ROLES]
    if not officers:
        return None
    loads = {
        row["officer"]: row
        for row in ServiceRequest.objects.filter(station=station, officer__in=officers)
        .values("officer")
        .annotate(
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            last=Max("assigned_at"),
        )
    }
    epoch = datetime.min.replace(tzinfo=timezone.get_current_timezone())

    def key(user: User) -> tuple[int, datetime, str]:
        row = loads.get(user.pk, {})
        return (row.get("open", 0), row.get("last") or epoch, user.email)

    return min(officers, key=key)


# ------------------------------------------------------------------ helpers


def _locked(request: ServiceRequest) -> ServiceRequest:
    return (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("enterprise", "station", "officer", "submitted_by")
        .get(pk=request.pk)
    )


def _side(actor: Actor, request: ServiceRequest) -> str:
    """Which side ``actor`` writes for on ``request``: ``enterprise`` or ``station``;
    forbidden otherwise. The system and the command line write for the station."""
    user = actor.user
    if user is None:
        return MessageSide.STATION
    if user.is_superuser:
        return MessageSide.STATION
    if SUBMIT in permissions_in(user, [request.enterprise_id]):
        return MessageSide.ENTERPRISE
    station = permissions_in(user, [request.station_id])
    if ASSIGN in station or (HANDLE in station and request.officer_id == user.pk):
        return MessageSide.STATION
    if HANDLE in station:
        raise forbidden(_("This request is assigned to another officer."))
    raise forbidden(_("You may read this request, but not act on it."))


def _enterprise_people(request: ServiceRequest) -> list[User]:
    """Who hears from the station: the submitter, else the enterprise's owners."""
    if request.submitted_by is not None and request.submitted_by.is_active:
        return [request.submitted_by]
    return [
        m.user
        for m in Membership.objects.filter(
            organisation=request.enterprise, role=Role.OWNER, is_active=True
        ).select_related("user")
    ]


def _station_people(request: ServiceRequest) -> list[User]:
    """Who hears from the enterprise: the assigned officer, else the supervisors."""
    if request.officer is not None:
        return [request.officer]
    return _supervisors(request.station)


def _files_for(
    request: ServiceRequest,
    stored: list[files.Stored],
    by: User | None,
    message: ServiceMessage | None = None,
) -> None:
    for item in stored:
        ServiceAttachment.objects.create(
            request=request,
            message=message,
            original_name=item.name,
            storage_name=item.storage_name,
            media_type=item.media_type,
            size=item.size,
            sha256=item.sha256,
            uploaded_by=by,
        )


def _with_files(uploads: Iterable[files.Upload], work: Any) -> Any:
    """Store the files, run ``work(stored)`` in a transaction; remove the files if it fails."""
    stored = files.store_files(list(uploads))
    try:
        with transaction.atomic():
            return work(stored)
    except BaseException:
        files.remove(stored)
        raise


def _number(now: datetime) -> str:
    prefix = f"SR-{timezone.localtime(now):%Y}-"
    last = (
        ServiceRequest.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{serial:06d}"


def _assign(request: ServiceRequest, officer: User, now: datetime) -> None:
    request.officer = officer
    request.assigned_at = now
    if request.status == RequestStatus.SUBMITTED:
        request.status = RequestStatus.ASSIGNED


def _tell_officer(request: ServiceRequest) -> None:
    notify(
        [request.officer],
        request,
        request.station,
        lambda: gettext("Service request %(number)s assigned to you") % {"number": request.number},
        lambda: (
            gettext("%(enterprise)s asks for: %(kind)s — %(subject)s. Answer by %(date)s.")
            % {
                "enterprise": request.enterprise.name,
                "kind": request.get_kind_display(),
                "subject": request.subject,
                "date": f"{timezone.localtime(request.due_at):%Y-%m-%d}",
            }
        ),
    )


# ------------------------------------------------------------------ submitting


def submit_request(
    actor: Actor,
    enterprise: Organisation | None,
    *,
    kind: str,
    subject: str,
    description: str,
    region_code: str = "",
    files_in: Iterable[files.Upload] = (),
    now: datetime | None = None,
) -> ServiceRequest:
    """An enterprise asks for a service. The request is routed by the enterprise's region
    (or ``region_code`` when the enterprise has none) and ``kind``; its answer is due in the
    kind's working days. Raises ``ActionError`` having written nothing."""
    now = now or timezone.now()
    if enterprise is None or enterprise.kind != OrganisationKind.RIGHTS_HOLDER:
        raise invalid(_("Choose the enterprise the request is for."), "enterprise")
    if not enterprise.is_active:
        raise invalid(_("Choose the enterprise the request is for."), "enterprise")
    user = actor.user
    if user is not None and SUBMIT not in permissions_in(user, [enterprise.pk]):
        raise forbidden(_("Only the enterprise's owners and staff submit its requests."))
    if kind not in RequestKind.values:
        raise invalid(_("Choose what kind of help you need."), "kind")
    subject = clean_text(subject, "subject", SUBJECT_MAX, required=True)
    description = clean_text(description, "description", DESCRIPTION_MAX, required=True)
    region = enterprise.region_code or (region_code or "").strip()
    if not (len(region) == 6 and region.isdigit() and region[0] != "0"):
        raise invalid(
            _("Give the six-digit GB/T 2260 code of the enterprise's region, e.g. 440705."),
            "region_code",
        )
    where = route(region, kind)

    def create(stored: list[files.Stored]) -> ServiceRequest:
        for attempt in range(3):
            try:
                with transaction.atomic():
                    return _create(stored)
            except IntegrityError:
                if attempt == 2:  # two submissions took the same number thrice
                    raise
        raise AssertionError("unreachable")

    def _create(stored: list[files.Stored]) -> ServiceRequest:
        request = ServiceRequest.objects.create(
            number=_number(now),
            enterprise=enterprise,
            submitted_by=user,
            kind=kind,
            subject=subject,
            description=description,
            region_code=region,
            station=where.station,
            routing_rule=where.rule,
            due_at=due_at(kind, now),
            created_at=now,
        )
        _files_for(request, stored, user)
        officer = next_officer(where.station) if auto_assign_enabled() else None
        if officer is not None:
            _assign(request, officer, now)
            request.save()
            _tell_officer(request)
        else:
            notify(
                _supervisors(where.station),
                request,
                where.station,
                lambda: gettext("New service request %(number)s") % {"number": request.number},
                lambda: (
                    gettext(
                        "%(enterprise)s asks for: %(kind)s — %(subject)s. Assign a liaison officer."
                    )
                    % {
                        "enterprise": enterprise.name,
                        "kind": request.get_kind_display(),
                        "subject": subject,
                    }
                ),
            )
        record(
            actor,
            "services.request.submit",
            request,
            organisation=enterprise,
            params={
                "kind": kind,
                "station": where.station.pk,
                "rule": where.rule.pk if where.rule else None,
                "files": len(stored),
                "officer": officer.pk if officer else None,
            },
        )
        return request

    return _with_files(files_in, create)  # type: ignore[no-any-return]


# ------------------------------------------------------------------ assigning


@transaction.atomic
def assign_request(
    actor: Actor,
    request: ServiceRequest,
    officer: User | None = None,
    *,
    now: datetime | None = None,
) -> ServiceRequest:
    """Assign (or reassign) the request to ``officer``, a member of its receiving body who
    answers requests; None picks the officer with the fewest open requests."""
    request = _locked(request)
    user = actor.user
    if user is not None and ASSIGN not in permissions_in(user, [request.station_id]):
        raise forbidden(_("Only the station's supervisor assigns its requests."))
    if not request.is_open():
        raise wrong_status(request)
    if officer is None:
        officer = next_officer(request.station)
        if officer is None:
            raise invalid(
                _("The station has no liaison officer to assign automatically. Choose one."),
                "officer",
            )
    elif officer.pk not in {u.pk for u in assignable_officers(request.station)}:
        raise invalid(_("Choose an officer of the receiving station."), "officer")
    previous = request.officer
    if previous is not None and previous.pk == officer.pk:
        return request
    _assign(request, officer, now or timezone.now())
    request.save()
    _tell_officer(request)
    if previous is not None:
        notify(
            [previous],
            request,
            request.station,
            lambda: gettext("Service request %(number)s reassigned") % {"number": request.number},
            lambda: gettext("It is now handled by %(officer)s.") % {"officer": str(officer)},
        )
    else:
        notify(
            _enterprise_people(request),
            request,
            request.enterprise,
            lambda: (
                gettext("Service request %(number)s has a liaison officer")
                % {"number": request.number}
            ),
            lambda: (
                gettext("%(officer)s of %(station)s handles your request.")
                % {"officer": str(officer), "station": request.station.name}
            ),
        )
    record(
        actor,
        "services.request.assign" if previous is None else "services.request.reassign",
        request,
        organisation=request.station,
        params={"officer": officer.pk, "previous": previous.pk if previous else None},
    )
    return request


# ------------------------------------------------------------------ the thread


def post_message(
    actor: Actor,
    request: ServiceRequest,
    body: str,
    *,
    answer: bool = False,
    files_in: Iterable[files.Upload] = (),
    now: datetime | None = None,
) -> ServiceMessage:
    """Write in the request's thread, as the enterprise or as the station (decided by who
    the actor is). ``answer`` (station only) gives the answer: the request becomes answered.
    The other side is notified."""
    body = clean_text(body, "body", BODY_MAX, required=True)

    def write(stored: list[files.Stored]) -> ServiceMessage:
        locked = _locked(request)
        side = _side(actor, locked)
        if not locked.is_open():
            raise wrong_status(locked)
        moment = now or timezone.now()
        if side == MessageSide.ENTERPRISE and answer:
            raise forbidden(_("Only the station answers a request."))
        if side == MessageSide.STATION:
            if locked.officer is None:
                if actor.user is None or actor.user.is_superuser:
                    raise invalid(_("Assign a liaison officer first."), "officer")
                # A supervisor who replies to an unassigned request takes it.
                _assign(locked, actor.user, moment)
            if locked.first_response_at is None:
                locked.first_response_at = moment
            if answer:
                locked.status = RequestStatus.ANSWERED
                locked.answered_at = moment
            elif locked.status == RequestStatus.ASSIGNED:
                locked.status = RequestStatus.IN_PROGRESS
        elif locked.status == RequestStatus.ANSWERED:
            # The enterprise follows up on the answer: it needs answering again.
            locked.status = RequestStatus.IN_PROGRESS
        locked.save()
        message = ServiceMessage.objects.create(
            request=locked,
            author=actor.user,
            side=side,
            body=body,
            is_answer=bool(answer),
            created_at=moment,
        )
        _files_for(locked, stored, actor.user, message)
        if side == MessageSide.STATION:
            notify(
                _enterprise_people(locked),
                locked,
                locked.enterprise,
                (
                    (
                        lambda: (
                            gettext("Service request %(number)s answered")
                            % {"number": locked.number}
                        )
                    )
                    if answer
                    else (
                        lambda: (
                            gettext("New message on service request %(number)s")
                            % {"number": locked.number}
                        )
                    )
                ),
                lambda: (
                    gettext("%(station)s wrote:") % {"station": locked.station.name}
                    + "\n"
                    + body[:500]
                ),
                skip=actor.user,
            )
        else:
            notify(
                _station_people(locked),
                locked,
                locked.station,
                lambda: (
                    gettext("New message on service request %(number)s") % {"number": locked.number}
                ),
                lambda: (
                    gettext("%(enterprise)s wrote:") % {"enterprise": locked.enterprise.name}
                    + "\n"
                    + body[:500]
                ),
                skip=actor.user,
            )
        record(
            actor,
            "services.request.answer" if answer else "services.request.message",
            locked,
            organisation=locked.station if side == MessageSide.STATION else locked.enterprise,
            params={"side": side, "message": message.pk, "files": len(stored)},
        )
        return message

    return _with_files(files_in, write)  # type: ignore[no-any-return]


# ------------------------------------------------------------------ closing


@transaction.atomic
def close_request(
    actor: Actor, request: ServiceRequest, *, note: str = "", now: datetime | None = None
) -> ServiceRequest:
    """Close an answered request (either side): the enterprise may then rate it."""
    note = clean_text(note, "note", COMMENT_MAX)
    request = _locked(request)
    side = _side(actor, request)
    if request.status != RequestStatus.ANSWERED:
        raise wrong_status(request)
    now = now or timezone.now()
    request.status = RequestStatus.CLOSED
    request.closed_at = now
    request.save()
    if note:
        ServiceMessage.objects.create(
            request=request, author=actor.user, side=side, body=note, created_at=now
        )
    if side == MessageSide.STATION:
        notify(
            _enterprise_people(request),
            request,
            request.enterprise,
            lambda: gettext("Service request %(number)s closed") % {"number": request.number},
            lambda: gettext("Please rate the service you received (1 to 5)."),
        )
    else:
        notify(
            _station_people(request),
            request,
            request.station,
            lambda: gettext("Service request %(number)s closed") % {"number": request.number},
            lambda: (
                gettext("%(enterprise)s closed the request.")
                % {"enterprise": request.enterprise.name}
            ),
        )
    record(
        actor,
        "services.request.close",
        request,
        organisation=request.station if side == MessageSide.STATION else request.enterprise,
        params={"side": side},
    )
    return request


@transaction.atomic
def withdraw_request(
    actor: Actor, request: ServiceRequest, *, reason: str = "", now: datetime | None = None
) -> ServiceRequest:
    """The enterprise no longer needs the service (while the request is open)."""
    reason = clean_text(reason, "reason", COMMENT_MAX)
    request = _locked(request)
    if _side(actor, request) != MessageSide.ENTERPRISE:
        raise forbidden(_("Only the enterprise withdraws its request."))
    if not request.is_open():
        raise wrong_status(request)
    now = now or timezone.now()
    request.status = RequestStatus.WITHDRAWN
    request.withdrawn_at = now
    request.save()
    if reason:
        ServiceMessage.objects.create(
            request=request,
            author=actor.user,
            side=MessageSide.ENTERPRISE,
            body=reason,
            created_at=now,
        )
    notify(
        _station_people(request),
        request,
        request.station,
        lambda: gettext("Service request %(number)s withdrawn") % {"number": request.number},
        lambda: (
            gettext("%(enterprise)s withdrew the request.")
            % {"enterprise": request.enterprise.name}
        ),
    )
    record(
        actor,
        "services.request.withdraw",
        request,
        organisation=request.enterprise,
        params={"reason": bool(reason)},
    )
    return request


@transaction.atomic
def rate_request(
    actor: Actor,
    request: ServiceRequest,
    *,
    rating: Any,
    comment: str = "",
    now: datetime | None = None,
) -> ServiceRequest:
    """The enterprise rates the service of a closed request, 1 (poor) to 5 (excellent), once."""
    comment = clean_text(comment, "comment", COMMENT_MAX)
    try:
        score = int(rating)
    except (TypeError, ValueError):
        score = 0
    if isinstance(rating, bool) or not 1 <= score <= 5 or str(rating).strip() != str(score):
        raise invalid(_("Rate the service from 1 to 5."), "rating")
    request = _locked(request)
    if _side(actor, request) != MessageSide.ENTERPRISE:
        raise forbidden(_("Only the enterprise rates the service it received."))
    if request.rating is not None:
        raise ActionError(
            ServiceErrorCode.ALREADY_RATED,
            _("This request has been rated already."),
            field="rating",
            status=409,
        )
    if request.status != RequestStatus.CLOSED:
        raise wrong_status(request)
    request.rating = score
    request.rating_comment = comment
    request.rated_at = now or timezone.now()
    request.save()
    notify(
        [request.officer, *_supervisors(request.station)],
        request,
        request.station,
        lambda: (
            gettext("Service request %(number)s rated %(rating)d of 5")
            % {"number": request.number, "rating": score}
        ),
        lambda: comment or gettext("No comment."),
    )
    record(
        actor,
        "services.request.rate",
        request,
        organisation=request.enterprise,
        params={"rating": score},
    )
    return request


def awaiting(now: datetime | None = None) -> Any:
    """Open requests whose answer deadline has passed (for ``copyguard services overdue``)."""
    return ServiceRequest.objects.filter(
        status__in=AWAITING_ANSWER, due_at__lt=now or timezone.now()
    )
