"""Public verification shows recorded ownership records, and a new record shows at once
(the approval appends a ledger entry, and cached answers are keyed on the ledger size)."""

from __future__ import annotations

from django.test import Client

from copyguard.works.ownership import actions
from copyguard.works.ownership.verification import public_ownership

LICENCE = {
    "licensee_name": "Gamma Films",
    "licence_type": "exclusive",
    "territory": ["CN", "HK"],
    "starts_on": "2027-01-01",
    "ends_on": "2029-12-31",
    "rights": ["adaptation"],
}
PLEDGE = {
    "pledgee_name": "Bank of Foshan",
    "secured_amount": "5000000",
    "currency": "CNY",
    "starts_on": "2027-01-01",
    "ends_on": "2028-01-01",
}


def test_only_recorded_records_are_public(holder, registrar, registration):  # type: ignore[no-untyped-def]
    recorded = actions.approve(registrar, actions.apply_licence(holder, registration, **LICENCE))
    actions.apply_pledge(holder, registration, **PLEDGE)  # pending: private

    public = public_ownership(registration)

    assert [r["id"] for r in public] == [recorded.pk]
    assert public[0]["grantee"] == "Gamma Films"
    assert public[0]["territory"] == ["CN", "HK"]
    assert public[0]["ledger_index"] == recorded.ledger_entry.leaf_index


def test_the_api_shows_a_record_approved_after_the_number_was_verified(  # type: ignore[no-untyped-def]
    holder, registrar, registration, django_capture_on_commit_callbacks
):
    client = Client()
    url = f"/api/v1/registrations/{registration.number}/verify"
    assert client.get(url).json()["ownership"] == []  # now cached

    with django_capture_on_commit_callbacks(execute=True):
        pledge = actions.approve(registrar, actions.apply_pledge(holder, registration, **PLEDGE))

    records = client.get(url).json()["ownership"]
    assert [(r["kind"], r["secured_amount"], r["currency"], r["released"]) for r in records] == [
        ("pledge", "5000000.00", "CNY", False)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve(registrar, actions.apply_pledge_release(holder, pledge))

    records = client.get(url).json()["ownership"]
    assert [r["kind"] for r in records] == ["pledge", "pledge_release"]
    assert records[0]["released"] is True


def test_the_page_shows_the_records_in_both_languages(  # type: ignore[no-untyped-def]
    people, holder, registrar, registration, django_capture_on_commit_callbacks
):
    client = Client()
    url = f"/verify/{registration.number}/"
    assert "ownership-records" not in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        actions.approve(registrar, actions.apply_licence(holder, registration, **LICENCE))
        actions.approve(
            registrar,
            actions.apply_assignment(
                holder, registration, assignee_organisation_id=people.other_org.pk
            ),
        )

    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "Recorded changes of ownership, licences and pledges" in english
    assert "Gamma Films" in english and "Exclusive" in english and "Adaptation" in english
    assert "100.00 % of the copyright" in english
    chinese = client.get(url, headers={"accept-language": "zh-hans"}).content.decode()
    assert "权属" in chinese and "改编权" in chinese and "专有" in chinese
    # The certificate was corrected: the page names the new holder.
    assert "Beta Books" in chinese


def test_the_ledger_hash_can_be_recomputed_from_what_verification_shows(  # type: ignore[no-untyped-def]
    holder, registrar, registration
):
    """docs/ownership.md: drop recorded_on, ledger_index, released and nulls; add the number."""
    import hashlib

    from copyguard.ledger.merkle import canonical_json
    from copyguard.ledger.models import LedgerEntry

    actions.approve(registrar, actions.apply_pledge(holder, registration, **PLEDGE))
    shown = dict(
        Client().get(f"/api/v1/registrations/{registration.number}/verify").json()["ownership"][0]
    )

    entry = LedgerEntry.objects.get(leaf_index=shown["ledger_index"])
    for key in ("recorded_on", "ledger_index", "released"):
        shown.pop(key)
    shown["registration_number"] = registration.number
    shown = {k: v for k, v in shown.items() if v is not None}
    assert (
        hashlib.sha256(canonical_json(shown)).hexdigest()
        == (entry.content["body"]["particulars_sha256"])
    )
