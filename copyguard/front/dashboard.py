"""What the dashboard shows each kind of organisation and each role.

Each work area links to its pages once they exist (``AREA_PAGES``); the others say what
they will hold and nothing more (no invented figures).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import AccountPermission, OrganisationKind, Role
from copyguard.accounts.models import AuditEvent, Invitation, Membership, Organisation
from copyguard.jobs.models import Worker

__all__ = [
    "ROLE_INTRODUCTIONS",
    "WORK_AREAS",
    "WorkArea",
    "organisation_facts",
    "platform_overview",
    "work_areas_for",
]

RECENT_EVENTS = 8


@dataclass(frozen=True)
class WorkArea:
    key: str
    title: str | Promise
    description: str | Promise
    url_name: str = ""  # the area's pages; empty while they are still to come


_TITLES: dict[str, Promise] = {
    "registration": _("Registration"),
    "monitoring": _("Monitoring"),
    "notices": _("Notices"),
    "cases": _("Cases"),
    "services": _("Services"),
    "reports": _("Reports"),
}

# kind -> [(area key, what the area will do for this kind of organisation)]
WORK_AREAS: dict[str, list[tuple[str, Promise]]] = {
    OrganisationKind.ADMINISTRATION: [
        (
            "registration",
            _(
                "Review applications to register works and issue certificates whose "
                "registration number anyone can verify."
            ),
        ),
        (
            "monitoring",
            _("Watch websites and platforms for unauthorised copies of registered works."),
        ),
        (
            "notices",
            _("Send takedown notices to online platforms and follow their responses."),
        ),
        (
            "cases",
            _(
                "Open administrative cases with their preserved evidence, and transfer cases "
                "to public security or other regions."
            ),
        ),
        (
            "reports",
            _(
                "Statistics of registrations, notices and cases, typical cases and the "
                "assessment of the regions you supervise."
            ),
        ),
    ],
    OrganisationKind.POLICE: [
        (
            "cases",
            _(
                "Receive cases transferred by copyright administrations together with their "
                "evidence bundles, and record the investigation."
            ),
        ),
        (
            "reports",
            _("Figures on transferred and investigated cases for your jurisdiction."),
        ),
    ],
    OrganisationKind.PROCURATORATE: [
        (
            "cases",
            _(
                "Review cases submitted for prosecution and check each piece of preserved "
                "evidence against the signed ledger, offline."
            ),
        ),
        ("reports", _("Figures on the copyright cases your office has handled.")),
    ],
    OrganisationKind.COURT: [
        (
            "cases",
            _(
                "Verify evidence bundles presented in proceedings: every capture can be "
                "checked against the signed ledger without trusting whoever supplied it."
            ),
        ),
        ("reports", _("Figures on copyright proceedings and typical cases.")),
    ],
    OrganisationKind.RIGHTS_HOLDER: [
        (
            "registration",
            _(
                "Register your works; each one is fingerprinted so that copies can be "
                "recognised, even when altered."
            ),
        ),
        (
            "monitoring",
            _(
                "Have the web searched for copies of your works; pages found are captured "
                "and kept as evidence."
            ),
        ),
        (
            "notices",
            _("Send takedown notices to platforms and track responses and counter-notices."),
        ),
        ("reports", _("An overview of your works, the copies found and what became of them.")),
    ],
    OrganisationKind.PLATFORM: [
        (
            "notices",
            _(
                "Receive takedown notices from rights holders and administrations, answer "
                "them in time and pass on counter-notices."
            ),
        ),
        (
            "monitoring",
            _("Check uploads against the fingerprints of registered works."),
        ),
        ("reports", _("Figures on notices received and how they were handled.")),
    ],
    OrganisationKind.STATION: [
        (
            "services",
            _(
                "Serve the enterprises in your area: copyright check-ups, service requests, "
                "publicity and training."
            ),
        ),
        ("registration", _("Help applicants prepare registrations of their works.")),
        ("reports", _("Figures on the enterprises served and the requests handled.")),
    ],
}

ROLE_INTRODUCTIONS: dict[str, Promise] = {
    Role.SUPERVISOR: _(
        "As a supervisor you manage the organisation's members and can read its audit log."
    ),
    Role.REGISTRAR: _("As a registrar you will review registration applications."),
    Role.ENFORCEMENT_OFFICER: _(
        "As an enforcement officer you will handle notices and administrative cases."
    ),
    Role.ANALYST: _("As an analyst you will work with statistics and reports."),
    Role.INVESTIGATOR: _(
        "As an investigator you will receive transferred cases and their evidence."
    ),
    Role.PROSECUTOR: _("As a prosecutor you will review cases and verify their evidence."),
    Role.JUDGE: _("As a judge you will verify the evidence presented in proceedings."),
    Role.CLERK: _("As a court clerk you will register and check evidence for proceedings."),
    Role.OWNER: _("As the owner you manage the organisation's members and can read its audit log."),
    Role.STAFF: _("As a member of staff you will register works and follow up on copies found."),
    Role.NOTICE_HANDLER: _(
        "As a notice handler you will answer the takedown notices sent to your platform."
    ),
    Role.LIAISON_OFFICER: _(
        "As a liaison officer you will serve the enterprises that ask the station for help."
    ),
    Role.VIEWER: _(
        "You have read-only access: you can see the organisation's work but not change it."
    ),
}


# (kind, area) -> the page the area opens on, for the areas built so far.
AREA_PAGES: dict[tuple[str, str], str] = {
    (OrganisationKind.ADMINISTRATION, "registration"): "works:queue",
    (OrganisationKind.ADMINISTRATION, "monitoring"): "monitoring:queue",
    (OrganisationKind.RIGHTS_HOLDER, "registration"): "works:list",
    (OrganisationKind.RIGHTS_HOLDER, "monitoring"): "monitoring:queue",
}


def work_areas_for(kind: str) -> list[WorkArea]:
    return [
        WorkArea(key, _TITLES[key], text, AREA_PAGES.get((kind, key), ""))
        for key, text in WORK_AREAS.get(kind, [])
    ]


def organisation_facts(membership: Membership) -> dict[str, Any]:
    """Facts about the member's organisation; managers also see invitations and the log."""
    organisation = membership.organisation
    facts: dict[str, Any] = {
        "members_count": organisation.memberships.filter(is_active=True).count(),
        "is_manager": membership.is_manager,
    }
    if membership.has_permission(AccountPermission.MANAGE_MEMBERS):
        facts["pending_invitations"] = list(
            Invitation.objects.filter(
                organisation=organisation,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=timezone.now(),
            ).order_by("-created_at")[:10]
        )
    if membership.has_permission(AccountPermission.VIEW_AUDIT):
        facts["recent_events"] = list(
            AuditEvent.objects.filter(organisation=organisation)[:RECENT_EVENTS]
        )
    return facts


def platform_overview() -> dict[str, Any]:
    """For platform superusers: organisations per kind and the workers seen alive."""
    counts = dict(
        Organisation.objects.filter(is_active=True)
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return {
        "organisation_counts": [
            (label, counts.get(kind, 0)) for kind, label in OrganisationKind.choices
        ],
        "organisations_total": sum(counts.values()),
        "workers_alive": list(Worker.objects.alive()),
    }
