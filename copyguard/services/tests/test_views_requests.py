"""Pages of service requests: the list, submitting, a request and its steps, the files —
each with an outsider, a read-only member and bad input."""

# ruff: noqa: RUF001  (full-width CJK punctuation is what people type)
from __future__ import annotations

import pytest
from django.test import Client

from copyguard.accounts.audit import Actor
from copyguard.accounts.models import User
from copyguard.services.actions import requests as actions
from copyguard.services.enums import RequestKind, RequestStatus
from copyguard.services.models import ServiceRequest
from copyguard.services.tests.helpers import PDF, ServiceWorld, stored_files, upload

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _assigned(world: ServiceWorld) -> ServiceRequest:
    return actions.assign_request(Actor(world.supervisor), world.submit(), world.officer)


# ------------------------------------------------------------------ list


def test_each_side_lists_only_its_own_requests(world: ServiceWorld) -> None:
    mine = world.submit()
    theirs = world.submit(world.outsider, enterprise=world.other_enterprise, subject="Theirs")
    jiangmen = world.submit(world.qx_owner, enterprise=world.qiaoxiang, subject="Jiangmen")
    page = _client(world.owner).get("/services/").content.decode()
    assert mine.number in page and theirs.number not in page and jiangmen.number not in page
    page = _client(world.officer).get("/services/").content.decode()
    assert mine.number in page and theirs.number in page and jiangmen.number not in page
    page = _client(world.jm_viewer).get("/services/").content.decode()
    assert jiangmen.number in page and mine.number not in page
    page = _client(world.other_supervisor).get("/services/").content.decode()
    assert "No service requests." in page or mine.number not in page


def test_the_list_filters_by_status_kind_and_overdue(world: ServiceWorld) -> None:
    legal = world.submit()
    pledge = world.submit(kind=RequestKind.PLEDGE_FINANCING, subject="Pledge")
    client = _client(world.supervisor)
    page = client.get("/services/", {"kind": "pledge_financing"}).content.decode()
    assert pledge.number in page and legal.number not in page
    page = client.get("/services/", {"status": "closed"}).content.decode()
    assert legal.number not in page
    page = client.get("/services/", {"overdue": "on"}).content.decode()
    assert legal.number not in page
    assert client.get("/services/", {"status": "nonsense", "page": "x"}).status_code == 200


def test_people_outside_the_service_are_refused_the_list(world: ServiceWorld) -> None:
    from copyguard.accounts.enums import OrganisationKind
    from copyguard.testing import make_member, make_organisation

    platform = make_organisation(OrganisationKind.PLATFORM, name="Video site")
    assert _client(make_member(platform)).get("/services/").status_code == 403
    assert Client().get("/services/").status_code == 302


# ------------------------------------------------------------------ submitting


def test_an_owner_submits_with_a_file(world: ServiceWorld) -> None:
    client = _client(world.owner)
    assert client.get("/services/new/").status_code == 200
    response = client.post(
        "/services/new/",
        {
            "enterprise": world.enterprise.pk,
            "kind": "registration_help",
            "subject": "软件著作权登记",
            "description": "我们的新软件如何登记？",
            "attachments": [upload("说明.pdf", PDF)],
        },
    )
    request = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/services/{request.pk}/"
    assert request.station == world.station and request.attachments.count() == 1


@pytest.mark.parametrize(
    "data, field",
    [
        ({"subject": ""}, "subject"),
        ({"kind": "free_lunch"}, "kind"),
        ({"description": "x" * 10_001}, "description"),
        ({"enterprise": "999999"}, "enterprise"),
    ],
)
def test_bad_submissions_come_back_with_errors(world: ServiceWorld, data: dict, field: str) -> None:  # type: ignore[type-arg]
    form = {
        "enterprise": world.enterprise.pk,
        "kind": "legal_consultation",
        "subject": "Question",
        "description": "Details",
        **data,
    }
    response = _client(world.owner).post("/services/new/", form)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert ServiceRequest.objects.count() == 0


def test_a_refused_file_writes_nothing(world: ServiceWorld, services_data_dir) -> None:  # type: ignore[no-untyped-def]
    response = _client(world.owner).post(
        "/services/new/",
        {
            "enterprise": world.enterprise.pk,
            "kind": "legal_consultation",
            "subject": "Question",
            "description": "Details",
            "attachments": [upload("tool.exe", b"MZ\x90\x00\x03" + b"\x00" * 50)],
        },
    )
    assert response.status_code == 415
    assert "attachments" in response.context["form"].errors
    assert ServiceRequest.objects.count() == 0 and stored_files(services_data_dir) == []


def test_read_only_members_and_stations_cannot_submit(world: ServiceWorld) -> None:
    for user in (world.viewer, world.officer, world.station_viewer):
        assert _client(user).get("/services/new/").status_code == 403
    response = _client(world.viewer).post(
        "/services/new/",
        {"enterprise": world.enterprise.pk, "kind": "legal_consultation", "subject": "x"},
    )
    assert response.status_code == 403


def test_an_owner_cannot_submit_for_another_enterprise(world: ServiceWorld) -> None:
    response = _client(world.owner).post(
        "/services/new/",
        {
            "enterprise": world.other_enterprise.pk,
            "kind": "legal_consultation",
            "subject": "x",
            "description": "y",
        },
    )
    assert response.status_code == 400 and ServiceRequest.objects.count() == 0


# ------------------------------------------------------------------ a request


def test_outsiders_get_404_for_a_request_and_its_files(world: ServiceWorld) -> None:
    request = world.submit(files_in=[upload("a.pdf", PDF)])
    attachment = request.attachments.get()
    for user in (world.outsider, world.other_supervisor, world.jm_supervisor, world.qx_owner):
        client = _client(user)
        assert client.get(f"/services/{request.pk}/").status_code == 404
        assert client.get(f"/services/{request.pk}/files/{attachment.pk}/").status_code == 404
        assert client.post(f"/services/{request.pk}/message/", {"body": "x"}).status_code == 404
    assert _client(world.owner).get("/services/999999/").status_code == 404


def test_the_file_is_a_download_that_is_never_sniffed(world: ServiceWorld) -> None:
    request = world.submit(files_in=[upload("合同.pdf", PDF)])
    attachment = request.attachments.get()
    response = _client(world.station_viewer).get(f"/services/{request.pk}/files/{attachment.pk}/")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]


def test_read_only_members_see_the_request_without_forms_and_get_403(world: ServiceWorld) -> None:
    request = _assigned(world)
    for user in (world.viewer, world.station_viewer, world.officer2):
        client = _client(user)
        page = client.get(f"/services/{request.pk}/").content.decode()
        assert 'id="read-only"' in page and 'id="message-form"' not in page
        for step, data in (
            ("message", {"body": "Hi"}),
            ("assign", {"officer": world.officer2.pk}),
            ("withdraw", {}),
            ("rate", {"rating": "5"}),
        ):
            assert client.post(f"/services/{request.pk}/{step}/", data).status_code == 403
    assert request.messages.count() == 0


def test_the_supervisor_assigns_from_the_page(world: ServiceWorld) -> None:
    request = world.submit()
    client = _client(world.supervisor)
    assert 'id="assign-form"' in client.get(f"/services/{request.pk}/").content.decode()
    response = client.post(f"/services/{request.pk}/assign/", {"officer": world.officer2.pk})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.officer == world.officer2 and request.status == RequestStatus.ASSIGNED
    response = client.post(f"/services/{request.pk}/assign/", {"officer": world.owner.pk})
    assert response.status_code == 400


def test_an_officer_cannot_assign(world: ServiceWorld) -> None:
    request = _assigned(world)
    response = _client(world.officer).post(
        f"/services/{request.pk}/assign/", {"officer": world.officer2.pk}
    )
    assert response.status_code == 403


def test_the_thread_runs_to_the_rating_through_the_pages(world: ServiceWorld) -> None:
    request = _assigned(world)
    officer, owner = _client(world.officer), _client(world.owner)
    assert (
        officer.post(f"/services/{request.pk}/message/", {"body": "A question"}).status_code == 302
    )
    assert owner.post(f"/services/{request.pk}/message/", {"body": "An answer"}).status_code == 302
    response = officer.post(
        f"/services/{request.pk}/message/", {"body": "Our advice", "answer": "on"}
    )
    assert response.status_code == 302
    assert officer.post(f"/services/{request.pk}/close/", {}).status_code == 302
    page = owner.get(f"/services/{request.pk}/").content.decode()
    assert 'id="rate-form"' in page
    response = owner.post(f"/services/{request.pk}/rate/", {"rating": "4", "comment": "好"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED and request.rating == 4
    again = owner.post(f"/services/{request.pk}/rate/", {"rating": "5"})
    assert again.status_code == 409
    request.refresh_from_db()
    assert request.rating == 4


def test_an_empty_message_and_a_bad_rating_come_back_with_errors(world: ServiceWorld) -> None:
    request = _assigned(world)
    response = _client(world.officer).post(f"/services/{request.pk}/message/", {"body": ""})
    assert response.status_code == 400 and "body" in response.context["forms"]["message"].errors
    response = _client(world.owner).post(f"/services/{request.pk}/rate/", {"rating": "9"})
    assert response.status_code == 400


def test_an_unknown_step_is_404_and_get_is_not_allowed(world: ServiceWorld) -> None:
    request = _assigned(world)
    client = _client(world.owner)
    assert client.post(f"/services/{request.pk}/delete/", {}).status_code == 404
    assert client.get(f"/services/{request.pk}/withdraw/").status_code == 405


def test_the_enterprise_withdraws_and_next_must_be_on_this_site(world: ServiceWorld) -> None:
    request = _assigned(world)
    response = _client(world.owner).post(
        f"/services/{request.pk}/withdraw/", {"reason": "", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == f"/services/{request.pk}/"
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN


def test_the_pages_read_in_both_languages(world: ServiceWorld) -> None:
    request = _assigned(world)
    client = _client(world.owner)
    client.cookies["django_language"] = "en"
    assert "Service requests" in client.get("/services/").content.decode()
    client.cookies["django_language"] = "zh-hans"
    page = client.get(f"/services/{request.pk}/").content.decode()
    assert request.number in page
