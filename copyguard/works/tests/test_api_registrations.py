"""The examination API for registrars, and who may not use it."""

from __future__ import annotations

import re

import pytest

from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import Registration
from copyguard.works.testing import SAMPLE_TEXT, after_commit, registered_work, submitted_work
from tests.api.support import error_of, with_token


def test_a_registrar_sees_the_queue_takes_and_approves(people, registry):
    registration = submitted_work(people.org)
    api = with_token(registry.registrar)
    queue = api.get("/registrations?status=submitted").json()["items"]
    assert [r["id"] for r in queue] == [registration.pk]
    assert api.get(f"/works/{registration.work_id}").status_code == 200  # read-only
    error_of(api.patch(f"/works/{registration.work_id}", {"title": "x"}), 403)
    assert api.post(f"/registrations/{registration.pk}/take").json()["status"] == (
        "under_examination"
    )
    with after_commit():
        response = api.post(f"/registrations/{registration.pk}/approve", {})
    assert response.status_code == 200, response.content
    assert re.fullmatch(r"440600-\d{4}-A-\d{8}", response.json()["number"])


def test_return_and_reject_need_reasons(people, registry):
    one, two = submitted_work(people.org), submitted_work(people.org, "另一部作品的正文。" * 30)
    api = with_token(registry.registrar)
    for registration in (one, two):
        api.post(f"/registrations/{registration.pk}/take")
    error_of(api.post(f"/registrations/{one.pk}/return", {"reasons": ""}), 422)
    returned = api.post(f"/registrations/{one.pk}/return", {"reasons": "材料不全"}).json()
    assert returned["status"] == "returned" and returned["return_reasons"] == "材料不全"
    rejected = api.post(f"/registrations/{two.pk}/reject", {"reason": "不是作品"}).json()
    assert rejected["status"] == "rejected" and rejected["rejection_reason"] == "不是作品"


def test_the_conflict_view_shows_both_passages_and_approval_needs_a_reason(people, registry):
    first = registered_work(people.org, registry)
    copy = submitted_work(people.other_org, SAMPLE_TEXT + "附录。" * 40, name="copy.txt")
    api = with_token(registry.registrar)
    api.post(f"/registrations/{copy.pk}/take")
    conflicts = api.get(f"/registrations/{copy.pk}/conflicts").json()
    assert len(conflicts) == 1
    conflict = conflicts[0]
    assert conflict["kind"] == "similar"
    assert conflict["other_registration_number"] == first.number
    assert conflict["segments"][0]["query_text"] == conflict["segments"][0]["reference_text"]
    # The applicant is told too.
    applicant = with_token(people.outsider)  # owner of other_org
    mine = applicant.get(f"/registrations/{copy.pk}").json()
    assert mine["has_conflicts"] and mine["check_message"]
    error_of(applicant.post(f"/conflicts/{conflict['id']}/resolve", {"reason": "mine"}), 403)
    error_of(api.post(f"/registrations/{copy.pk}/approve", {}), 409, "conflict_unresolved")
    resolved = api.post(f"/conflicts/{conflict['id']}/resolve", {"reason": "合法授权"}).json()
    assert resolved["resolved"] and resolved["reason"] == "合法授权"
    with after_commit():
        assert api.post(f"/registrations/{copy.pk}/approve", {}).status_code == 200


@pytest.mark.parametrize("who", ["applicant_owner", "applicant_viewer", "admin_viewer"])
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("take", None),
        ("return", {"reasons": "x"}),
        ("reject", {"reason": "x"}),
        ("approve", {}),
    ],
)
def test_only_registrars_examine(people, registry, who, path, body):
    registration = submitted_work(people.org)
    if path != "take":
        with_token(registry.registrar).post(f"/registrations/{registration.pk}/take")
    user = {
        "applicant_owner": people.owner,
        "applicant_viewer": people.viewer,
        "admin_viewer": registry.admin_viewer,
    }[who]
    caller = with_token(user)
    url = f"/registrations/{registration.pk}/{path}"
    response = caller.post(url, body) if body is not None else caller.post(url)
    # The administration's viewer cannot even see applications: 404; applicants: 403.
    error_of(response, 404 if who == "admin_viewer" else 403)
    assert Registration.objects.get().number is None


@pytest.mark.parametrize("path", ["take", "approve"])
def test_an_outsider_gets_404_on_examination(people, registry, path):
    registration = submitted_work(people.org)
    url = f"/registrations/{registration.pk}/{path}"
    error_of(with_token(people.outsider).post(url, {} if path == "approve" else None), 404)
    error_of(with_token(people.outsider).get(f"/registrations/{registration.pk}"), 404)


def test_another_administration_loses_sight_of_a_taken_registration(people, registry):
    registration = submitted_work(people.org)
    other = with_token(registry.other_registrar)
    assert other.get(f"/registrations/{registration.pk}").status_code == 200
    with_token(registry.registrar).post(f"/registrations/{registration.pk}/take")
    error_of(other.get(f"/registrations/{registration.pk}"), 404)
    error_of(other.post(f"/registrations/{registration.pk}/approve", {}), 404)


def test_drafts_are_not_in_the_registrars_queue(people, registry):
    from copyguard.works.testing import text_work

    work = text_work(people.org)
    api = with_token(registry.registrar)
    assert api.get("/registrations").json()["items"] == []
    error_of(api.get(f"/registrations/{work.current_registration.pk}"), 404)
    error_of(api.get(f"/works/{work.pk}"), 404)


def test_a_conflict_of_another_registration_is_404_for_outsiders(people, registry):
    registered_work(people.org, registry)
    copy = submitted_work(people.other_org, SAMPLE_TEXT)
    conflict = copy.conflicts.get()
    error_of(
        with_token(people.owner).post(f"/conflicts/{conflict.pk}/resolve", {"reason": "x"}), 404
    )
    error_of(with_token(people.viewer).get(f"/registrations/{copy.pk}/conflicts"), 404)
    assert copy.status == RegistrationStatus.SUBMITTED


EXAMINATION_CALLS = [
    ("GET", "/registrations/{r}", None),
    ("GET", "/registrations/{r}/conflicts", None),
    ("POST", "/registrations/{r}/take", None),
    ("POST", "/registrations/{r}/return", {"reasons": "x"}),
    ("POST", "/registrations/{r}/reject", {"reason": "x"}),
    ("POST", "/registrations/{r}/approve", {}),
    ("POST", "/conflicts/{c}/resolve", {"reason": "x"}),
]


@pytest.fixture
def conflicted(people, registry):  # type: ignore[no-untyped-def]
    """A registration of the other holder in conflict with one of Alpha Press's works."""
    registered_work(people.other_org, registry)
    return submitted_work(people.org, SAMPLE_TEXT, name="copy.txt")


def _call(user, method, path, body, registration):  # type: ignore[no-untyped-def]
    url = path.format(r=registration.pk, c=registration.conflicts.get().pk)
    caller = with_token(user)
    return caller.call(method, url, body) if body is not None else caller.call(method, url)


@pytest.mark.parametrize(("method", "path", "body"), EXAMINATION_CALLS)
def test_every_examination_route_is_404_for_an_outsider(people, conflicted, method, path, body):
    error_of(_call(people.outsider, method, path, body, conflicted), 404)
    conflicted.refresh_from_db()
    assert conflicted.status == RegistrationStatus.SUBMITTED


@pytest.mark.parametrize(("method", "path", "body"), EXAMINATION_CALLS)
def test_the_applicants_read_only_member_reads_but_cannot_act(
    people, conflicted, method, path, body
):
    response = _call(people.viewer, method, path, body, conflicted)
    if method == "GET":
        assert response.status_code == 200
    else:
        error_of(response, 403)
    conflicted.refresh_from_db()
    assert conflicted.status == RegistrationStatus.SUBMITTED
    assert not conflicted.conflicts.get().resolved
