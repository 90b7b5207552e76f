"""Cross-region cooperation between copyright administrations.

A bureau (the requester) asks another region's bureau (the partner) to take over a case,
sends it a clue, asks it to collect evidence or serve documents, or proposes a joint case.
The partner accepts or declines within ``COOPERATION_ANSWER_DAYS``; on acceptance

- a case transfer moves the case to the partner (the requester keeps read access through
  the request, see ``access.cases``);
- a joint case adds the partner to the case's partner bureaus, so both handle it;
- a clue may become a case of the partner's own (``open_case_from_clue``);
- for assistance the partner records what it did and completes the request.

The requester may withdraw a request the partner has not answered yet.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts import audit
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.models import Membership, Organisation
from copyguard.enforcement.access.common import permissions_in
from copyguard.enforcement.actions.common import (
    cancel_deadlines,
    case_event,
    forbidden,
    invalid,
    meet_deadlines,
    open_deadline,
    wrong_status,
)
from copyguard.enforcement.enums import (
    CaseOrigin,
    CaseStatus,
    CooperationKind,
    CooperationStatus,
    DeadlineKind,
    EnforcementPermission,
    permissions_for_role,
)
from copyguard.enforcement.models import Case, Cooperation, Deadline
from copyguard.enforcement.models.common import URL_LENGTH

__all__ = [
    "CASE_KINDS",
    "accept_cooperation",
    "answer_cooperation",
    "complete_cooperation",
    "decline_cooperation",
    "open_case_from_clue",
    "request_cooperation",
    "withdraw_cooperation",
]

COOPERATE = EnforcementPermission.COOPERATE.value
# Kinds that hand over or share the case itself: one open request of these per case.
CASE_KINDS = frozenset({CooperationKind.CASE_TRANSFER, CooperationKind.JOINT_CASE})
# Kinds that must name a case.
NEEDS_CASE = CASE_KINDS
OPEN_STATUSES = (CooperationStatus.REQUESTED, CooperationStatus.ACCEPTED)


def _require(actor: Actor, organisation: Organisation) -> None:
    """The actor holds ``COOPERATE`` in ``organisation`` (the system always may)."""
    user = actor.user
    if user is None or user.is_superuser:
        return
    if COOPERATE not in permissions_in(user, [organisation.pk]):
        raise forbidden(
            _("Your role in %(organisation)s does not allow cooperation requests.")
            % {"organisation": organisation.name}
        )


def _notify(cooperation: Cooperation, organisation: Organisation, subject: str) -> None:
    """An in-app message to the members of ``organisation`` who act on cooperation."""
    from copyguard.monitoring.enums import NotificationKind
    from copyguard.monitoring.models import Notification

    link = f"/enforcement/cooperation/{cooperation.pk}/"
    members = Membership.objects.filter(
        organisation=organisation, is_active=True, user__is_active=True
    ).select_related("user")
    for membership in members:
        if COOPERATE in permissions_for_role(organisation.kind, membership.role):
            Notification.objects.create(
                user=membership.user,
                organisation=organisation,
                kind=NotificationKind.ENFORCEMENT,
                subject=subject[:300],
                link=link,
            )


def request_cooperation(
    actor: Actor,
    requester: Organisation,
    partner: Organisation | None,
    *,
    kind: str,
    subject: str,
    details: str,
    case: Case | None = None,
    clue_url: str = "",
    now: datetime | None = None,
) -> Cooperation:
    """Ask ``partner`` for cooperation; it has ``COOPERATION_ANSWER_DAYS`` to answer."""
    _require(actor, requester)
    if kind not in CooperationKind.values:
        raise invalid(_("Choose what you are asking for."), "kind")
    if partner is None or partner.kind != OrganisationKind.ADMINISTRATION or not partner.is_active:
        raise invalid(_("Cooperation is asked of another copyright administration."), "partner")
    if partner.pk == requester.pk:
        raise invalid(_("A bureau cannot ask itself for cooperation."), "partner")
    if requester.kind != OrganisationKind.ADMINISTRATION:
        raise invalid(_("Only a copyright administration asks for cooperation."), "requester")
    subject = (subject or "").strip()
    details = (details or "").strip()
    if not subject:
        raise invalid(_("Give the request a subject."), "subject")
    if len(subject) > 300:
        raise invalid(_("The subject is longer than 300 characters."), "subject")
    if not details:
        raise invalid(_("Say what the other bureau should know or do."), "details")
    clue_url = (clue_url or "").strip()
    if clue_url:
        try:
            URLValidator(schemes=["http", "https"])(clue_url)
        except ValidationError:
            raise invalid(_("Enter a web address (http or https)."), "clue_url") from None
        if len(clue_url) > URL_LENGTH:
            raise invalid(_("The address is too long."), "clue_url")
    if kind == CooperationKind.CLUE and not clue_url:
        raise invalid(_("A clue names the address concerned."), "clue_url")
    if kind in NEEDS_CASE and case is None:
        raise invalid(_("Choose the case this request is about."), "case")
    if case is not None:
        if kind in CASE_KINDS:
            if case.administration_id != requester.pk:
                raise invalid(
                    _("Only the bureau handling a case may hand it over or share it."), "case"
                )
        elif (
            case.administration_id != requester.pk
            and not case.partners.filter(pk=requester.pk).exists()
        ):
            raise invalid(_("That case is not handled by your bureau."), "case")
        if case.status != CaseStatus.OPEN:
            raise invalid(_("The case is no longer open."), "case")
        if kind in CASE_KINDS and case.partners.filter(pk=partner.pk).exists():
            raise invalid(_("That bureau already handles the case jointly."), "partner")
    now = now or timezone.now()
    with transaction.atomic():
        if case is not None:
            case = Case.objects.select_for_update().get(pk=case.pk)
            if (
                kind in CASE_KINDS
                and case.cooperations.filter(
                    kind__in=CASE_KINDS, status=CooperationStatus.REQUESTED
                ).exists()
            ):
                raise invalid(
                    _("The case already has a hand-over or joint-case request awaiting an answer."),
                    "case",
                )
        cooperation = Cooperation.objects.create(
            kind=kind,
            requester=requester,
            partner=partner,
            case=case,
            subject=subject,
            details=details,
            clue_url=clue_url,
            requested_by=actor.user,
            requested_at=now,
            answer_by=now + timedelta(days=settings.COOPERATION_ANSWER_DAYS),
        )
        assert cooperation.answer_by is not None
        open_deadline(
            DeadlineKind.COOPERATION_ANSWER, partner, cooperation.answer_by, cooperation=cooperation
        )
        if case is not None:
            case_event(
                case,
                "cooperation_requested",
                actor,
                organisation=requester,
                cooperation=cooperation.pk,
                request_kind=kind,
                partner=partner.name,
            )
        audit.record(
            actor,
            "enforcement.cooperation.request",
            cooperation,
            organisation=requester,
            params={"kind": kind, "partner": partner.pk, "case": case.pk if case else None},
        )
        _notify(
            cooperation,
            partner,
            str(_("%(bureau)s asks for cooperation: %(subject)s"))
            % {"bureau": requester.name, "subject": subject},
        )
    return cooperation


def _locked(cooperation: Cooperation, status: str | None = None) -> Cooperation:
    """The request, locked for a step (which it must be in ``status`` for, when given)."""
    locked = (
        Cooperation.objects.select_for_update(of=("self",))
        .select_related("requester", "partner", "case")
        .get(pk=cooperation.pk)
    )
    if status is not None and locked.status != status:
        raise wrong_status(locked.get_status_display())
    return locked


def _answered(
    actor: Actor, cooperation: Cooperation, status: str, answer: str, now: datetime
) -> None:
    """The partner's answer to a request (accepted or declined): its deadline is met."""
    cooperation.status = status
    cooperation.answer = answer
    cooperation.answered_by = actor.user
    cooperation.answered_at = now
    cooperation.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    meet_deadlines(DeadlineKind.COOPERATION_ANSWER, at=now, cooperation=cooperation)


def _tell_requester(cooperation: Cooperation, message: str) -> None:
    """``message`` (with ``%(bureau)s`` the partner, ``%(subject)s`` the request's subject)
    to the requesting bureau."""
    _notify(
        cooperation,
        cooperation.requester,
        message % {"bureau": cooperation.partner.name, "subject": cooperation.subject},
    )


def accept_cooperation(
    actor: Actor, cooperation: Cooperation, *, answer: str = "", now: datetime | None = None
) -> Cooperation:
    """The partner accepts: a case transfer moves the case, a joint case shares it."""
    _require(actor, cooperation.partner)
    now = now or timezone.now()
    with transaction.atomic():
        cooperation = _locked(cooperation, CooperationStatus.REQUESTED)
        case = cooperation.case
        if case is not None and cooperation.kind in CASE_KINDS:
            case = Case.objects.select_for_update().get(pk=case.pk)
            if case.administration_id != cooperation.requester_id:
                raise invalid(_("The requesting bureau no longer handles the case."), "case")
            if case.status != CaseStatus.OPEN:
                raise invalid(_("The case is no longer open."), "case")
        _answered(actor, cooperation, CooperationStatus.ACCEPTED, (answer or "").strip(), now)
        if case is not None and cooperation.kind == CooperationKind.CASE_TRANSFER:
            case.administration = cooperation.partner
            case.save(update_fields=["administration"])
            # The case's pending duties move with it; the requester's officers step down.
            Deadline.objects.filter(
                case=case,
                organisation=cooperation.requester,
                met_at=None,
                cancelled_at=None,
            ).update(organisation=cooperation.partner)
            case.officers.filter(
                removed_at=None, user__memberships__organisation=cooperation.requester
            ).exclude(user__memberships__organisation=cooperation.partner).update(removed_at=now)
            case_event(
                case,
                "cooperation_transferred",
                actor,
                organisation=cooperation.partner,
                cooperation=cooperation.pk,
                from_bureau=cooperation.requester.name,
                to_bureau=cooperation.partner.name,
            )
        elif case is not None and cooperation.kind == CooperationKind.JOINT_CASE:
            case.partners.add(cooperation.partner)
            case_event(
                case,
                "cooperation_joint",
                actor,
                organisation=cooperation.partner,
                cooperation=cooperation.pk,
                partner=cooperation.partner.name,
            )
        elif case is not None:
            case_event(
                case,
                "cooperation_accepted",
                actor,
                organisation=cooperation.partner,
                cooperation=cooperation.pk,
                request_kind=cooperation.kind,
            )
        audit.record(
            actor,
            "enforcement.cooperation.accept",
            cooperation,
            organisation=cooperation.partner,
            params={"kind": cooperation.kind, "case": case.pk if case else None},
        )
        _tell_requester(cooperation, str(_("%(bureau)s accepted: %(subject)s")))
    return cooperation


def decline_cooperation(
    actor: Actor, cooperation: Cooperation, *, reason: str, now: datetime | None = None
) -> Cooperation:
    """The partner declines, saying why."""
    _require(actor, cooperation.partner)
    reason = (reason or "").strip()
    if not reason:
        raise invalid(_("Say why the request is declined."), "reason")
    now = now or timezone.now()
    with transaction.atomic():
        cooperation = _locked(cooperation, CooperationStatus.REQUESTED)
        _answered(actor, cooperation, CooperationStatus.DECLINED, reason, now)
        if cooperation.case is not None:
            case_event(
                cooperation.case,
                "cooperation_declined",
                actor,
                organisation=cooperation.partner,
                cooperation=cooperation.pk,
                reason=reason,
            )
        audit.record(
            actor,
            "enforcement.cooperation.decline",
            cooperation,
            organisation=cooperation.partner,
            params={"reason": reason},
        )
        _tell_requester(cooperation, str(_("%(bureau)s declined: %(subject)s")))
    return cooperation


def answer_cooperation(actor: Actor, cooperation: Cooperation, *, answer: str) -> Cooperation:
    """The partner reports what it has done so far (the request stays accepted)."""
    _require(actor, cooperation.partner)
    answer = (answer or "").strip()
    if not answer:
        raise invalid(_("Say what was done."), "answer")
    with transaction.atomic():
        cooperation = _locked(cooperation, CooperationStatus.ACCEPTED)
        cooperation.answer = answer
        cooperation.answered_by = actor.user
        cooperation.save(update_fields=["answer", "answered_by"])
        audit.record(
            actor,
            "enforcement.cooperation.answer",
            cooperation,
            organisation=cooperation.partner,
        )
    return cooperation


def complete_cooperation(
    actor: Actor, cooperation: Cooperation, *, answer: str = "", now: datetime | None = None
) -> Cooperation:
    """The partner has done what was asked: it says what, and the request is complete."""
    _require(actor, cooperation.partner)
    answer = (answer or "").strip()
    now = now or timezone.now()
    with transaction.atomic():
        cooperation = _locked(cooperation, CooperationStatus.ACCEPTED)
        if answer:
            cooperation.answer = answer
        if not cooperation.answer:
            raise invalid(_("Say what was done."), "answer")
        cooperation.status = CooperationStatus.COMPLETED
        cooperation.completed_at = now
        cooperation.save(update_fields=["status", "answer", "completed_at"])
        if cooperation.case is not None:
            case_event(
                cooperation.case,
                "cooperation_completed",
                actor,
                organisation=cooperation.partner,
                cooperation=cooperation.pk,
                request_kind=cooperation.kind,
            )
        audit.record(
            actor,
            "enforcement.cooperation.complete",
            cooperation,
            organisation=cooperation.partner,
        )
        _tell_requester(cooperation, str(_("%(bureau)s completed: %(subject)s")))
    return cooperation


def withdraw_cooperation(
    actor: Actor, cooperation: Cooperation, *, reason: str = ""
) -> Cooperation:
    """The requester takes back a request the partner has not answered."""
    _require(actor, cooperation.requester)
    with transaction.atomic():
        cooperation = _locked(cooperation, CooperationStatus.REQUESTED)
        cooperation.status = CooperationStatus.WITHDRAWN
        cooperation.save(update_fields=["status"])
        cancel_deadlines(cooperation=cooperation)
        if cooperation.case is not None:
            case_event(
                cooperation.case,
                "cooperation_withdrawn",
                actor,
                organisation=cooperation.requester,
                cooperation=cooperation.pk,
                reason=(reason or "").strip(),
            )
        audit.record(
            actor,
            "enforcement.cooperation.withdraw",
            cooperation,
            organisation=cooperation.requester,
            params={"reason": (reason or "").strip()},
        )
    return cooperation


def open_case_from_clue(
    actor: Actor, cooperation: Cooperation, *, title: str, summary: str = ""
) -> Case:
    """The partner opens a case of its own from an accepted clue (origin: transfer)."""
    from copyguard.enforcement.actions.cases import open_case

    _require(actor, cooperation.partner)
    with transaction.atomic():
        cooperation = _locked(cooperation)
        if cooperation.kind != CooperationKind.CLUE:
            raise invalid(_("Only a clue becomes a new case."), "kind")
        if cooperation.status != CooperationStatus.ACCEPTED:
            raise wrong_status(cooperation.get_status_display())
        if cooperation.resulting_case_id is not None:
            raise invalid(_("A case has already been opened from this clue."), "title")
        summary = (summary or "").strip() or "\n\n".join(
            part for part in (cooperation.details, cooperation.clue_url) if part
        )
        case = open_case(
            actor,
            cooperation.partner,
            title=title,
            origin=CaseOrigin.TRANSFER,
            summary=summary,
        )
        cooperation.resulting_case = case
        cooperation.save(update_fields=["resulting_case"])
        case_event(
            case,
            "cooperation_clue",
            actor,
            organisation=cooperation.partner,
            cooperation=cooperation.pk,
            from_bureau=cooperation.requester.name,
            clue_url=cooperation.clue_url,
        )
        audit.record(
            actor,
            "enforcement.cooperation.open_case",
            cooperation,
            organisation=cooperation.partner,
            params={"case": case.pk},
        )
    return case
