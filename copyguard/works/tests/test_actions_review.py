# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""The registration workflow: submit, take, return, resubmit, reject, approve (given / when / then)."""

from __future__ import annotations

import json
import re

import pytest

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.ledger.models import LedgerEntry
from copyguard.testing import make_organisation
from copyguard.works import actions
from copyguard.works.enums import CheckStatus, RegistrationStatus, WorkErrorCode
from copyguard.works.models import Registration
from copyguard.works.testing import (
    SAMPLE_TEXT,
    after_commit,
    registered_work,
    submitted_work,
    text_work,
)

APPLICANT = Actor.system(via="test")


def taken(registration: Registration, registry) -> Registration:  # type: ignore[no-untyped-def]
    return actions.take_for_examination(
        Actor(user=registry.registrar), registration, registry.administration
    )


def test_submitting_queues_the_check_and_the_check_reports_progress(people, registry):
    work = text_work(people.org)
    with after_commit():
        registration = actions.submit(APPLICANT, work.current_registration)
        assert registration.check_status == CheckStatus.QUEUED
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED
    assert (registration.check_status, registration.check_progress) == (CheckStatus.DONE, 100)
    assert not registration.has_conflicts
    assert work.files.get().fingerprinted_at is not None
    assert AuditEvent.objects.filter(action="works.registration.submit").exists()


def test_a_work_without_files_or_authors_cannot_be_submitted(people):
    work = actions.create_work(APPLICANT, people.org, title="x", category="written")
    with pytest.raises(ActionError) as error:
        actions.submit(APPLICANT, work.current_registration)
    assert error.value.code == WorkErrorCode.NO_FILES
    actions.add_file(APPLICANT, work, SAMPLE_TEXT.encode(), "a.txt")
    with pytest.raises(ActionError) as error:
        actions.submit(APPLICANT, work.current_registration)
    assert error.value.field == "authors"
    assert work.current_registration.status == RegistrationStatus.DRAFT


def test_a_registrar_takes_a_submitted_registration_for_their_administration(people, registry):
    registration = taken(submitted_work(people.org), registry)
    assert registration.status == RegistrationStatus.UNDER_EXAMINATION
    assert registration.administration == registry.administration
    assert registration.examiner == registry.registrar


def test_a_read_only_member_of_the_administration_cannot_take_it(people, registry):
    registration = submitted_work(people.org)
    with pytest.raises(ActionError) as error:
        actions.take_for_examination(
            Actor(user=registry.admin_viewer), registration, registry.administration
        )
    assert error.value.code == WorkErrorCode.NOT_REGISTRAR
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED


def test_a_registrar_cannot_act_for_an_administration_they_do_not_belong_to(people, registry):
    with pytest.raises(ActionError):
        actions.take_for_examination(
            Actor(user=registry.other_registrar),
            submitted_work(people.org),
            registry.administration,
        )


def test_another_administration_cannot_decide_a_registration_taken_by_the_first(people, registry):
    registration = taken(submitted_work(people.org), registry)
    with pytest.raises(ActionError) as error:
        actions.reject(
            Actor(user=registry.other_registrar), registration, registry.other_administration, "no"
        )
    assert error.value.status == 403


def test_return_needs_reasons_and_the_applicant_corrects_and_resubmits(people, registry):
    registration = taken(submitted_work(people.org), registry)
    registrar = Actor(user=registry.registrar)
    with pytest.raises(ActionError) as error:
        actions.return_for_correction(registrar, registration, registry.administration, "  ")
    assert error.value.code == WorkErrorCode.REASON_REQUIRED
    returned = actions.return_for_correction(
        registrar, registration, registry.administration, "作者姓名不完整"
    )
    assert returned.status == RegistrationStatus.RETURNED
    assert returned.return_reasons == "作者姓名不完整"
    actions.update_work(APPLICANT, returned.work, authors=[{"real_name": "张三丰"}])
    with after_commit():
        again = actions.resubmit(APPLICANT, returned)
    assert again.status == RegistrationStatus.SUBMITTED and again.submissions == 2
    # It goes back to the administration that returned it.
    with pytest.raises(ActionError):
        actions.take_for_examination(
            Actor(user=registry.other_registrar), again, registry.other_administration
        )
    assert taken(again, registry).status == RegistrationStatus.UNDER_EXAMINATION


def test_resubmit_is_only_for_a_returned_registration(people):
    with pytest.raises(ActionError) as error:
        actions.resubmit(APPLICANT, text_work(people.org).current_registration)
    assert error.value.code == WorkErrorCode.WRONG_STATUS


def test_reject_needs_a_reason_and_a_new_cycle_may_start_after_it(people, registry):
    registration = taken(submitted_work(people.org), registry)
    registrar = Actor(user=registry.registrar)
    with pytest.raises(ActionError):
        actions.reject(registrar, registration, registry.administration, "")
    rejected = actions.reject(registrar, registration, registry.administration, "不构成作品")
    assert rejected.status == RegistrationStatus.REJECTED and rejected.number is None
    new = actions.start_new_registration(APPLICANT, rejected.work)
    assert rejected.work.current_registration == new
    assert new.status == RegistrationStatus.DRAFT


def test_approval_assigns_a_number_writes_the_ledger_and_indexes_the_texts(people, registry):
    registration = registered_work(people.org, registry)
    assert registration.status == RegistrationStatus.REGISTERED
    assert re.fullmatch(r"440600-\d{4}-A-00000001", registration.number)
    assert registration.registered_on is not None
    entry = LedgerEntry.objects.get(kind="registration")
    body = json.loads(bytes(entry.entry))["body"]
    assert body["registration_number"] == registration.number
    assert body["work_title"] == "江南" and body["category"] == "written"
    assert body["files"][0]["sha256"] == registration.work.files.get().sha256
    assert body["files"][0]["iscc"].startswith("ISCC:")
    assert body["owner"]["id"] == people.org.pk
    assert AuditEvent.objects.filter(action="works.registration.approve").exists()


def test_approval_waits_for_the_conflict_check(people, registry):
    work = text_work(people.org)
    registration = actions.submit(APPLICANT, work.current_registration)  # job not run
    registration = taken(registration, registry)
    with pytest.raises(ActionError) as error:
        actions.approve(Actor(user=registry.registrar), registration, registry.administration)
    assert error.value.code == WorkErrorCode.CHECK_PENDING
    assert not registration.can_approve()


def test_numbers_count_per_type_letter_and_never_repeat(people, registry):
    first = registered_work(people.org, registry, title="a")
    second = registered_work(
        people.org, registry, "完全不同的另一部作品，讲的是海上的渔民。" * 20, title="b"
    )
    assert first.number.endswith("-A-00000001") and second.number.endswith("-A-00000002")
    photo = actions.create_work(
        APPLICANT,
        people.org,
        title="p",
        category="photography",
        authors=[{"real_name": "摄影师"}],
    )
    from copyguard.works.samples import landscape_png

    actions.add_file(APPLICANT, photo, landscape_png(5), "p.png")
    with after_commit():
        registration = actions.submit(APPLICANT, photo.current_registration)
    registration = taken(registration, registry)
    registration = actions.approve(
        Actor(user=registry.registrar), registration, registry.administration
    )
    assert registration.number.endswith("-G-00000001")
    numbers = list(Registration.objects.exclude(number=None).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 3


def test_a_national_administration_numbers_with_the_country_code(people):
    from copyguard.testing import make_member
    from copyguard.works.testing import Registry

    national = make_organisation(
        "administration", name="National Copyright Administration", level="national", region_code=""
    )
    registrar = make_member(national, "registrar")
    registry = Registry(national, registrar, registrar, national, registrar)
    assert registered_work(people.org, registry).number.startswith("100000-")
