"""The "Statistics" entry for administrations, the public page's for everyone else."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.front.navigation import NavContext, build_nav, nav_links
from copyguard.testing import make_member, make_organisation, make_user


def keys(user, organisation=None) -> list[str]:  # type: ignore[no-untyped-def]
    membership = user.memberships.get(organisation=organisation) if organisation else None
    return [item.key for item in nav_links(build_nav(NavContext(user, membership), "/"))]


def test_every_member_of_an_administration_has_statistics(db) -> None:  # type: ignore[no-untyped-def]
    bureau = make_organisation(OrganisationKind.ADMINISTRATION)
    for role in (Role.VIEWER, Role.ANALYST, Role.REGISTRAR):
        found = keys(make_member(bureau, role), bureau)
        assert "statistics" in found and "public_statistics" not in found


def test_others_see_the_public_statistics_instead(db) -> None:  # type: ignore[no-untyped-def]
    holder = make_organisation(OrganisationKind.RIGHTS_HOLDER)
    found = keys(make_member(holder, Role.OWNER), holder)
    assert "statistics" not in found and "public_statistics" in found
    anonymous = [i.key for i in nav_links(build_nav(NavContext(AnonymousUser(), None), "/"))]
    assert "statistics" not in anonymous and "public_statistics" in anonymous
    staff = make_user(is_superuser=True)
    assert "statistics" in [i.key for i in nav_links(build_nav(NavContext(staff, None), "/"))]
