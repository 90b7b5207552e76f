"""Ownership actions, given / when / then: applying, reviewing, the licence conflict and
pledge rules, the ledger and the corrected certificate."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.ledger.models import LedgerEntry
from copyguard.works.certificates.models import Certificate
from copyguard.works.ownership import actions
from copyguard.works.ownership.enums import RecordStatus
from copyguard.works.ownership.models import OwnershipRecord

LICENCE = {
    "licensee_name": "Gamma Films",
    "licence_type": "exclusive",
    "territory": ["CN"],
    "starts_on": "2027-01-01",
    "ends_on": "2029-12-31",
    "rights": ["adaptation", "cinematography"],
}
PLEDGE = {
    "pledgee_name": "Bank of Foshan",
    "secured_amount": "5000000.00",
    "currency": "CNY",
    "starts_on": "2027-01-01",
    "ends_on": "2028-01-01",
}


def _licence(holder, registration, **changes):  # type: ignore[no-untyped-def]
    return actions.apply_licence(holder, registration, **{**LICENCE, **changes})


def _recorded_pledge(holder, registrar, registration):  # type: ignore[no-untyped-def]
    return actions.approve(registrar, actions.apply_pledge(holder, registration, **PLEDGE))


def test_an_application_waits_for_review_and_writes_an_audit_event(holder, registration):  # type: ignore[no-untyped-def]
    record = _licence(holder, registration)

    assert record.status == RecordStatus.PENDING
    assert record.applicant_name == "Alpha Press"
    assert record.ledger_entry is None
    assert AuditEvent.objects.filter(action="ownership.licence.apply").count() == 1


def test_approval_appends_the_ledger_entry_of_its_kind(holder, registrar, registration):  # type: ignore[no-untyped-def]
    record = actions.approve(registrar, _licence(holder, registration))

    assert record.status == RecordStatus.APPROVED
    entry = LedgerEntry.objects.get(pk=record.ledger_entry_id)
    assert entry.kind == "ownership.licence"
    body = entry.content["body"]
    assert body["registration_number"] == registration.number
    assert body["record_id"] == record.pk
    assert "Gamma Films" not in bytes(entry.entry).decode()  # names are hashed, not logged
    assert AuditEvent.objects.filter(action="ownership.licence.approve").exists()


def test_an_overlapping_exclusive_licence_is_refused(holder, registrar, registration):  # type: ignore[no-untyped-def]
    actions.approve(registrar, _licence(holder, registration))

    with pytest.raises(ActionError) as refused, translation.override("en"):
        _licence(
            holder,
            registration,
            licensee_name="Delta",
            starts_on="2029-06-01",
            ends_on="2031-01-01",
            rights=["cinematography"],
        )

    assert refused.value.code == "licence_conflict"
    assert "exclusive licence" in str(refused.value.message)
    assert OwnershipRecord.objects.count() == 1


def test_a_pending_exclusive_licence_blocks_an_overlapping_one_too(holder, registration):  # type: ignore[no-untyped-def]
    _licence(holder, registration)

    with pytest.raises(ActionError) as refused:
        _licence(holder, registration, licence_type="sole", territory="WORLD")

    assert refused.value.code == "licence_conflict"


@pytest.mark.parametrize(
    "changes",
    [
        {"territory": ["HK"]},
        {"starts_on": "2030-01-01", "ends_on": "2031-01-01"},
        {"rights": ["translation"]},
        {"licence_type": "non_exclusive"},
    ],
)
def test_exclusive_licences_that_do_not_overlap_are_both_recorded(  # type: ignore[no-untyped-def]
    holder, registrar, registration, changes
):
    actions.approve(registrar, _licence(holder, registration))

    second = actions.approve(registrar, _licence(holder, registration, **changes))

    assert second.status == RecordStatus.APPROVED


def test_approval_checks_the_conflict_again(holder, registrar, registration):  # type: ignore[no-untyped-def]
    first = _licence(holder, registration)
    actions.withdraw(holder, first)
    second = _licence(holder, registration)
    # A row that slipped past the check at application (e.g. two at the same moment).
    OwnershipRecord.objects.filter(pk=first.pk).update(status=RecordStatus.APPROVED)

    with pytest.raises(ActionError) as refused:
        actions.approve(registrar, second)

    assert refused.value.code == "licence_conflict"
    second.refresh_from_db()
    assert second.status == RecordStatus.PENDING and second.ledger_entry is None


def test_an_approved_assignment_moves_the_work_and_corrects_the_certificate(  # type: ignore[no-untyped-def]
    people, holder, registrar, registration
):
    record = actions.apply_assignment(
        holder, registration, assignee_organisation_id=people.other_org.pk
    )

    actions.approve(registrar, record)

    work = registration.work
    work.refresh_from_db()
    assert work.owner == people.other_org
    assert [(s.holder_name, s.share) for s in work.shares.all()] == [
        ("Beta Books", Decimal("100.00"))
    ]
    current = Certificate.objects.get(registration=registration, status="valid")
    assert current.version == 2
    assert current.content["rights_holders"][0]["name"] == "Beta Books"
    assert LedgerEntry.objects.filter(kind="ownership.assignment").count() == 1


def test_a_partial_assignment_shares_the_copyright(people, holder, registrar, registration):  # type: ignore[no-untyped-def]
    record = actions.apply_assignment(holder, registration, assignee_name="Epsilon Ltd", share="30")

    actions.approve(registrar, record)

    shares = {s.holder_name: s.share for s in registration.work.shares.all()}
    assert shares == {"Alpha Press": Decimal("70.00"), "Epsilon Ltd": Decimal("30.00")}
    registration.work.refresh_from_db()
    assert registration.work.owner == people.org


def test_assigning_everything_needs_the_assignees_organisation(holder, registration):  # type: ignore[no-untyped-def]
    with pytest.raises(ActionError) as refused:
        actions.apply_assignment(holder, registration, assignee_name="Somebody")

    assert refused.value.field == "assignee_organisation_id"


def test_a_listed_rights_assignment_keeps_the_shares(holder, registrar, registration):  # type: ignore[no-untyped-def]
    record = actions.apply_assignment(
        holder, registration, assignee_name="Zeta", scope="listed", rights=["translation"]
    )

    actions.approve(registrar, record)

    assert registration.work.shares.get().holder_name == "Alpha Press"
    assert Certificate.objects.filter(registration=registration).count() == 1


def test_a_pledged_work_cannot_be_assigned(people, holder, registrar, registration):  # type: ignore[no-untyped-def]
    _recorded_pledge(holder, registrar, registration)

    with pytest.raises(ActionError) as refused:
        actions.apply_assignment(holder, registration, assignee_organisation_id=people.other_org.pk)

    assert refused.value.code == "pledged"
    assert not OwnershipRecord.objects.filter(kind="assignment").exists()


def test_the_pledgees_consent_lets_a_pledged_work_be_assigned(  # type: ignore[no-untyped-def]
    people, holder, registrar, registration
):
    _recorded_pledge(holder, registrar, registration)

    record = actions.apply_assignment(
        holder,
        registration,
        assignee_organisation_id=people.other_org.pk,
        pledgee_consent=True,
        pledgee_consent_note="Bank of Foshan letter 2027-03-02",
    )
    actions.approve(registrar, record)

    assert record.pledgee_consent_note == "Bank of Foshan letter 2027-03-02"


def test_consent_must_say_how_it_was_given(holder, registration):  # type: ignore[no-untyped-def]
    with pytest.raises(ActionError) as refused:
        actions.apply_assignment(
            holder, registration, assignee_name="X", share="10", pledgee_consent=True
        )

    assert refused.value.field == "pledgee_consent_note"


def test_a_pledge_recorded_after_an_assignment_was_applied_for_blocks_its_approval(  # type: ignore[no-untyped-def]
    people, holder, registrar, registration
):
    assignment = actions.apply_assignment(
        holder, registration, assignee_organisation_id=people.other_org.pk
    )
    _recorded_pledge(holder, registrar, registration)

    with pytest.raises(ActionError) as refused:
        actions.approve(registrar, assignment)

    assert refused.value.code == "pledged"


def test_a_recorded_release_frees_the_work(people, holder, registrar, registration):  # type: ignore[no-untyped-def]
    pledge = _recorded_pledge(holder, registrar, registration)
    release = actions.apply_pledge_release(holder, pledge)
    # Not released until the release itself is recorded.
    with pytest.raises(ActionError):
        actions.apply_assignment(holder, registration, assignee_organisation_id=people.other_org.pk)

    actions.approve(registrar, release)

    assert pledge.is_released()
    assert LedgerEntry.objects.filter(kind="ownership.pledge_release").count() == 1
    assert (
        actions.apply_assignment(
            holder, registration, assignee_organisation_id=people.other_org.pk
        ).status
        == RecordStatus.PENDING
    )


def test_a_pledge_is_released_once(holder, registrar, registration):  # type: ignore[no-untyped-def]
    pledge = _recorded_pledge(holder, registrar, registration)
    actions.apply_pledge_release(holder, pledge)

    with pytest.raises(ActionError) as refused:
        actions.apply_pledge_release(holder, pledge)

    assert refused.value.code == "wrong_status"


def test_rejection_needs_a_reason_and_writes_no_ledger_entry(holder, registrar, registration):  # type: ignore[no-untyped-def]
    record = _licence(holder, registration)
    before = LedgerEntry.objects.count()
    with pytest.raises(ActionError) as refused:
        actions.reject(registrar, record, "  ")
    assert refused.value.code == "reason_required"

    actions.reject(registrar, record, "The contract is not signed.")

    record.refresh_from_db()
    assert record.status == RecordStatus.REJECTED
    assert LedgerEntry.objects.count() == before


def test_a_decided_record_cannot_be_decided_again(holder, registrar, registration):  # type: ignore[no-untyped-def]
    record = actions.approve(registrar, _licence(holder, registration))

    with pytest.raises(ActionError) as refused:
        actions.reject(registrar, record, "changed my mind")

    assert refused.value.code == "wrong_status"


def test_only_the_holders_owner_and_staff_apply(people, registration):  # type: ignore[no-untyped-def]
    for user in (people.viewer, people.outsider):
        with pytest.raises(ActionError) as refused:
            _licence(Actor(user=user), registration)
        assert refused.value.code == "not_holder"


def test_only_the_registering_administrations_registrar_reviews(  # type: ignore[no-untyped-def]
    people, registry, holder, registration
):
    record = _licence(holder, registration)

    for user in (people.owner, registry.other_registrar, registry.admin_viewer):
        with pytest.raises(ActionError) as refused:
            actions.approve(Actor(user=user), record)
        assert refused.value.code == "not_registrar"


def test_a_former_holders_pending_application_cannot_be_approved(  # type: ignore[no-untyped-def]
    people, holder, registrar, registration
):
    licence = actions.apply_licence(
        holder, registration, **{**LICENCE, "licence_type": "non_exclusive"}
    )
    actions.approve(
        registrar,
        actions.apply_assignment(
            holder, registration, assignee_organisation_id=people.other_org.pk
        ),
    )

    with pytest.raises(ActionError) as refused:
        actions.approve(registrar, licence)

    assert refused.value.code == "not_holder"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_on": "2029-01-01", "ends_on": "2028-01-01"}, "ends_on"),
        ({"starts_on": "1 January"}, "starts_on"),
        ({"secured_amount": "-5"}, "secured_amount"),
        ({"secured_amount": "0"}, "secured_amount"),
        ({"secured_amount": "1e30"}, "secured_amount"),
        ({"secured_amount": "NaN"}, "secured_amount"),
        ({"secured_amount": "12.345"}, "secured_amount"),
        ({"secured_amount": "lots"}, "secured_amount"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": ""}, "currency"),
        ({"pledgee_name": " "}, "pledgee_name"),
    ],
)
def test_bad_pledges_are_refused_and_nothing_is_written(holder, registration, changes, field):  # type: ignore[no-untyped-def]
    events = AuditEvent.objects.count()

    with pytest.raises(ActionError) as refused:
        actions.apply_pledge(holder, registration, **{**PLEDGE, **changes})

    assert refused.value.field == field
    assert not OwnershipRecord.objects.exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"share": "-1"}, "share"),
        ({"share": "101"}, "share"),
        ({"share": "abc"}, "share"),
        ({"share": "0.001"}, "share"),
    ],
)
def test_bad_shares_are_refused(holder, registration, changes, field):  # type: ignore[no-untyped-def]
    with pytest.raises(ActionError) as refused:
        actions.apply_assignment(holder, registration, assignee_name="X", **changes)

    assert refused.value.field == field
    assert not OwnershipRecord.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"territory": []}, "territory"),
        ({"territory": ["China"]}, "territory"),
        ({"rights": []}, "rights"),
        ({"rights": ["authorship"]}, "rights"),
        ({"licence_type": "forever"}, "licence_type"),
        ({"ends_on": "2026-12-31"}, "ends_on"),
    ],
)
def test_bad_licences_are_refused(holder, registration, changes, field):  # type: ignore[no-untyped-def]
    with pytest.raises(ActionError) as refused:
        _licence(holder, registration, **changes)

    assert refused.value.field == field
    assert not OwnershipRecord.objects.exists()


def test_a_work_that_is_not_registered_has_no_records(people, holder, registry):  # type: ignore[no-untyped-def]
    from copyguard.works.testing import submitted_work

    registration = submitted_work(people.org)

    with pytest.raises(ActionError) as refused:
        _licence(holder, registration)

    assert refused.value.code == "not_registered"


def test_the_ledger_still_checks_after_ownership_entries(  # type: ignore[no-untyped-def]
    people, holder, registrar, registration, capsys
):
    from copyguard.cli import main

    pledge = _recorded_pledge(holder, registrar, registration)
    actions.approve(registrar, actions.apply_pledge_release(holder, pledge))
    actions.approve(registrar, _licence(holder, registration))
    actions.approve(
        registrar,
        actions.apply_assignment(
            holder, registration, assignee_organisation_id=people.other_org.pk
        ),
    )
    kinds = set(LedgerEntry.objects.values_list("kind", flat=True))
    assert {
        "ownership.pledge",
        "ownership.pledge_release",
        "ownership.licence",
        "ownership.assignment",
    } <= kinds

    assert main(["ledger", "check"]) == 0
    assert "hold" in capsys.readouterr().out
