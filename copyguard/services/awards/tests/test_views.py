"""The model-unit pages: each reader and each writer, outsiders 404, read-only members
403, bad and hostile input, the public list and award pages in both languages."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from copyguard.accounts.models import User
from copyguard.services.awards import actions
from copyguard.services.awards.enums import Category, NominationStatus, RoundStatus
from copyguard.services.awards.models import Award, AwardRound, Nomination
from copyguard.services.awards.testing import World, act, make_round, make_world, self_nomination
from copyguard.services.awards.tests.helpers import PDF, pdf, registration

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 4, 15)


@pytest.fixture(autouse=True)
def data_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The round's nominations are open on this day."""
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


@pytest.fixture
def world() -> World:
    return make_world()


def client_for(user: User | None, **kw: object) -> Client:
    client = Client(**kw)  # type: ignore[arg-type]
    if user is not None:
        client.force_login(user)
    return client


def evaluated(world: World) -> Nomination:
    round_ = make_round(world)
    nomination = self_nomination(world, round_, documents=[pdf()])
    registration(world.enterprise, datetime.date(2025, 5, 1))
    entered = actions.submit_value(act(world.owner), nomination, criterion_code="C2", value="4")
    actions.review_value(act(world.analyst), entered, accept=True)
    actions.close_nominations(act(world.analyst), round_)
    actions.evaluate(act(world.analyst), round_)
    nomination.refresh_from_db()
    return nomination


def awarded(world: World, publish: bool = True) -> Award:
    nomination = evaluated(world)
    actions.shortlist(act(world.analyst), nomination, shortlisted=True)
    actions.decide(
        act(world.supervisor),
        nomination,
        award=True,
        citation="版权保护成效显著",
        citation_en="Outstanding copyright protection",
    )
    if publish:
        actions.publish_decisions(act(world.supervisor), nomination.round)
    return Award.objects.get(nomination=nomination)


# ------------------------------------------------------------------ rounds


def test_index_lists_the_rounds_each_reader_takes_part_in(world: World) -> None:
    draft = make_round(world, Category.CITY, open_it=False)
    opened = make_round(world)
    page = client_for(world.province_viewer).get("/model-units/")
    assert page.status_code == 200
    assert f'data-round="{draft.pk}"' in page.text and f'data-round="{opened.pk}"' in page.text
    assert 'id="round-form"' not in page.text  # a viewer organises nothing
    assert 'id="round-form"' in client_for(world.analyst).get("/model-units/").text
    for user in (world.city_viewer, world.owner, world.enterprise_viewer):
        text = client_for(user).get("/model-units/").text
        assert f'data-round="{opened.pk}"' in text
        assert f'data-round="{draft.pk}"' not in text  # drafts stay with the organiser
    for user in (world.outsider, world.far_owner):
        text = client_for(user).get("/model-units/").text
        assert f'data-round="{opened.pk}"' not in text
    assert client_for(None).get("/model-units/").status_code == 302


def test_round_page_for_each_reader(world: World) -> None:
    round_ = make_round(world)
    url = f"/model-units/rounds/{round_.pk}/"
    organiser = client_for(world.analyst).get(url)
    assert organiser.status_code == 200
    assert 'data-criterion="C1"' in organiser.text and 'id="close-round"' in organiser.text
    assert 'id="nominate-form"' not in organiser.text
    owner = client_for(world.owner).get(url)
    assert 'id="nominate-form"' in owner.text and 'id="close-round"' not in owner.text
    viewer = client_for(world.enterprise_viewer).get(url)
    assert viewer.status_code == 200 and 'id="nominate-form"' not in viewer.text
    for user in (world.outsider, world.far_owner):
        assert client_for(user).get(url).status_code == 404
    assert client_for(world.owner).get("/model-units/rounds/999999/").status_code == 404
    draft = make_round(world, Category.CITY, open_it=False)
    assert (
        client_for(world.city_supervisor).get(f"/model-units/rounds/{draft.pk}/").status_code == 404
    )


def test_create_round_and_criteria_through_the_forms(world: World) -> None:
    client = client_for(world.analyst)
    response = client.post(
        "/model-units/rounds/new/",
        {
            "organiser": world.province.pk,
            "year": "2025",
            "category": "park",
            "title": "2025年版权示范园区",
            "title_en": "Model parks 2025",
            "nominations_open": "2025-03-01",
            "nominations_close": "2025-05-31",
        },
    )
    round_ = AwardRound.objects.get(category="park")
    assert response.status_code == 302 and response["Location"].endswith(f"/{round_.pk}/")
    url = f"/model-units/rounds/{round_.pk}/criteria/"
    client.post(
        url,
        {
            "code": "P1",
            "name": "入驻企业登记作品",
            "name_en": "Works registered",
            "weight": "50",
            "source": "computed",
            "metric": "works_registered",
            "rule_kind": "bands",
            "bands": "10:1\n5:0.6\n1:0.2",
        },
    )
    client.post(
        url,
        {
            "code": "P2",
            "name": "培训",
            "name_en": "Training",
            "weight": "50",
            "source": "entered",
            "metric": "works_registered",  # ignored for an entered criterion
            "rule_kind": "linear",
            "floor": "0",
            "target": "12",
            "needs_documents": "on",
        },
    )
    criteria = list(round_.criteria.all())
    assert [c.code for c in criteria] == ["P1", "P2"]
    assert criteria[0].rule == {
        "kind": "bands",
        "bands": [
            {"at_least": "10", "share": "1"},
            {"at_least": "5", "share": "0.6"},
            {"at_least": "1", "share": "0.2"},
        ],
        "lower_is_better": False,
    }
    assert criteria[1].needs_documents
    bad = client.post(
        url,
        {
            "code": "P3",
            "name": "x",
            "name_en": "x",
            "weight": "1",
            "source": "computed",
            "metric": "works_registered",
            "rule_kind": "linear",
            "floor": "a",
        },
    )
    assert bad.status_code == 302
    page = client.get(f"/model-units/rounds/{round_.pk}/")
    assert 'id="awards-error"' in page.text
    assert round_.criteria.count() == 2
    assert client.post(f"/model-units/rounds/{round_.pk}/open/").status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN


def test_only_organisers_create_rounds(world: World) -> None:
    data = {
        "organiser": world.province.pk,
        "year": "2025",
        "category": "unit",
        "title": "x",
        "nominations_open": "2025-01-01",
        "nominations_close": "2025-02-01",
    }
    assert (
        client_for(world.city_supervisor).post("/model-units/rounds/new/", data).status_code == 404
    )
    # a viewer of the province organises nothing; an organiser cannot pick another province
    assert (
        client_for(world.province_viewer).post("/model-units/rounds/new/", data).status_code == 404
    )
    other = dict(data, organiser=world.other_province.pk)
    client_for(world.analyst).post("/model-units/rounds/new/", other)
    assert not AwardRound.objects.exists()


def test_round_actions_need_the_right_role(world: World) -> None:
    round_ = make_round(world, open_it=False)
    for user in (world.province_viewer, world.city_supervisor, world.owner):
        status = client_for(user).post(f"/model-units/rounds/{round_.pk}/open/").status_code
        assert status == (403 if user == world.province_viewer else 404)
    assert (
        client_for(world.outsider).post(f"/model-units/rounds/{round_.pk}/open/").status_code == 404
    )
    assert (
        client_for(world.analyst).post(f"/model-units/rounds/{round_.pk}/nonsense/").status_code
        == 404
    )
    assert (
        client_for(world.analyst).get(f"/model-units/rounds/{round_.pk}/open/").status_code == 405
    )
    criterion = round_.criteria.first()
    assert criterion is not None
    assert (
        client_for(world.province_viewer)
        .post(f"/model-units/criteria/{criterion.pk}/remove/")
        .status_code
        == 403
    )
    assert (
        client_for(world.outsider).post(f"/model-units/criteria/{criterion.pk}/remove/").status_code
        == 404
    )
    round_.refresh_from_db()
    assert round_.status == RoundStatus.DRAFT and round_.criteria.count() == 2
    # analysts organise but only supervisors publish decisions
    opened = make_round(world, Category.CITY)
    actions.close_nominations(act(world.analyst), opened)
    assert (
        client_for(world.analyst).post(f"/model-units/rounds/{opened.pk}/publish/").status_code
        == 403
    )
    assert (
        client_for(world.supervisor).post(f"/model-units/rounds/{opened.pk}/publish/").status_code
        == 302
    )
    opened.refresh_from_db()
    assert opened.status == RoundStatus.DECIDED


def test_csrf_is_required(world: World) -> None:
    round_ = make_round(world, open_it=False)
    client = client_for(world.analyst, enforce_csrf_checks=True)
    assert client.post(f"/model-units/rounds/{round_.pk}/open/").status_code == 403
    round_.refresh_from_db()
    assert round_.status == RoundStatus.DRAFT


# ------------------------------------------------------------------ nominations


def test_nominate_through_the_form(world: World) -> None:
    round_ = make_round(world)
    client = client_for(world.owner)
    response = client.post(
        f"/model-units/rounds/{round_.pk}/nominate/",
        {
            "nominator": world.enterprise.pk,
            "nominee": world.enterprise.pk,
            "statement": "<b>侨乡</b>出版社申报",
            "documents": [pdf("材料.pdf")],
        },
    )
    nomination = Nomination.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/nominations/{nomination.pk}/"
    )
    page = client.get(response["Location"])
    assert "&lt;b&gt;侨乡&lt;/b&gt;" in page.text  # escaped
    assert "材料.pdf" in page.text
    document = nomination.documents.get()
    download = client.get(f"/model-units/documents/{document.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert download["X-Content-Type-Options"] == "nosniff"


def test_nominate_refusals(world: World) -> None:
    round_ = make_round(world)
    url = f"/model-units/rounds/{round_.pk}/nominate/"
    data = {"nominator": world.enterprise.pk, "nominee": world.enterprise.pk, "statement": "x"}
    assert client_for(world.enterprise_viewer).post(url, data).status_code == 403
    assert client_for(world.far_owner).post(url, data).status_code == 404
    assert client_for(world.outsider).post(url, data).status_code == 404
    assert (
        client_for(world.province_viewer).post(url, data).status_code == 403
    )  # organisers do not nominate
    owner = client_for(world.owner)
    for bad in (
        {"nominee": "abc"},
        {"nominee": world.far_enterprise.pk},
        {"nominator": world.city.pk},  # not the owner's organisation
        {"statement": ""},
        {"statement": "a\x00b"},
    ):
        response = owner.post(url, {**data, **bad})
        assert response.status_code == 302
    hostile = owner.post(
        url, {**data, "documents": [pdf("x.exe").__class__("run.exe", b"MZ\x90\x00")]}
    )
    assert hostile.status_code == 302
    assert "awards-error" in owner.get(f"/model-units/rounds/{round_.pk}/").text
    assert not Nomination.objects.exists()


def test_nomination_page_readers(world: World) -> None:
    nomination = evaluated(world)
    url = f"/model-units/nominations/{nomination.pk}/"
    for user in (world.owner, world.enterprise_viewer, world.analyst, world.province_viewer):
        page = client_for(user).get(url)
        assert page.status_code == 200
        assert 'id="score-list"' in page.text
    # the steps of the evaluation are shown as sentences
    page = client_for(world.analyst, HTTP_ACCEPT_LANGUAGE="en").get(url)
    assert "Linear from 0 (0 points) to 10 (40 points)" in page.text
    assert "Best among the 1 compared regions: 1" in page.text
    for user in (
        world.city_supervisor,
        world.other_city_supervisor,
        world.outsider,
        world.far_owner,
    ):
        assert client_for(user).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_values_documents_and_withdrawal_by_the_nominator_only(world: World) -> None:
    round_ = make_round(world)
    nomination = self_nomination(world, round_)
    base = f"/model-units/nominations/{nomination.pk}"
    for user, status in (
        (world.enterprise_viewer, 403),
        (world.analyst, 403),
        (world.outsider, 404),
        (world.city_supervisor, 404),
    ):
        assert (
            client_for(user).post(f"{base}/value/", {"criterion": "C2", "value": "3"}).status_code
            == status
        )
        assert (
            client_for(user).post(f"{base}/documents/", {"documents": [pdf()]}).status_code
            == status
        )
        assert client_for(user).post(f"{base}/withdraw/").status_code == status
    owner = client_for(world.owner)
    owner.post(f"{base}/documents/", {"documents": [pdf()]})
    owner.post(f"{base}/value/", {"criterion": "C2", "value": "1e999"})
    assert not nomination.values.exists()
    owner.post(f"{base}/value/", {"criterion": "C2", "value": "3", "note": "三场"})
    value = nomination.values.get()
    assert nomination.documents.count() == 1
    review = f"/model-units/values/{value.pk}/review/"
    assert client_for(world.province_viewer).post(review, {"decision": "accept"}).status_code == 403
    assert client_for(world.owner).post(review, {"decision": "accept"}).status_code == 403
    assert client_for(world.outsider).post(review, {"decision": "accept"}).status_code == 404
    client_for(world.analyst).post(review, {"decision": "maybe"})
    value.refresh_from_db()
    assert value.status == "submitted"
    client_for(world.analyst).post(review, {"decision": "accept"})
    value.refresh_from_db()
    assert value.status == "accepted"
    assert owner.post(f"{base}/nonsense/").status_code == 404
    owner.post(f"{base}/withdraw/", {"reason": "明年"})
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.WITHDRAWN


def test_shortlist_and_decide_roles(world: World) -> None:
    nomination = evaluated(world)
    base = f"/model-units/nominations/{nomination.pk}"
    assert client_for(world.province_viewer).post(f"{base}/shortlist/").status_code == 403
    assert client_for(world.owner).post(f"{base}/shortlist/").status_code == 403
    assert client_for(world.outsider).post(f"{base}/shortlist/").status_code == 404
    client_for(world.analyst).post(f"{base}/shortlist/")
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.SHORTLISTED
    assert client_for(world.analyst).post(f"{base}/award/", {"citation": "x"}).status_code == 403
    supervisor = client_for(world.supervisor)
    supervisor.post(f"{base}/award/", {"citation": ""})
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.SHORTLISTED  # a citation is needed
    page = supervisor.get(f"{base}/")
    assert 'id="award-form"' in page.text and 'id="awards-error"' in page.text
    client_for(world.supervisor).post(
        f"{base}/award/", {"citation": "成效显著", "citation_en": "Outstanding"}
    )
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.AWARDED


# ------------------------------------------------------------------ public


def test_public_list_and_award_page(world: World) -> None:
    award = awarded(world, publish=False)
    anonymous = client_for(None)
    assert f'data-award="{award.pk}"' not in anonymous.get("/model-units/awards/").text
    assert anonymous.get(f"/model-units/awards/{award.pk}/").status_code == 404
    assert client_for(world.owner).get(f"/model-units/awards/{award.pk}/").status_code == 200
    assert client_for(world.outsider).get(f"/model-units/awards/{award.pk}/").status_code == 404
    actions.publish_decisions(act(world.supervisor), award.round)
    listing = anonymous.get("/model-units/awards/")
    assert listing.status_code == 200 and f'data-award="{award.pk}"' in listing.text
    assert "侨乡出版社" in listing.text
    english = client_for(None, HTTP_ACCEPT_LANGUAGE="en").get(f"/model-units/awards/{award.pk}/")
    assert "Qiaoxiang Press" in english.text and "Outstanding copyright protection" in english.text
    chinese = anonymous.get(f"/model-units/awards/{award.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "版权保护成效显著" in chinese.text
    for query, shown in (
        ("?year=2025", True),
        ("?year=2024", False),
        ("?category=unit", True),
        ("?category=city", False),
        ("?q=侨乡", True),
        ("?q=nothing", False),
        ("?year=abc&category=<script>&q=%00", True),
        ("?page=999", True),
    ):
        text = anonymous.get("/model-units/awards/" + query).text
        assert (f'data-award="{award.pk}"' in text) is shown, query
    assert "revoke-form" not in anonymous.get(f"/model-units/awards/{award.pk}/").text
    assert (
        "revoke-form" not in client_for(world.analyst).get(f"/model-units/awards/{award.pk}/").text
    )


def test_revocation(world: World) -> None:
    award = awarded(world)
    url = f"/model-units/awards/{award.pk}/revoke/"
    assert client_for(None).post(url, {"reason": "x"}).status_code == 302  # to the login page
    for user in (world.analyst, world.province_viewer, world.owner, world.outsider):
        assert client_for(user).post(url, {"reason": "x"}).status_code == 403
    supervisor = client_for(world.supervisor)
    assert "revoke-form" in supervisor.get(f"/model-units/awards/{award.pk}/").text
    supervisor.post(url, {"reason": ""})
    award.refresh_from_db()
    assert not award.is_revoked()
    supervisor.post(url, {"reason": "发现侵权", "reason_en": "Infringement found"})
    award.refresh_from_db()
    assert award.is_revoked()
    assert f'data-award="{award.pk}"' not in client_for(None).get("/model-units/awards/").text
    page = client_for(None, HTTP_ACCEPT_LANGUAGE="en").get(f"/model-units/awards/{award.pk}/")
    assert (
        page.status_code == 200
        and 'id="revoked"' in page.text
        and "Infringement found" in page.text
    )
