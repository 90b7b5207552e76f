"""Every state change of ownership records: one function, one transaction, one audit event.

The current rights holder applies (``apply_assignment``, ``apply_licence``,
``apply_pledge``, ``apply_pledge_release``) or withdraws; a registrar of the administration
that registered the work approves or rejects. Approval appends the record to the ledger in
the same transaction; an approved assignment of all transferable rights moves the shares
(the chain of title is the list of approved assignments) and issues a corrected
certificate that names the new holders.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.works.enums import RegistrationStatus, RightsObtained
from copyguard.works.models import Registration, RightsHolderShare
from copyguard.works.ownership import access
from copyguard.works.ownership.enums import (
    CURRENCIES,
    LEDGER_KINDS,
    WORLDWIDE,
    AssignmentScope,
    EconomicRight,
    LicenceType,
    OwnershipErrorCode,
    RecordKind,
    RecordStatus,
)
from copyguard.works.ownership.models import MAX_AMOUNT, OwnershipRecord

__all__ = [
    "apply_assignment",
    "apply_licence",
    "apply_pledge",
    "apply_pledge_release",
    "approve",
    "ledger_body",
    "reject",
    "withdraw",
]

MAX_TEXT = 5000
MAX_PLACES = 50
COUNTRY = re.compile(r"^[A-Z]{2}$")
E = OwnershipErrorCode


# ------------------------------------------------------------------------- checking input


def _text(value: Any, field: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ActionError(E.INVALID, _("This field is required."), field=field)
    if len(text) > limit:
        raise ActionError(
            E.INVALID,
            _("At most %(limit)d characters.") % {"limit": limit},
            field=field,
        )
    return text


def _date(value: Any, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ActionError(E.INVALID, _("Give a date as YYYY-MM-DD."), field=field) from None


def _term(starts_on: Any, ends_on: Any) -> tuple[date, date]:
    start, end = _date(starts_on, "starts_on"), _date(ends_on, "ends_on")
    if end < start:
        raise ActionError(E.INVALID, _("The term cannot end before it starts."), field="ends_on")
    return start, end


def _rights(value: Any, *, required: bool) -> list[str]:
    if value is None or value == "":
        values: list[str] = []
    elif isinstance(value, str):
        values = [v.strip() for v in value.split(",") if v.strip()]
    elif isinstance(value, list | tuple):
        values = [str(v).strip() for v in value]
    else:
        raise ActionError(E.INVALID, _("List the rights."), field="rights")
    unknown = [v for v in values if v not in EconomicRight.values]
    if unknown:
        raise ActionError(
            E.INVALID,
            _("Unknown right: %(right)s.") % {"right": unknown[0][:40]},
            field="rights",
        )
    if required and not values:
        raise ActionError(E.INVALID, _("Name at least one right."), field="rights")
    return sorted(set(values))


def _territory(value: Any) -> list[str]:
    if isinstance(value, str):
        values = [v.strip().upper() for v in re.split(r"[,\s]+", value) if v.strip()]
    elif isinstance(value, list | tuple):
        values = [str(v).strip().upper() for v in value]
    else:
        values = []
    if not values:
        raise ActionError(
            E.INVALID,
            _("Name the territory: ISO country codes such as CN or HK, or WORLD."),
            field="territory",
        )
    bad = [v for v in values if v != WORLDWIDE and not COUNTRY.match(v)]
    if bad:
        raise ActionError(
            E.INVALID,
            _("%(code)s is not a two-letter country code (or WORLD).") % {"code": bad[0][:20]},
            field="territory",
        )
    if len(set(values)) > MAX_PLACES:
        raise ActionError(E.INVALID, _("Too many places."), field="territory")
    return [WORLDWIDE] if WORLDWIDE in values else sorted(set(values))


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ActionError(
            E.INVALID, _("The secured amount is a number."), field="secured_amount"
        ) from None
    if not amount.is_finite() or amount <= 0:
        raise ActionError(
            E.INVALID, _("The secured amount must be more than zero."), field="secured_amount"
        )
    if amount > MAX_AMOUNT:
        raise ActionError(E.INVALID, _("The secured amount is too large."), field="secured_amount")
    if amount != amount.quantize(Decimal("0.01")):
        raise ActionError(E.INVALID, _("At most two decimal places."), field="secured_amount")
    return amount.quantize(Decimal("0.01"))


def _currency(value: Any) -> str:
    code = str(value or "").strip().upper()
    if code not in CURRENCIES:
        raise ActionError(
            E.INVALID,
            _("Unknown currency; use one of %(codes)s.") % {"codes": ", ".join(CURRENCIES)},
            field="currency",
        )
    return code


def _share(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        share = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ActionError(E.SHARE, _("A share is a percentage."), field="share") from None
    if not share.is_finite() or share <= 0 or share > 100:
        raise ActionError(E.SHARE, _("A share is more than 0 and at most 100 %."), field="share")
    if share != share.quantize(Decimal("0.01")):
        raise ActionError(E.SHARE, _("At most two decimal places."), field="share")
    return share.quantize(Decimal("0.01"))


def _counterparty(organisation_id: Any, name: Any, field: str) -> tuple[Organisation | None, str]:
    organisation = None
    if organisation_id not in (None, ""):
        try:
            pk = int(organisation_id)
        except (TypeError, ValueError):
            pk = 0
        organisation = Organisation.objects.filter(pk=pk, is_active=True).first()
        if organisation is None:
            raise ActionError(
                E.INVALID, _("No such organisation."), field=f"{field}_organisation_id"
            )
    text = _text(name, f"{field}_name", limit=200) or (organisation.name if organisation else "")
    if not text:
        raise ActionError(E.INVALID, _("This field is required."), field=f"{field}_name")
    return organisation, text


# ------------------------------------------------------------------------- who may act


def _locked_registration(registration: Registration) -> Registration:
    locked = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("work", "work__owner", "administration")
        .get(pk=registration.pk)
    )
    if locked.status != RegistrationStatus.REGISTERED or not locked.number:
        raise ActionError(
            E.NOT_REGISTERED, _("Only a registered work has ownership records."), status=409
        )
    return locked


def _require_holder(actor: Actor, registration: Registration) -> None:
    if actor.user is None:
        if actor.via in ("system", "cli", "test"):
            return
    elif access.may_apply(actor.user, registration):
        return
    raise ActionError(
        E.NOT_HOLDER,
        _("Only the owner and staff of the work's current rights holder may do this."),
        status=403,
    )


def _require_registrar(actor: Actor, registration: Registration) -> None:
    if actor.user is not None and access.may_review(actor.user, registration):
        return
    raise ActionError(
        E.NOT_REGISTRAR,
        _("Only a registrar of the administration that registered the work may review."),
        status=403,
    )


def _unreleased_pledges(registration: Registration) -> Any:
    return OwnershipRecord.objects.filter(registration=registration).unreleased_pledges()


def _check_pledge_rule(record: OwnershipRecord) -> None:
    if record.pledgee_consent:
        return
    if _unreleased_pledges(record.registration).exists():
        raise ActionError(
            E.PLEDGED,
            _(
                "The work is pledged: it cannot be assigned until the pledge is released, "
                "unless the pledgee consents."
            ),
            field="pledgee_consent",
            status=409,
        )


def _check_licence_conflict(record: OwnershipRecord, statuses: list[str]) -> None:
    if not record.is_exclusive_licence():
        return
    others = OwnershipRecord.objects.filter(
        registration=record.registration,
        kind=RecordKind.LICENCE,
        licence_type__in=[LicenceType.EXCLUSIVE, LicenceType.SOLE],
        status__in=statuses,
    ).exclude(pk=record.pk)
    for other in others:
        if record.overlaps(other):
            raise ActionError(
                E.LICENCE_CONFLICT,
                _(
                    "An exclusive licence (record #%(id)s, %(start)s to %(end)s) already "
                    "covers some of these rights in this territory for part of this term."
                )
                % {"id": other.pk, "start": other.starts_on, "end": other.ends_on},
                field="territory",
                status=409,
            )


def _holding(registration: Registration, organisation_id: int) -> Decimal:
    return sum(
        (
            s.share
            for s in RightsHolderShare.objects.filter(
                work=registration.work, organisation_id=organisation_id
            )
        ),
        Decimal(0),
    )


def _new(actor: Actor, registration: Registration, kind: str, **fields: Any) -> OwnershipRecord:
    owner = registration.work.owner
    return OwnershipRecord(
        registration=registration,
        kind=kind,
        applicant=owner,
        applicant_name=owner.name,
        applied_by=actor.user,
        **fields,
    )


def _applied(actor: Actor, new: OwnershipRecord) -> OwnershipRecord:
    new.save()
    record(
        actor,
        f"ownership.{new.kind}.apply",
        new,
        organisation=new.applicant,
        params={"number": new.registration.number, "record": new.pk},
    )
    return new


# ------------------------------------------------------------------------- applying


@transaction.atomic
def apply_assignment(
    actor: Actor,
    registration: Registration,
    *,
    assignee_name: str = "",
    assignee_organisation_id: int | None = None,
    scope: str = AssignmentScope.WHOLE,
    rights: Any = None,
    share: Any = None,
    pledgee_consent: bool = False,
    pledgee_consent_note: str = "",
    note: str = "",
) -> OwnershipRecord:
    """Assign all transferable rights (a share of the copyright, by default all the
    applicant holds) or only the listed rights to another holder."""
    registration = _locked_registration(registration)
    _require_holder(actor, registration)
    organisation, name = _counterparty(assignee_organisation_id, assignee_name, "assignee")
    if scope not in AssignmentScope.values:
        raise ActionError(E.INVALID, _("Choose what is assigned."), field="scope")
    consent_note = _text(pledgee_consent_note, "pledgee_consent_note")
    if pledgee_consent and not consent_note:
        raise ActionError(
            E.INVALID,
            _("Say how the pledgee consented (document, date)."),
            field="pledgee_consent_note",
        )
    holding = _holding(registration, registration.work.owner_id)
    amount = _share(share)
    if scope == AssignmentScope.WHOLE:
        chosen: list[str] = []
        amount = amount if amount is not None else holding
        if holding <= 0 or amount > holding:
            raise ActionError(
                E.SHARE,
                _("The applicant holds %(holding)s %% of the copyright; it cannot assign more.")
                % {"holding": f"{holding:.2f}"},
                field="share",
            )
        if organisation is not None and organisation.pk == registration.work.owner_id:
            raise ActionError(
                E.INVALID, _("A holder cannot assign to itself."), field="assignee_organisation_id"
            )
        if amount == holding and (
            organisation is None or organisation.kind != OrganisationKind.RIGHTS_HOLDER
        ):
            raise ActionError(
                E.INVALID,
                _(
                    "Assigning everything the applicant holds passes the work to the assignee: "
                    "choose the assignee's rights-holder organisation on this platform."
                ),
                field="assignee_organisation_id",
            )
    else:
        chosen = _rights(rights, required=True)
        if amount is not None:
            raise ActionError(
                E.SHARE, _("A share is given only when all rights are assigned."), field="share"
            )
    new = _new(
        actor,
        registration,
        RecordKind.ASSIGNMENT,
        counterparty=organisation,
        counterparty_name=name,
        scope=scope,
        rights=chosen,
        share=amount,
        pledgee_consent=bool(pledgee_consent),
        pledgee_consent_note=consent_note,
        note=_text(note, "note"),
    )
    _check_pledge_rule(new)
    return _applied(actor, new)


@transaction.atomic
def apply_licence(
    actor: Actor,
    registration: Registration,
    *,
    licensee_name: str = "",
    licensee_organisation_id: int | None = None,
    licence_type: str = LicenceType.NON_EXCLUSIVE,
    territory: Any = None,
    starts_on: Any = None,
    ends_on: Any = None,
    rights: Any = None,
    note: str = "",
) -> OwnershipRecord:
    """License rights of the work for a territory and a term."""
    registration = _locked_registration(registration)
    _require_holder(actor, registration)
    organisation, name = _counterparty(licensee_organisation_id, licensee_name, "licensee")
    if licence_type not in LicenceType.values:
        raise ActionError(E.INVALID, _("Choose the type of licence."), field="licence_type")
    start, end = _term(starts_on, ends_on)
    new = _new(
        actor,
        registration,
        RecordKind.LICENCE,
        counterparty=organisation,
        counterparty_name=name,
        licence_type=licence_type,
        territory=_territory(territory),
        starts_on=start,
        ends_on=end,
        rights=_rights(rights, required=True),
        note=_text(note, "note"),
    )
    _check_licence_conflict(new, [RecordStatus.PENDING, RecordStatus.APPROVED])
    return _applied(actor, new)


@transaction.atomic
def apply_pledge(
    actor: Actor,
    registration: Registration,
    *,
    pledgee_name: str = "",
    pledgee_organisation_id: int | None = None,
    secured_amount: Any = None,
    currency: str = "CNY",
    starts_on: Any = None,
    ends_on: Any = None,
    note: str = "",
) -> OwnershipRecord:
    """Pledge the copyright's property rights as security for a debt (pledge financing)."""
    registration = _locked_registration(registration)
    _require_holder(actor, registration)
    organisation, name = _counterparty(pledgee_organisation_id, pledgee_name, "pledgee")
    amount = _amount(secured_amount)
    code = _currency(currency)
    start, end = _term(starts_on, ends_on)
    new = _new(
        actor,
        registration,
        RecordKind.PLEDGE,
        counterparty=organisation,
        counterparty_name=name,
        secured_amount=amount,
        currency=code,
        starts_on=start,
        ends_on=end,
        note=_text(note, "note"),
    )
    return _applied(actor, new)


@transaction.atomic
def apply_pledge_release(
    actor: Actor, pledge: OwnershipRecord, *, note: str = ""
) -> OwnershipRecord:
    """Apply to record that a recorded pledge has been released (itself reviewed)."""
    registration = _locked_registration(pledge.registration)
    _require_holder(actor, registration)
    pledge = OwnershipRecord.objects.get(pk=pledge.pk)
    if pledge.kind != RecordKind.PLEDGE or pledge.status != RecordStatus.APPROVED:
        raise ActionError(E.WRONG_STATUS, _("Only a recorded pledge can be released."), status=409)
    if pledge.releases.filter(status__in=[RecordStatus.PENDING, RecordStatus.APPROVED]).exists():
        raise ActionError(
            E.WRONG_STATUS,
            _("The release of this pledge is already recorded or awaiting review."),
            status=409,
        )
    new = _new(
        actor,
        registration,
        RecordKind.PLEDGE_RELEASE,
        counterparty=pledge.counterparty,
        counterparty_name=pledge.counterparty_name,
        pledge=pledge,
        note=_text(note, "note"),
    )
    return _applied(actor, new)


# ------------------------------------------------------------------------- review


def _locked_record(record_: OwnershipRecord) -> OwnershipRecord:
    locked = OwnershipRecord.objects.select_for_update(of=("self",)).get(pk=record_.pk)
    if locked.status != RecordStatus.PENDING:
        raise ActionError(
            E.WRONG_STATUS,
            _("Not possible: the record is %(status)s.") % {"status": locked.get_status_display()},
            status=409,
        )
    return locked


def particulars(record_: OwnershipRecord) -> dict[str, Any]:
    """The record's public particulars without when and where it was recorded, and
    without empty fields (the verification API shows those as null)."""
    data = record_.public()
    data.pop("recorded_on", None)
    data.pop("ledger_index", None)
    data.pop("released", None)
    data["registration_number"] = record_.registration.number
    return {k: v for k, v in data.items() if v is not None}


def ledger_body(record_: OwnershipRecord) -> dict[str, Any]:
    """Identifiers, terms and a hash of the particulars: the parties' names are not in the
    public log; anyone shown them can recompute ``particulars_sha256``."""
    from copyguard.ledger.merkle import canonical_json

    data = particulars(record_)
    body = {k: v for k, v in data.items() if k not in ("grantor", "grantee")}
    body["record_id"] = body.pop("id")
    body["particulars_sha256"] = hashlib.sha256(canonical_json(data)).hexdigest()
    return body


def _transfer_shares(record_: OwnershipRecord) -> bool:
    """Move an assigned share; True when the shares changed."""
    if record_.scope != AssignmentScope.WHOLE or record_.share is None:
        return False
    work = record_.registration.work
    remaining = record_.share
    for row in RightsHolderShare.objects.filter(
        work=work, organisation_id=record_.applicant_id
    ).order_by("share", "pk"):
        taken = min(row.share, remaining)
        remaining -= taken
        if taken == row.share:
            row.delete()
        else:
            row.share -= taken
            row.save(update_fields=["share"])
        if remaining <= 0:
            break
    existing = (
        RightsHolderShare.objects.filter(work=work, organisation=record_.counterparty).first()
        if record_.counterparty is not None
        else None
    )
    if existing is not None:
        existing.share += record_.share
        existing.save(update_fields=["share"])
    else:
        RightsHolderShare.objects.create(
            work=work,
            holder_name=record_.counterparty_name,
            organisation=record_.counterparty,
            share=record_.share,
        )
    if (
        record_.counterparty is not None
        and not RightsHolderShare.objects.filter(
            work=work, organisation_id=record_.applicant_id
        ).exists()
    ):
        work.owner = record_.counterparty
        work.rights_obtained = RightsObtained.ASSIGNMENT
        work.save(update_fields=["owner", "rights_obtained", "updated_at"])
    return True


def _reissue_certificate(actor: Actor, record_: OwnershipRecord) -> int | None:
    """A corrected certificate naming the new holders, if the work has a valid one."""
    from copyguard.works.certificates import actions as certificates
    from copyguard.works.certificates.enums import CertificateStatus
    from copyguard.works.certificates.models import Certificate

    registration = record_.registration
    if not Certificate.objects.filter(
        registration=registration, status=CertificateStatus.VALID
    ).exists():
        return None
    reason = f"Rights assigned: ownership record #{record_.pk} / 著作权转让：权属记录 #{record_.pk}"  # noqa: RUF001
    return certificates.reissue(actor, registration, reason).version


@transaction.atomic
def approve(actor: Actor, record_: OwnershipRecord, reason: str = "") -> OwnershipRecord:
    """The registrar records it: the rules are checked again, the ledger entry appended."""
    from copyguard.ledger.actions import append_entry

    registration = _locked_registration(record_.registration)
    _require_registrar(actor, registration)
    record_ = _locked_record(record_)
    record_.registration = registration
    if (
        record_.kind != RecordKind.PLEDGE_RELEASE
        and record_.applicant_id != registration.work.owner_id
    ):
        raise ActionError(
            E.NOT_HOLDER,
            _("The applicant no longer holds the rights in this work; reject the application."),
            status=409,
        )
    if record_.kind == RecordKind.ASSIGNMENT:
        _check_pledge_rule(record_)
        if record_.share is not None and record_.share > _holding(
            registration, record_.applicant_id
        ):
            raise ActionError(
                E.SHARE,
                _("The applicant no longer holds the share it applied to assign."),
                status=409,
            )
    if record_.kind == RecordKind.LICENCE:
        _check_licence_conflict(record_, [RecordStatus.APPROVED])
    if record_.kind == RecordKind.PLEDGE_RELEASE:
        assert record_.pledge is not None
        if record_.pledge.is_released():
            raise ActionError(E.WRONG_STATUS, _("The pledge is already released."), status=409)
    record_.status = RecordStatus.APPROVED
    record_.decided_at = timezone.now()
    record_.decided_by = actor.user
    record_.decision_reason = _text(reason, "reason")
    record_.save()
    record_.ledger_entry = append_entry(
        LEDGER_KINDS[record_.kind], ledger_body(record_), actor=actor
    )
    record_.save(update_fields=["ledger_entry"])
    params: dict[str, Any] = {"number": registration.number, "record": record_.pk}
    if record_.kind == RecordKind.ASSIGNMENT and _transfer_shares(record_):
        params["certificate_version"] = _reissue_certificate(actor, record_)
    record(
        actor,
        f"ownership.{record_.kind}.approve",
        record_,
        organisation=registration.administration,
        params=params,
    )
    return record_


@transaction.atomic
def reject(actor: Actor, record_: OwnershipRecord, reason: str) -> OwnershipRecord:
    """The registrar refuses the application, saying why (the applicant reads it)."""
    registration = _locked_registration(record_.registration)
    _require_registrar(actor, registration)
    text = _text(reason, "reason")
    if not text:
        raise ActionError(E.REASON_REQUIRED, _("Give a reason."), field="reason")
    record_ = _locked_record(record_)
    record_.status = RecordStatus.REJECTED
    record_.decided_at = timezone.now()
    record_.decided_by = actor.user
    record_.decision_reason = text
    record_.save()
    record(
        actor,
        f"ownership.{record_.kind}.reject",
        record_,
        organisation=registration.administration,
        params={"number": registration.number, "record": record_.pk},
    )
    return record_


@transaction.atomic
def withdraw(actor: Actor, record_: OwnershipRecord) -> OwnershipRecord:
    """The applicant withdraws an application that has not been reviewed."""
    registration = _locked_registration(record_.registration)
    _require_holder(actor, registration)
    record_ = _locked_record(record_)
    record_.status = RecordStatus.WITHDRAWN
    record_.save()
    record(
        actor,
        f"ownership.{record_.kind}.withdraw",
        record_,
        organisation=record_.applicant,
        params={"number": registration.number, "record": record_.pk},
    )
    return record_
