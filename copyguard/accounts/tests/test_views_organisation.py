"""The organisation page: details for members, editing for managers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, Role
from copyguard.accounts.models import AuditEvent, Organisation
from copyguard.accounts.tests.test_views_helpers import body, english_client
from copyguard.testing import Personas, make_member, make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return english_client()


def url(organisation: Organisation | int) -> str:
    pk = organisation if isinstance(organisation, int) else organisation.pk
    return reverse("accounts:organisation", args=[pk])


EDIT = {
    "name": "Alpha Press Ltd",
    "name_en": "Alpha Press",
    "contact_email": "office@alpha.test",
    "contact_phone": "+86 20 1234 5678",
    "address": "1 Pearl River Road, Guangzhou",
}


def test_a_manager_sees_the_details_and_the_edit_form(client: Client, people: Personas) -> None:
    client.force_login(people.owner)
    response = client.get(url(people.org))
    assert response.status_code == 200
    assert "Alpha Press" in body(response)
    assert "Publisher" in body(response)
    assert 'name="contact_email"' in body(response)


def test_a_read_only_member_sees_the_details_without_a_form(
    client: Client, people: Personas
) -> None:
    client.force_login(people.viewer)
    response = client.get(url(people.org))
    assert response.status_code == 200
    assert "Alpha Press" in body(response)
    assert 'name="contact_email"' not in body(response)


def test_an_administration_shows_its_level_region_and_parent(client: Client) -> None:
    province = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="Guangdong Copyright Administration",
        level=AdministrationLevel.PROVINCIAL,
        region_code="440000",
    )
    city = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="Jiangmen Copyright Administration",
        level=AdministrationLevel.MUNICIPAL,
        region_code="440700",
        parent=province,
    )
    client.force_login(make_member(city, Role.ANALYST))
    response = client.get(url(city))
    assert response.status_code == 200
    text = body(response)
    assert "Municipal" in text
    assert "440700" in text
    assert "Guangdong Copyright Administration" in text


def test_a_manager_saves_changes_through_the_action(client: Client, people: Personas) -> None:
    client.force_login(people.owner)
    response = client.post(url(people.org), EDIT)

    assert response.status_code == 302
    assert response["Location"] == url(people.org)
    people.org.refresh_from_db()
    assert people.org.name == "Alpha Press Ltd"
    assert people.org.contact_email == "office@alpha.test"
    event = AuditEvent.objects.get(action="accounts.organisation.update")
    assert event.actor == people.owner
    assert event.organisation == people.org
    assert event.params["before"]["name"] == "Alpha Press"
    assert event.params["after"]["name"] == "Alpha Press Ltd"


def test_saving_unchanged_details_writes_no_event(client: Client, people: Personas) -> None:
    client.force_login(people.owner)
    org = people.org
    data = {
        "name": org.name,
        "name_en": org.name_en,
        "contact_email": org.contact_email,
        "contact_phone": org.contact_phone,
        "address": org.address,
    }
    response = client.post(url(org), data)
    assert response.status_code == 302
    assert not AuditEvent.objects.exists()


def test_the_kind_cannot_be_changed_through_the_form(client: Client, people: Personas) -> None:
    client.force_login(people.owner)
    client.post(url(people.org), {**EDIT, "kind": OrganisationKind.COURT, "region_code": "110000"})
    people.org.refresh_from_db()
    assert people.org.kind == OrganisationKind.RIGHTS_HOLDER
    assert people.org.region_code == ""


def test_a_read_only_member_cannot_edit(client: Client, people: Personas) -> None:
    client.force_login(people.viewer)
    response = client.post(url(people.org), EDIT)
    assert response.status_code == 403
    people.org.refresh_from_db()
    assert people.org.name == "Alpha Press"
    assert not AuditEvent.objects.exists()


def test_staff_cannot_edit_either(client: Client, people: Personas) -> None:
    client.force_login(people.staff)
    assert client.post(url(people.org), EDIT).status_code == 403


def test_an_outsider_gets_404_for_reading_and_writing(client: Client, people: Personas) -> None:
    client.force_login(people.outsider)
    assert client.get(url(people.org)).status_code == 404
    assert client.post(url(people.org), EDIT).status_code == 404
    people.org.refresh_from_db()
    assert people.org.name == "Alpha Press"


def test_a_former_member_gets_404(client: Client, people: Personas) -> None:
    people.viewer.memberships.update(is_active=False)
    client.force_login(people.viewer)
    assert client.get(url(people.org)).status_code == 404


def test_an_unknown_organisation_gives_404(client: Client, people: Personas) -> None:
    client.force_login(people.owner)
    assert client.get(url(999999)).status_code == 404
    assert client.get("/accounts/organisations/not-a-number/").status_code == 404


def test_platform_staff_may_read_and_edit_any_organisation(
    client: Client, people: Personas
) -> None:
    client.force_login(make_user(is_superuser=True, is_staff=True))
    assert client.get(url(people.org)).status_code == 200
    assert client.post(url(people.org), EDIT).status_code == 302


def test_anonymous_visitors_are_sent_to_login(client: Client, people: Personas) -> None:
    response = client.post(url(people.org), EDIT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    people.org.refresh_from_db()
    assert people.org.name == "Alpha Press"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "n" * 5000}, "name"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"contact_phone": "1" * 500}, "contact_phone"),
        ({"address": "a" * 5000}, "address"),
    ],
)
def test_it_rejects_bad_input_and_changes_nothing(
    client: Client, people: Personas, overrides: dict[str, str], field: str
) -> None:
    client.force_login(people.owner)
    response = client.post(url(people.org), {**EDIT, **overrides})

    assert response.status_code == 400
    assert field in response.context["form"].errors
    people.org.refresh_from_db()
    assert people.org.name == "Alpha Press"
    assert not AuditEvent.objects.exists()


def test_editing_needs_the_csrf_token(people: Personas) -> None:
    strict = english_client(enforce_csrf_checks=True)
    strict.force_login(people.owner)
    assert strict.post(url(people.org), EDIT).status_code == 403
    people.org.refresh_from_db()
    assert people.org.name == "Alpha Press"


def test_the_page_uses_the_english_name_in_english(client: Client) -> None:
    org = make_organisation(name="岭南音像出版社", name_en="Lingnan Audio & Video Press")
    client.force_login(make_member(org, Role.VIEWER))
    response = client.get(url(org))
    assert "<h1>Lingnan Audio &amp; Video Press</h1>" in body(response)
    chinese = english_client()
    chinese.cookies["django_language"] = "zh-hans"
    chinese.force_login(org.memberships.get().user)
    assert "<h1>岭南音像出版社</h1>" in body(chinese.get(url(org)))
