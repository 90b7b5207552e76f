"""GET and POST /organisations/{id}/invitations, DELETE /invitations/{id}."""

from __future__ import annotations

import pytest
from django.core import mail

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import Role
from copyguard.accounts.models import AuditEvent, Invitation
from tests.api.support import anonymous, audit_count, error_of, with_session, with_token

pytestmark = pytest.mark.django_db


def invitations_url(people) -> str:
    return f"/organisations/{people.org.pk}/invitations"


def invite(people, email: str = "new@alpha.test", role: str = Role.STAFF) -> tuple[Invitation, str]:
    return actions.invite(Actor(user=people.owner), people.org, email, role)


# ------------------------------------------------------------------------- list


def test_an_owner_lists_the_invitations_with_their_status(people):
    invite(people, "open@x.test")
    revoked, _ = invite(people, "revoked@x.test")
    actions.revoke_invitation(Actor(user=people.owner), revoked)
    for caller in (with_token(people.owner), with_session(people.owner)):
        body = caller.get(invitations_url(people)).json()
        assert {(i["email"], i["status"]) for i in body["items"]} == {
            ("open@x.test", "open"),
            ("revoked@x.test", "revoked"),
        }
        assert body["items"][0]["invited_by"] == "owner@alpha.test"
        assert all("key" not in i and "key_hash" not in i for i in body["items"])


@pytest.mark.parametrize("who", ["viewer", "staff"])
def test_members_who_do_not_manage_get_403_for_the_invitations(people, who):
    error_of(with_token(getattr(people, who)).get(invitations_url(people)), 403, "forbidden")


def test_an_outsider_gets_404_for_the_invitations(people):
    error_of(with_token(people.outsider).get(invitations_url(people)), 404)


def test_the_invitation_list_needs_a_caller(people):
    error_of(anonymous().get(invitations_url(people)), 401)


# ------------------------------------------------------------------------- invite


def test_an_owner_invites_by_token_and_the_key_goes_only_by_email(
    people, django_capture_on_commit_callbacks
):
    caller = with_token(people.owner)
    before = audit_count()
    with django_capture_on_commit_callbacks(execute=True):
        response = caller.post(
            invitations_url(people), {"email": " New.Person@Alpha.test ", "role": "staff"}
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["email"], body["role"], body["status"]) == (
        "new.person@alpha.test",
        "staff",
        "open",
    )
    invitation = Invitation.objects.get(pk=body["id"])
    assert invitation.organisation == people.org
    assert audit_count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.params["via"], event.ip) == (
        "accounts.invitation.create",
        "api",
        "127.0.0.1",
    )
    # The link (with the key) is in the e-mail and nowhere in the answer.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@alpha.test"]
    link = next(word for word in mail.outbox[0].body.split() if "/accounts/" in word)
    key = link.rstrip("/").rsplit("/", 1)[-1]
    assert len(key) > 20
    assert key not in response.content.decode()
    assert "key" not in body


def test_an_owner_invites_with_a_session_and_csrf_token(people):
    response = with_session(people.owner).post(
        invitations_url(people), {"email": "s@alpha.test", "role": "viewer"}
    )
    assert response.status_code == 201
    assert Invitation.objects.filter(email="s@alpha.test", role=Role.VIEWER).exists()


def test_a_session_without_the_csrf_token_cannot_invite(people, django_capture_on_commit_callbacks):
    caller = with_session(people.owner, csrf=False)
    with django_capture_on_commit_callbacks() as queued:
        response = caller.post(invitations_url(people), {"email": "s@alpha.test", "role": "viewer"})
    error_of(response, 403)
    assert not Invitation.objects.exists()
    assert queued == []


@pytest.mark.parametrize("who", ["viewer", "staff"])
def test_members_who_do_not_manage_get_403_when_inviting(
    people, who, django_capture_on_commit_callbacks
):
    caller = with_token(getattr(people, who))
    before = audit_count()
    with django_capture_on_commit_callbacks() as queued:
        response = caller.post(invitations_url(people), {"email": "friend@x.test", "role": "owner"})
    error_of(response, 403, "forbidden")
    assert audit_count() == before
    assert not Invitation.objects.exists()
    assert queued == []


def test_an_outsider_gets_404_when_inviting(people, django_capture_on_commit_callbacks):
    caller = with_token(people.outsider)
    with django_capture_on_commit_callbacks() as queued:
        response = caller.post(invitations_url(people), {"email": "spy@x.test", "role": "owner"})
    error_of(response, 404)
    assert not Invitation.objects.exists()
    assert queued == []


def test_an_anonymous_invitation_is_a_401(people):
    error_of(anonymous().post(invitations_url(people), {"email": "a@x.test", "role": "staff"}), 401)
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"email": "not-an-address", "role": "staff"}, 400, "email"),
        ({"email": "a@x.test", "role": "judge"}, 400, "role"),
        ({"email": "viewer@alpha.test", "role": "staff"}, 400, "email"),
        ({"email": "a" * 300 + "@x.test", "role": "staff"}, 422, "email"),
        ({"email": "a@x.test", "role": "emperor"}, 422, "role"),
        ({"email": "a@x.test"}, 422, "role"),
        ({"role": "staff"}, 422, "email"),
        ({"email": 5, "role": "staff"}, 422, "email"),
        ({"email": "a\x00@x.test", "role": "staff"}, 422, "email"),
        ({"email": "a@x.test", "role": "staff", "key": "mine"}, 422, "key"),
    ],
)
def test_bad_invitations_are_refused_and_nothing_is_sent(
    people, body, status, field, django_capture_on_commit_callbacks
):
    caller = with_token(people.owner)
    before = audit_count()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        error = error_of(caller.post(invitations_url(people), body), status)
    assert field in error["fields"]
    assert audit_count() == before
    assert not Invitation.objects.exists()
    assert queued == []
    assert mail.outbox == []


def test_invalid_json_is_a_400_when_inviting(people):
    caller = with_token(people.owner)
    error_of(caller.post(invitations_url(people), raw="{email: a@x.test}"), 400, "invalid_json")
    assert not Invitation.objects.exists()


# ------------------------------------------------------------------------- revoke


def test_an_owner_revokes_an_invitation(people):
    invitation, _ = invite(people)
    caller = with_token(people.owner)
    before = audit_count()
    response = caller.delete(f"/invitations/{invitation.pk}")
    assert response.status_code == 204
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert audit_count() == before + 1
    assert AuditEvent.objects.latest("id").action == "accounts.invitation.revoke"
    # Revoking again changes nothing and writes nothing.
    assert caller.delete(f"/invitations/{invitation.pk}").status_code == 204
    assert audit_count() == before + 1


def test_an_owner_revokes_with_a_session_and_csrf_token(people):
    invitation, _ = invite(people)
    assert with_session(people.owner).delete(f"/invitations/{invitation.pk}").status_code == 204
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_a_session_without_the_csrf_token_cannot_revoke(people):
    invitation, _ = invite(people)
    error_of(with_session(people.owner, csrf=False).delete(f"/invitations/{invitation.pk}"), 403)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


@pytest.mark.parametrize("who", ["viewer", "staff"])
def test_members_who_do_not_manage_cannot_revoke(people, who):
    # Members see that the invitation exists but only managers may revoke it (403).
    invitation, _ = invite(people)
    caller = with_token(getattr(people, who))
    before = audit_count()
    error_of(caller.delete(f"/invitations/{invitation.pk}"), 403)
    assert audit_count() == before
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_an_outsider_gets_404_when_revoking(people):
    invitation, _ = invite(people)
    error_of(with_token(people.outsider).delete(f"/invitations/{invitation.pk}"), 404)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


@pytest.mark.parametrize("bad_id", ["abc", "0", "-1", "9" * 30])
def test_a_malformed_invitation_id_is_a_400(people, bad_id):
    error_of(with_token(people.owner).delete(f"/invitations/{bad_id}"), 400, "invalid")


def test_an_anonymous_revocation_is_a_401(people):
    invitation, _ = invite(people)
    error_of(anonymous().delete(f"/invitations/{invitation.pk}"), 401)
