"""The works API for rights holders: works, files, software deposit, submission."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import Work
from copyguard.works.testing import SAMPLE_TEXT, after_commit, submitted_work, text_work
from tests.api.support import API, anonymous, error_of, with_session, with_token

NEW_WORK = {
    "title": "江南",
    "category": "written",
    "authors": [{"real_name": "张三", "pen_name": "江南客"}],
    "completed_on": "2025-05-01",
}


def upload(caller, work_id: int, data: bytes, name: str = "book.txt"):  # type: ignore[no-untyped-def]
    headers = dict(caller.headers)
    if caller.csrf:
        headers["X-CSRFToken"] = caller.csrf_token()
    return caller.client.post(
        f"{API}/works/{work_id}/files", {"file": SimpleUploadedFile(name, data)}, headers=headers
    )


def test_an_owner_creates_uploads_and_submits_a_work(people):
    api = with_token(people.owner)
    response = api.post(f"/organisations/{people.org.pk}/works", NEW_WORK)
    assert response.status_code == 201, response.content
    work = response.json()
    assert work["registration"]["status"] == "draft"
    assert work["shares"] == [
        {"holder_name": "Alpha Press", "organisation_id": people.org.pk, "share": "100.00"}
    ]
    response = upload(api, work["id"], SAMPLE_TEXT.encode())
    assert response.status_code == 201, response.content
    file = response.json()
    assert len(file["sha256"]) == 64 and file["iscc_text_code"].startswith("ISCC:")
    with after_commit():
        response = api.post(f"/works/{work['id']}/submit")
    assert response.status_code == 200, response.content
    registration = api.get(f"/registrations/{response.json()['id']}").json()
    assert registration["status"] == "submitted"
    assert registration["check_status"] == "done" and registration["check_progress"] == 100


def test_staff_may_write_and_a_viewer_may_only_read(people):
    work = text_work(people.org)
    assert with_token(people.staff).patch(f"/works/{work.pk}", {"title": "新"}).status_code == 200
    viewer = with_token(people.viewer)
    assert viewer.get(f"/works/{work.pk}").json()["title"] == "新"
    assert [w["id"] for w in viewer.get("/works").json()["items"]] == [work.pk]
    error_of(viewer.patch(f"/works/{work.pk}", {"title": "x"}), 403)
    error_of(viewer.post(f"/organisations/{people.org.pk}/works", NEW_WORK), 403)
    error_of(upload(viewer, work.pk, b"other text " * 50), 403)
    error_of(viewer.delete(f"/works/{work.pk}/files/{work.files.get().pk}"), 403)
    error_of(viewer.post(f"/works/{work.pk}/submit"), 403)
    error_of(viewer.delete(f"/works/{work.pk}"), 403)
    error_of(viewer.call("PUT", f"/works/{work.pk}/software", {"name": "a", "version": "1"}), 403)
    error_of(viewer.post(f"/works/{work.pk}/software/deposit", {}), 403)
    assert Work.objects.get().title == "新"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/works/{work}", None),
        ("PATCH", "/works/{work}", {"title": "x"}),
        ("DELETE", "/works/{work}", None),
        ("DELETE", "/works/{work}/files/{file}", None),
        ("PUT", "/works/{work}/software", {"name": "a", "version": "1"}),
        ("POST", "/works/{work}/software/deposit", {}),
        ("POST", "/works/{work}/submit", None),
        ("POST", "/organisations/{org}/works", NEW_WORK),
        ("GET", "/registrations/{registration}", None),
        ("GET", "/registrations/{registration}/conflicts", None),
    ],
)
def test_an_outsider_gets_404_everywhere(people, method, path, body):
    work = text_work(people.org)
    url = path.format(
        work=work.pk,
        file=work.files.get().pk,
        org=people.org.pk,
        registration=work.current_registration.pk,
    )
    outsider = with_token(people.outsider)
    response = outsider.call(method, url, body) if body is not None else outsider.call(method, url)
    error_of(response, 404)
    assert outsider.get("/works").json()["items"] == []
    assert outsider.get("/registrations").json()["items"] == []


def test_an_outsider_cannot_upload_to_a_work(people):
    work = text_work(people.org)
    error_of(upload(with_token(people.outsider), work.pk, b"hello " * 50), 404)
    assert work.files.count() == 1


def test_anonymous_callers_are_refused(people):
    work = text_work(people.org)
    error_of(anonymous().get(f"/works/{work.pk}"), 401)


def test_hostile_uploads_get_a_clear_error_and_nothing_is_stored(people, settings):
    from copyguard.works.tests.test_actions_drafts import docx_bomb

    work = text_work(people.org)
    api = with_token(people.owner)
    assert error_of(upload(api, work.pk, b"", "empty.txt"), 400, "file_empty")
    error = error_of(upload(api, work.pk, docx_bomb(), "bomb.docx"), 400, "file_unreadable")
    assert "zip bomb" in error["message"] and error["fields"] == {"file": [error["message"]]}
    error_of(upload(api, work.pk, SAMPLE_TEXT.encode(), "same.txt"), 409, "file_duplicate")
    settings.MAX_UPLOAD_BYTES = 100
    error_of(upload(api, work.pk, b"x" * 101, "big.txt"), 413, "file_too_large")
    assert work.files.count() == 1


def test_a_submitted_work_cannot_be_changed(people):
    registration = submitted_work(people.org)
    api = with_token(people.owner)
    error_of(api.patch(f"/works/{registration.work_id}", {"title": "x"}), 409, "not_editable")
    error_of(upload(api, registration.work_id, b"more text " * 40), 409, "not_editable")


def test_bad_input_is_refused_with_422(people):
    api = with_token(people.owner)
    error_of(api.post(f"/organisations/{people.org.pk}/works", {"title": ""}), 422)
    error_of(
        api.post(f"/organisations/{people.org.pk}/works", {**NEW_WORK, "category": "poem"}), 422
    )
    bad_shares = {**NEW_WORK, "shares": [{"holder_name": "A", "share": 40}]}
    error_of(api.post(f"/organisations/{people.org.pk}/works", bad_shares), 400, "shares")
    assert not Work.objects.exists()


def test_software_details_and_deposit_through_the_api(people):
    api = with_session(people.owner)
    work = api.post(
        f"/organisations/{people.org.pk}/works", {**NEW_WORK, "category": "software"}
    ).json()
    source = "\n".join(f"int f{i}(int x) {{ return x + {i}; }}" for i in range(200))
    assert upload(api, work["id"], source.encode(), "main.c").status_code == 201
    response = api.call(
        "PUT",
        f"/works/{work['id']}/software",
        {"name": "Calc", "version": "2.1", "programming_language": "C"},
    )
    assert response.status_code == 200, response.content
    response = api.post(f"/works/{work['id']}/software/deposit", {"redact_pages": [2]})
    assert response.status_code == 200, response.content
    software = response.json()["software"]
    assert software["deposit_pages"] == [1, 2, 3, 4, 5] and software["redacted_pages"] == [2]
    error_of(api.post(f"/works/{work['id']}/software/deposit", {"redact_pages": [1, 2, 3]}), 400)


def test_a_draft_may_be_deleted(people):
    work = text_work(people.org)
    assert with_token(people.owner).delete(f"/works/{work.pk}").status_code == 204
    assert not Work.objects.exists()


def test_the_owner_removes_a_file(people):
    work = text_work(people.org)
    response = with_token(people.owner).delete(f"/works/{work.pk}/files/{work.files.get().pk}")
    assert response.status_code == 204
    assert not work.files.exists()


def test_resubmitting_through_submit_after_a_return(people, registry):
    from copyguard.accounts.audit import Actor
    from copyguard.works import actions

    registration = submitted_work(people.org)
    registrar = Actor(user=registry.registrar)
    registration = actions.take_for_examination(registrar, registration, registry.administration)
    actions.return_for_correction(registrar, registration, registry.administration, "补充说明")
    api = with_token(people.owner)
    assert api.get(f"/registrations/{registration.pk}").json()["return_reasons"] == "补充说明"
    with after_commit():
        response = api.post(f"/works/{registration.work_id}/submit")
    assert response.json()["status"] == RegistrationStatus.SUBMITTED
    assert response.json()["submissions"] == 2
