"""The back office (Django admin): who gets in, what is read-only, and that changes are audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.accounts.models import (
    AuditEvent,
    Membership,
    Organisation,
    User,
)
from copyguard.accounts.tests.test_views_helpers import body, english_client
from copyguard.jobs.models import Worker
from copyguard.testing import PASSWORD, Personas, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-long-pass-phrase"
NO_INLINE_MEMBERSHIPS = {
    "memberships-TOTAL_FORMS": "0",
    "memberships-INITIAL_FORMS": "0",
    "memberships-MIN_NUM_FORMS": "0",
    "memberships-MAX_NUM_FORMS": "1000",
}


@pytest.fixture
def operator() -> User:
    return make_user("ops@copyguard.test", is_staff=True, is_superuser=True)


@pytest.fixture
def client(operator: User) -> Client:
    client = english_client()
    client.force_login(operator)
    return client


def admin_url(name: str, *args: object) -> str:
    return reverse(f"admin:{name}", args=args)


def organisation_form(org: Organisation, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": org.name,
        "name_en": org.name_en,
        "kind": org.kind,
        "is_active": "on",
        "level": org.level,
        "region_code": org.region_code,
        "parent": org.parent_id or "",
        "rights_holder_type": org.rights_holder_type,
        "contact_email": org.contact_email,
        "contact_phone": org.contact_phone,
        "address": org.address,
        **NO_INLINE_MEMBERSHIPS,
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- who gets in


@pytest.mark.parametrize("persona", ["owner", "viewer", "outsider"])
def test_organisation_members_do_not_get_into_the_back_office(
    people: Personas, persona: str
) -> None:
    client = english_client()
    client.force_login(getattr(people, persona))
    response = client.get(admin_url("index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_every_back_office_list_opens(client: Client, people: Personas) -> None:
    actions.create_api_token(Actor(user=people.owner), people.owner, "script")
    actions.invite(Actor(user=people.owner), people.org, "new@example.test", Role.STAFF)
    Worker.objects.create(worker_id="w-1", hostname="box", pid=42)
    for name in (
        "accounts_user_changelist",
        "accounts_organisation_changelist",
        "accounts_membership_changelist",
        "accounts_invitation_changelist",
        "accounts_apitoken_changelist",
        "accounts_auditevent_changelist",
        "jobs_worker_changelist",
    ):
        assert client.get(admin_url(name)).status_code == 200, name
    assert (
        client.get(
            admin_url("accounts_organisation_changelist"), {"kind__exact": "court", "q": "Alpha"}
        ).status_code
        == 200
    )
    assert client.get(admin_url("accounts_user_changelist"), {"q": "alpha"}).status_code == 200


# ---------------------------------------------------------------- audited changes


def test_editing_an_organisation_records_an_admin_event(
    client: Client, operator: User, people: Personas
) -> None:
    response = client.post(
        admin_url("accounts_organisation_change", people.org.pk),
        organisation_form(people.org, name="Alpha Press Group"),
    )

    assert response.status_code == 302, body(response)
    people.org.refresh_from_db()
    assert people.org.name == "Alpha Press Group"
    event = AuditEvent.objects.get(action="admin.accounts.organisation.change")
    assert event.actor == operator
    assert event.organisation == people.org
    assert event.params == {"fields": ["name"], "via": "admin"}


def test_adding_a_member_inline_records_an_event(client: Client, people: Personas) -> None:
    newcomer = make_user("newcomer@example.test")
    data = organisation_form(
        people.org,
        **{
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-user": str(newcomer.pk),
            "memberships-0-role": Role.STAFF,
            "memberships-0-is_active": "on",
        },
    )

    response = client.post(admin_url("accounts_organisation_change", people.org.pk), data)

    assert response.status_code == 302, body(response)
    assert Membership.objects.get(user=newcomer).role == Role.STAFF
    event = AuditEvent.objects.get(action="admin.accounts.membership.add")
    assert event.organisation == people.org


def test_an_inline_role_of_another_kind_is_refused(client: Client, people: Personas) -> None:
    newcomer = make_user("newcomer@example.test")
    data = organisation_form(
        people.org,
        **{
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-user": str(newcomer.pk),
            "memberships-0-role": Role.JUDGE,
            "memberships-0-is_active": "on",
        },
    )
    response = client.post(admin_url("accounts_organisation_change", people.org.pk), data)
    assert response.status_code == 200
    assert not Membership.objects.filter(user=newcomer).exists()
    assert not AuditEvent.objects.exists()


def test_adding_an_organisation_records_an_event(client: Client) -> None:
    data = {
        "name": "Foshan Copyright Administration",
        "name_en": "",
        "kind": OrganisationKind.ADMINISTRATION,
        "is_active": "on",
        "level": "municipal",
        "region_code": "440600",
        "parent": "",
        "rights_holder_type": "",
        "contact_email": "",
        "contact_phone": "",
        "address": "",
        **NO_INLINE_MEMBERSHIPS,
    }
    response = client.post(admin_url("accounts_organisation_add"), data)
    assert response.status_code == 302, body(response)
    org = Organisation.objects.get(region_code="440600")
    assert AuditEvent.objects.get(action="admin.accounts.organisation.add").organisation == org


def test_deleting_a_membership_records_an_event_with_its_id(
    client: Client, people: Personas
) -> None:
    membership = Membership.objects.get(user=people.staff)
    response = client.post(admin_url("accounts_membership_delete", membership.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(action="admin.accounts.membership.delete")
    assert event.object_id == str(membership.pk)
    assert event.organisation == people.org


def test_bulk_deleting_records_one_event_per_object(client: Client, people: Personas) -> None:
    ids = list(
        Membership.objects.filter(organisation=people.org)
        .exclude(user=people.owner)
        .values_list("pk", flat=True)
    )
    response = client.post(
        admin_url("accounts_membership_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert (
        AuditEvent.objects.filter(action="admin.accounts.membership.delete").count()
        == len(ids)
        == 2
    )


def test_adding_a_user_records_an_event_and_sets_the_password(client: Client) -> None:
    response = client.post(
        admin_url("accounts_user_add"),
        {
            "email": "Clerk@Court.TEST",
            "full_name": "Wu Fang",
            "language": "en",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            **NO_INLINE_MEMBERSHIPS,
        },
    )
    assert response.status_code == 302, body(response)
    user = User.objects.get(email="clerk@court.test")
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(
        action="admin.accounts.user.add", object_id=str(user.pk)
    ).exists()


def test_a_duplicate_address_is_refused_whatever_its_case(client: Client, people: Personas) -> None:
    response = client.post(
        admin_url("accounts_user_add"),
        {
            "email": "OWNER@alpha.test",
            "full_name": "",
            "language": "en",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            **NO_INLINE_MEMBERSHIPS,
        },
    )
    assert response.status_code == 200
    assert User.objects.filter(email__iexact="owner@alpha.test").count() == 1
    assert not AuditEvent.objects.exists()


def test_changing_a_password_in_the_back_office_is_recorded(
    client: Client, people: Personas
) -> None:
    response = client.post(
        admin_url("auth_user_password_change", people.viewer.pk),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, body(response)
    people.viewer.refresh_from_db()
    assert people.viewer.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="admin.accounts.user.change")
    assert event.params["fields"] == ["password"]
    assert NEW_PASSWORD not in str(AuditEvent.objects.values().get())


def test_a_refused_password_change_records_nothing(client: Client, people: Personas) -> None:
    response = client.post(
        admin_url("auth_user_password_change", people.viewer.pk),
        {"usable_password": "true", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    people.viewer.refresh_from_db()
    assert people.viewer.check_password(PASSWORD)
    assert not AuditEvent.objects.exists()


# ---------------------------------------------------------------- secrets and read-only records


def test_tokens_show_no_key_cannot_be_added_and_are_revoked_through_the_action(
    client: Client, people: Personas
) -> None:
    token, key = actions.create_api_token(Actor(user=people.owner), people.owner, "script")

    page = client.get(admin_url("accounts_apitoken_change", token.pk))
    assert page.status_code == 200
    assert key not in body(page)
    assert 'name="key_hash"' not in body(page)
    assert client.get(admin_url("accounts_apitoken_add")).status_code == 403

    response = client.post(
        admin_url("accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(action="accounts.api_token.revoke")
    assert event.params["via"] == "admin"
    assert actions.user_for_api_key(key) is None


def test_invitations_keep_their_key_fields_read_only(client: Client, people: Personas) -> None:
    invitation, key = actions.invite(
        Actor(user=people.owner), people.org, "new@example.test", Role.STAFF
    )
    page = client.get(admin_url("accounts_invitation_change", invitation.pk))
    assert page.status_code == 200
    assert key not in body(page)
    assert 'name="key_hash"' not in body(page)
    assert 'name="email"' not in body(page)
    assert client.get(admin_url("accounts_invitation_add")).status_code == 403


def test_invitations_are_withdrawn_through_the_action(client: Client, people: Personas) -> None:
    invitation, _key = actions.invite(
        Actor(user=people.owner), people.org, "new@example.test", Role.STAFF
    )
    client.post(
        admin_url("accounts_invitation_changelist"),
        {"action": "withdraw", "_selected_action": [invitation.pk]},
    )
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert AuditEvent.objects.get(action="accounts.invitation.revoke").params["via"] == "admin"


def test_the_audit_log_is_read_only(client: Client, people: Personas) -> None:
    actions.create_api_token(Actor(user=people.owner), people.owner, "script")
    event = AuditEvent.objects.get()

    assert client.get(admin_url("accounts_auditevent_change", event.pk)).status_code == 200
    assert client.get(admin_url("accounts_auditevent_add")).status_code == 403
    assert (
        client.post(admin_url("accounts_auditevent_delete", event.pk), {"post": "yes"}).status_code
        == 403
    )
    client.post(admin_url("accounts_auditevent_change", event.pk), {"action": "forged"})
    client.post(
        admin_url("accounts_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    event.refresh_from_db()
    assert event.action == "accounts.api_token.create"


def test_workers_are_read_only(client: Client) -> None:
    worker = Worker.objects.create(worker_id="w-1", hostname="box", pid=42)
    assert client.get(admin_url("jobs_worker_change", worker.pk)).status_code == 200
    assert client.get(admin_url("jobs_worker_add")).status_code == 403
    assert (
        client.post(admin_url("jobs_worker_delete", worker.pk), {"post": "yes"}).status_code == 403
    )
    client.post(admin_url("jobs_worker_change", worker.pk), {"jobs_done": "999"})
    worker.refresh_from_db()
    assert worker.jobs_done == 0


def test_back_office_forms_need_the_csrf_token(operator: User, people: Personas) -> None:
    strict = english_client(enforce_csrf_checks=True)
    strict.force_login(operator)
    response = strict.post(
        admin_url("accounts_organisation_change", people.org.pk),
        organisation_form(people.org, name="Forged"),
    )
    assert response.status_code == 403
    people.org.refresh_from_db()
    assert people.org.name == "Alpha Press"
