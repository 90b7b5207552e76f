"""Who sees a transfer, and who may take each step on it.

A transfer is seen by whoever sees its case (``access.cases``): the handling administration
and, from the moment a transfer was sent to them, the agencies further along the path —
so an agency the case never reached gets 404 on the case and on its transfers alike.

The steps, and whose they are:
- propose the next transfer: the agency holding the case (the administration's officers,
  ``MANAGE_CASES``; afterwards the receiving police or procuratorate's case handlers,
  ``RECEIVE_TRANSFERS``);
- approve or decline it: the head of the sending agency (``DECIDE``);
- send it: the sending agency's case handlers (as for proposing);
- accept or return it, and record the court's judgment: the receiving agency's handlers
  (``RECEIVE_TRANSFERS``).
A member who sees the transfer but whose role does not allow the step gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.models import Organisation, User
from copyguard.enforcement.access.cases import (
    SUPERVISED_STATES,
    cases_visible_to,
    get_case_for_user,
    supervising_filter,
)
from copyguard.enforcement.access.common import VIEW, get_object, organisations_with, permissions_in
from copyguard.enforcement.enums import EnforcementPermission, TransferStatus
from copyguard.enforcement.models import Case, CaseTransfer

__all__ = [
    "STEPS",
    "get_transfer_for_user",
    "handler_permission",
    "holder_of",
    "may_propose",
    "may_supervise",
    "step_allowed",
    "supervised_cases",
    "supervising_procuratorates",
    "transfer_steps",
    "transfers_visible_to",
]

MANAGE_CASES = EnforcementPermission.MANAGE_CASES.value
DECIDE = EnforcementPermission.DECIDE.value
RECEIVE = EnforcementPermission.RECEIVE_TRANSFERS.value

# Each step, the side of the transfer that takes it, and when it is possible.
STEPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "decide": ("from", (TransferStatus.PROPOSED,)),
    "send": ("from", (TransferStatus.APPROVED,)),
    "accept": ("to", (TransferStatus.SENT,)),
    "return": ("to", (TransferStatus.SENT,)),
    "judgment": ("to", (TransferStatus.ACCEPTED,)),
}


def handler_permission(agency: Organisation) -> str:
    """The permission with which an agency's members handle a case they hold."""
    if agency.kind == OrganisationKind.ADMINISTRATION:
        return MANAGE_CASES
    return RECEIVE


def holder_of(case: Case) -> Organisation:
    """The agency holding the case now: the last one that accepted a transfer of it, or the
    administration."""
    accepted = (
        case.transfers.filter(status__in=(TransferStatus.ACCEPTED, TransferStatus.CONCLUDED))
        .select_related("to_agency")
        .order_by("-answered_at", "-pk")
        .first()
    )
    return accepted.to_agency if accepted is not None else case.administration


def transfers_visible_to(user: User) -> QuerySet[CaseTransfer]:
    return CaseTransfer.objects.filter(case__in=cases_visible_to(user))


def step_allowed(user: User, transfer: CaseTransfer, step: str) -> bool:
    """Whether the user's role allows ``step`` on the transfer (whatever its status)."""
    side, _statuses = STEPS[step]
    if side == "from":
        agency = transfer.from_agency
        permission = DECIDE if step == "decide" else handler_permission(agency)
    else:
        agency = transfer.to_agency
        permission = RECEIVE
    return permission in permissions_in(user, [agency.pk])


def transfer_steps(user: User, transfer: CaseTransfer) -> frozenset[str]:
    """The steps the user may take on the transfer now (role and status)."""
    return frozenset(
        step
        for step, (_side, statuses) in STEPS.items()
        if transfer.status in statuses
        and (step != "judgment" or transfer.stage == "court")
        and step_allowed(user, transfer, step)
    )


def get_transfer_for_user(
    user: User, pk: int | str, *, step: str | None = None
) -> tuple[CaseTransfer, bool]:
    """The transfer and whether the user's role allows ``step`` (any step when None); 404
    when the user may not see its case, 403 when ``step`` is asked and not theirs."""
    transfer = get_object(
        CaseTransfer, pk, _("No such transfer"), "case", "from_agency", "to_agency"
    )
    if not cases_visible_to(user).filter(pk=transfer.case_id).exists():
        raise Http404(_("No such transfer"))
    if step is None:
        return transfer, any(step_allowed(user, transfer, s) for s in STEPS)
    if step not in STEPS:
        raise Http404(_("No such step"))
    allowed = step_allowed(user, transfer, step)
    if not allowed:
        raise PermissionDenied(_("Your role does not allow this step of the transfer"))
    return transfer, True


def may_propose(user: User, case: Case) -> bool:
    """Whether the user handles the case at the agency holding it now."""
    holder = holder_of(case)
    return handler_permission(holder) in permissions_in(user, [holder.pk])


def get_case_for_proposal(user: User, pk: int | str) -> Case:
    """The case, for proposing its next transfer: 404 when the user may not see it, 403
    when they do not handle it at the agency holding it."""
    case, _may = get_case_for_user(user, pk, permission=VIEW)
    if not may_propose(user, case):
        raise PermissionDenied(_("Only the agency holding the case may propose its transfer"))
    return case


# ---------------------------------------------------------------- supervision


def supervising_procuratorates(user: User, permission: str = VIEW) -> list[Organisation]:
    """The procuratorates in which the user holds ``permission``."""
    query = Organisation.objects.filter(kind=OrganisationKind.PROCURATORATE, is_active=True)
    if not user.is_superuser:
        query = query.filter(pk__in=organisations_with(user, permission))
    return list(query.order_by("name", "pk"))


def supervised_cases(user: User) -> QuerySet[Case]:
    """Cases on the user's procuratorates' supervision list: in their region, at the
    early-warning level or above."""
    procuratorates = supervising_procuratorates(user)
    if not procuratorates:
        return Case.objects.none()
    return Case.objects.filter(supervising_filter(procuratorates)).filter(
        threshold_state__in=SUPERVISED_STATES
    )


def may_supervise(user: User, case: Case) -> list[Organisation]:
    """The procuratorates through which the user may ask about the case (prosecutors and
    chief prosecutors of a procuratorate supervising its region)."""
    mine = supervising_procuratorates(user, RECEIVE)
    return [p for p in mine if Case.objects.filter(supervising_filter([p]), pk=case.pk).exists()]


def get_case_for_supervision(user: User, pk: int | str) -> tuple[Case, list[Organisation]]:
    """A case the user supervises: 404 when they do not see it, 403 when none of their
    procuratorates supervises it with a role that may ask."""
    case, _may = get_case_for_user(user, pk, permission=VIEW)
    procuratorates = may_supervise(user, case)
    if not procuratorates:
        raise PermissionDenied(_("Only a supervising procuratorate may ask about this case"))
    return case, procuratorates
