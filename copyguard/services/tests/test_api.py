"""The service-request API: submitting (JSON and multipart), reading, the thread, assigning,
closing, withdrawing, rating, files, routing rules and the workload — with outsiders,
read-only members and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from copyguard.accounts.audit import Actor
from copyguard.services.actions import requests as actions
from copyguard.services.enums import RequestStatus
from copyguard.services.models import RoutingRule, ServiceRequest
from copyguard.services.tests.helpers import PDF, ServiceWorld, stored_files, upload
from tests.api.support import API, anonymous, error_of, new_token, with_session, with_token

pytestmark = pytest.mark.django_db

S = f"{API}/services"


def _new(**extra: Any) -> dict[str, Any]:
    return {
        "kind": "rights_protection",
        "subject": "A site copies our e-books",
        "description": "https://pirate.example/books lists all our titles.",
        **extra,
    }


def _multipart(user: Any, path: str, data: dict[str, Any]) -> Any:
    client = Client()
    return client.post(path, data, HTTP_AUTHORIZATION=f"Bearer {new_token(user)}")


def _assigned(world: ServiceWorld) -> ServiceRequest:
    return actions.assign_request(Actor(world.supervisor), world.submit(), world.officer)


# ------------------------------------------------------------------ submitting


def test_an_owner_submits_json_and_the_only_enterprise_is_taken(world: ServiceWorld) -> None:
    response = with_token(world.owner).post(f"{S}/requests", _new())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["station_id"] == world.station.pk and body["status"] == "submitted"
    assert body["routing_rule_id"] == world.rule.pk and body["overdue"] is False
    assert body["enterprise_id"] == world.enterprise.pk


def test_a_multipart_submission_carries_files(world: ServiceWorld) -> None:
    response = _multipart(
        world.staff,
        f"{S}/requests",
        {**_new(enterprise=str(world.enterprise.pk)), "files": [upload("evidence.pdf", PDF)]},
    )
    assert response.status_code == 201, response.content
    assert [f["media_type"] for f in response.json()["files"]] == ["application/pdf"]


def test_a_session_must_send_the_csrf_token(world: ServiceWorld) -> None:
    error_of(with_session(world.owner, csrf=False).post(f"{S}/requests", _new()), 403)
    assert with_session(world.owner).post(f"{S}/requests", _new()).status_code == 201


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({"kind": "free_lunch"}, 400, "kind"),
        ({"subject": ""}, 400, "subject"),
        ({"subject": 5}, 422, "subject"),
        ({"description": "a\x00b"}, 400, "description"),
        ({"enterprise": "abc"}, 400, "enterprise"),
    ],
)
def test_bad_submissions_are_refused(
    world: ServiceWorld, body: dict[str, Any], status: int, field: str
) -> None:
    error = error_of(with_token(world.owner).post(f"{S}/requests", _new(**body)), status)
    assert field in error["fields"]
    assert ServiceRequest.objects.count() == 0


def test_malformed_bodies_are_refused(world: ServiceWorld) -> None:
    caller = with_token(world.owner)
    error_of(caller.post(f"{S}/requests", raw="{not json"), 400, "invalid_json")
    error_of(caller.post(f"{S}/requests", [1, 2]), 400)
    response = Client().post(
        f"{S}/requests",
        b"x",
        content_type="text/plain",
        HTTP_AUTHORIZATION=f"Bearer {new_token(world.owner)}",
    )
    error_of(response, 415)


def test_a_program_is_refused_and_nothing_is_written(
    world: ServiceWorld, services_data_dir
) -> None:  # type: ignore[no-untyped-def]
    response = _multipart(
        world.owner,
        f"{S}/requests",
        {**_new(), "files": [upload("a.pdf", b"\x7fELF" + b"\0" * 60)]},
    )
    error_of(response, 415, "unsupported_file")
    assert ServiceRequest.objects.count() == 0 and stored_files(services_data_dir) == []


def test_a_huge_body_is_refused_before_it_is_read(world: ServiceWorld, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SERVICE_MAX_BYTES = 10
    settings.SERVICE_MAX_FILES = 1
    response = _multipart(
        world.owner, f"{S}/requests", {**_new(), "files": [upload("a.txt", b"x" * 400_000)]}
    )
    error_of(response, 413)


def test_viewers_stations_and_outsiders_cannot_submit_for_the_enterprise(
    world: ServiceWorld,
) -> None:
    for user in (world.viewer, world.outsider, world.officer):
        response = with_token(user).post(f"{S}/requests", _new(enterprise=world.enterprise.pk))
        assert response.status_code in (400, 403)
    assert ServiceRequest.objects.count() == 0
    error_of(anonymous().post(f"{S}/requests", _new()), 401)


def test_an_unserved_region_is_422_not_routed(world: ServiceWorld) -> None:
    world.enterprise.region_code = "650100"
    world.enterprise.save()
    error_of(with_token(world.owner).post(f"{S}/requests", _new()), 422, "not_routed")


# ------------------------------------------------------------------ reading


def test_each_side_reads_its_own_and_outsiders_get_404(world: ServiceWorld) -> None:
    request = world.submit(files_in=[upload("a.pdf", PDF)])
    file_id = request.attachments.get().pk
    for user in (world.owner, world.viewer, world.officer2, world.station_viewer):
        caller = with_token(user)
        assert caller.get(f"{S}/requests/{request.pk}").status_code == 200
        assert caller.get(f"{S}/requests").json()["count"] == 1
        assert caller.get(f"{S}/requests/{request.pk}/files/{file_id}").status_code == 200
    for user in (world.outsider, world.other_supervisor, world.jm_supervisor):
        caller = with_token(user)
        error_of(caller.get(f"{S}/requests/{request.pk}"), 404)
        error_of(caller.get(f"{S}/requests/{request.pk}/messages"), 404)
        error_of(caller.get(f"{S}/requests/{request.pk}/files/{file_id}"), 404)
        assert caller.get(f"{S}/requests").json()["count"] == 0
    error_of(with_token(world.owner).get(f"{S}/requests/{2**63}"), 400)


def test_the_list_filters_and_refuses_unknown_values(world: ServiceWorld) -> None:
    world.submit()
    caller = with_token(world.supervisor)
    assert caller.get(f"{S}/requests?status=open").json()["count"] == 1
    assert caller.get(f"{S}/requests?status=closed").json()["count"] == 0
    assert caller.get(f"{S}/requests?kind=pledge_financing").json()["count"] == 0
    assert caller.get(f"{S}/requests?mine=true").json()["count"] == 0
    error_of(caller.get(f"{S}/requests?status=lost"), 400)
    error_of(caller.get(f"{S}/requests?kind=lost"), 400)
    error_of(caller.get(f"{S}/requests?page=99"), 404, "invalid_page")


# ------------------------------------------------------------------ steps


def test_the_whole_course_through_the_api(world: ServiceWorld) -> None:
    request = world.submit()
    head, officer, owner = (
        with_token(world.supervisor),
        with_token(world.officer),
        with_token(world.owner),
    )
    response = head.post(f"{S}/requests/{request.pk}/assign", {"officer_id": world.officer.pk})
    assert response.status_code == 200 and response.json()["status"] == "assigned"
    assert (
        officer.post(f"{S}/requests/{request.pk}/messages", {"body": "Which site?"}).status_code
        == 201
    )
    assert (
        owner.post(f"{S}/requests/{request.pk}/messages", {"body": "pirate.example"}).status_code
        == 201
    )
    response = officer.post(
        f"{S}/requests/{request.pk}/messages", {"body": "We sent a notice.", "answer": True}
    )
    assert response.status_code == 201 and response.json()["is_answer"] is True
    assert officer.post(f"{S}/requests/{request.pk}/close", {}).json()["status"] == "closed"
    response = owner.post(f"{S}/requests/{request.pk}/rating", {"rating": 5, "comment": "好"})
    assert response.status_code == 200 and response.json()["rating"] == 5
    error_of(owner.post(f"{S}/requests/{request.pk}/rating", {"rating": 4}), 409, "already_rated")
    thread = owner.get(f"{S}/requests/{request.pk}/messages").json()
    assert [m["side"] for m in thread] == ["station", "enterprise", "station"]


def test_read_only_members_get_403_on_every_step(world: ServiceWorld) -> None:
    request = _assigned(world)
    for user in (world.viewer, world.station_viewer, world.officer2):
        caller = with_token(user)
        error_of(caller.post(f"{S}/requests/{request.pk}/messages", {"body": "x"}), 403)
        error_of(caller.post(f"{S}/requests/{request.pk}/assign", {"officer_id": None}), 403)
        error_of(caller.post(f"{S}/requests/{request.pk}/withdraw", {}), 403)
        error_of(caller.post(f"{S}/requests/{request.pk}/close", {}), 403)
        error_of(caller.post(f"{S}/requests/{request.pk}/rating", {"rating": 3}), 403)
    request.refresh_from_db()
    assert request.status == RequestStatus.ASSIGNED and request.messages.count() == 0


def test_step_input_is_checked(world: ServiceWorld) -> None:
    request = _assigned(world)
    owner, head = with_token(world.owner), with_token(world.supervisor)
    error_of(owner.post(f"{S}/requests/{request.pk}/rating", {"rating": 6}), 422)
    error_of(owner.post(f"{S}/requests/{request.pk}/rating", {"rating": 3, "x": 1}), 422)
    error_of(owner.post(f"{S}/requests/{request.pk}/withdraw", {"reason": "a\x00"}), 422)
    error_of(owner.post(f"{S}/requests/{request.pk}/messages", {"body": ""}), 400)
    error_of(
        owner.post(f"{S}/requests/{request.pk}/messages", {"body": "x", "answer": "maybe"}), 422
    )
    error_of(head.post(f"{S}/requests/{request.pk}/assign", {"officer_id": world.owner.pk}), 400)
    error_of(head.post(f"{S}/requests/{request.pk}/assign", {"officer_id": 999999}), 422)
    error_of(owner.post(f"{S}/requests/{request.pk}/close", {}), 409, "wrong_status")


def test_the_enterprise_withdraws(world: ServiceWorld) -> None:
    request = _assigned(world)
    response = with_token(world.staff).post(
        f"{S}/requests/{request.pk}/withdraw", {"reason": "Done"}
    )
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    error_of(with_token(world.staff).post(f"{S}/requests/{request.pk}/withdraw", {}), 409)


# ------------------------------------------------------------------ routing and workload


def test_the_route_preview(world: ServiceWorld) -> None:
    caller = with_token(world.owner)
    body = caller.get(f"{S}/route?region_code=330402&kind=legal_consultation").json()
    assert body["station_id"] == world.station.pk and body["answer_due_in_working_days"] == 5
    body = caller.get(f"{S}/route?region_code=440705&kind=legal_consultation").json()
    assert body["station_id"] == world.jm.pk and body["routing_rule_id"] is None
    error_of(caller.get(f"{S}/route?region_code=6501&kind=legal_consultation"), 400)
    error_of(caller.get(f"{S}/route?region_code=650100&kind=legal_consultation"), 422, "not_routed")


def test_rules_are_added_and_deactivated_by_the_regions_administration(
    world: ServiceWorld,
) -> None:
    head = with_token(world.jm_supervisor)
    response = head.post(
        f"{S}/routing-rules",
        {"station_id": world.jm.pk, "region_prefix": "4407", "kinds": ["pledge_financing"]},
    )
    assert response.status_code == 201, response.content
    rule_id = response.json()["id"]
    error_of(
        head.post(f"{S}/routing-rules", {"station_id": world.jm.pk, "region_prefix": "3304"}),
        403,
    )
    error_of(
        head.post(
            f"{S}/routing-rules",
            {"station_id": world.jm.pk, "region_prefix": "4407", "kinds": ["x"]},
        ),
        400,
    )
    error_of(with_token(world.jm_viewer).post(f"{S}/routing-rules/{rule_id}/deactivate"), 403)
    error_of(with_token(world.owner).post(f"{S}/routing-rules/{rule_id}/deactivate"), 404)
    assert head.post(f"{S}/routing-rules/{rule_id}/deactivate").json()["is_active"] is False
    assert not RoutingRule.objects.get(pk=rule_id).is_active
    ids = [r["id"] for r in with_token(world.station_viewer).get(f"{S}/routing-rules").json()]
    assert ids == [world.rule.pk]


def test_the_workload_api(world: ServiceWorld) -> None:
    request = _assigned(world)
    actions.post_message(Actor(world.officer), request, "Answer", answer=True)
    body = with_token(world.station_viewer).get(f"{S}/stations/{world.station.pk}/workload").json()
    officer = next(o for o in body["officers"] if o["officer_id"] == world.officer.pk)
    assert officer["open"] == 1 and officer["answered"] == 1 and officer["responded"] == 1
    assert body["total"]["total"] == 1
    for user in (world.owner, world.other_supervisor):
        error_of(with_token(user).get(f"{S}/stations/{world.station.pk}/workload"), 404)
    # Not a word, and not a number read as seconds since 1970 (schemathesis's long pass).
    for since in ("yesterday", "0", "1700000000"):
        error_of(
            with_token(world.supervisor).get(
                f"{S}/stations/{world.station.pk}/workload?since={since}"
            ),
            400,
        )
    answered = with_token(world.supervisor).get(
        f"{S}/stations/{world.station.pk}/workload?since=2026-01-05"
    )
    assert answered.status_code == 200 and answered.json()["since"] == "2026-01-05"
