"""Shared personas for tests (STYLE 9): organisations of each kind and a user per role.

Tests across apps use these so that "an outsider" and "a read-only member" mean the same
thing everywhere.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connections
from django.utils import timezone

from copyguard.accounts.enums import (
    AdministrationLevel,
    OrganisationKind,
    RightsHolderType,
    Role,
)
from copyguard.accounts.models import Membership, Organisation, User

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test fixture
_counter = itertools.count(1)


def make_user(email: str | None = None, *, verified: bool = True, **extra: object) -> User:
    email = email or f"person{next(_counter)}@example.test"
    user = User.objects.create_user(email=email, password=PASSWORD, **extra)  # type: ignore[arg-type]
    if verified:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


def make_organisation(kind: str = OrganisationKind.RIGHTS_HOLDER, **fields: object) -> Organisation:
    n = next(_counter)
    defaults: dict[str, object] = {"name": f"Organisation {n}", "name_en": f"Organisation {n}"}
    if kind == OrganisationKind.ADMINISTRATION:
        defaults.update(level=AdministrationLevel.MUNICIPAL, region_code=f"{440000 + n:06d}"[:6])
    if kind == OrganisationKind.RIGHTS_HOLDER:
        defaults["rights_holder_type"] = RightsHolderType.PUBLISHER
    defaults.update(fields)
    return Organisation.objects.create(kind=kind, **defaults)  # type: ignore[arg-type]


def make_member(organisation: Organisation, role: str | None = None, **user_fields: object) -> User:
    user = make_user(**user_fields)  # type: ignore[arg-type]
    Membership.objects.create(
        user=user, organisation=organisation, role=role or organisation.managing_role()
    )
    return user


@dataclass
class Personas:
    """A rights holder with an owner and a viewer, and an outsider in another organisation."""

    org: Organisation
    owner: User
    staff: User
    viewer: User
    other_org: Organisation
    outsider: User


def personas() -> Personas:
    org = make_organisation(OrganisationKind.RIGHTS_HOLDER, name="Alpha Press")
    other = make_organisation(OrganisationKind.RIGHTS_HOLDER, name="Beta Books")
    return Personas(
        org=org,
        owner=make_member(org, Role.OWNER, email="owner@alpha.test"),
        staff=make_member(org, Role.STAFF, email="staff@alpha.test"),
        viewer=make_member(org, Role.VIEWER, email="viewer@alpha.test"),
        other_org=other,
        outsider=make_member(other, Role.OWNER, email="outsider@beta.test"),
    )


@contextmanager
def unreachable_database() -> Iterator[None]:
    """Point the default connection at a database that does not exist, for real, then back
    (a database that stopped answering, for health checks and error pages)."""
    connection = connections["default"]
    saved = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = (
        "/nonexistent-directory/copyguard.sqlite3"
        if connection.vendor == "sqlite"
        else "copyguard_no_such_database"
    )
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = saved
