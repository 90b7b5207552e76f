"""Cooperation pages: the lists of sent and received requests, asking another bureau, and
a request's page with each side's steps; outsiders get 404, read-only members 403."""

from __future__ import annotations

import pytest
from django.urls import reverse

from copyguard.accounts.audit import Actor
from copyguard.enforcement.actions import cooperation as actions
from copyguard.enforcement.enums import CooperationKind, CooperationStatus
from copyguard.enforcement.models import Cooperation
from copyguard.enforcement.tests.cooperation_campaign_helpers import english, make_case, world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
__all__ = ["english", "world"]


def _ask(world, kind=CooperationKind.EVIDENCE, **fields):
    fields.setdefault("subject", "Collect the server logs")
    fields.setdefault("details", "The host is in Jiangmen.")
    return actions.request_cooperation(
        Actor(world.officer), world.administration, world.other_administration, kind=kind, **fields
    )


def test_foshan_asks_jiangmen_through_the_form(client, world):
    case = make_case(world.administration)
    client.force_login(world.officer)
    page = client.get(reverse("enforcement:cooperation_new") + f"?case={case.pk}")
    assert page.status_code == 200
    assert world.other_administration.name in page.content.decode()
    response = client.post(
        reverse("enforcement:cooperation_new"),
        {
            "requester": world.administration.pk,
            "partner": world.other_administration.pk,
            "kind": CooperationKind.EVIDENCE,
            "case": case.pk,
            "subject": "Collect the server logs",
            "details": "The host is in Jiangmen.",
            "clue_url": "",
        },
    )
    cooperation = Cooperation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("enforcement:cooperation_request", args=[cooperation.pk])
    sent = client.get(reverse("enforcement:cooperation") + "?box=sent").content.decode()
    assert "Collect the server logs" in sent
    received = client.get(reverse("enforcement:cooperation")).content.decode()
    assert "Collect the server logs" not in received


def test_asking_oneself_shows_the_error_and_writes_nothing(client, world):
    client.force_login(world.officer)
    response = client.post(
        reverse("enforcement:cooperation_new"),
        {
            "requester": world.administration.pk,
            "partner": world.administration.pk,
            "kind": CooperationKind.EVIDENCE,
            "subject": "S",
            "details": "D",
        },
    )
    assert response.status_code == 400
    assert "cannot ask itself" in response.content.decode()
    assert not Cooperation.objects.exists()


def test_a_read_only_member_may_not_ask(client, world):
    client.force_login(world.admin_viewer)
    assert client.get(reverse("enforcement:cooperation_new")).status_code == 403


def test_jiangmen_accepts_reports_and_completes_on_the_page(client, world):
    cooperation = _ask(world)
    client.force_login(world.other_officer)
    received = client.get(reverse("enforcement:cooperation")).content.decode()
    assert "Collect the server logs" in received
    url = reverse("enforcement:cooperation_request", args=[cooperation.pk])
    assert 'id="accept-form"' in client.get(url).content.decode()
    step = lambda name: reverse("enforcement:cooperation_step", args=[cooperation.pk, name])  # noqa: E731
    assert client.post(step("accept"), {"accept-answer": ""}).status_code == 302
    assert client.post(step("complete"), {"complete-answer": ""}).status_code == 400
    response = client.post(step("complete"), {"complete-answer": "Logs taken on 3 December."})
    assert response.status_code == 302
    cooperation.refresh_from_db()
    assert cooperation.status == CooperationStatus.COMPLETED
    page = client.get(url).content.decode()
    assert "Logs taken on 3 December." in page
    assert 'id="cooperation-actions"' not in page


def test_declining_without_a_reason_is_a_form_error(client, world):
    cooperation = _ask(world)
    client.force_login(world.other_officer)
    url = reverse("enforcement:cooperation_step", args=[cooperation.pk, "decline"])
    response = client.post(url, {"decline-reason": ""})
    assert response.status_code == 400
    cooperation.refresh_from_db()
    assert cooperation.status == CooperationStatus.REQUESTED


def test_the_requester_withdraws_from_the_page(client, world):
    cooperation = _ask(world)
    client.force_login(world.officer)
    url = reverse("enforcement:cooperation_step", args=[cooperation.pk, "withdraw"])
    assert client.post(url, {"withdraw-reason": ""}).status_code == 302
    cooperation.refresh_from_db()
    assert cooperation.status == CooperationStatus.WITHDRAWN


def test_read_only_members_see_but_may_not_act(client, world):
    cooperation = _ask(world)
    url = reverse("enforcement:cooperation_request", args=[cooperation.pk])
    accept = reverse("enforcement:cooperation_step", args=[cooperation.pk, "accept"])
    for viewer in (world.admin_viewer, world.other_admin_viewer):
        client.force_login(viewer)
        page = client.get(url)
        assert page.status_code == 200
        assert 'id="cooperation-actions"' not in page.content.decode()
        assert client.post(accept, {"accept-answer": ""}).status_code == 403
    cooperation.refresh_from_db()
    assert cooperation.status == CooperationStatus.REQUESTED


def test_outsiders_get_404(client, world):
    cooperation = _ask(world, case=make_case(world.administration))
    url = reverse("enforcement:cooperation_request", args=[cooperation.pk])
    accept = reverse("enforcement:cooperation_step", args=[cooperation.pk, "accept"])
    for outsider in (world.outsider, world.police.head, world.other_police.handler):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(accept, {"accept-answer": ""}).status_code == 404
        listing = client.get(reverse("enforcement:cooperation") + "?box=sent")
        assert "Collect the server logs" not in listing.content.decode()


def test_the_case_is_linked_only_for_those_who_may_see_it(client, world):
    case = make_case(world.administration, title="Pirate e-books")
    cooperation = _ask(world, kind=CooperationKind.JOINT_CASE, case=case)
    url = reverse("enforcement:cooperation_request", args=[cooperation.pk])
    case_url = reverse("enforcement:case", args=[case.pk])
    client.force_login(world.other_officer)
    assert case_url not in client.get(url).content.decode()  # not yet accepted
    actions.accept_cooperation(Actor(world.other_officer), cooperation)
    assert case_url in client.get(url).content.decode()
