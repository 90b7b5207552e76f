"""The ownership API: the holder applies, the registrar reviews; outsiders get 404, the
holder's read-only member 403, bad input a clear 4xx with nothing written."""

from __future__ import annotations

import pytest

from copyguard.ledger.models import LedgerEntry
from copyguard.works.ownership.models import OwnershipRecord
from tests.api.support import error_of, with_token

LICENCE = {
    "licensee_name": "Gamma Films",
    "licence_type": "exclusive",
    "territory": ["CN"],
    "starts_on": "2027-01-01",
    "ends_on": "2029-12-31",
    "rights": ["adaptation"],
}
PLEDGE = {
    "pledgee_name": "Bank of Foshan",
    "secured_amount": "5000000.00",
    "currency": "CNY",
    "starts_on": "2027-01-01",
    "ends_on": "2028-01-01",
}


def test_the_holder_applies_and_the_registrar_records_it(people, registry, registration):  # type: ignore[no-untyped-def]
    holder, registrar = with_token(people.owner), with_token(registry.registrar)

    applied = holder.post(f"/registrations/{registration.pk}/ownership/licences", LICENCE)
    assert applied.status_code == 201, applied.content
    record = applied.json()
    assert record["status"] == "pending" and record["registration_number"] == registration.number

    queue = registrar.get("/ownership?status=pending").json()["items"]
    assert [r["id"] for r in queue] == [record["id"]]
    approved = registrar.post(f"/ownership/{record['id']}/approve", {}).json()

    assert approved["status"] == "approved"
    assert approved["ledger_index"] == LedgerEntry.objects.get(kind="ownership.licence").leaf_index
    listed = holder.get(f"/registrations/{registration.pk}/ownership").json()
    assert [r["status"] for r in listed] == ["approved"]


def test_a_pledge_and_its_release_through_the_api(people, registry, registration):  # type: ignore[no-untyped-def]
    holder, registrar = with_token(people.owner), with_token(registry.registrar)
    pledge = holder.post(f"/registrations/{registration.pk}/ownership/pledges", PLEDGE).json()
    registrar.post(f"/ownership/{pledge['id']}/approve", {})

    refused = holder.post(
        f"/registrations/{registration.pk}/ownership/assignments",
        {"assignee_organisation_id": people.other_org.pk},
    )
    error_of(refused, 409, "pledged")

    release = holder.post(f"/ownership/{pledge['id']}/release", {"note": "loan repaid"})
    assert release.status_code == 201, release.content
    registrar.post(f"/ownership/{release.json()['id']}/approve", {})
    assert holder.get(f"/ownership/{pledge['id']}").json()["released"] is True


def test_an_overlapping_exclusive_licence_is_a_409(people, registration):  # type: ignore[no-untyped-def]
    holder = with_token(people.owner)
    holder.post(f"/registrations/{registration.pk}/ownership/licences", LICENCE)

    response = holder.post(
        f"/registrations/{registration.pk}/ownership/licences",
        {**LICENCE, "licensee_name": "B"},
        headers={"Accept-Language": "en"},
    )

    error = error_of(response, 409, "licence_conflict")
    assert "exclusive licence" in error["message"]


def test_an_outsider_gets_404_everywhere(people, registry, registration):  # type: ignore[no-untyped-def]
    record = (
        with_token(people.owner)
        .post(f"/registrations/{registration.pk}/ownership/licences", LICENCE)
        .json()
    )
    outsider = with_token(people.outsider)

    error_of(outsider.get(f"/registrations/{registration.pk}/ownership"), 404)
    error_of(outsider.post(f"/registrations/{registration.pk}/ownership/licences", LICENCE), 404)
    error_of(outsider.get(f"/ownership/{record['id']}"), 404)
    error_of(outsider.post(f"/ownership/{record['id']}/withdraw"), 404)
    error_of(outsider.post(f"/ownership/{record['id']}/approve", {}), 404)
    assert outsider.get("/ownership").json()["items"] == []
    # Another administration's registrar is an outsider too.
    error_of(with_token(registry.other_registrar).get(f"/ownership/{record['id']}"), 404)


def test_a_read_only_member_sees_but_cannot_act(people, registration):  # type: ignore[no-untyped-def]
    record = (
        with_token(people.owner)
        .post(f"/registrations/{registration.pk}/ownership/licences", LICENCE)
        .json()
    )
    viewer = with_token(people.viewer)

    assert viewer.get(f"/registrations/{registration.pk}/ownership").status_code == 200
    assert viewer.get(f"/ownership/{record['id']}").status_code == 200
    error_of(viewer.post(f"/registrations/{registration.pk}/ownership/pledges", PLEDGE), 403)
    error_of(viewer.post(f"/ownership/{record['id']}/withdraw"), 403)
    assert OwnershipRecord.objects.count() == 1


def test_the_holder_cannot_review_its_own_application(people, registration):  # type: ignore[no-untyped-def]
    holder = with_token(people.owner)
    record = holder.post(f"/registrations/{registration.pk}/ownership/licences", LICENCE).json()

    error_of(holder.post(f"/ownership/{record['id']}/approve", {}), 403, "not_registrar")


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        ("pledges", {**PLEDGE, "ends_on": "2026-01-01"}, 400, "ends_on"),
        ("pledges", {**PLEDGE, "secured_amount": "-1"}, 400, "secured_amount"),
        ("pledges", {**PLEDGE, "secured_amount": "9" * 30}, 400, "secured_amount"),
        ("pledges", {**PLEDGE, "currency": "ABC"}, 400, "currency"),
        ("pledges", {**PLEDGE, "starts_on": "tomorrow"}, 422, None),
        ("licences", {**LICENCE, "territory": ["Mars"]}, 400, "territory"),
        ("licences", {**LICENCE, "licence_type": "eternal"}, 422, None),
        ("assignments", {"assignee_name": "X", "share": "150"}, 400, "share"),
        ("assignments", {"assignee_name": "X", "share": "-3"}, 400, "share"),
        ("assignments", {"assignee_name": "X", "unknown": 1}, 422, None),
    ],
)
def test_bad_input_is_a_clear_error_and_nothing_is_written(  # type: ignore[no-untyped-def]
    people, registration, path, body, status, field
):
    response = with_token(people.owner).post(
        f"/registrations/{registration.pk}/ownership/{path}", body
    )

    error = error_of(response, status)
    if field:
        assert field in error["fields"], error
    assert not OwnershipRecord.objects.exists()


def test_a_registration_that_is_not_registered_is_404(people, registry):  # type: ignore[no-untyped-def]
    from copyguard.works.testing import submitted_work

    registration = submitted_work(people.org)

    error_of(with_token(people.owner).get(f"/registrations/{registration.pk}/ownership"), 404)
