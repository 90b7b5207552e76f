"""The assessment pages: who sees what, who may act, and bad input (never a 500)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from copyguard.accounts.audit import Actor
from copyguard.accounts.models import User
from copyguard.insights.assessment.actions import rounds, submissions
from copyguard.insights.assessment.enums import RoundStatus, SubmissionStatus
from copyguard.insights.assessment.models import AssessmentRound, IndicatorSystem, Submission
from copyguard.insights.assessment.testing import World, make_world, small_system

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def data_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def round_(world: World) -> AssessmentRound:
    return rounds.open_round(Actor(world.supervisor), world.province, world.system, 2025)


def client_of(user: User | None, language: str = "en") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


def computed(world: World, round_: AssessmentRound, *, publish: bool = False) -> AssessmentRound:
    mine = submissions.submit_value(
        Actor(world.city_supervisor), round_, world.cities[0], indicator_code="A1.2", value="15",
        documents=[SimpleUploadedFile("training.pdf", PDF)],
    )  # fmt: skip
    submissions.review_submission(Actor(world.supervisor), mine, accept=True)
    round_ = rounds.compute_round(Actor(world.supervisor), round_)
    if publish:
        round_ = rounds.publish_round(Actor(world.supervisor), round_)
    return round_


def test_the_index_lists_rounds_and_systems_for_the_province_and_its_cities(
    world: World, round_: AssessmentRound
) -> None:
    url = reverse("assessment:index")
    for user in (world.supervisor, world.province_viewer, world.city_supervisor, world.city_viewer):
        page = client_of(user).get(url).content.decode()
        assert f'data-round="{round_.pk}"' in page and f'data-system="{world.system.pk}"' in page
    outsider = client_of(world.outsider).get(url).content.decode()
    assert f'data-round="{round_.pk}"' not in outsider
    assert client_of(None).get(url).status_code == 302
    assert "open-round-form" in client_of(world.supervisor).get(url).content.decode()
    assert "open-round-form" not in client_of(world.province_viewer).get(url).content.decode()


def test_the_system_page_shows_the_tree_to_its_province_and_cities_only(world: World) -> None:
    url = reverse("assessment:system", args=[world.system.pk])
    page = client_of(world.city_viewer).get(url).content.decode()
    assert 'data-indicator="A1.1"' in page and "value / best × max" in page  # noqa: RUF001
    assert client_of(world.outsider).get(url).status_code == 404
    assert client_of(world.rights_holder).get(url).status_code == 404
    assert (
        client_of(world.supervisor).get(reverse("assessment:system", args=[999999])).status_code
        == 404
    )


def test_a_new_version_is_made_and_edited_by_the_province_only(world: World) -> None:
    url = reverse("assessment:system_action", args=[world.system.pk, "new-version"])
    assert client_of(world.province_viewer).post(url).status_code == 403
    assert client_of(world.city_supervisor).post(url).status_code == 403
    assert client_of(world.outsider).post(url).status_code == 404
    response = client_of(world.supervisor).post(url)
    draft = IndicatorSystem.objects.get(version=2)
    assert response.status_code == 302 and response.url == reverse(
        "assessment:system", args=[draft.pk]
    )
    indicator = draft.indicators().get(code="A1.1")
    edit = reverse("assessment:indicator_edit", args=[indicator.pk])
    assert client_of(world.province_viewer).post(edit, {"weight": "50"}).status_code == 403
    client_of(world.supervisor).post(edit, {"weight": "50"})
    page = (
        client_of(world.supervisor)
        .get(reverse("assessment:system", args=[draft.pk]))
        .content.decode()
    )
    assert "add up to 90" in page
    supervisor = client_of(world.supervisor)  # one session: the message waits in it
    supervisor.post(edit, {"rule": "{not json"})
    page = supervisor.get(reverse("assessment:system", args=[draft.pk])).content.decode()
    assert "not valid JSON" in page
    client_of(world.supervisor).post(
        edit, {"weight": "60", "rule": '{"kind": "rank", "shares": [1]}'}
    )
    activate = reverse("assessment:system_action", args=[draft.pk, "activate"])
    assert client_of(world.supervisor).post(activate).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "active" and draft.indicators().get(code="A1.1").rule["kind"] == "rank"


def test_importing_a_system_refuses_bad_json_with_a_message(world: World) -> None:
    url = reverse("assessment:system_import")
    assert client_of(world.city_supervisor).get(url).status_code == 404
    supervisor = client_of(world.supervisor)
    bad = supervisor.post(url, {"province": world.province.pk, "text": "{oops"})
    assert bad.status_code == 400 and "not valid JSON" in bad.content.decode()
    wrong = supervisor.post(url, {"province": world.province.pk, "text": json.dumps({"name": "x"})})
    assert wrong.status_code == 400
    other = supervisor.post(
        url, {"province": world.other_province.pk, "text": json.dumps(small_system())}
    )
    assert other.status_code == 400
    upload = SimpleUploadedFile("system.json", json.dumps(small_system()).encode())
    good = supervisor.post(url, {"province": world.province.pk, "file": upload})
    assert good.status_code == 302 and IndicatorSystem.objects.filter(version=2).exists()


def test_the_round_page_shows_the_ranking_to_the_province_and_to_cities_once_published(
    world: World, round_: AssessmentRound
) -> None:
    computed(world, round_)
    url = reverse("assessment:round", args=[round_.pk])
    province = client_of(world.supervisor).get(url).content.decode()
    assert 'id="ranking"' in province and "<svg" in province and "compute-round" in province
    assert "publish-round" in province
    city = client_of(world.city_viewer).get(url).content.decode()
    assert 'id="ranking"' not in city and "ranking-unpublished" in city
    assert client_of(world.outsider).get(url).status_code == 404
    assert client_of(world.rights_holder).get(url).status_code == 404
    rounds.publish_round(Actor(world.supervisor), round_)
    city = client_of(world.city_viewer).get(url).content.decode()
    assert 'id="ranking"' in city and "compute-round" not in city


def test_compute_and_publish_are_for_the_provinces_managers(
    world: World, round_: AssessmentRound
) -> None:
    compute = reverse("assessment:round_action", args=[round_.pk, "compute"])
    assert client_of(world.province_viewer).post(compute).status_code == 403
    assert client_of(world.city_supervisor).post(compute).status_code == 403
    assert client_of(world.outsider).post(compute).status_code == 404
    assert client_of(world.supervisor).post(compute).status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.COMPUTED
    assert (
        client_of(world.supervisor)
        .post(reverse("assessment:round_action", args=[round_.pk, "dance"]))
        .status_code
        == 404
    )
    assert client_of(world.supervisor).get(compute).status_code == 405


def test_a_city_submits_on_the_page_and_the_province_reviews(
    world: World, round_: AssessmentRound
) -> None:
    url = reverse("assessment:submit", args=[round_.pk])
    form = {"city": world.cities[0].pk, "indicator": "A1.2", "value": "12", "note": "全年12场"}
    assert client_of(world.city_viewer).post(url, form).status_code == 403
    assert client_of(world.outsider).post(url, form).status_code == 404
    # Another city's supervisor may not submit for this city.
    assert client_of(world.second_city_supervisor).post(url, form).status_code == 403
    bad = client_of(world.city_supervisor)
    bad.post(url, form | {"documents": SimpleUploadedFile("x.exe", b"MZ\x90\x00")})
    assert not Submission.objects.exists()
    assert "not a PDF" in bad.get(reverse("assessment:round", args=[round_.pk])).content.decode()
    client_of(world.city_supervisor).post(
        url, form | {"documents": SimpleUploadedFile("list.pdf", PDF)}
    )
    submission = Submission.objects.get()
    review = reverse("assessment:review", args=[submission.pk])
    assert client_of(world.city_supervisor).post(review, {"decision": "accept"}).status_code == 403
    assert client_of(world.province_viewer).post(review, {"decision": "accept"}).status_code == 403
    assert client_of(world.outsider).post(review, {"decision": "accept"}).status_code == 404
    client_of(world.supervisor).post(review, {"decision": "maybe"})
    client_of(world.supervisor).post(review, {"decision": "reject"})  # no reason: refused
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    client_of(world.supervisor).post(review, {"decision": "accept"})
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ACCEPTED
    document = submission.documents.get()
    download = reverse("assessment:document", args=[document.pk])
    assert client_of(world.second_city_supervisor).get(download).status_code == 404
    response = client_of(world.supervisor).get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_a_citys_report_shows_each_step_and_stays_hidden_from_other_cities(
    world: World, round_: AssessmentRound
) -> None:
    computed(world, round_)
    url = reverse("assessment:report", args=[round_.pk, world.cities[0].pk])
    page = client_of(world.supervisor).get(url).content.decode()
    assert 'data-indicator="A1.2"' in page
    assert "Linear from 0 (0 points) to 20 (40 points)" in page
    assert "strengths" in page and "Strength" in page
    # Before publication the city does not see even its own report; never another's.
    assert client_of(world.city_viewer).get(url).status_code == 404
    rounds.publish_round(Actor(world.supervisor), round_)
    assert client_of(world.city_viewer).get(url).status_code == 200
    assert client_of(world.second_city_supervisor).get(url).status_code == 404
    assert client_of(world.outsider).get(url).status_code == 404
    assert (
        client_of(world.supervisor)
        .get(reverse("assessment:report", args=[round_.pk, world.other_city.pk]))
        .status_code
        == 404
    )
    chinese = client_of(world.supervisor, "zh-hans").get(url)
    assert chinese.status_code == 200


def test_the_report_pdf_is_in_both_languages(world: World, round_: AssessmentRound) -> None:
    computed(world, round_, publish=True)
    url = reverse("assessment:report_pdf", args=[round_.pk, world.cities[0].pk])
    response = client_of(world.city_viewer).get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client_of(world.outsider).get(url).status_code == 404


def test_history_lists_the_years_a_city_may_see(world: World, round_: AssessmentRound) -> None:
    computed(world, round_, publish=True)
    url = reverse("assessment:history", args=[world.cities[0].pk])
    page = client_of(world.city_viewer).get(url).content.decode()
    assert 'data-year="2025"' in page
    assert client_of(world.outsider).get(url).status_code == 404
    assert (
        client_of(world.supervisor)
        .get(reverse("assessment:history", args=[world.other_city.pk]))
        .status_code
        == 404
    )


def test_populations_are_entered_by_the_province(world: World) -> None:
    url = reverse("assessment:populations")
    form = {
        "province": world.province.pk,
        "region_code": "440100",
        "year": "2020",
        "population": "18676605",
        "source": "2020 census",
    }
    assert client_of(world.province_viewer).post(url, form).status_code == 403
    assert client_of(world.outsider).post(url, form).status_code == 403
    bad = client_of(world.supervisor).post(url, form | {"population": "-5"})
    assert bad.status_code == 400
    assert client_of(world.supervisor).post(url, form).status_code == 302
    assert 'data-region="440100"' in client_of(world.city_viewer).get(url).content.decode()
    assert 'data-region="440100"' not in client_of(world.outsider).get(url).content.decode()
