"""GET /me: the caller and their memberships."""

from __future__ import annotations

import pytest

from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.accounts.models import Membership
from copyguard.testing import make_member, make_organisation
from tests.api.support import anonymous, error_of, with_session, with_token

pytestmark = pytest.mark.django_db


def test_it_describes_the_caller_and_their_memberships(people):
    people.owner.full_name = "王芳"
    people.owner.language = "en"
    people.owner.save()
    response = with_token(people.owner).get("/me")
    # Chinese text travels as UTF-8, legible, not as \u escapes.
    assert "王芳".encode() in response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body == {
        "id": people.owner.pk,
        "email": "owner@alpha.test",
        "full_name": "王芳",
        "language": "en",
        "email_verified": True,
        "is_staff": False,
        "memberships": [
            {
                "id": Membership.objects.get(user=people.owner).pk,
                "organisation": {
                    "id": people.org.pk,
                    "name": "Alpha Press",
                    "name_en": people.org.name_en,
                    "kind": "rights_holder",
                },
                "role": "owner",
                "permissions": [
                    "accounts.manage_members",
                    "accounts.manage_organisation",
                    "accounts.view_audit",
                    "accounts.view_organisation",
                ],
            }
        ],
    }


def test_a_read_only_member_sees_only_the_view_permission(people):
    body = with_session(people.viewer).get("/me").json()
    assert [m["role"] for m in body["memberships"]] == ["viewer"]
    assert body["memberships"][0]["permissions"] == ["accounts.view_organisation"]


def test_it_lists_every_active_membership_and_no_other(people):
    court = make_organisation(OrganisationKind.COURT, name="Court")
    closed = make_organisation(OrganisationKind.PLATFORM, name="Closed", is_active=False)
    Membership.objects.create(user=people.staff, organisation=court, role=Role.JUDGE)
    Membership.objects.create(user=people.staff, organisation=closed, role=Role.OWNER)
    left = make_organisation(OrganisationKind.STATION, name="Left")
    Membership.objects.create(
        user=people.staff, organisation=left, role=Role.VIEWER, is_active=False
    )
    body = with_token(people.staff).get("/me").json()
    assert {(m["organisation"]["name"], m["role"]) for m in body["memberships"]} == {
        ("Alpha Press", "staff"),
        ("Court", "judge"),
    }


def test_it_shows_nothing_of_other_organisations(people):
    body = with_token(people.outsider).get("/me").json()
    assert [m["organisation"]["id"] for m in body["memberships"]] == [people.other_org.pk]


def test_it_reports_platform_staff(people):
    staff_user = make_member(people.org, Role.STAFF, is_staff=True)
    assert with_token(staff_user).get("/me").json()["is_staff"] is True


def test_it_needs_a_caller(people):
    error_of(anonymous().get("/me"), 401, "not_authenticated")


def test_it_is_read_only(people):
    error_of(with_token(people.owner).patch("/me", {"full_name": "x"}), 405)
