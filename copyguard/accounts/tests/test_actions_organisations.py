"""Actions on organisations, users and memberships (given / when / then)."""

from __future__ import annotations

import pytest

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import (
    AccountErrorCode,
    AdministrationLevel,
    OrganisationKind,
    RightsHolderType,
    Role,
)
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent, Membership, Organisation, User
from copyguard.testing import PASSWORD, Personas, make_member, make_organisation, make_user

pytestmark = pytest.mark.django_db

ADMIN = Actor.system(via="cli")


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


# ---------------------------------------------------------------- create_organisation


def test_create_organisation_saves_it_and_records_an_event() -> None:
    # when
    org = actions.create_organisation(
        ADMIN,
        name="Jiangmen Copyright Administration",
        kind=OrganisationKind.ADMINISTRATION,
        level=AdministrationLevel.MUNICIPAL,
        region_code="440700",
    )
    # then
    assert Organisation.objects.get(pk=org.pk).region_code == "440700"
    (event,) = events("accounts.organisation.create")
    assert event.organisation == org
    assert event.actor_label == "(cli)"
    assert event.params["kind"] == OrganisationKind.ADMINISTRATION


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": OrganisationKind.ADMINISTRATION, "region_code": "440700"}, "level"),
        (
            {"kind": OrganisationKind.ADMINISTRATION, "level": AdministrationLevel.MUNICIPAL},
            "region_code",
        ),
        ({"kind": OrganisationKind.COURT, "level": AdministrationLevel.MUNICIPAL}, "level"),
        ({"kind": OrganisationKind.RIGHTS_HOLDER}, "rights_holder_type"),
        (
            {"kind": OrganisationKind.PLATFORM, "rights_holder_type": RightsHolderType.PUBLISHER},
            "rights_holder_type",
        ),
        ({"kind": OrganisationKind.POLICE, "region_code": "12345"}, "region_code"),
        ({"kind": "church"}, "kind"),
    ],
)
def test_create_organisation_refuses_fields_that_do_not_fit_the_kind(
    fields: dict[str, str], field: str
) -> None:
    # when
    with pytest.raises(ActionError) as refused:
        actions.create_organisation(ADMIN, name="Some body", **fields)
    # then
    assert refused.value.code == AccountErrorCode.INVALID
    assert refused.value.field == field
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_only_one_administration_per_region_and_level() -> None:
    # given
    actions.create_organisation(
        ADMIN,
        name="Shenzhen",
        kind=OrganisationKind.ADMINISTRATION,
        level=AdministrationLevel.MUNICIPAL,
        region_code="440300",
    )
    # when / then
    with pytest.raises(ActionError):
        actions.create_organisation(
            ADMIN,
            name="Shenzhen again",
            kind=OrganisationKind.ADMINISTRATION,
            level=AdministrationLevel.MUNICIPAL,
            region_code="440300",
        )
    assert Organisation.objects.count() == 1


# ---------------------------------------------------------------- update_organisation


def test_update_organisation_records_before_and_after(people: Personas) -> None:
    # given
    actor = Actor(user=people.owner, ip="198.51.100.4")
    # when
    actions.update_organisation(actor, people.org, name="Alpha Press Ltd", address="Guangzhou")
    # then
    people.org.refresh_from_db()
    assert (people.org.name, people.org.address) == ("Alpha Press Ltd", "Guangzhou")
    (event,) = events("accounts.organisation.update")
    assert event.actor == people.owner
    assert event.ip == "198.51.100.4"
    assert event.params["before"] == {"name": "Alpha Press", "address": ""}
    assert event.params["after"] == {"name": "Alpha Press Ltd", "address": "Guangzhou"}


@pytest.mark.parametrize(
    "changes", [{"kind": OrganisationKind.COURT}, {"parent": None}, {"is_active": False}]
)
def test_update_organisation_refuses_fields_managers_may_not_change(
    people: Personas, changes: dict[str, object]
) -> None:
    with pytest.raises(ActionError) as refused:
        actions.update_organisation(Actor(user=people.owner), people.org, **changes)
    assert refused.value.code == AccountErrorCode.INVALID
    people.org.refresh_from_db()
    assert people.org.kind == OrganisationKind.RIGHTS_HOLDER
    assert people.org.is_active
    assert not AuditEvent.objects.exists()


def test_update_organisation_refuses_invalid_values(people: Personas) -> None:
    with pytest.raises(ActionError) as refused:
        actions.update_organisation(Actor(user=people.owner), people.org, contact_email="nope")
    assert refused.value.field == "contact_email"
    assert Organisation.objects.get(pk=people.org.pk).contact_email == ""
    assert not AuditEvent.objects.exists()


# ---------------------------------------------------------------- create_user


def test_create_user_normalises_the_address_and_hashes_the_password() -> None:
    # when
    user = actions.create_user(
        ADMIN, email="  Li.Ming@Example.TEST ", password=PASSWORD, full_name="Li Ming"
    )
    # then
    assert user.email == "li.ming@example.test"
    assert user.password != PASSWORD
    assert user.check_password(PASSWORD)
    assert not user.email_verified
    assert not user.is_staff
    (event,) = events("accounts.user.create")
    assert event.object_id == str(user.pk)


def test_create_user_refuses_an_address_in_use_whatever_its_case() -> None:
    # given
    make_user("li.ming@example.test")
    # when / then
    with pytest.raises(ActionError) as refused:
        actions.create_user(ADMIN, email="LI.MING@example.test", password=PASSWORD)
    assert refused.value.code == AccountErrorCode.EMAIL_TAKEN
    assert refused.value.field == "email"
    assert User.objects.count() == 1


@pytest.mark.parametrize("password", ["123", "password", "li.ming@example.test"])
def test_create_user_refuses_a_weak_password(password: str) -> None:
    with pytest.raises(ActionError) as refused:
        actions.create_user(ADMIN, email="li.ming@example.test", password=password)
    assert refused.value.field == "password"
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


def test_create_user_refuses_an_invalid_address() -> None:
    with pytest.raises(ActionError) as refused:
        actions.create_user(ADMIN, email="not-an-address", password=PASSWORD)
    assert refused.value.field == "email"
    assert not User.objects.exists()


def test_create_user_can_make_platform_staff() -> None:
    user = actions.create_user(
        ADMIN, email="ops@example.test", password=PASSWORD, is_superuser=True, verified=True
    )
    assert user.is_superuser and user.is_staff and user.email_verified
    assert events("accounts.user.create")[0].params["superuser"] is True


# ---------------------------------------------------------------- memberships


def test_add_member_gives_a_role_of_the_kind(people: Personas) -> None:
    # given
    newcomer = make_user()
    # when
    membership = actions.add_member(Actor(user=people.owner), people.org, newcomer, Role.STAFF)
    # then
    assert membership.role == Role.STAFF
    (event,) = events("accounts.membership.add")
    assert event.organisation == people.org
    assert event.params == {"user": newcomer.email, "role": Role.STAFF, "via": "web"}


def test_add_member_refuses_a_role_of_another_kind(people: Personas) -> None:
    with pytest.raises(ActionError) as refused:
        actions.add_member(Actor(user=people.owner), people.org, make_user(), Role.JUDGE)
    assert refused.value.code == AccountErrorCode.ROLE_NOT_FOR_KIND
    assert not AuditEvent.objects.exists()


def test_add_member_refuses_an_active_member(people: Personas) -> None:
    with pytest.raises(ActionError) as refused:
        actions.add_member(Actor(user=people.owner), people.org, people.staff, Role.VIEWER)
    assert refused.value.code == AccountErrorCode.ALREADY_MEMBER


def test_add_member_brings_back_a_former_member_with_the_new_role(people: Personas) -> None:
    # given
    Membership.objects.filter(user=people.staff).update(is_active=False)
    # when
    actions.add_member(Actor(user=people.owner), people.org, people.staff, Role.VIEWER)
    # then
    membership = Membership.objects.get(user=people.staff, organisation=people.org)
    assert (membership.is_active, membership.role) == (True, Role.VIEWER)


def test_change_role_records_before_and_after(people: Personas) -> None:
    # given
    staff = Membership.objects.get(user=people.staff)
    # when
    actions.change_role(Actor(user=people.owner), staff, Role.OWNER)
    # then
    staff.refresh_from_db()
    assert staff.role == Role.OWNER
    (event,) = events("accounts.membership.change_role")
    assert (event.params["before"], event.params["after"]) == (Role.STAFF, Role.OWNER)


def test_change_role_protects_the_last_manager(people: Personas) -> None:
    # given: the owner is the only owner of Alpha Press
    owner = Membership.objects.get(user=people.owner)
    # when
    with pytest.raises(ActionError) as refused:
        actions.change_role(Actor(user=people.owner), owner, Role.VIEWER)
    # then
    assert refused.value.code == AccountErrorCode.LAST_MANAGER
    owner.refresh_from_db()
    assert owner.role == Role.OWNER
    assert not AuditEvent.objects.exists()


def test_a_manager_may_step_down_when_another_remains(people: Personas) -> None:
    # given
    make_member(people.org, Role.OWNER)
    owner = Membership.objects.get(user=people.owner)
    # when
    actions.change_role(Actor(user=people.owner), owner, Role.STAFF)
    # then
    owner.refresh_from_db()
    assert owner.role == Role.STAFF


def test_former_managers_do_not_count_as_remaining_managers(people: Personas) -> None:
    # given: a second owner who has left
    second = make_member(people.org, Role.OWNER)
    Membership.objects.filter(user=second).update(is_active=False)
    # when / then
    with pytest.raises(ActionError):
        actions.change_role(
            Actor(user=people.owner), Membership.objects.get(user=people.owner), Role.STAFF
        )


def test_change_role_refuses_a_role_of_another_kind(people: Personas) -> None:
    staff = Membership.objects.get(user=people.staff)
    with pytest.raises(ActionError) as refused:
        actions.change_role(Actor(user=people.owner), staff, Role.PROSECUTOR)
    assert refused.value.code == AccountErrorCode.ROLE_NOT_FOR_KIND
    staff.refresh_from_db()
    assert staff.role == Role.STAFF


def test_administrations_keep_a_supervisor() -> None:
    # given
    bureau = make_organisation(OrganisationKind.ADMINISTRATION)
    head = make_member(bureau, Role.SUPERVISOR)
    # when / then
    with pytest.raises(ActionError) as refused:
        actions.remove_member(Actor(user=head), Membership.objects.get(user=head))
    assert refused.value.code == AccountErrorCode.LAST_MANAGER


def test_remove_member_switches_the_membership_off_and_records_it(people: Personas) -> None:
    # given
    staff = Membership.objects.get(user=people.staff)
    # when
    actions.remove_member(Actor(user=people.owner), staff)
    # then
    staff.refresh_from_db()
    assert not staff.is_active
    (event,) = events("accounts.membership.remove")
    assert event.params["user"] == "staff@alpha.test"
    assert event.organisation == people.org


def test_remove_member_protects_the_last_manager(people: Personas) -> None:
    owner = Membership.objects.get(user=people.owner)
    with pytest.raises(ActionError) as refused:
        actions.remove_member(Actor(user=people.owner), owner)
    assert refused.value.code == AccountErrorCode.LAST_MANAGER
    owner.refresh_from_db()
    assert owner.is_active
    assert not AuditEvent.objects.exists()
