"""The transfer pages: the inbox with deadlines and overdue marking, a transfer's page with
the steps for whoever may take them, proposing, downloads of what travels with the case,
the procuratorate's supervision list and the case panel."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from copyguard.enforcement.enums import DeadlineKind, ThresholdState, TransferStatus
from copyguard.enforcement.models import CaseTransfer, Deadline
from copyguard.enforcement.testing import make_enforcement_world
from copyguard.enforcement.tests.transfers_helpers import advance, data_dir, make_case

__all__ = ["data_dir"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("data_dir")]


@pytest.fixture
def world(client):  # type: ignore[no-untyped-def]
    client.cookies["django_language"] = "en"
    return make_enforcement_world()


def _url(transfer: CaseTransfer, step: str = "") -> str:
    if step:
        return reverse("enforcement:transfer_step", args=[transfer.pk, step])
    return reverse("enforcement:transfer", args=[transfer.pk])


def test_the_inbox_shows_incoming_with_their_deadline_and_marks_the_overdue(
    client: Any, world: Any
) -> None:
    transfer = advance(world, make_case(world), "police", until="sent")
    client.force_login(world.police.handler)
    page = client.get(reverse("enforcement:transfers"))
    assert page.status_code == 200
    body = page.content.decode()
    assert transfer.case.number in body and "overdue" not in body.split('id="transfers"')[1]
    CaseTransfer.objects.filter(pk=transfer.pk).update(
        answer_by=timezone.now() - timedelta(hours=1)
    )
    body = client.get(reverse("enforcement:transfers") + "?box=incoming").content.decode()
    assert 'class="overdue"' in body and "Overdue" in body
    # The administration sees it among its outgoing transfers.
    client.force_login(world.officer)
    body = client.get(reverse("enforcement:transfers") + "?box=outgoing").content.decode()
    assert transfer.case.number in body
    # Another region's police have nothing in their inbox.
    client.force_login(world.other_police.handler)
    body = client.get(reverse("enforcement:transfers") + "?box=incoming").content.decode()
    assert transfer.case.number not in body


def test_a_proposed_transfer_does_not_reach_the_police_inbox(client: Any, world: Any) -> None:
    case = make_case(world)
    advance(world, case, "police", until="approved")
    client.force_login(world.police.handler)
    body = client.get(reverse("enforcement:transfers") + "?box=incoming").content.decode()
    assert case.number not in body


def test_the_whole_first_stage_through_the_pages(client: Any, world: Any) -> None:
    case = make_case(world, threshold=ThresholdState.REACHED)
    propose = reverse("enforcement:transfer_propose", args=[case.pk])
    client.force_login(world.officer)
    form = client.get(propose)
    assert form.status_code == 200
    assert f'value="{world.police.organisation.pk}" selected' in form.content.decode()
    missing = client.post(propose, {"propose-to_agency": world.police.organisation.pk})
    assert missing.status_code == 400 and not CaseTransfer.objects.exists()
    done = client.post(
        propose,
        {"propose-to_agency": world.police.organisation.pk, "propose-grounds": "Gains 60,000"},
    )
    transfer = CaseTransfer.objects.get()
    assert done.status_code == 302 and done["Location"] == _url(transfer)
    # The officer is not the head: no decision form, and a POST is refused.
    assert b"approve-transfer" not in client.get(_url(transfer)).content
    assert client.post(_url(transfer, "decide"), {"decide-decision": "approve"}).status_code == 403
    client.force_login(world.supervisor)
    assert b"approve-transfer" in client.get(_url(transfer)).content
    declined = client.post(_url(transfer, "decide"), {"decide-decision": "decline"})
    assert declined.status_code == 400 and b"reasons" in declined.content
    assert client.post(_url(transfer, "decide"), {"decide-decision": "approve"}).status_code == 302
    client.force_login(world.officer)
    assert client.post(_url(transfer, "send")).status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.SENT
    # The police see it now, with the letter, and accept it.
    client.force_login(world.police.handler)
    page = client.get(_url(transfer)).content.decode()
    assert 'id="accept-transfer"' in page and 'data-document="transfer_letter"' in page
    assert client.post(_url(transfer, "accept"), {"accept-note": "Filed"}).status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED


def test_outsiders_get_404_and_read_only_members_403(client: Any, world: Any) -> None:
    transfer = advance(world, make_case(world), "police", until="sent")
    for outsider in (
        world.other_police.handler,
        world.other_officer,
        world.procuratorate.head,
        world.platform_owner,
        world.outsider,
    ):
        client.force_login(outsider)
        assert client.get(_url(transfer)).status_code == 404
        assert client.post(_url(transfer, "accept")).status_code == 404
    client.force_login(world.police.viewer)
    page = client.get(_url(transfer))
    assert page.status_code == 200 and b'id="accept-transfer"' not in page.content
    assert client.post(_url(transfer, "accept")).status_code == 403
    assert client.post(_url(transfer, "return"), {"return-reasons": "x"}).status_code == 403
    client.force_login(world.admin_viewer)
    assert client.post(_url(transfer, "send")).status_code == 403
    propose = reverse("enforcement:transfer_propose", args=[transfer.case_id])
    assert client.get(propose).status_code == 403
    client.force_login(world.other_officer)
    assert client.get(propose).status_code == 404


def test_a_wrong_step_is_refused_with_the_reason(client: Any, world: Any) -> None:
    transfer = advance(world, make_case(world), "police")
    client.force_login(world.police.handler)
    answer = client.post(_url(transfer, "return"), {"return-reasons": "Too late"})
    assert answer.status_code == 409
    assert client.post(_url(transfer, "nonsense")).status_code == 404


def test_the_receiver_downloads_the_letter_and_the_evidence(client: Any, world: Any) -> None:
    case = make_case(world)
    evidence = case.evidence.get()
    bundle = Path(settings.DATA_DIR) / "monitoring" / "evidence" / evidence.bundle_name
    bundle.parent.mkdir(parents=True, exist_ok=True)
    bundle.write_bytes(b"PK-evidence")
    transfer = advance(world, case, "police", until="sent")
    letter = case.documents.get(kind="transfer_letter")
    document_url = reverse("enforcement:transfer_document", args=[transfer.pk, letter.pk])
    evidence_url = reverse("enforcement:transfer_evidence", args=[transfer.pk, evidence.pk])
    client.force_login(world.police.viewer)
    answer = client.get(document_url)
    assert answer.status_code == 200 and b"".join(answer.streaming_content).startswith(b"%PDF")
    answer = client.get(evidence_url)
    assert answer.status_code == 200 and b"".join(answer.streaming_content) == b"PK-evidence"
    client.force_login(world.other_police.head)
    assert client.get(document_url).status_code == 404
    assert client.get(evidence_url).status_code == 404


def test_the_procuratorate_supervises_and_the_administration_answers(
    client: Any, world: Any
) -> None:
    reached = make_case(world, threshold=ThresholdState.REACHED)
    below = make_case(world, threshold=ThresholdState.BELOW, site="other.example")
    client.force_login(world.procuratorate.handler)
    page = client.get(reverse("enforcement:supervision")).content.decode()
    assert reached.number in page and below.number not in page
    ask = reverse("enforcement:supervision_ask", args=[reached.pk])
    assert client.post(ask, {"ask-question": "Why not transferred?"}).status_code == 302
    deadline = Deadline.objects.get(case=reached, kind=DeadlineKind.SUPERVISION_ANSWER)
    assert deadline.organisation == world.administration
    assert deadline.due_at > timezone.now() + timedelta(days=6)
    # Other regions' procuratorates do not see the case; police have no supervision list.
    client.force_login(world.other_procuratorate.handler)
    body = client.get(reverse("enforcement:supervision")).content.decode()
    assert reached.number not in body
    assert client.post(ask, {"ask-question": "?"}).status_code == 404
    client.force_login(world.police.head)
    assert client.get(reverse("enforcement:supervision")).status_code == 404
    client.force_login(world.procuratorate.viewer)
    assert client.post(ask, {"ask-question": "?"}).status_code == 403
    # The administration answers; the read-only member may not.
    answer = reverse("enforcement:supervision_answer", args=[reached.pk])
    client.force_login(world.admin_viewer)
    assert client.post(answer, {"answer-answer": "x"}).status_code == 403
    client.force_login(world.officer)
    assert client.post(answer, {"answer-answer": "Gains being verified"}).status_code == 302
    deadline.refresh_from_db()
    assert deadline.met_at is not None
    assert reached.events.get(kind="supervision_answered").params["answer"] == (
        "Gains being verified"
    )


def _panel(user: Any, case: Any) -> str:
    request = RequestFactory().get("/enforcement/cases/1/")
    request.user = user
    return render_to_string(
        "enforcement/transfers/case_panel.html", {"case": case, "request": request}
    )


def test_the_case_panel_offers_the_proposal_to_the_holder_only(world: Any) -> None:
    case = make_case(world)
    assert 'id="propose-transfer"' in _panel(world.officer, case)
    assert 'id="propose-transfer"' not in _panel(world.admin_viewer, case)
    assert _panel(world.other_police.handler, case).strip() == ""
    advance(world, case, "police")
    assert 'id="propose-transfer"' not in _panel(world.officer, case)
    police_panel = _panel(world.police.handler, case)
    assert 'id="propose-transfer"' in police_panel
    assert escape(world.procuratorate.organisation.name) in police_panel


def test_the_case_timeline_tells_each_transfer_step_in_words(client: Any, world: Any) -> None:
    from copyguard.enforcement.actions import transfers as actions
    from copyguard.enforcement.tests.transfers_helpers import act

    case = make_case(world)
    transfer = advance(world, case, "court")
    actions.record_judgment(
        act(world.court.handler), transfer, outcome="convicted", detail="Three years."
    )
    client.force_login(world.court.viewer)
    page = client.get(reverse("enforcement:case", args=[case.pk])).content.decode()
    court = escape(world.court.organisation.name)
    assert f"Judgment of {court}: Guilty: sentenced. Three years." in page
    assert f"Transferred the case to {court} with the letter of transfer." in page
    assert "accepted the case: Filed for criminal investigation." in page
    assert "sha256" not in page
