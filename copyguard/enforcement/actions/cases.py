"""Administrative cases: opening, the case record (parties, hits, works, evidence), the facts
and the criminal-threshold check they drive, the officers, and closing.

Tasks, documents and decisions are in ``actions/case_records.py``.

A case is handled by an administration (and the partner bureaus of a joint case); changing
it needs ``MANAGE_CASES`` there. Every change of the facts or of whether the case is online
dissemination re-runs the threshold check (``thresholds.assess``) against the table in
force and stores the result on the case; a change of state is a timeline event, and the
first time the case reaches the early-warning level or a threshold the supervising
procuratorates (those whose region covers the administration's) are told.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from copyguard.accounts import audit
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.models import Membership, Organisation, User
from copyguard.enforcement.access.common import permissions_in, region_prefix
from copyguard.enforcement.actions.common import (
    cancel_deadlines,
    case_event,
    forbidden,
    invalid,
    next_number,
    open_deadline,
    wrong_status,
)
from copyguard.enforcement.enums import (
    CaseOrigin,
    CaseStatus,
    DeadlineKind,
    EnforcementErrorCode,
    EnforcementPermission,
    Measure,
    OfficerRole,
    PartyRole,
    ThresholdState,
    TipOffStatus,
    permissions_for_role,
)
from copyguard.enforcement.models import (
    Campaign,
    Case,
    CaseFact,
    CaseOfficer,
    CaseParty,
    ThresholdTable,
    TipOff,
)
from copyguard.enforcement.thresholds import assess, to_decimal
from copyguard.monitoring.enums import EvidenceStatus
from copyguard.monitoring.models import Evidence, Hit
from copyguard.works.models import Work

__all__ = [
    "MANAGE",
    "add_officer",
    "add_party",
    "close_case",
    "edit_case",
    "edit_party",
    "link_evidence",
    "link_hit",
    "link_work",
    "linkable_works",
    "may_handle",
    "open_case",
    "reassess_case",
    "remove_fact",
    "remove_officer",
    "remove_party",
    "require_handler",
    "require_open",
    "require_two_officers",
    "set_fact",
    "supervising_procuratorates",
    "unlink_evidence",
    "unlink_hit",
    "unlink_work",
]

MANAGE = EnforcementPermission.MANAGE_CASES.value
VIEW = EnforcementPermission.VIEW.value
NOTIFIED_EVENT = "procuratorate_notified"


# Who may act --------------------------------------------------------------------------------


def _owners(case: Case) -> list[int]:
    return [case.administration_id, *case.partners.values_list("pk", flat=True)]


def may_handle(user: User | None, case: Case, permission: str = MANAGE) -> bool:
    """Whether ``user`` holds ``permission`` in the handling administration or a partner."""
    if user is None:
        return False
    return permission in permissions_in(user, _owners(case))


def require_handler(actor: Actor, case: Case, permission: str = MANAGE) -> None:
    """The actor may change the case (the system always may)."""
    if actor.user is None or actor.user.is_superuser:
        return
    if not may_handle(actor.user, case, permission):
        if permission == EnforcementPermission.DECIDE.value:
            raise forbidden(_("Only the head of the bureau handling the case may approve this."))
        raise forbidden(_("Only the officers of the bureau handling the case may do this."))


def require_open(case: Case) -> None:
    if case.status != CaseStatus.OPEN:
        raise wrong_status(case.get_status_display())


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("administration").get(pk=case.pk)


def _locked_for_change(actor: Actor, case: Case) -> Case:
    """The case, locked, when it is open and the actor may change it."""
    case = _locked(case)
    require_handler(actor, case)
    require_open(case)
    return case


def _text(value: Any, field: str, limit: int, *, required: str | Promise | None = None) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise invalid(required, field)
    if len(text) > limit:
        raise invalid(_("This is longer than %(limit)s characters.") % {"limit": limit}, field)
    return text


def _sees(actor: Actor, query: Any) -> Any:
    """Narrow a query of hits, works or evidence to what the actor may see."""
    user = actor.user
    if user is None or user.is_superuser:
        return query
    model = query.model
    if model is Hit:
        from copyguard.monitoring.access import hits_visible_to

        return query.filter(pk__in=hits_visible_to(user).values("pk"))
    if model is Evidence:
        from copyguard.monitoring.access import evidence_visible_to

        return query.filter(pk__in=evidence_visible_to(user).values("pk"))
    return query.filter(pk__in=linkable_works(user).values("pk"))


def linkable_works(user: User) -> Any:
    """Works an officer may add to a case: those the works registry shows them, those of
    hits they see, and those registered at an administration they belong to."""
    from copyguard.enforcement.access.common import organisations_with
    from copyguard.monitoring.access import hits_visible_to
    from copyguard.works.access import works_visible_to
    from copyguard.works.enums import RegistrationStatus
    from copyguard.works.models import Registration

    if user.is_superuser:
        return Work.objects.all()
    registered = Registration.objects.filter(
        status=RegistrationStatus.REGISTERED, administration_id__in=organisations_with(user)
    ).values("work_id")
    return Work.objects.filter(
        Q(pk__in=works_visible_to(user).values("pk"))
        | Q(pk__in=hits_visible_to(user).values("work_id"))
        | Q(pk__in=registered)
    )


def _latest_evidence(hit: Hit) -> Evidence | None:
    return (
        hit.evidence.filter(status=EvidenceStatus.CAPTURED).order_by("-captured_at", "-pk").first()
    )


# Opening ------------------------------------------------------------------------------------


def _number_prefix(administration: Organisation, now: datetime) -> str:
    region = administration.region_code or "CN"
    return f"{region}-{timezone.localtime(now).year}-AJ-"


def open_case(
    actor: Actor,
    administration: Organisation,
    *,
    title: str,
    origin: str,
    summary: str = "",
    online: bool = True,
    hits: Iterable[Hit] = (),
    works: Iterable[Work] = (),
    tip_off: TipOff | None = None,
    complainant: Organisation | None = None,
    campaign: Campaign | None = None,
) -> Case:
    """File an administrative case in ``administration``.

    The case is numbered ``<region>-<year>-AJ-<serial>``; the opener becomes its lead
    officer; it must be decided within ``CASE_DECISION_DAYS`` of filing (Administrative
    Penalty Law art. 60), tracked as a ``case_close`` deadline. The hits' works are added to
    the case's works and each hit's latest captured evidence to its evidence; a tip-off
    becomes "turned into a case" and links to it.
    """
    for attempt in range(3):
        try:
            return _open_case(
                actor,
                administration,
                title=title,
                origin=origin,
                summary=summary,
                online=online,
                hits=list(hits),
                works=list(works),
                tip_off=tip_off,
                complainant=complainant,
                campaign=campaign,
            )
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _open_case(
    actor: Actor,
    administration: Organisation,
    *,
    title: str,
    origin: str,
    summary: str,
    online: bool,
    hits: list[Hit],
    works: list[Work],
    tip_off: TipOff | None,
    complainant: Organisation | None,
    campaign: Campaign | None,
) -> Case:
    user = actor.user
    if administration.kind != OrganisationKind.ADMINISTRATION or not administration.is_active:
        raise invalid(_("Cases are opened by a copyright administration."), "administration")
    if (
        user is not None
        and not user.is_superuser
        and MANAGE not in permissions_in(user, [administration.pk])
    ):
        raise forbidden(
            _("Your role in %(organisation)s does not allow opening cases.")
            % {"organisation": administration.name}
        )
    title = _text(title, "title", 300, required=_("Give the case a title."))
    summary = _text(summary, "summary", 20_000)
    if origin not in CaseOrigin.values:
        raise invalid(_("Choose how the case came about."), "origin")
    if complainant is not None and complainant.kind != OrganisationKind.RIGHTS_HOLDER:
        raise invalid(_("The complainant is a rights holder."), "complainant")
    if origin == CaseOrigin.COMPLAINT and complainant is None:
        raise invalid(_("Name the rights holder who complained."), "complainant")
    if tip_off is not None:
        tip_off = TipOff.objects.select_for_update().get(pk=tip_off.pk)
        if tip_off.administration_id != administration.pk:
            raise invalid(_("The tip-off was sent to another administration."), "tip_off")
        if tip_off.case_id is not None:
            raise invalid(_("The tip-off already led to a case."), "tip_off")
    if campaign is not None and campaign.administration_id != administration.pk:
        raise invalid(_("The campaign is run by another administration."), "campaign")
    hit_ids = [hit.pk for hit in hits]
    if hit_ids and _sees(actor, Hit.objects.filter(pk__in=hit_ids)).count() != len(set(hit_ids)):
        raise invalid(_("You cannot see one of the hits."), "hits")
    work_ids = [work.pk for work in works]
    if work_ids and _sees(actor, Work.objects.filter(pk__in=work_ids)).count() != len(
        set(work_ids)
    ):
        raise invalid(_("You cannot see one of the works."), "works")

    now = timezone.now()
    case = Case.objects.create(
        number=next_number(Case, "number", _number_prefix(administration, now)),
        administration=administration,
        title=title,
        summary=summary,
        origin=origin,
        online=bool(online),
        complainant=complainant,
        campaign=campaign,
        decide_by=now + timedelta(days=settings.CASE_DECISION_DAYS),
        opened_by=user,
        opened_at=now,
    )
    if user is not None:
        CaseOfficer.objects.create(case=case, user=user, role=OfficerRole.LEAD, assigned_at=now)
    hit_rows = list(Hit.objects.filter(pk__in=hit_ids).select_related("work"))
    case.hits.add(*hit_rows)
    case.works.add(*{hit.work for hit in hit_rows}, *works)
    evidence = [e for e in (_latest_evidence(hit) for hit in hit_rows) if e is not None]
    case.evidence.add(*evidence)
    if complainant is not None:
        CaseParty.objects.create(
            case=case,
            role=PartyRole.RIGHTS_HOLDER,
            name=complainant.name,
            organisation=complainant,
        )
    if tip_off is not None:
        tip_off.status = TipOffStatus.CASE
        tip_off.case = case
        tip_off.triaged_by = tip_off.triaged_by or user
        tip_off.triaged_at = tip_off.triaged_at or now
        tip_off.save(update_fields=["status", "case", "triaged_by", "triaged_at", "updated_at"])
    decide_by = now + timedelta(days=settings.CASE_DECISION_DAYS)
    open_deadline(DeadlineKind.CASE_CLOSE, administration, decide_by, case=case)
    case_event(
        case,
        "opened",
        actor,
        organisation=administration,
        origin=origin,
        hits=len(hit_rows) or None,
        tip_off=tip_off.reference if tip_off is not None else None,
    )
    _reassess(case, actor, now)
    audit.record(
        actor,
        "enforcement.case.open",
        case,
        organisation=administration,
        params={"origin": origin, "hits": hit_ids, "tip_off": tip_off.pk if tip_off else None},
    )
    return case


def edit_case(actor: Actor, case: Case, *, title: str, summary: str, online: bool) -> Case:
    """Change the title, summary and whether the case is online dissemination (which
    changes which thresholds apply)."""
    with transaction.atomic():
        case = _locked_for_change(actor, case)
        title = _text(title, "title", 300, required=_("Give the case a title."))
        summary = _text(summary, "summary", 20_000)
        changed = {
            name
            for name, value in (("title", title), ("summary", summary), ("online", bool(online)))
            if getattr(case, name) != value
        }
        if not changed:
            return case
        case.title, case.summary, case.online = title, summary, bool(online)
        case.save(update_fields=sorted(changed))
        case_event(
            case, "edited", actor, organisation=_acting_org(actor, case), fields=sorted(changed)
        )
        if "online" in changed:
            _reassess(case, actor)
        audit.record(
            actor,
            "enforcement.case.edit",
            case,
            organisation=case.administration,
            params={"fields": sorted(changed)},
        )
    return case


def _acting_org(actor: Actor, case: Case) -> Organisation | None:
    """The bureau the actor acts for on the case: the handling one, or their partner bureau."""
    user = actor.user
    if user is None:
        return case.administration
    if MANAGE in permissions_in(user, [case.administration_id]) or user.is_superuser:
        return case.administration
    for partner in case.partners.all():
        if MANAGE in permissions_in(user, [partner.pk]):
            return partner
    return case.administration


# Parties ------------------------------------------------------------------------------------

PARTY_FIELDS = {
    "name": 200,
    "identifier": 60,
    "address": 300,
    "contact": 200,
    "domain": 253,
}


def _party_values(role: str, fields: dict[str, Any]) -> dict[str, Any]:
    if role not in PartyRole.values:
        raise invalid(_("Choose the party's role."), "role")
    values: dict[str, Any] = {"role": role}
    for name, limit in PARTY_FIELDS.items():
        values[name] = _text(
            fields.get(name, ""),
            name,
            limit,
            required=_("Give the party's name.") if name == "name" else None,
        )
    return values


def _party_changed(
    actor: Actor, case: Case, event: str, verb: str, name: str, role: str, params: dict[str, Any]
) -> None:
    """The timeline entry (``party_<event>``) and audit event (``party_<verb>``) of a change to
    the case's parties."""
    case_event(
        case, f"party_{event}", actor, organisation=_acting_org(actor, case), name=name, role=role
    )
    audit.record(
        actor,
        f"enforcement.case.party_{verb}",
        case,
        organisation=case.administration,
        params=params,
    )


def add_party(actor: Actor, case: Case, *, role: str, **fields: Any) -> CaseParty:
    with transaction.atomic():
        case = _locked_for_change(actor, case)
        party = CaseParty.objects.create(case=case, **_party_values(role, fields))
        params = {"party": party.pk, "role": role}
        _party_changed(actor, case, "added", "add", party.name, party.role, params)
    return party


def edit_party(actor: Actor, party: CaseParty, *, role: str, **fields: Any) -> CaseParty:
    with transaction.atomic():
        case = _locked_for_change(actor, party.case)
        party = CaseParty.objects.get(pk=party.pk, case=case)
        for name, value in _party_values(role, fields).items():
            setattr(party, name, value)
        party.save()
        _party_changed(actor, case, "edited", "edit", party.name, party.role, {"party": party.pk})
    return party


def remove_party(actor: Actor, party: CaseParty) -> None:
    with transaction.atomic():
        case = _locked_for_change(actor, party.case)
        name, role, pk = party.name, party.role, party.pk
        CaseParty.objects.filter(pk=pk, case=case).delete()
        _party_changed(actor, case, "removed", "remove", name, role, {"party": pk})


# Hits, works, evidence ----------------------------------------------------------------------


def _link(actor: Actor, case: Case, kind: str, obj: Any, *, add: bool) -> None:
    with transaction.atomic():
        case = _locked_for_change(actor, case)
        relation = getattr(case, {"hit": "hits", "work": "works", "evidence": "evidence"}[kind])
        model = type(obj)
        if add:
            if not _sees(actor, model.objects.filter(pk=obj.pk)).exists():
                raise invalid(_("You cannot see that record."), kind)
            if relation.filter(pk=obj.pk).exists():
                return
            relation.add(obj)
            if kind == "hit":
                case.works.add(obj.work)
                latest = _latest_evidence(obj)
                if latest is not None:
                    case.evidence.add(latest)
        else:
            if not relation.filter(pk=obj.pk).exists():
                raise invalid(_("That record is not part of the case."), kind)
            relation.remove(obj)
        label = obj.url if kind in ("hit", "evidence") else str(obj)
        case_event(
            case,
            f"{kind}_{'linked' if add else 'unlinked'}",
            actor,
            organisation=_acting_org(actor, case),
            label=label[:300],
        )
        audit.record(
            actor,
            f"enforcement.case.{kind}_{'link' if add else 'unlink'}",
            case,
            organisation=case.administration,
            params={kind: obj.pk},
        )


def link_hit(actor: Actor, case: Case, hit: Hit) -> None:
    """Add a hit to the case, with its work and its latest captured evidence."""
    _link(actor, case, "hit", hit, add=True)


def unlink_hit(actor: Actor, case: Case, hit: Hit) -> None:
    _link(actor, case, "hit", hit, add=False)


def link_work(actor: Actor, case: Case, work: Work) -> None:
    _link(actor, case, "work", work, add=True)


def unlink_work(actor: Actor, case: Case, work: Work) -> None:
    _link(actor, case, "work", work, add=False)


def link_evidence(actor: Actor, case: Case, evidence: Evidence) -> None:
    if evidence.status != EvidenceStatus.CAPTURED:
        raise invalid(_("Only captured evidence can be added to a case."), "evidence")
    _link(actor, case, "evidence", evidence, add=True)


def unlink_evidence(actor: Actor, case: Case, evidence: Evidence) -> None:
    _link(actor, case, "evidence", evidence, add=False)


# Facts and the threshold check ---------------------------------------------------------------


def _value(value: Any) -> Decimal:
    try:
        number = to_decimal(value)
    except ValueError:
        raise invalid(_("Enter a number."), "value") from None
    if number < 0:
        raise invalid(_("A figure cannot be negative."), "value")
    if number != number.quantize(Decimal("0.01")) or number >= Decimal(10) ** 14:
        raise invalid(_("At most 14 digits and two decimal places."), "value")
    return number


def set_fact(actor: Actor, case: Case, *, measure: str, value: Any, basis: str = "") -> CaseFact:
    """Record the case's figure for ``measure`` (replacing the previous one) and re-run the
    threshold check."""
    if measure not in Measure.values:
        raise invalid(_("Choose a measure."), "measure")
    number = _value(value)
    basis = _text(basis, "basis", 5_000)
    with transaction.atomic():
        case = _locked_for_change(actor, case)
        fact = CaseFact.objects.filter(case=case, measure=measure).first()
        previous = fact.value if fact is not None else None
        if fact is None:
            fact = CaseFact(case=case, measure=measure)
        fact.value = number
        fact.basis = basis
        fact.recorded_by = actor.user
        fact.recorded_at = timezone.now()
        fact.save()
        case_event(
            case,
            "fact_set",
            actor,
            organisation=_acting_org(actor, case),
            measure=measure,
            value=str(number),
            previous=str(previous) if previous is not None else None,
        )
        _reassess(case, actor)
        audit.record(
            actor,
            "enforcement.case.fact_set",
            case,
            organisation=case.administration,
            params={"measure": measure, "value": str(number)},
        )
    return fact


def remove_fact(actor: Actor, case: Case, *, measure: str) -> None:
    with transaction.atomic():
        case = _locked_for_change(actor, case)
        deleted, _rows = CaseFact.objects.filter(case=case, measure=measure).delete()
        if not deleted:
            raise invalid(_("The case has no figure for that measure."), "measure")
        case_event(
            case, "fact_removed", actor, organisation=_acting_org(actor, case), measure=measure
        )
        _reassess(case, actor)
        audit.record(
            actor,
            "enforcement.case.fact_remove",
            case,
            organisation=case.administration,
            params={"measure": measure},
        )


def supervising_procuratorates(case: Case) -> list[Organisation]:
    """The procuratorates whose region covers the handling administration's."""
    code = case.administration.region_code or ""
    found = []
    for procuratorate in Organisation.objects.filter(
        kind=OrganisationKind.PROCURATORATE, is_active=True
    ):
        prefix = region_prefix(procuratorate.region_code)
        if prefix and code.startswith(prefix):
            found.append(procuratorate)
    return found


def _notify_procuratorates(case: Case, actor: Actor, state: str) -> None:
    from copyguard.monitoring.enums import NotificationKind
    from copyguard.monitoring.models import Notification

    procuratorates = supervising_procuratorates(case)
    if state == ThresholdState.REACHED:
        subject = _("Case %(number)s reaches a criminal threshold") % {"number": case.number}
    else:
        subject = _("Case %(number)s reaches the early-warning level of a criminal threshold") % {
            "number": case.number
        }
    link = f"/enforcement/cases/{case.pk}/"
    for procuratorate in procuratorates:
        members = Membership.objects.filter(
            organisation=procuratorate, is_active=True, user__is_active=True
        ).select_related("user")
        for membership in members:
            if VIEW in permissions_for_role(procuratorate.kind, membership.role):
                Notification.objects.create(
                    user=membership.user,
                    organisation=procuratorate,
                    kind=NotificationKind.ENFORCEMENT,
                    subject=str(subject)[:300],
                    body=case.title,
                    link=link,
                )
    case_event(
        case,
        NOTIFIED_EVENT,
        actor,
        organisation=case.administration,
        state=state,
        procuratorates=[p.name for p in procuratorates],
    )


def _reassess(case: Case, actor: Actor, now: datetime | None = None) -> None:
    """Run the threshold check on the case's facts and store it (inside a transaction)."""
    from copyguard.enforcement.actions.thresholds import table_data

    now = now or timezone.now()
    table = ThresholdTable.objects.in_force(timezone.localdate(now))
    previous = case.threshold_state
    detail: dict[str, Any]
    if table is None:
        state, detail = ThresholdState.BELOW.value, {"table": None}
    else:
        facts = dict(case.facts.values_list("measure", "value"))
        assessment = assess(facts, case.online, table_data(table))
        state, detail = assessment.state, assessment.as_dict()
        detail["assessed_at"] = now.isoformat()
    case.threshold_state = state
    case.threshold_detail = detail
    case.threshold_table = table
    case.save(update_fields=["threshold_state", "threshold_detail", "threshold_table"])
    if state != previous:
        case_event(
            case,
            "threshold_changed",
            actor,
            organisation=case.administration,
            previous=previous,
            state=state,
            level=detail.get("level"),
        )
    if (
        state in (ThresholdState.WARNING, ThresholdState.REACHED)
        and not case.events.filter(kind=NOTIFIED_EVENT).exists()
    ):
        _notify_procuratorates(case, actor, state)


def reassess_case(actor: Actor, case: Case) -> Case:
    """Re-run the threshold check (e.g. after a new table came into force)."""
    with transaction.atomic():
        case = _locked(case)
        require_handler(actor, case)
        _reassess(case, actor)
    return case


# Officers -----------------------------------------------------------------------------------


def add_officer(
    actor: Actor, case: Case, user: User, *, role: str = OfficerRole.ASSISTING
) -> CaseOfficer:
    """Assign an officer of the handling administration (or a partner bureau) to the case."""
    if role not in OfficerRole.values:
        raise invalid(_("Choose lead or assisting officer."), "role")
    with transaction.atomic():
        case = _locked(case)
        require_handler(actor, case)
        if case.status not in (CaseStatus.OPEN, CaseStatus.DECIDED):
            raise wrong_status(case.get_status_display())
        if not may_handle(user, case):
            raise invalid(
                _("Officers are members of the bureau handling the case who may handle cases."),
                "user",
            )
        if case.officers.filter(user=user, removed_at=None).exists():
            raise invalid(_("This officer is already on the case."), "user")
        now = timezone.now()
        if role == OfficerRole.LEAD:
            # One lead: the previous lead becomes an assisting officer.
            case.officers.filter(role=OfficerRole.LEAD, removed_at=None).update(
                role=OfficerRole.ASSISTING
            )
        officer = CaseOfficer.objects.create(case=case, user=user, role=role, assigned_at=now)
        case_event(
            case,
            "officer_added",
            actor,
            organisation=_acting_org(actor, case),
            officer=user.get_full_name() or user.email,
            role=role,
        )
        audit.record(
            actor,
            "enforcement.case.officer_add",
            case,
            organisation=case.administration,
            params={"user": user.pk, "role": role},
        )
    return officer


def remove_officer(actor: Actor, officer: CaseOfficer) -> None:
    with transaction.atomic():
        case = _locked(officer.case)
        require_handler(actor, case)
        officer = CaseOfficer.objects.select_related("user").get(pk=officer.pk, case=case)
        if officer.removed_at is not None:
            raise invalid(_("This officer is no longer on the case."), "officer")
        if officer.role == OfficerRole.LEAD and case.is_open():
            raise invalid(_("Make another officer the lead before removing this one."), "officer")
        officer.removed_at = timezone.now()
        officer.save(update_fields=["removed_at"])
        user = officer.user
        case_event(
            case,
            "officer_removed",
            actor,
            organisation=_acting_org(actor, case),
            officer=user.get_full_name() or user.email,
        )
        audit.record(
            actor,
            "enforcement.case.officer_remove",
            case,
            organisation=case.administration,
            params={"user": user.pk},
        )


def require_two_officers(case: Case) -> None:
    from copyguard.accounts.errors import ActionError

    if not case.has_enough_officers():
        raise ActionError(
            EnforcementErrorCode.OFFICERS_REQUIRED,
            _("At least two officers must handle the case: add an assisting officer first."),
            field="officers",
            status=409,
        )


# Closing ------------------------------------------------------------------------------------


def close_case(actor: Actor, case: Case, *, reason: str) -> Case:
    """Close the case with a reason; its pending deadlines are cancelled and open tasks
    cancelled with them."""
    from copyguard.enforcement.enums import TaskStatus

    reason = _text(reason, "reason", 5_000, required=_("Say why the case is closed."))
    with transaction.atomic():
        case = _locked(case)
        require_handler(actor, case)
        if case.status == CaseStatus.CLOSED:
            raise wrong_status(case.get_status_display())
        if case.status == CaseStatus.TRANSFERRED:
            raise wrong_status(case.get_status_display())
        require_two_officers(case)
        now = timezone.now()
        previous = case.status
        case.status = CaseStatus.CLOSED
        case.closed_at = now
        case.closing_reason = reason
        case.save(update_fields=["status", "closed_at", "closing_reason"])
        cancel_deadlines(case=case)
        for task in case.tasks.filter(status=TaskStatus.OPEN):
            cancel_deadlines(task=task)
        case.tasks.filter(status=TaskStatus.OPEN).update(status=TaskStatus.CANCELLED)
        case_event(
            case,
            "closed",
            actor,
            organisation=_acting_org(actor, case),
            reason=reason[:500],
            previous=previous,
        )
        audit.record(
            actor,
            "enforcement.case.close",
            case,
            organisation=case.administration,
            params={"previous": previous},
        )
    return case
