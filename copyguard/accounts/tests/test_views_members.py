"""The members page: list, invite, change roles, remove, withdraw invitations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.accounts.models import AuditEvent, Invitation, Membership, Organisation, User
from copyguard.accounts.tests.test_views_helpers import body, english_client
from copyguard.testing import Personas, make_member, make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return english_client()


def members_url(org: Organisation | int) -> str:
    return reverse("accounts:members", args=[org if isinstance(org, int) else org.pk])


def role_url(org: Organisation, membership: Membership | int) -> str:
    pk = membership if isinstance(membership, int) else membership.pk
    return reverse("accounts:member_role", args=[org.pk, pk])


def remove_url(org: Organisation, membership: Membership | int) -> str:
    pk = membership if isinstance(membership, int) else membership.pk
    return reverse("accounts:member_remove", args=[org.pk, pk])


def revoke_url(org: Organisation, invitation: Invitation | int) -> str:
    pk = invitation if isinstance(invitation, int) else invitation.pk
    return reverse("accounts:invitation_revoke", args=[org.pk, pk])


def membership(user: User, org: Organisation) -> Membership:
    return Membership.objects.get(user=user, organisation=org)


def open_invitation(org: Organisation, inviter: User, email: str = "new@alpha.test") -> Invitation:
    return Invitation.objects.create(
        organisation=org, email=email, role=Role.STAFF, key_hash=f"h-{email}", invited_by=inviter
    )


def flash(response: object) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


# ---------------------------------------------------------------- the list


def test_a_manager_sees_members_invite_form_and_open_invitations(
    client: Client, people: Personas
) -> None:
    open_invitation(people.org, people.owner, "pending@alpha.test")
    client.force_login(people.owner)

    response = client.get(members_url(people.org))

    assert response.status_code == 200
    text = body(response)
    for email in (
        "owner@alpha.test",
        "staff@alpha.test",
        "viewer@alpha.test",
        "pending@alpha.test",
    ):
        assert email in text
    assert "outsider@beta.test" not in text
    assert 'name="email"' in text
    assert (
        reverse(
            "accounts:member_role", args=[people.org.pk, membership(people.staff, people.org).pk]
        )
        in text
    )


def test_the_invite_form_offers_only_roles_of_the_organisations_kind(
    client: Client, people: Personas
) -> None:
    client.force_login(people.owner)
    form = client.get(members_url(people.org)).context["invite_form"]
    assert [value for value, _ in form.fields["role"].choices] == [
        Role.OWNER,
        Role.STAFF,
        Role.VIEWER,
    ]


def test_a_read_only_member_sees_the_list_without_controls(
    client: Client, people: Personas
) -> None:
    open_invitation(people.org, people.owner, "pending@alpha.test")
    client.force_login(people.viewer)

    response = client.get(members_url(people.org))

    assert response.status_code == 200
    text = body(response)
    assert "staff@alpha.test" in text
    assert "pending@alpha.test" not in text
    assert 'name="email"' not in text
    assert "/role/" not in text


def test_former_members_are_not_listed(client: Client, people: Personas) -> None:
    Membership.objects.filter(user=people.staff).update(is_active=False)
    client.force_login(people.owner)
    assert "staff@alpha.test" not in body(client.get(members_url(people.org)))


def test_an_outsider_gets_404_everywhere(client: Client, people: Personas) -> None:
    invitation = open_invitation(people.org, people.owner)
    staff = membership(people.staff, people.org)
    client.force_login(people.outsider)

    assert client.get(members_url(people.org)).status_code == 404
    assert (
        client.post(members_url(people.org), {"email": "x@y.test", "role": Role.STAFF}).status_code
        == 404
    )
    assert client.post(role_url(people.org, staff), {"role": Role.OWNER}).status_code == 404
    assert client.post(remove_url(people.org, staff)).status_code == 404
    assert client.post(revoke_url(people.org, invitation)).status_code == 404

    staff.refresh_from_db()
    assert (staff.role, staff.is_active) == (Role.STAFF, True)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("persona", ["viewer", "staff"])
def test_members_who_do_not_manage_get_403_on_every_write(
    client: Client, people: Personas, persona: str
) -> None:
    invitation = open_invitation(people.org, people.owner)
    staff = membership(people.staff, people.org)
    client.force_login(getattr(people, persona))

    assert (
        client.post(members_url(people.org), {"email": "x@y.test", "role": Role.STAFF}).status_code
        == 403
    )
    assert client.post(role_url(people.org, staff), {"role": Role.OWNER}).status_code == 403
    assert client.post(remove_url(people.org, staff)).status_code == 403
    assert client.post(revoke_url(people.org, invitation)).status_code == 403

    staff.refresh_from_db()
    assert (staff.role, staff.is_active) == (Role.STAFF, True)
    assert Invitation.objects.count() == 1
    assert not AuditEvent.objects.exists()


def test_anonymous_visitors_are_sent_to_login(client: Client, people: Personas) -> None:
    staff = membership(people.staff, people.org)
    for response in (
        client.get(members_url(people.org)),
        client.post(role_url(people.org, staff), {"role": Role.OWNER}),
        client.post(remove_url(people.org, staff)),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    staff.refresh_from_db()
    assert staff.role == Role.STAFF


# ---------------------------------------------------------------- invitations


def test_a_manager_invites_someone(client: Client, people: Personas) -> None:
    client.force_login(people.owner)

    response = client.post(
        members_url(people.org), {"email": "New.Person@Example.test", "role": Role.STAFF}
    )

    assert response.status_code == 302
    assert response["Location"] == members_url(people.org)
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "new.person@example.test",
        Role.STAFF,
        people.owner,
    )
    assert AuditEvent.objects.filter(
        action="accounts.invitation.create", actor=people.owner
    ).exists()
    assert [m.to for m in mail.outbox] == [["new.person@example.test"]]
    assert "/accounts/invitations/" in mail.outbox[0].body
    assert "new.person@example.test" in flash(response)[0]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "not-an-address", "role": Role.STAFF}, "email"),
        ({"email": "a" * 400 + "@example.test", "role": Role.STAFF}, "email"),
        ({"email": "new@example.test", "role": Role.JUDGE}, "role"),
        ({"email": "new@example.test", "role": "emperor"}, "role"),
        ({"email": "new@example.test"}, "role"),
        ({"email": "staff@alpha.test", "role": Role.STAFF}, "email"),
    ],
)
def test_it_rejects_a_bad_invitation_and_sends_nothing(
    client: Client, people: Personas, data: dict[str, str], field: str
) -> None:
    client.force_login(people.owner)

    response = client.post(members_url(people.org), data)

    assert response.status_code == 400
    assert field in response.context["invite_form"].errors
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.exists()
    assert mail.outbox == []


def test_a_manager_withdraws_an_invitation(client: Client, people: Personas) -> None:
    invitation = open_invitation(people.org, people.owner)
    client.force_login(people.owner)

    response = client.post(revoke_url(people.org, invitation))

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert AuditEvent.objects.filter(action="accounts.invitation.revoke").exists()
    assert list(client.get(members_url(people.org)).context["invitations"]) == []


def test_expired_invitations_are_not_listed(client: Client, people: Personas) -> None:
    invitation = open_invitation(people.org, people.owner, "late@alpha.test")
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(people.owner)
    assert "late@alpha.test" not in body(client.get(members_url(people.org)))


def test_an_invitation_of_another_organisation_cannot_be_withdrawn_through_this_one(
    client: Client, people: Personas
) -> None:
    theirs = open_invitation(people.other_org, people.outsider)
    # The outsider also manages Alpha Press, so both URLs pass the first check.
    Membership.objects.create(user=people.outsider, organisation=people.org, role=Role.OWNER)
    client.force_login(people.owner)

    assert client.post(revoke_url(people.org, theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_revoking_an_unknown_invitation_gives_404(client: Client, people: Personas) -> None:
    client.force_login(people.owner)
    assert client.post(revoke_url(people.org, 999999)).status_code == 404
    assert client.post(f"{members_url(people.org)}invitations/abc/revoke/").status_code == 404


# ---------------------------------------------------------------- roles


def test_a_manager_changes_a_role(client: Client, people: Personas) -> None:
    staff = membership(people.staff, people.org)
    client.force_login(people.owner)

    response = client.post(role_url(people.org, staff), {"role": Role.VIEWER})

    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.role == Role.VIEWER
    event = AuditEvent.objects.get(action="accounts.membership.change_role")
    assert event.params["before"] == Role.STAFF
    assert event.params["after"] == Role.VIEWER


def test_an_htmx_role_change_answers_with_the_updated_row(client: Client, people: Personas) -> None:
    staff = membership(people.staff, people.org)
    client.force_login(people.owner)

    response = client.post(
        role_url(people.org, staff), {"role": Role.OWNER}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    text = body(response)
    assert text.strip().startswith(f'<tr id="member-{staff.pk}">')
    assert "<html" not in text
    assert "Saved" in text
    staff.refresh_from_db()
    assert staff.role == Role.OWNER


@pytest.mark.parametrize("role", [Role.JUDGE, "emperor", "", "r" * 5000])
def test_it_refuses_a_role_the_kind_does_not_have(
    client: Client, people: Personas, role: str
) -> None:
    staff = membership(people.staff, people.org)
    client.force_login(people.owner)

    response = client.post(role_url(people.org, staff), {"role": role})

    assert response.status_code == 400
    assert "Choose one of this organisation&#x27;s roles." in body(response)
    staff.refresh_from_db()
    assert staff.role == Role.STAFF
    assert not AuditEvent.objects.exists()


def test_the_last_owner_cannot_step_down(client: Client, people: Personas) -> None:
    owner = membership(people.owner, people.org)
    client.force_login(people.owner)

    response = client.post(role_url(people.org, owner), {"role": Role.STAFF})

    assert response.status_code == 400
    assert "An organisation must keep at least one manager." in body(response)
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_an_htmx_refusal_reloads_the_page_to_show_the_message(
    client: Client, people: Personas
) -> None:
    owner = membership(people.owner, people.org)
    client.force_login(people.owner)

    response = client.post(
        role_url(people.org, owner), {"role": Role.STAFF}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 400
    assert response["HX-Refresh"] == "true"
    assert flash(response) == ["An organisation must keep at least one manager."]


def test_a_membership_of_another_organisation_cannot_be_changed_through_this_one(
    client: Client, people: Personas
) -> None:
    theirs = membership(people.outsider, people.other_org)
    Membership.objects.create(user=people.owner, organisation=people.other_org, role=Role.VIEWER)
    client.force_login(people.owner)

    response = client.post(role_url(people.org, theirs), {"role": Role.VIEWER})

    assert response.status_code in (403, 404)
    theirs.refresh_from_db()
    assert theirs.role == Role.OWNER


def test_a_membership_in_the_url_must_belong_to_the_organisation_in_the_url(
    client: Client, people: Personas
) -> None:
    # The owner manages both organisations; the URL mixes them up.
    other_staff = make_member(people.other_org, Role.STAFF)
    Membership.objects.create(user=people.owner, organisation=people.other_org, role=Role.OWNER)
    target = membership(other_staff, people.other_org)
    client.force_login(people.owner)

    assert client.post(role_url(people.org, target), {"role": Role.VIEWER}).status_code == 404
    assert client.post(remove_url(people.org, target)).status_code == 404
    target.refresh_from_db()
    assert (target.role, target.is_active) == (Role.STAFF, True)


def test_unknown_or_non_numeric_membership_ids_give_404(client: Client, people: Personas) -> None:
    client.force_login(people.owner)
    assert client.post(role_url(people.org, 999999), {"role": Role.STAFF}).status_code == 404
    assert (
        client.post(f"{members_url(people.org)}abc/role/", {"role": Role.STAFF}).status_code == 404
    )
    assert client.post(f"{members_url(people.org)}-1/remove/").status_code == 404


def test_roles_follow_the_organisations_kind(client: Client) -> None:
    court = make_organisation(OrganisationKind.COURT, name="Guangzhou Internet Court")
    head = make_member(court, Role.SUPERVISOR)
    clerk = make_member(court, Role.CLERK)
    client.force_login(head)

    assert (
        client.post(role_url(court, membership(clerk, court)), {"role": Role.JUDGE}).status_code
        == 302
    )
    assert (
        client.post(role_url(court, membership(clerk, court)), {"role": Role.OWNER}).status_code
        == 400
    )
    assert membership(clerk, court).role == Role.JUDGE


# ---------------------------------------------------------------- removal


def test_a_manager_removes_a_member(client: Client, people: Personas) -> None:
    staff = membership(people.staff, people.org)
    client.force_login(people.owner)

    response = client.post(remove_url(people.org, staff))

    assert response.status_code == 302
    staff.refresh_from_db()
    assert not staff.is_active
    assert AuditEvent.objects.filter(action="accounts.membership.remove").exists()
    removed = english_client()
    removed.force_login(people.staff)
    assert removed.get(members_url(people.org)).status_code == 404


def test_the_last_owner_cannot_be_removed(client: Client, people: Personas) -> None:
    owner = membership(people.owner, people.org)
    client.force_login(people.owner)

    response = client.post(remove_url(people.org, owner))

    assert response.status_code == 400
    assert "An organisation must keep at least one manager." in body(response)
    owner.refresh_from_db()
    assert owner.is_active


def test_an_owner_who_leaves_goes_to_the_dashboard(client: Client, people: Personas) -> None:
    make_member(people.org, Role.OWNER, email="second-owner@alpha.test")
    client.force_login(people.owner)

    response = client.post(remove_url(people.org, membership(people.owner, people.org)))

    assert response.status_code == 302
    assert response["Location"] == reverse("front:dashboard")


def test_removal_accepts_only_post(client: Client, people: Personas) -> None:
    client.force_login(people.owner)
    assert (
        client.get(remove_url(people.org, membership(people.staff, people.org))).status_code == 405
    )


# ---------------------------------------------------------------- CSRF


def test_every_members_form_needs_the_csrf_token(people: Personas) -> None:
    invitation = open_invitation(people.org, people.owner)
    staff = membership(people.staff, people.org)
    strict = english_client(enforce_csrf_checks=True)
    strict.force_login(people.owner)

    assert (
        strict.post(members_url(people.org), {"email": "x@y.test", "role": Role.STAFF}).status_code
        == 403
    )
    assert strict.post(role_url(people.org, staff), {"role": Role.VIEWER}).status_code == 403
    assert strict.post(remove_url(people.org, staff)).status_code == 403
    assert strict.post(revoke_url(people.org, invitation)).status_code == 403
    staff.refresh_from_db()
    assert (staff.role, staff.is_active) == (Role.STAFF, True)
    assert not AuditEvent.objects.exists()


def test_platform_staff_manage_members_of_any_organisation(
    client: Client, people: Personas
) -> None:
    client.force_login(make_user(is_superuser=True, is_staff=True))
    staff = membership(people.staff, people.org)
    assert client.post(role_url(people.org, staff), {"role": Role.VIEWER}).status_code == 302
    staff.refresh_from_db()
    assert staff.role == Role.VIEWER


def test_the_invite_form_does_not_offer_a_managing_role_first(
    client: Client, people: Personas
) -> None:
    client.force_login(people.owner)
    form = client.get(members_url(people.org)).context["invite_form"]
    assert form["role"].value() == Role.STAFF
