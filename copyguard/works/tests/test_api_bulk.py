# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""Bulk registration: POST /api/v1/works through the job queue, idempotent by file hash."""

from __future__ import annotations

import base64

from copyguard.works.models import BulkRegistration, Work
from copyguard.works.testing import after_commit
from tests.api.support import error_of, with_token


def item(n: int, text: str | None = None) -> dict:
    body = text or f"第{n}篇文章的正文，写的是第{n}个故事。" * 20
    return {
        "title": f"文章 {n}",
        "category": "written",
        "authors": [{"real_name": "作者"}],
        "files": [{"name": f"{n}.txt", "content": body}],
    }


def test_bulk_registration_returns_a_job_whose_results_name_the_works(people):
    api = with_token(people.owner)
    with after_commit():
        response = api.post("/works", {"owner": people.org.pk, "works": [item(1), item(2)]})
    assert response.status_code == 202, response.content
    job = api.get(f"/works/jobs/{response.json()['id']}").json()
    assert (job["status"], job["total"], job["done"]) == ("done", 2, 2)
    assert [r["created"] for r in job["results"]] == [True, True]
    assert [r["status"] for r in job["results"]] == ["submitted", "submitted"]
    assert Work.objects.count() == 2


def test_the_same_file_again_returns_the_existing_work(people):
    api = with_token(people.owner)
    with after_commit():
        first = api.post("/works", {"owner": people.org.pk, "works": [item(1)]}).json()
    with after_commit():
        again = api.post("/works", {"owner": people.org.pk, "works": [item(1), item(3)]}).json()
    first_result = api.get(f"/works/jobs/{first['id']}").json()["results"][0]
    results = api.get(f"/works/jobs/{again['id']}").json()["results"]
    assert results[0]["work_id"] == first_result["work_id"] and results[0]["created"] is False
    assert results[1]["created"] is True
    assert Work.objects.count() == 2


def test_base64_files_and_per_work_errors(people):
    api = with_token(people.owner)
    encoded = base64.b64encode(("正文内容。" * 50).encode()).decode()
    bad = {**item(2), "files": [{"name": "x.txt", "content": "\u0001\u0002" * 3}]}
    good = {**item(1), "files": [{"name": "a.txt", "content_base64": encoded}]}
    with after_commit():
        job = api.post("/works", {"owner": people.org.pk, "works": [good, bad]}).json()
    results = api.get(f"/works/jobs/{job['id']}").json()["results"]
    assert results[0]["created"] is True
    assert results[1]["error"]["code"] == "file_unreadable"


def test_bulk_refuses_bad_calls_whole(people, registry):
    api = with_token(people.owner)
    error_of(api.post("/works", {"owner": people.org.pk, "works": []}), 422)
    error_of(api.post("/works", {"owner": people.org.pk, "works": [item(1)] * 1001}), 422)
    error_of(
        api.post(
            "/works",
            {
                "owner": people.org.pk,
                "works": [{**item(1), "files": [{"name": "e.txt", "content": ""}]}],
            },
        ),
        400,
        "file_empty",
    )
    bad64 = {**item(1), "files": [{"name": "a.txt", "content_base64": "%%%"}]}
    error_of(api.post("/works", {"owner": people.org.pk, "works": [bad64]}), 422)
    assert not BulkRegistration.objects.exists()


def test_bulk_is_for_the_holders_writers_only(people, registry):
    body = {"owner": people.org.pk, "works": [item(1)]}
    error_of(with_token(people.viewer).post("/works", body), 403)
    error_of(with_token(people.outsider).post("/works", body), 404)
    error_of(with_token(registry.registrar).post("/works", body), 404)
    assert not BulkRegistration.objects.exists()


def test_a_job_is_visible_to_its_holders_members_only(people):
    with after_commit():
        job = with_token(people.owner).post("/works", {"owner": people.org.pk, "works": [item(1)]})
    url = f"/works/jobs/{job.json()['id']}"
    assert with_token(people.viewer).get(url).status_code == 200
    error_of(with_token(people.outsider).get(url), 404)
    error_of(with_token(people.owner).get("/works/jobs/not-a-uuid"), 404)


def test_one_broken_work_does_not_stop_the_others(people, monkeypatch):
    from copyguard.works import bulk

    real = bulk._one

    def flaky(actor, job, index, item):  # type: ignore[no-untyped-def]
        if index == 0:
            raise RuntimeError("disk on fire")
        return real(actor, job, index, item)

    monkeypatch.setattr(bulk, "_one", flaky)
    api = with_token(people.owner)
    with after_commit():
        job = api.post("/works", {"owner": people.org.pk, "works": [item(1), item(2)]}).json()
    results = api.get(f"/works/jobs/{job['id']}").json()["results"]
    assert results[0]["error"]["code"] == "server_error"
    assert results[1]["created"] is True
