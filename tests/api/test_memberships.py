"""GET /organisations/{id}/memberships, PATCH and DELETE /memberships/{id}."""

from __future__ import annotations

import pytest

from copyguard.accounts.enums import Role
from copyguard.accounts.models import AuditEvent, Membership
from copyguard.testing import make_member
from tests.api.support import anonymous, audit_count, error_of, with_session, with_token

pytestmark = pytest.mark.django_db


def membership_of(person) -> Membership:
    return Membership.objects.get(user=person)


def url(membership: Membership) -> str:
    return f"/memberships/{membership.pk}"


# ------------------------------------------------------------------------- list


def test_every_member_sees_the_members(people):
    for caller in (with_token(people.viewer), with_session(people.staff)):
        body = caller.get(f"/organisations/{people.org.pk}/memberships").json()
        assert [(m["user"]["email"], m["role"]) for m in body["items"]] == [
            ("owner@alpha.test", "owner"),
            ("staff@alpha.test", "staff"),
            ("viewer@alpha.test", "viewer"),
        ]
        assert body["count"] == 3
        assert all(m["organisation_id"] == people.org.pk for m in body["items"])


def test_removed_members_are_not_listed(people):
    Membership.objects.filter(user=people.staff).update(is_active=False)
    body = with_token(people.owner).get(f"/organisations/{people.org.pk}/memberships").json()
    assert "staff@alpha.test" not in {m["user"]["email"] for m in body["items"]}


def test_the_member_list_is_paged(people):
    for _ in range(4):
        make_member(people.org, Role.STAFF)
    caller = with_token(people.owner)
    body = caller.get(f"/organisations/{people.org.pk}/memberships?page=2&page_size=5").json()
    assert (body["count"], body["pages"], len(body["items"])) == (7, 2, 2)


def test_an_outsider_gets_404_for_another_organisations_members(people):
    error_of(with_token(people.outsider).get(f"/organisations/{people.org.pk}/memberships"), 404)


def test_the_member_list_needs_a_caller(people):
    error_of(anonymous().get(f"/organisations/{people.org.pk}/memberships"), 401)


# ------------------------------------------------------------------------- change role


def test_an_owner_changes_a_role_with_a_token(people):
    staff = membership_of(people.staff)
    caller = with_token(people.owner)
    before = audit_count()
    response = caller.patch(url(staff), {"role": "viewer"})
    assert response.status_code == 200
    assert response.json()["role"] == "viewer"
    assert response.json()["user"]["email"] == "staff@alpha.test"
    staff.refresh_from_db()
    assert staff.role == Role.VIEWER
    assert audit_count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor, event.params["via"]) == (
        "accounts.membership.change_role",
        people.owner,
        "api",
    )


def test_an_owner_changes_a_role_with_a_session_and_csrf_token(people):
    viewer = membership_of(people.viewer)
    assert with_session(people.owner).patch(url(viewer), {"role": "staff"}).status_code == 200
    viewer.refresh_from_db()
    assert viewer.role == Role.STAFF


def test_a_session_without_the_csrf_token_cannot_change_a_role(people):
    viewer = membership_of(people.viewer)
    caller = with_session(people.owner, csrf=False)
    error_of(caller.patch(url(viewer), {"role": "owner"}), 403, "csrf_failed")
    viewer.refresh_from_db()
    assert viewer.role == Role.VIEWER


@pytest.mark.parametrize("who", ["viewer", "staff"])
def test_a_member_who_does_not_manage_gets_403_when_changing_a_role(people, who):
    caller = with_token(getattr(people, who))
    before = audit_count()
    # Promoting oneself is the obvious attempt.
    error_of(caller.patch(url(membership_of(getattr(people, who))), {"role": "owner"}), 403)
    error_of(caller.patch(url(membership_of(people.owner)), {"role": "viewer"}), 403)
    assert audit_count() == before
    assert membership_of(people.owner).role == Role.OWNER


def test_an_outsider_gets_404_when_changing_a_role(people):
    caller = with_token(people.outsider)
    before = audit_count()
    error_of(caller.patch(url(membership_of(people.staff)), {"role": "owner"}), 404, "not_found")
    assert audit_count() == before


def test_a_role_of_another_kind_of_organisation_is_refused(people):
    caller = with_token(people.owner)
    before = audit_count()
    error = error_of(
        caller.patch(url(membership_of(people.staff)), {"role": "judge"}), 400, "role_not_for_kind"
    )
    assert "role" in error["fields"]
    assert audit_count() == before


@pytest.mark.parametrize("role", ["emperor", "", None, 7, "x" * 10_000, ["owner"]])
def test_an_unknown_role_is_a_422(people, role):
    caller = with_token(people.owner)
    before = audit_count()
    error = error_of(caller.patch(url(membership_of(people.staff)), {"role": role}), 422)
    assert "role" in error["fields"]
    assert audit_count() == before


def test_the_last_manager_cannot_step_down(people):
    caller = with_token(people.owner)
    error_of(caller.patch(url(membership_of(people.owner)), {"role": "staff"}), 400, "last_manager")
    assert membership_of(people.owner).role == Role.OWNER


def test_a_removed_membership_cannot_be_changed(people):
    staff = membership_of(people.staff)
    staff.is_active = False
    staff.save()
    error_of(with_token(people.owner).patch(url(staff), {"role": "viewer"}), 404)


def test_an_anonymous_role_change_is_a_401(people):
    error_of(anonymous().patch(url(membership_of(people.staff)), {"role": "owner"}), 401)


# ------------------------------------------------------------------------- remove


def test_an_owner_removes_a_member(people):
    staff = membership_of(people.staff)
    caller = with_token(people.owner)
    before = audit_count()
    response = caller.delete(url(staff))
    assert response.status_code == 204
    assert response.content == b""
    staff.refresh_from_db()
    assert staff.is_active is False
    assert audit_count() == before + 1
    assert AuditEvent.objects.latest("id").action == "accounts.membership.remove"
    # Gone is gone: a second removal finds nothing.
    error_of(caller.delete(url(staff)), 404)


def test_an_owner_removes_a_member_with_a_session_and_csrf_token(people):
    viewer = membership_of(people.viewer)
    assert with_session(people.owner).delete(url(viewer)).status_code == 204
    viewer.refresh_from_db()
    assert viewer.is_active is False


def test_a_session_without_the_csrf_token_cannot_remove_a_member(people):
    viewer = membership_of(people.viewer)
    error_of(with_session(people.owner, csrf=False).delete(url(viewer)), 403, "csrf_failed")
    viewer.refresh_from_db()
    assert viewer.is_active is True


def test_a_viewer_gets_403_when_removing_a_member(people):
    caller = with_token(people.viewer)
    before = audit_count()
    error_of(caller.delete(url(membership_of(people.staff))), 403, "forbidden")
    assert audit_count() == before
    assert membership_of(people.staff).is_active


def test_an_outsider_gets_404_when_removing_a_member(people):
    caller = with_token(people.outsider)
    before = audit_count()
    error_of(caller.delete(url(membership_of(people.staff))), 404)
    assert audit_count() == before
    assert membership_of(people.staff).is_active


def test_the_last_manager_cannot_be_removed(people):
    caller = with_token(people.owner)
    error_of(caller.delete(url(membership_of(people.owner))), 400, "last_manager")
    assert membership_of(people.owner).is_active


@pytest.mark.parametrize("bad_id", ["abc", "0", "-5", "1" * 40])
def test_a_malformed_membership_id_is_a_400(people, bad_id):
    caller = with_token(people.owner)
    before = audit_count()
    error_of(caller.delete(f"/memberships/{bad_id}"), 400, "invalid")
    error_of(caller.patch(f"/memberships/{bad_id}", {"role": "viewer"}), 400)
    assert audit_count() == before


def test_an_anonymous_removal_is_a_401(people):
    error_of(anonymous().delete(url(membership_of(people.staff))), 401)
