"""Organisation kinds, roles and permissions of the accounts domain (STYLE 5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    ADMINISTRATION = "administration", _("Copyright administration")
    POLICE = "police", _("Public security bureau")
    PROCURATORATE = "procuratorate", _("Procuratorate")
    COURT = "court", _("Court")
    RIGHTS_HOLDER = "rights_holder", _("Rights holder")
    PLATFORM = "platform", _("Online platform")
    STATION = "station", _("Service station / protection centre")


class AdministrationLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")
    DISTRICT = "district", _("District / county")


class RightsHolderType(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    PUBLISHER = "publisher", _("Publisher")
    INDIVIDUAL = "individual", _("Individual author")


class Role(models.TextChoices):
    # Heads of government bodies and stations: manage staff, see the audit log.
    SUPERVISOR = "supervisor", _("Supervisor")
    REGISTRAR = "registrar", _("Registrar")
    ENFORCEMENT_OFFICER = "enforcement_officer", _("Enforcement officer")
    ANALYST = "analyst", _("Analyst")
    INVESTIGATOR = "investigator", _("Investigator")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    JUDGE = "judge", _("Judge")
    CLERK = "clerk", _("Court clerk")
    # Rights holders and platforms are run by an owner.
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")
    NOTICE_HANDLER = "notice_handler", _("Notice handler")
    LIAISON_OFFICER = "liaison_officer", _("Liaison officer")
    # Every kind has a read-only member.
    VIEWER = "viewer", _("Read-only member")


ROLES_BY_KIND: dict[str, tuple[Role, ...]] = {
    OrganisationKind.ADMINISTRATION: (
        Role.SUPERVISOR,
        Role.REGISTRAR,
        Role.ENFORCEMENT_OFFICER,
        Role.ANALYST,
        Role.VIEWER,
    ),
    OrganisationKind.POLICE: (Role.SUPERVISOR, Role.INVESTIGATOR, Role.VIEWER),
    OrganisationKind.PROCURATORATE: (Role.SUPERVISOR, Role.PROSECUTOR, Role.VIEWER),
    OrganisationKind.COURT: (Role.SUPERVISOR, Role.JUDGE, Role.CLERK, Role.VIEWER),
    OrganisationKind.RIGHTS_HOLDER: (Role.OWNER, Role.STAFF, Role.VIEWER),
    OrganisationKind.PLATFORM: (Role.OWNER, Role.NOTICE_HANDLER, Role.VIEWER),
    OrganisationKind.STATION: (Role.SUPERVISOR, Role.LIAISON_OFFICER, Role.VIEWER),
}

# The role that runs an organisation: may invite staff, change roles, see the audit log.
MANAGING_ROLES: frozenset[str] = frozenset({Role.SUPERVISOR, Role.OWNER})


class AccountPermission(models.TextChoices):
    VIEW_ORGANISATION = "accounts.view_organisation", _("See the organisation and its members")
    MANAGE_ORGANISATION = "accounts.manage_organisation", _("Edit the organisation's details")
    MANAGE_MEMBERS = "accounts.manage_members", _("Invite members and change their roles")
    VIEW_AUDIT = "accounts.view_audit", _("Read the organisation's audit log")


def permissions_for_role(role: str) -> frozenset[str]:
    """What a member with ``role`` may do in the accounts domain of their organisation."""
    granted = {AccountPermission.VIEW_ORGANISATION.value}
    if role in MANAGING_ROLES:
        granted |= {
            AccountPermission.MANAGE_ORGANISATION.value,
            AccountPermission.MANAGE_MEMBERS.value,
            AccountPermission.VIEW_AUDIT.value,
        }
    return frozenset(granted)


class TokenScope(models.TextChoices):
    """What an API token may do; chosen when it is made (least power first).

    ``read``: safe methods only (GET, HEAD, OPTIONS); ``scan``: the scan API (submit a scan,
    read its result) and who the caller is, nothing else; ``write``: everything its owner
    may do. A session (the browser) is not limited by scopes.
    """

    READ = "read", _("Read only")
    SCAN = "scan", _("Scan only")
    WRITE = "write", _("Read and write")


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The API operations (by URL name) a scan-scoped token may call, with the methods it may
# use on each: submit a scan, read a scan's result, and read who it is (a write added to
# one of these addresses later stays refused).
SCAN_SCOPE_METHODS = {
    "scan": frozenset({"POST"}),
    "scan_status": SAFE_METHODS,
    "me": SAFE_METHODS,
}
SCAN_SCOPE_OPERATIONS = frozenset(SCAN_SCOPE_METHODS)


def scope_allows(scope: str, method: str, operation: str | None) -> bool:
    """May a token of ``scope`` call the API operation named ``operation`` with ``method``?"""
    if scope == TokenScope.WRITE:
        return True
    if scope == TokenScope.READ:
        return method.upper() in SAFE_METHODS
    if scope == TokenScope.SCAN:
        return method.upper() in SCAN_SCOPE_METHODS.get(operation or "", frozenset())
    return False  # an unknown scope grants nothing


class AccountErrorCode(models.TextChoices):
    NOT_FOUND = "not_found", _("Not found")
    FORBIDDEN = "forbidden", _("Not allowed")
    INVALID = "invalid", _("Invalid input")
    ROLE_NOT_FOR_KIND = (
        "role_not_for_kind",
        _("That role does not exist in this kind of organisation"),
    )
    ALREADY_MEMBER = "already_member", _("Already a member")
    LAST_MANAGER = "last_manager", _("An organisation must keep at least one manager")
    INVITATION_INVALID = "invitation_invalid", _("The invitation is invalid or has expired")
    EMAIL_TAKEN = "email_taken", _("An account with this e-mail address exists")
    INSUFFICIENT_SCOPE = (
        "insufficient_scope",
        _("The API token's scope does not allow this request"),
    )
