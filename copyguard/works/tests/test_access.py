"""Access helpers of the works registry: who sees and who may change what."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from copyguard.accounts.audit import Actor
from copyguard.testing import make_user
from copyguard.works import access, actions
from copyguard.works.testing import submitted_work, text_work


def test_the_holders_owner_and_staff_write_and_its_viewer_reads(people):
    work = text_work(people.org)
    assert access.get_work_for_user(people.owner, work.pk, write=True)[1] is True
    assert access.get_work_for_user(people.staff, work.pk, write=True)[1] is True
    assert access.get_work_for_user(people.viewer, work.pk) == (work, False)
    with pytest.raises(PermissionDenied):
        access.get_work_for_user(people.viewer, work.pk, write=True)


def test_an_outsider_gets_404_for_every_object(people):
    work = text_work(people.org)
    registration = work.current_registration
    for call in (
        lambda: access.get_work_for_user(people.outsider, work.pk),
        lambda: access.get_file_for_user(people.outsider, work.pk, work.files.get().pk),
        lambda: access.get_registration_for_user(people.outsider, registration.pk),
        lambda: access.get_rights_holder_for_user(people.outsider, people.org.pk),
    ):
        with pytest.raises(Http404):
            call()
    assert not access.works_visible_to(people.outsider).exists()
    assert not access.registrations_visible_to(people.outsider).exists()


def test_a_registrar_sees_a_submitted_work_read_only_but_not_a_draft(people, registry):
    draft = text_work(people.org)
    with pytest.raises(Http404):
        access.get_work_for_user(registry.registrar, draft.pk)
    registration = submitted_work(people.org)
    _work, may_write = access.get_work_for_user(registry.registrar, registration.work_id)
    assert may_write is False
    found, may_act = access.get_registration_for_user(registry.registrar, registration.pk)
    assert may_act is True
    assert access.examining_administration(registry.registrar, found) == registry.administration


def test_once_taken_only_the_examining_administration_sees_it(people, registry):
    registration = submitted_work(people.org)
    actions.take_for_examination(
        Actor(user=registry.registrar), registration, registry.administration
    )
    with pytest.raises(Http404):
        access.get_registration_for_user(registry.other_registrar, registration.pk)
    with pytest.raises(Http404):
        access.get_work_for_user(registry.other_registrar, registration.work_id)


def test_the_applicants_viewer_may_not_examine(people, registry):
    registration = submitted_work(people.org)
    with pytest.raises(PermissionDenied):
        access.get_registration_for_user(people.viewer, registration.pk, write=True)
    with pytest.raises(PermissionDenied):
        access.examining_administration(people.owner, registration)


def test_platform_staff_see_everything(people):
    staff = make_user(is_superuser=True, is_staff=True)
    work = text_work(people.org)
    assert access.get_work_for_user(staff, work.pk, write=True)[1] is True
    assert list(access.works_visible_to(staff)) == [work]


def test_ids_that_are_not_numbers_are_404(people):
    with pytest.raises(Http404):
        access.get_work_for_user(people.owner, "x")  # type: ignore[arg-type]
    with pytest.raises(Http404):
        access.get_bulk_for_user(people.owner, "not-a-uuid")
