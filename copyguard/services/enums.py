"""Kinds, statuses, permissions and error codes of service requests (STYLE 5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RequestKind(models.TextChoices):
    """What an enterprise asks the one-stop service for."""

    REGISTRATION_HELP = "registration_help", _("Help with copyright registration")
    RIGHTS_PROTECTION = "rights_protection", _("Rights protection (infringement)")
    LEGAL_CONSULTATION = "legal_consultation", _("Legal consultation")
    OVERSEAS_PROTECTION = "overseas_protection", _("Protection abroad")
    PLEDGE_FINANCING = "pledge_financing", _("Copyright pledge financing")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("service request", "Submitted")
    ASSIGNED = "assigned", pgettext_lazy("service request", "Assigned")
    IN_PROGRESS = "in_progress", pgettext_lazy("service request", "In progress")
    ANSWERED = "answered", pgettext_lazy("service request", "Answered")
    CLOSED = "closed", pgettext_lazy("service request", "Closed")
    WITHDRAWN = "withdrawn", pgettext_lazy("service request", "Withdrawn")


# Statuses in which the request is still being handled.
OPEN_STATUSES = frozenset(
    {
        RequestStatus.SUBMITTED,
        RequestStatus.ASSIGNED,
        RequestStatus.IN_PROGRESS,
        RequestStatus.ANSWERED,
    }
)
# Statuses in which the answer is still owed (the deadline runs).
AWAITING_ANSWER = frozenset(
    {RequestStatus.SUBMITTED, RequestStatus.ASSIGNED, RequestStatus.IN_PROGRESS}
)


class MessageSide(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    STATION = "station", _("Service station")


class ServicePermission(models.TextChoices):
    VIEW = "services.view", _("See service requests")
    SUBMIT = "services.submit", _("Submit service requests for the enterprise and follow them")
    HANDLE = "services.handle", _("Answer service requests (liaison officer)")
    ASSIGN = "services.assign", _("Assign service requests and see the workload")
    MANAGE_ROUTING = "services.manage_routing", _("Maintain the routing rules of a region")


class ServiceErrorCode(models.TextChoices):
    NOT_FOUND = "not_found", _("Not found")
    FORBIDDEN = "forbidden", _("Not allowed")
    INVALID = "invalid", _("Invalid input")
    WRONG_STATUS = "wrong_status", _("Not possible in the current status")
    NOT_ROUTED = "not_routed", _("No service station or administration serves this region")
    ALREADY_RATED = "already_rated", _("The request has been rated already")
    TOO_LARGE = "too_large", _("The file is too large")
    UNSUPPORTED_FILE = "unsupported_file", _("This kind of file cannot be attached")


_P = ServicePermission
_RECEIVER_HEAD = frozenset({_P.VIEW, _P.HANDLE, _P.ASSIGN})
_RECEIVER_OFFICER = frozenset({_P.VIEW, _P.HANDLE})
_GRANTS: dict[tuple[str, str], frozenset[str]] = {
    # Stations: the supervisor assigns, liaison officers answer.
    ("station", "supervisor"): _RECEIVER_HEAD,
    ("station", "liaison_officer"): _RECEIVER_OFFICER,
    ("station", "viewer"): frozenset({_P.VIEW}),
    # Administrations answer where no station serves the region; their supervisor also
    # maintains the routing rules of the region.
    ("administration", "supervisor"): _RECEIVER_HEAD | {_P.MANAGE_ROUTING},
    ("administration", "registrar"): _RECEIVER_OFFICER,
    ("administration", "enforcement_officer"): _RECEIVER_OFFICER,
    ("administration", "analyst"): frozenset({_P.VIEW}),
    ("administration", "viewer"): frozenset({_P.VIEW}),
    # Enterprises (rights holders) submit and follow their own requests.
    ("rights_holder", "owner"): frozenset({_P.VIEW, _P.SUBMIT}),
    ("rights_holder", "staff"): frozenset({_P.VIEW, _P.SUBMIT}),
    ("rights_holder", "viewer"): frozenset({_P.VIEW}),
}

# The kinds of organisation that may receive requests (a routing rule's target).
RECEIVING_KINDS = ("station", "administration")


def permissions_for_role(kind: str, role: str) -> frozenset[str]:
    """What a member with ``role`` in an organisation of ``kind`` may do with service requests."""
    granted = _GRANTS.get((kind, role), frozenset())
    return frozenset(p.value if hasattr(p, "value") else p for p in granted)
