"""GET /organisations, GET and PATCH /organisations/{id}."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.accounts.models import AuditEvent, Membership, Organisation
from copyguard.testing import make_member, make_organisation, make_user
from tests.api.support import anonymous, audit_count, error_of, with_session, with_token

pytestmark = pytest.mark.django_db


def url(org: Organisation) -> str:
    return f"/organisations/{org.pk}"


# ------------------------------------------------------------------------- list


def test_it_lists_the_organisations_the_caller_belongs_to(people):
    court = make_organisation(OrganisationKind.COURT, name="Court")
    Membership.objects.create(user=people.owner, organisation=court, role=Role.CLERK)
    body = with_token(people.owner).get("/organisations").json()
    assert {o["name"] for o in body["items"]} == {"Alpha Press", "Court"}
    assert (body["count"], body["page"], body["page_size"], body["pages"]) == (2, 1, 50, 1)


def test_the_list_leaves_out_other_and_closed_organisations(people):
    closed = make_organisation(OrganisationKind.PLATFORM, is_active=False)
    Membership.objects.create(user=people.viewer, organisation=closed, role=Role.OWNER)
    body = with_session(people.viewer).get("/organisations").json()
    assert [o["id"] for o in body["items"]] == [people.org.pk]


def test_the_list_filters_by_kind(people):
    court = make_organisation(OrganisationKind.COURT, name="Court")
    Membership.objects.create(user=people.owner, organisation=court, role=Role.CLERK)
    body = with_token(people.owner).get("/organisations?kind=court").json()
    assert [o["name"] for o in body["items"]] == ["Court"]
    body = with_token(people.owner).get("/organisations?kind=police").json()
    assert body["items"] == [] and body["count"] == 0


@pytest.mark.parametrize("kind", ["nope", "COURT", "x" * 5000, "court'--"])
def test_an_unknown_kind_is_a_400(people, kind):
    response = with_token(people.owner).get(f"/organisations?{urlencode({'kind': kind})}")
    error = error_of(response, 400, "invalid")
    assert "kind" in error["fields"]


def test_superusers_see_every_organisation(people):
    admin = make_user(is_superuser=True, is_staff=True)
    body = with_token(admin).get("/organisations").json()
    assert {o["id"] for o in body["items"]} == {people.org.pk, people.other_org.pk}


def test_the_list_needs_a_caller(people):
    error_of(anonymous().get("/organisations"), 401)


# ------------------------------------------------------------------------- detail


def test_a_member_reads_the_organisation(people):
    body = with_token(people.viewer).get(url(people.org)).json()
    assert body["id"] == people.org.pk
    assert body["name"] == "Alpha Press"
    assert body["kind"] == "rights_holder"
    assert body["rights_holder_type"] == "publisher"
    assert with_session(people.staff).get(url(people.org)).json() == body


def test_an_outsider_gets_404_for_another_organisation(people):
    error_of(with_token(people.outsider).get(url(people.org)), 404, "not_found")
    error_of(with_session(people.outsider).get(url(people.org)), 404, "not_found")


def test_a_missing_organisation_is_the_same_404(people):
    outsider = error_of(with_token(people.outsider).get(url(people.org)), 404)
    missing = error_of(with_token(people.outsider).get("/organisations/999999"), 404)
    assert outsider == missing


@pytest.mark.parametrize(
    "bad_id", ["abc", "0", "-1", "1.5", "99999999999999999999999", "1e3", "%20"]
)
def test_a_malformed_id_is_a_400(people, bad_id):
    error = error_of(with_token(people.owner).get(f"/organisations/{bad_id}"), 400, "invalid")
    assert "organisation_id" in error["fields"]


def test_the_detail_needs_a_caller(people):
    error_of(anonymous().get(url(people.org)), 401)


# ------------------------------------------------------------------------- update


def test_an_owner_changes_the_details_with_a_token(people):
    caller = with_token(people.owner)
    before = audit_count()
    response = caller.patch(
        url(people.org),
        {"name": "  Alpha Press Ltd  ", "contact_email": "desk@alpha.test", "address": "1 Road"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Alpha Press Ltd"
    people.org.refresh_from_db()
    assert (people.org.name, people.org.contact_email, people.org.address) == (
        "Alpha Press Ltd",
        "desk@alpha.test",
        "1 Road",
    )
    assert people.org.name_en != ""  # fields not sent are left alone
    assert audit_count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "accounts.organisation.update"
    assert event.actor == people.owner
    assert event.organisation == people.org
    assert event.params["via"] == "api"
    assert event.ip == "127.0.0.1"


def test_an_owner_changes_the_details_with_a_session_and_csrf_token(people):
    response = with_session(people.owner).patch(url(people.org), {"contact_phone": "020-1234"})
    assert response.status_code == 200
    people.org.refresh_from_db()
    assert people.org.contact_phone == "020-1234"


def test_a_session_without_the_csrf_token_changes_nothing(people):
    caller = with_session(people.owner, csrf=False)
    before = audit_count()
    error_of(caller.patch(url(people.org), {"name": "Hijacked"}), 403, "csrf_failed")
    assert audit_count() == before
    assert Organisation.objects.get(pk=people.org.pk).name == "Alpha Press"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.STAFF])
def test_a_member_who_does_not_manage_gets_403(people, role):
    member = people.viewer if role == Role.VIEWER else people.staff
    for caller in (with_token(member), with_session(member)):
        before = audit_count()
        error_of(caller.patch(url(people.org), {"name": "Mine now"}), 403, "forbidden")
        assert audit_count() == before
    assert Organisation.objects.get(pk=people.org.pk).name == "Alpha Press"


def test_an_outsider_gets_404_when_changing_another_organisation(people):
    caller = with_token(people.outsider)
    before = audit_count()
    error_of(caller.patch(url(people.org), {"name": "Mine now"}), 404, "not_found")
    assert audit_count() == before


def test_an_anonymous_change_is_a_401(people):
    before = audit_count()
    error_of(anonymous().patch(url(people.org), {"name": "Mine now"}), 401)
    assert audit_count() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x" * 201}, "name"),
        ({"name": "x" * 100_000}, "name"),
        ({"name_en": "y" * 201}, "name_en"),
        ({"contact_email": "a" * 250 + "@b.test"}, "contact_email"),
        ({"contact_phone": "1" * 41}, "contact_phone"),
        ({"address": "z" * 301}, "address"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": None}, "name"),
        ({"name": 12}, "name"),
        ({"name": ["a"]}, "name"),
        ({"name": {"a": 1}}, "name"),
        ({"name": "Alpha\x00Press"}, "name"),
        ({"address": "\ud800"}, "address"),
        ({"kind": "court"}, "kind"),
        ({"region_code": "440100"}, "region_code"),
        ({"is_active": False}, "is_active"),
    ],
)
def test_hostile_changes_are_422_and_write_nothing(people, body, field):
    caller = with_token(people.owner)
    before = audit_count()
    error = error_of(caller.patch(url(people.org), body), 422, "invalid")
    assert field in error["fields"]
    assert audit_count() == before
    org = Organisation.objects.get(pk=people.org.pk)
    assert (org.name, org.kind, org.is_active) == ("Alpha Press", "rights_holder", True)


def test_an_invalid_email_is_refused_by_the_action(people):
    caller = with_token(people.owner)
    before = audit_count()
    error = error_of(caller.patch(url(people.org), {"contact_email": "not an email"}), 400)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["contact_email"]
    assert audit_count() == before


def test_an_empty_change_changes_nothing(people):
    caller = with_token(people.owner)
    before = audit_count()
    response = caller.patch(url(people.org), {})
    assert response.status_code == 200
    assert response.json()["name"] == "Alpha Press"
    assert audit_count() == before


def test_a_manager_of_a_government_body_may_change_it(people):
    bureau = make_organisation(OrganisationKind.ADMINISTRATION, name="Bureau")
    supervisor = make_member(bureau, Role.SUPERVISOR)
    analyst = make_member(bureau, Role.ANALYST)
    assert with_token(supervisor).patch(url(bureau), {"address": "Gov Rd"}).status_code == 200
    error_of(with_token(analyst).patch(url(bureau), {"address": "x"}), 403)
