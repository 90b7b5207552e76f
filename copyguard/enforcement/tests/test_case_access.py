"""Who sees a case along its criminal path — the acceptance matrix, through the pages and
the API.

A case handled by Foshan's bureau is checked before any transfer and after each transfer
reaches the next agency (police, procuratorate, court). At every point each persona asks
for the case's page, each transfer's page, and the API's case and transfer: the handling
bureau and the complainant always see it, the provincial administration read-only;
Foshan's police, procuratorate and court only from the moment a transfer to them was sent;
Jiangmen's police, procuratorate, court and bureau, another rights holder and a platform
never. The provincial procuratorate sees the case only once it reaches the early-warning
level. Read-only members see but may not act (403).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from copyguard.enforcement.actions import transfers as actions
from copyguard.enforcement.enums import ThresholdState
from copyguard.enforcement.models import Case, CaseTransfer
from copyguard.enforcement.testing import make_enforcement_world
from copyguard.enforcement.tests.transfers_helpers import act, data_dir, make_case
from tests.api.support import with_token

__all__ = ["data_dir"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("data_dir")]

API = "/api/v1/enforcement"
STAGES = ("before", "police", "procuratorate", "court")


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    return make_enforcement_world()


def personas(world: Any) -> dict[str, tuple[Any, str]]:
    """Each persona and the first stage from which it sees the case ("" for never)."""
    return {
        "handling bureau officer": (world.officer, "before"),
        "handling bureau read-only member": (world.admin_viewer, "before"),
        "provincial administration": (world.province_supervisor, "before"),
        "complainant rights holder": (world.owner, "before"),
        "Foshan police head": (world.police.head, "police"),
        "Foshan police read-only member": (world.police.viewer, "police"),
        "Foshan procuratorate prosecutor": (world.procuratorate.handler, "procuratorate"),
        "Foshan procuratorate read-only member": (world.procuratorate.viewer, "procuratorate"),
        "Foshan court judge": (world.court.handler, "court"),
        "Foshan court read-only member": (world.court.viewer, "court"),
        "Jiangmen police": (world.other_police.head, ""),
        "Jiangmen procuratorate": (world.other_procuratorate.head, ""),
        "Jiangmen court": (world.other_court.head, ""),
        "Jiangmen administration": (world.other_officer, ""),
        "provincial procuratorate (case below warning)": (world.province_procuratorate.head, ""),
        "another rights holder": (world.outsider, ""),
        "platform": (world.platform_owner, ""),
    }


def _answers(client: Client, user: Any, case: Case) -> dict[str, int]:
    """The status of each way of looking at the case: its page, its API, and each of its
    transfers' page and API."""
    client.force_login(user)
    answers = {
        "case page": client.get(reverse("enforcement:case", args=[case.pk])).status_code,
        "case API": client.get(f"{API}/cases/{case.pk}").status_code,
    }
    for transfer in CaseTransfer.objects.filter(case=case).order_by("pk"):
        page = reverse("enforcement:transfer", args=[transfer.pk])
        answers[f"transfer {transfer.stage} page"] = client.get(page).status_code
        answers[f"transfer {transfer.stage} API"] = client.get(
            f"{API}/transfers/{transfer.pk}"
        ).status_code
    return answers


def _send(world: Any, case: Case, stage: str) -> CaseTransfer:
    """Accept the transfer in hand (if any), then propose, approve and send the next."""
    sender, head, receiver = {
        "police": (world.officer, world.supervisor, world.police),
        "procuratorate": (world.police.handler, world.police.head, world.procuratorate),
        "court": (world.procuratorate.handler, world.procuratorate.head, world.court),
    }[stage]
    for sent in CaseTransfer.objects.filter(case=case, status="sent"):
        actions.accept_transfer(act(sent.to_agency.memberships.get(role="supervisor").user), sent)
    transfer = actions.propose_transfer(
        act(sender), case, to_agency=receiver.organisation, grounds="Grounds", suspicion=True
    )
    actions.decide_transfer(act(head), transfer, approve=True)
    return actions.send_transfer(act(sender), transfer)


def test_each_agency_sees_the_case_only_once_it_reached_them(world: Any) -> None:
    case = make_case(world, complainant=world.holder)
    people = personas(world)
    client = Client()
    failures = []
    for stage in STAGES:
        if stage != "before":
            _send(world, case, stage)
        reached = STAGES[: STAGES.index(stage) + 1]
        for label, (user, from_stage) in people.items():
            expected = 200 if from_stage and from_stage in reached else 404
            for view, status in _answers(client, user, case).items():
                if status != expected:
                    failures.append(f"{stage}: {label} got {status} on the {view}")
    assert not failures, "\n".join(failures)


def test_a_proposed_or_approved_transfer_does_not_open_the_case_to_the_police(
    world: Any,
) -> None:
    case = make_case(world)
    transfer = actions.propose_transfer(
        act(world.officer),
        case,
        to_agency=world.police.organisation,
        grounds="Grounds",
        suspicion=True,
    )
    client = Client()
    assert set(_answers(client, world.police.head, case).values()) == {404}
    actions.decide_transfer(act(world.supervisor), transfer, approve=True)
    assert set(_answers(client, world.police.head, case).values()) == {404}
    actions.send_transfer(act(world.officer), transfer)
    assert set(_answers(client, world.police.head, case).values()) == {200}
    # Returned, the case stays visible to the police who had it (their own step is on it).
    actions.return_transfer(act(world.police.handler), transfer, reasons="Incomplete")
    assert set(_answers(client, world.police.head, case).values()) == {200}
    assert set(_answers(client, world.other_police.head, case).values()) == {404}


@pytest.mark.parametrize("state", [ThresholdState.WARNING, ThresholdState.REACHED])
def test_procuratorates_supervise_cases_at_warning_level_in_their_region(
    world: Any, state: str
) -> None:
    case = make_case(world, threshold=state)
    client = Client()
    for user in (world.province_procuratorate.head, world.procuratorate.viewer):
        assert set(_answers(client, user, case).values()) == {200}
    for user in (world.other_procuratorate.head, world.police.head, world.court.head):
        assert set(_answers(client, user, case).values()) == {404}


def test_read_only_members_see_but_may_not_act(world: Any) -> None:
    case = make_case(world, complainant=world.holder)
    propose = reverse("enforcement:transfer_propose", args=[case.pk])
    body = {"to_agency_id": world.police.organisation.pk, "grounds": "x", "suspicion": True}
    client = Client()
    for user in (world.admin_viewer, world.province_supervisor, world.owner):
        client.force_login(user)
        assert client.get(reverse("enforcement:case", args=[case.pk])).status_code == 200
        assert client.post(propose, {"propose-grounds": "x"}).status_code == 403
        assert (
            with_token(user).post(f"/enforcement/cases/{case.pk}/transfers", body).status_code
            == 403
        )
    transfer = _send(world, case, "police")
    steps = {
        "accept": {},
        "return": {"reasons": "x"},
    }
    for user in (world.police.viewer, world.admin_viewer):
        client.force_login(user)
        assert client.get(reverse("enforcement:transfer", args=[transfer.pk])).status_code == 200
        for step, payload in steps.items():
            page = reverse("enforcement:transfer_step", args=[transfer.pk, step])
            assert (
                client.post(page, {f"{step}-{k}": v for k, v in payload.items()}).status_code == 403
            )
            api = f"/enforcement/transfers/{transfer.pk}/{step}"
            assert with_token(user).post(api, payload).status_code == 403
    transfer.refresh_from_db()
    assert transfer.status == "sent"
