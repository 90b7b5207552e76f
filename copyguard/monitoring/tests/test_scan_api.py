# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""POST /api/v1/scan and GET /api/v1/scan/{id}: synchronous scans of small texts and
pictures against real registered works, the job for the rest, and who may scan."""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.accounts.models import AuditEvent, Organisation, User
from copyguard.monitoring.enums import RunStatus
from copyguard.monitoring.models import UploadScan
from copyguard.monitoring.scanning_jobs import upload_dir
from copyguard.testing import make_member, make_organisation
from copyguard.works import actions
from copyguard.works.models import Registration
from copyguard.works.testing import SAMPLE_TEXT, after_commit, make_registry, registered_work
from tests.api.support import API, ApiCaller, anonymous, error_of, with_session, with_token

PUBLIC_KEYS = {"registration_number", "title", "work_id", "score", "media", "segments", "box"}
FORUM_POST = (
    "楼主：今天看到一篇文章，分享给大家。" + SAMPLE_TEXT[10:220] + "回复：写得真好，收藏了。"
)
OTHER_TEXTS = [
    "秋天的北京，天高云淡，香山的红叶漫山遍野，游人如织，胡同里飘着糖炒栗子的香味。" * 6,
    "海边的渔村清晨最热闹，渔船归港，鱼贩吆喝，孩子们在沙滩上追逐浪花，老人修补渔网。" * 6,
    "高原上的牧民逐水草而居，帐篷里酥油茶飘香，牦牛在雪山脚下慢慢吃草，经幡随风飘动。" * 6,
]


@dataclass
class Platform:
    org: Organisation
    owner: User
    handler: User
    viewer: User


pytestmark = pytest.mark.usefixtures("data_dir")


@pytest.fixture
def platform(db) -> Platform:  # type: ignore[no-untyped-def]
    org = make_organisation(OrganisationKind.PLATFORM, name="Video Site")
    return Platform(
        org=org,
        owner=make_member(org, Role.OWNER),
        handler=make_member(org, Role.NOTICE_HANDLER),
        viewer=make_member(org, Role.VIEWER),
    )


@pytest.fixture
def essay(people) -> Registration:  # type: ignore[no-untyped-def]
    registry = make_registry()
    for index, text in enumerate(OTHER_TEXTS):
        registered_work(people.other_org, registry, text, title=f"other {index}")
    return registered_work(people.org, registry, title="江南")


def post_file(
    caller: ApiCaller,
    data: bytes,
    name: str = "post.txt",
    content_type: str = "text/plain",
    **fields: object,
):  # type: ignore[no-untyped-def]
    headers = dict(caller.headers)
    if caller.csrf:
        headers["X-CSRFToken"] = caller.csrf_token()
    body: dict[str, object] = {"file": SimpleUploadedFile(name, data, content_type), **fields}
    return caller.client.post(f"{API}/scan", body, headers=headers)


def jobs_run():  # type: ignore[no-untyped-def]
    """Jobs queued after commit run at the end of the block (the test backend runs them)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


# ---------------------------------------------------------------- synchronous scans


def test_a_platform_scans_a_small_text_and_learns_the_registered_work(platform, essay):
    api = with_token(platform.handler)
    post_file(api, SAMPLE_TEXT.encode())  # the first scan opens the index
    started = time.perf_counter()
    response = post_file(api, FORUM_POST.encode())
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"id", "status", "media", "matches", "error"}
    assert body["status"] == "finished" and body["media"] == "text" and body["error"] == ""
    (found,) = body["matches"]
    assert set(found) == PUBLIC_KEYS  # no owner, no registered text, no engine internals
    assert found["registration_number"] == essay.number and found["title"] == "江南"
    assert found["work_id"] == essay.work_id and found["media"] == "text"
    assert 0 < found["score"] <= 1 and found["box"] is None
    (q0, q1) = found["segments"][0]["query"]
    assert 0 <= q0 < q1 <= len(FORUM_POST) and isinstance(q0, int)  # characters
    # A generous bound, not a benchmark: the measured figure is in the report.
    print(f"\nsync text scan: {elapsed * 1000:.0f} ms")
    assert elapsed < 5
    scan = UploadScan.objects.get(pk=body["id"])
    assert scan.organisation == platform.org and scan.created_by == platform.handler
    assert scan.token is not None and scan.status == RunStatus.FINISHED
    assert scan.result["matches"] == body["matches"] and scan.size == len(FORUM_POST.encode())
    assert list(
        AuditEvent.objects.filter(object_type="monitoring.uploadscan", object_id=str(scan.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["monitoring.upload_scan.start", "monitoring.upload_scan.finish"]
    again = api.get(f"/scan/{scan.pk}").json()
    assert again["matches"] == body["matches"] and again["name"] == "post.txt"


def test_unrelated_text_matches_nothing(platform, essay):
    response = post_file(
        with_token(platform.owner),
        "北方的冬天漫长而寒冷，屋檐下挂着冰凌，人们围着火炉喝茶聊天，窗外大雪纷飞。".encode() * 4,
    )
    assert response.status_code == 200, response.content
    assert response.json()["matches"] == []


def test_a_web_page_is_read_for_its_main_text(platform, essay):
    page = f"<html><body><nav>首页 论坛</nav><article><p>{FORUM_POST}</p></article></body></html>"
    response = post_file(with_token(platform.owner), page.encode(), "thread.html", "text/html")
    assert response.status_code == 200, response.content
    assert [m["work_id"] for m in response.json()["matches"]] == [essay.work_id]


def _jpeg_crop(png: bytes) -> bytes:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    out = io.BytesIO()
    image.crop((width // 10, height // 10, width - width // 8, height - height // 10)).save(
        out, "JPEG", quality=80
    )
    return out.getvalue()


@pytest.mark.django_db
def test_a_cropped_copy_of_a_registered_photograph_is_found_with_its_box(platform, people):
    from copyguard.works.samples import landscape_png

    registry = make_registry()
    actor = Actor.system(via="test")
    work = actions.create_work(
        actor, people.org, title="湖", category="photography", authors=[{"real_name": "摄影师"}]
    )
    actions.add_file(actor, work, landscape_png(1), "lake.png")
    with after_commit():
        registration = actions.submit(actor, work.current_registration)
    registrar = Actor(user=registry.registrar)
    registration = actions.take_for_examination(registrar, registration, registry.administration)
    reason = "test" if registration.approval_needs_reason() else ""
    with after_commit():
        registration = actions.approve(registrar, registration, registry.administration, reason)
    api = with_token(platform.owner)
    post_file(api, landscape_png(5), "warm-up.png", "image/png")
    started = time.perf_counter()
    response = post_file(api, _jpeg_crop(landscape_png(1)), "copy.jpg", "image/jpeg")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["media"] == "image"
    (found,) = body["matches"]
    assert set(found) == PUBLIC_KEYS
    assert found["registration_number"] == registration.number and found["title"] == "湖"
    assert found["media"] == "image" and len(found["box"]) == 4 and found["segments"] == []
    print(f"\nsync image scan: {elapsed * 1000:.0f} ms")
    assert elapsed < 10
    unrelated = post_file(api, landscape_png(7), "other.png", "image/png").json()
    assert unrelated["media"] == "image" and unrelated["matches"] == []


# ---------------------------------------------------------------- the job


def test_a_large_file_is_queued_kept_until_the_job_is_done_and_answered_by_it(
    platform, essay, settings
):
    settings.SCAN_SYNC_MAX_BYTES = 100
    api = with_token(platform.owner)
    with jobs_run():
        response = post_file(api, FORUM_POST.encode(), "chapter.txt")
        assert response.status_code == 202, response.content
        body = response.json()
        assert set(body) == {"id", "status", "status_url"} and body["status"] == "queued"
        assert body["status_url"] == f"{API}/scan/{body['id']}"
        scan = UploadScan.objects.get(pk=body["id"])
        stored = upload_dir() / scan.storage_name
        assert stored.read_bytes() == FORUM_POST.encode()  # kept while it waits
        waiting = api.get(body["status_url"]).json()
        assert waiting["status"] == "queued" and waiting["matches"] == []
    done = api.get(body["status_url"]).json()
    assert done["status"] == "finished" and done["media"] == "text", done
    assert [m["registration_number"] for m in done["matches"]] == [essay.number]
    assert set(done["matches"][0]) == PUBLIC_KEYS
    assert done["finished_at"] and done["name"] == "chapter.txt"
    assert not stored.exists()  # deleted once done
    scan.refresh_from_db()
    assert scan.job_id


def test_a_sound_file_goes_to_the_job_however_small(platform, essay):
    from copyguard.works.samples import tune_wav

    response = post_file(with_token(platform.owner), tune_wav(3, seconds=3.0), "a.wav", "audio/wav")
    assert response.status_code == 202, response.content


def test_an_unreadable_queued_file_fails_with_its_reason(platform, essay, settings):
    settings.SCAN_SYNC_MAX_BYTES = 10
    api = with_token(platform.owner)
    with jobs_run():
        response = post_file(api, b"\x89PNG\r\n\x1a\n" + b"\x00" * 400, "broken.png", "image/png")
    assert response.status_code == 202, response.content
    failed = api.get(response.json()["status_url"]).json()
    assert failed["status"] == "failed" and failed["error"] and failed["matches"] == []
    assert not any(upload_dir().iterdir())


def test_the_job_is_safe_to_run_again(platform, essay, settings):
    from copyguard.monitoring.scanning_jobs import run_upload_scan

    settings.SCAN_SYNC_MAX_BYTES = 100
    with jobs_run():
        response = post_file(with_token(platform.owner), FORUM_POST.encode())
    scan = UploadScan.objects.get(pk=response.json()["id"])
    events = AuditEvent.objects.count()
    assert run_upload_scan.call(scan.pk) == "nothing to do"
    assert AuditEvent.objects.count() == events


# ---------------------------------------------------------------- who may scan


def test_anonymous_callers_and_members_without_the_scan_permission_are_refused(
    platform, people, essay
):
    error_of(post_file(anonymous(), b"text " * 20), 401)
    error_of(post_file(with_token(platform.viewer), b"text " * 20), 403, "forbidden")
    error_of(post_file(with_token(people.viewer), b"text " * 20), 403, "forbidden")
    # A session must send the CSRF token.
    error_of(post_file(with_session(platform.owner, csrf=False), b"text " * 20), 403)
    assert post_file(with_session(platform.owner), b"text " * 20).status_code == 200
    assert not UploadScan.objects.filter(created_by__in=[platform.viewer, people.viewer]).exists()


def test_an_outsider_can_neither_scan_for_nor_see_another_organisations_scans(
    platform, people, essay
):
    scan_id = post_file(with_token(platform.owner), FORUM_POST.encode()).json()["id"]
    outsider = with_token(people.outsider)
    error_of(post_file(outsider, b"text " * 20, organisation=platform.org.pk), 404)
    error_of(outsider.get(f"/scan/{scan_id}"), 404)
    error_of(anonymous().get(f"/scan/{scan_id}"), 401)
    # A read-only member of the platform sees its scans.
    assert with_token(platform.viewer).get(f"/scan/{scan_id}").status_code == 200
    error_of(with_token(platform.owner).get("/scan/999999"), 404)


def test_a_member_of_several_scanning_organisations_says_which(platform, people, essay, settings):
    settings.ALLOW_PRIVATE_NETWORKS = True
    Membership = type(platform.owner.memberships.first())
    Membership.objects.create(user=platform.owner, organisation=people.org, role=Role.STAFF)
    api = with_token(platform.owner)
    error = error_of(post_file(api, b"text " * 20), 400, "invalid")
    assert "organisation" in error["fields"]
    response = post_file(api, b"text " * 20, organisation=people.org.pk)
    assert response.status_code == 200, response.content
    assert UploadScan.objects.get(pk=response.json()["id"]).organisation == people.org
    response = api.post(f"/scan?organisation={platform.org.pk}", {"url": "http://127.0.0.1:8999/"})
    assert response.status_code == 202, response.content
    error_of(post_file(api, b"text " * 20, organisation="abc"), 400, "invalid")


# ---------------------------------------------------------------- bad input


def test_bad_input_is_refused_with_the_error_format(platform, essay, settings):
    api = with_token(platform.owner)
    error_of(post_file(api, b""), 400, "unreadable")
    error_of(post_file(api, b"text", media="poem"), 400, "invalid")
    error_of(api.post("/scan"), 400)  # no body at all
    error_of(api.post("/scan", {"media": "text"}), 400, "invalid")  # neither file nor url
    error_of(api.post("/scan", [1, 2]), 400, "invalid")
    error_of(api.post("/scan", raw="{not json"), 400, "invalid_json")
    error_of(api.post("/scan", {"url": 5}), 400, "invalid")
    error_of(post_file(api, b"text " * 20, url="http://example.com/"), 400, "invalid")
    error_of(
        api.client.post(
            f"{API}/scan",
            b"raw bytes",
            content_type="application/octet-stream",
            headers=api.headers,
        ),
        415,
    )
    # Bytes of no format the engine reads, named as a picture.
    error_of(post_file(api, b"\x00\x01garbage" * 50, "photo.png", "image/png"), 415, "unreadable")
    # A decompression bomb: 48 KB of PNG that would be 400 million pixels.
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, "PNG")
    error = error_of(post_file(api, bomb.getvalue(), "bomb.png", "image/png"), 415, "unreadable")
    assert "pixel limit" in error["message"]
    settings.SCAN_MAX_BYTES = 1000
    error_of(post_file(api, b"x" * 2000), 413, "too_large")
    # Refused from its Content-Length, before the body is read.
    big = api.client.post(
        f"{API}/scan",
        b"",
        content_type="multipart/form-data; boundary=x",
        headers=api.headers,
        CONTENT_LENGTH="10000000",
    )
    error_of(big, 413, "too_large")
    assert not upload_dir().exists() or not any(upload_dir().iterdir())
    assert not UploadScan.objects.filter(status=RunStatus.RUNNING).exists()


def test_a_hostile_file_name_is_cleaned_and_never_used_as_a_path(platform, essay, settings):
    settings.SCAN_SYNC_MAX_BYTES = 10
    api = with_token(platform.owner)
    response = post_file(api, FORUM_POST.encode(), "..\\..\\etc/pass\x07wd\u202e.txt")
    assert response.status_code == 202, response.content
    scan = UploadScan.objects.get(pk=response.json()["id"])
    assert scan.name == "passwd.txt"
    assert re.fullmatch(r"[0-9a-f]{32}\.upload", scan.storage_name)
    assert [p.name for p in upload_dir().iterdir()] == [scan.storage_name]
    long = post_file(api, FORUM_POST.encode(), "a" * 500 + ".txt")
    scan = UploadScan.objects.get(pk=long.json()["id"])
    assert len(scan.name) <= 200 and scan.name.endswith(".txt")


# ---------------------------------------------------------------- OpenAPI


def test_the_openapi_document_describes_the_request_and_both_answers():
    from copyguard.api import api

    schema = api.get_openapi_schema(path_prefix=f"{API}/")
    post = schema["paths"][f"{API}/scan"]["post"]
    content = post["requestBody"]["content"]
    assert content["multipart/form-data"]["schema"]["properties"]["file"]["format"] == "binary"
    assert "url" in content["application/json"]["schema"]["properties"]
    assert {"200", "202", "413", "415", "429"} <= {str(code) for code in post["responses"]}
    get = schema["paths"][f"{API}/scan/{{scan_id}}"]["get"]
    assert 200 in get["responses"] or "200" in get["responses"]
