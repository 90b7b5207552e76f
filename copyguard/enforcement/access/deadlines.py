"""Who sees deadlines and who is reminded of them (STYLE 3).

A deadline belongs to the organisation that must act: its members with enforcement ``VIEW``
see it (superusers see all), everyone else gets 404. Those who can act on it — the
permission fitting its kind, :data:`ACTING_PERMISSIONS` — get the reminders; the
organisation's managers are told as well once it is overdue.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import MANAGING_ROLES
from copyguard.accounts.models import Membership, User
from copyguard.enforcement.access.common import (
    VIEW,
    get_object,
    organisations_with,
    permissions_in,
)
from copyguard.enforcement.enums import DeadlineKind, EnforcementPermission, permissions_for_role
from copyguard.enforcement.models import Deadline

__all__ = [
    "ACTING_PERMISSIONS",
    "deadline_recipients",
    "deadlines_visible_to",
    "get_deadline_for_user",
    "may_act_on",
]

K = DeadlineKind
P = EnforcementPermission

# Who can do what a deadline of each kind asks: any one of these permissions.
ACTING_PERMISSIONS: dict[str, frozenset[str]] = {
    K.NOTICE_ANSWER: frozenset({P.HANDLE_NOTICES.value}),
    K.RESTORE: frozenset({P.HANDLE_NOTICES.value}),
    K.CLAIMANT_ACTION: frozenset({P.SEND_NOTICES.value}),
    K.TRANSFER_DECISION: frozenset({P.DECIDE.value}),
    # An administration sends with MANAGE_CASES; police and procuratorates pass cases on.
    K.TRANSFER_SEND: frozenset({P.MANAGE_CASES.value, P.RECEIVE_TRANSFERS.value}),
    K.TRANSFER_ANSWER: frozenset({P.RECEIVE_TRANSFERS.value}),
    K.CASE_TASK: frozenset({P.MANAGE_CASES.value, P.RECEIVE_TRANSFERS.value}),
    K.CASE_CLOSE: frozenset({P.MANAGE_CASES.value, P.RECEIVE_TRANSFERS.value}),
    K.COOPERATION_ANSWER: frozenset({P.COOPERATE.value}),
    K.TIP_OFF_TRIAGE: frozenset({P.TRIAGE_TIP_OFFS.value}),
    K.SUPERVISION_ANSWER: frozenset({P.MANAGE_CASES.value, P.DECIDE.value}),
}
# A kind added later without an entry above: those who handle cases or decide.
FALLBACK = frozenset({P.MANAGE_CASES.value, P.DECIDE.value})


def deadlines_visible_to(user: User) -> QuerySet[Deadline]:
    query = Deadline.objects.all()
    if user.is_superuser:
        return query
    return query.filter(organisation_id__in=organisations_with(user, VIEW))


def may_act_on(user: User, deadline: Deadline) -> bool:
    granted = permissions_in(user, [deadline.organisation_id])
    return bool(granted & ACTING_PERMISSIONS.get(deadline.kind, FALLBACK))


def get_deadline_for_user(user: User, deadline_id: object) -> tuple[Deadline, bool]:
    """The deadline and whether the user can act on it; 404 outside its organisation."""
    deadline = get_object(Deadline, deadline_id, _("No such deadline"), "organisation")
    if VIEW not in permissions_in(user, [deadline.organisation_id]):
        raise Http404(_("No such deadline"))
    return deadline, may_act_on(user, deadline)


def deadline_recipients(deadline: Deadline, *, managers: bool = False) -> list[User]:
    """The active members of the deadline's organisation who can act on it (and, with
    ``managers``, its supervisors and owners), each once."""
    acting = ACTING_PERMISSIONS.get(deadline.kind, FALLBACK)
    organisation = deadline.organisation
    found: dict[int, User] = {}
    assignee_id = deadline.task.assignee_id if deadline.task_id and deadline.task else None
    for membership in (
        Membership.objects.filter(
            organisation_id=deadline.organisation_id,
            is_active=True,
            organisation__is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user_id")
    ):
        granted = permissions_for_role(organisation.kind, membership.role)
        if (
            granted & acting
            or (managers and membership.role in MANAGING_ROLES)
            or membership.user_id == assignee_id
        ):
            found.setdefault(membership.user_id, membership.user)
    return list(found.values())
