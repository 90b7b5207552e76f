"""The case pages: list, opening from a hit, the case page's sections and changes, access."""

from __future__ import annotations

import pytest
from django.urls import reverse

from copyguard.accounts.audit import Actor
from copyguard.enforcement.actions.case_records import approve_decision, propose_decision
from copyguard.enforcement.actions.cases import set_fact
from copyguard.enforcement.enums import CaseStatus, ThresholdState
from copyguard.enforcement.models import Case
from copyguard.enforcement.testing import captured_hit, make_enforcement_world
from copyguard.enforcement.tests.case_helpers import make_case
from copyguard.monitoring.tests.core_helpers import use_data_dir

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):  # type: ignore[no-untyped-def]
    use_data_dir(settings, tmp_path)
    return make_enforcement_world()


@pytest.fixture(autouse=True)
def english(client) -> None:  # type: ignore[no-untyped-def]
    client.cookies["django_language"] = "en"


def _do(client, case, what, **data):  # type: ignore[no-untyped-def]
    return client.post(reverse("enforcement:case_do", args=[case.pk, what]), data)


def test_the_new_case_form_is_prefilled_from_a_confirmed_hit(client, world) -> None:
    hit = captured_hit(world.work)
    client.force_login(world.officer)
    page = client.get(reverse("enforcement:case_new") + f"?hit={hit.pk}")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="from-hit"' in body and hit.url in body
    response = client.post(
        reverse("enforcement:case_new"),
        {
            "administration": world.administration.pk,
            "title": "Pirated novel",
            "origin": "hit",
            "online": "on",
            "hit": hit.pk,
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("enforcement:case", args=[case.pk])
    assert list(case.hits.all()) == [hit] and case.evidence.count() == 1


def test_a_hit_the_user_cannot_see_is_404_on_the_form(client, world) -> None:
    hit = captured_hit(world.work)
    client.force_login(world.other_officer)
    assert client.get(reverse("enforcement:case_new") + f"?hit={hit.pk}").status_code == 404


def test_the_form_shows_errors_and_stores_nothing(client, world) -> None:
    client.force_login(world.officer)
    response = client.post(
        reverse("enforcement:case_new"),
        {"administration": world.administration.pk, "title": "", "origin": "inspection"},
    )
    assert response.status_code == 400
    assert "Give the case a title." in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "admin_viewer", "owner"])
def test_only_officers_reach_the_new_case_form(client, world, who) -> None:
    client.force_login(getattr(world, who))
    assert client.get(reverse("enforcement:case_new")).status_code == 403


def test_the_list_filters_by_status_threshold_and_overdue(client, world) -> None:
    case = make_case(world)
    other = make_case(world)
    set_fact(Actor(world.officer), other, measure="copies", value=500)
    client.force_login(world.officer)
    url = reverse("enforcement:cases")
    body = client.get(url).content.decode()
    assert case.number in body and other.number in body
    body = client.get(url, {"threshold": "reached"}).content.decode()
    assert other.number in body and case.number not in body
    body = client.get(url, {"overdue": "1"}).content.decode()
    assert case.number not in body
    case.deadlines.update(due_at=case.opened_at.replace(year=2000))
    body = client.get(url, {"overdue": "1"}).content.decode()
    assert case.number in body and other.number not in body
    body = client.get(url, {"status": "closed"}).content.decode()
    assert 'id="cases"' not in body


def test_the_case_page_shows_every_section(client, world) -> None:
    case = make_case(world)
    set_fact(Actor(world.officer), case, measure="clicks", value=40_000)
    client.force_login(world.officer)
    body = client.get(reverse("enforcement:case", args=[case.pk])).content.decode()
    for section in (
        "threshold",
        "facts",
        "parties",
        "records",
        "officers",
        "tasks",
        "documents",
        "decisions",
        "timeline",
    ):
        assert f'id="{section}"' in body
    assert 'id="threshold-state">Early warning' in body
    assert 'data-measure="clicks" data-level="serious" data-scope="online"' in body
    assert "80.0 %" in body
    assert "Opened the case (Monitoring hit)." in body
    assert "Recorded Actual clicks: 40000." in body


def test_transfer_events_on_the_timeline_read_as_sentences(client, world) -> None:
    case = make_case(world)
    case.events.create(kind="transfer_sent", params={"to": "Foshan Public Security Bureau"})
    client.force_login(world.officer)
    body = client.get(reverse("enforcement:case", args=[case.pk])).content.decode()
    assert (
        "Transferred the case to Foshan Public Security Bureau with the letter of transfer." in body
    )
    assert "Transfer sent — " not in body


def test_unknown_timeline_events_are_shown_generically(client, world) -> None:
    case = make_case(world)
    case.events.create(kind="site_inspected", params={"place": "Server room 3", "hours": 2})
    client.force_login(world.officer)
    body = client.get(reverse("enforcement:case", args=[case.pk])).content.decode()
    assert "Site inspected — hours: 2; place: Server room 3." in body


def test_facts_through_htmx_return_the_panel(client, world) -> None:
    case = make_case(world)
    client.force_login(world.officer)
    response = client.post(
        reverse("enforcement:case_do", args=[case.pk, "fact"]),
        {"measure": "works", "value": "500", "basis": "site listing"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="threshold-state">Reaches a criminal threshold' in response.content.decode()
    case.refresh_from_db()
    assert case.threshold_state == ThresholdState.REACHED
    bad = client.post(
        reverse("enforcement:case_do", args=[case.pk, "fact"]),
        {"measure": "works", "value": "-3"},
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 200
    assert "A figure cannot be negative." in bad.content.decode()


def test_a_bad_figure_without_htmx_is_a_400(client, world) -> None:
    case = make_case(world)
    client.force_login(world.officer)
    response = _do(client, case, "fact", measure="works", value="many")
    assert response.status_code == 400
    assert "Enter a number." in response.content.decode()


def test_officers_tasks_decision_and_closing_through_the_page(client, world) -> None:
    case = make_case(world)
    client.force_login(world.officer)
    assert _do(client, case, "propose", penalty="warning", reasoning="x").status_code == 409
    assert (
        _do(client, case, "officer-add", user=world.second_officer.pk, role="assisting").status_code
        == 302
    )
    assert _do(client, case, "party-add", role="infringer", name="Zhang San").status_code == 302
    assert _do(client, case, "task-add", title="Question", due_at="2030-01-05").status_code == 302
    response = _do(
        client,
        case,
        "propose",
        penalty=["fine", "order_to_stop"],
        amount_fine="20000",
        reasoning="Facts and law",
    )
    assert response.status_code == 302
    assert _do(client, case, "approve").status_code == 403  # officers do not approve
    client.force_login(world.supervisor)
    assert _do(client, case, "approve").status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED
    assert _do(client, case, "close", reason="Penalty paid").status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_a_generated_decision_downloads_only_for_those_who_see_the_case(client, world) -> None:
    case = make_case(world, officers=2)
    propose_decision(Actor(world.officer), case, penalties=[{"kind": "warning"}], reasoning="F")
    approve_decision(Actor(world.supervisor), case)
    client.force_login(world.officer)
    assert _do(client, case, "document", kind="decision").status_code == 302
    document = case.documents.get()
    url = reverse("enforcement:case_document", args=[case.pk, document.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.police.handler)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["outsider", "other_officer", "owner"])
def test_outsiders_get_404(client, world, who) -> None:
    case = make_case(world)
    client.force_login(getattr(world, who))
    assert client.get(reverse("enforcement:case", args=[case.pk])).status_code == 404
    assert _do(client, case, "fact", measure="works", value="1").status_code == 404


def test_a_police_member_without_a_transfer_gets_404(client, world) -> None:
    case = make_case(world)
    client.force_login(world.police.head)
    assert client.get(reverse("enforcement:case", args=[case.pk])).status_code == 404


@pytest.mark.parametrize("who", ["admin_viewer", "province_supervisor"])
def test_read_only_members_see_the_case_but_change_nothing(client, world, who) -> None:
    case = make_case(world)
    client.force_login(getattr(world, who))
    body = client.get(reverse("enforcement:case", args=[case.pk])).content.decode()
    assert 'id="read-only"' in body and 'id="fact-form-works"' not in body
    assert _do(client, case, "fact", measure="works", value="1").status_code == 403
    assert not case.facts.exists()


def test_the_supervising_procuratorate_sees_a_case_at_warning_level(client, world) -> None:
    case = make_case(world)
    client.force_login(world.procuratorate.viewer)
    url = reverse("enforcement:case", args=[case.pk])
    assert client.get(url).status_code == 404
    set_fact(Actor(world.officer), case, measure="works", value=400)
    assert client.get(url).status_code == 200
