"""The assessment actions: systems as data, rounds, entered values and their review."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from pytest_django.fixtures import Settings

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.enforcement.models import Case
from copyguard.insights.assessment.actions import rounds, submissions, systems
from copyguard.insights.assessment.enums import RoundStatus, SubmissionStatus, SystemStatus
from copyguard.insights.assessment.models import (
    AssessmentRound,
    CityScore,
    IndicatorSystem,
    Submission,
    SubmissionDocument,
)
from copyguard.insights.assessment.testing import World, make_world, small_system

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def data_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    # The messages are matched in English (the site's default language is Chinese).
    with translation.override("en"):
        yield


@pytest.fixture
def world() -> World:
    return make_world()


def actor(world: World) -> Actor:
    return Actor(world.supervisor)


def open_round(world: World, year: int = 2025) -> AssessmentRound:
    return rounds.open_round(actor(world), world.province, world.system, year)


def case(city, number: str, year: int = 2025, closed: bool = False) -> Case:  # type: ignore[no-untyped-def]
    from datetime import datetime

    from django.utils import timezone

    opened = timezone.make_aware(datetime(year, 3, 1))
    return Case.objects.create(
        number=number,
        administration=city,
        title=f"案件 {number}",
        origin="inspection",
        opened_at=opened,
        closed_at=opened if closed else None,
    )


def pdf(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF)


# ------------------------------------------------------------------ systems


def test_an_imported_system_is_a_draft_and_its_export_reimports_the_same(world: World) -> None:
    draft = systems.import_system(actor(world), world.province, small_system())
    assert (draft.version, draft.status) == (2, SystemStatus.DRAFT)
    assert [i.code for i in draft.indicators()] == ["A1.1", "A1.2"]
    again = systems.import_system(actor(world), world.province, systems.export_system(draft))
    assert systems.export_system(again) == systems.export_system(draft)
    assert AuditEvent.objects.filter(action="assessment.system.imported").count() == 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(aspects=[]), "aspects"),
        (lambda d: d.update(effective_year="2025"), "effective_year"),
        (lambda d: d.update(grade_bands=[{"grade": "excellent", "min_total": 90}]), "grade_bands"),
        (
            lambda d: d["aspects"][0]["tasks"][0]["indicators"][0].update(rule={"kind": "magic"}),
            "rule",
        ),
        (lambda d: d["aspects"][0]["tasks"][0]["indicators"][0].update(metric="guess"), "metric"),
        (lambda d: d["aspects"][0]["tasks"][0]["indicators"][0].update(weight="-1"), "weight"),
        (lambda d: d["aspects"][0]["tasks"][0]["indicators"][0].update(weight="1e99"), "weight"),
        (lambda d: d["aspects"][0]["tasks"][0]["indicators"][1].update(code="A1.1"), "code"),
        (lambda d: d["aspects"][0]["tasks"][0]["indicators"][1].update(code="<b>"), "code"),
        (lambda d: d.update(name="\x00"), "name"),
        (lambda d: d.update(name="x" * 201), "name"),
    ],
)
def test_a_malformed_system_is_refused_whole(world: World, change, field: str) -> None:  # type: ignore[no-untyped-def]
    data = small_system()
    change(data)
    before = IndicatorSystem.objects.count()
    with pytest.raises(ActionError) as error:
        systems.import_system(actor(world), world.province, data)
    assert field in (error.value.field or "")
    assert IndicatorSystem.objects.count() == before


def test_a_system_belongs_to_a_province(world: World) -> None:
    with pytest.raises(ActionError, match="provincial"):
        systems.import_system(actor(world), world.cities[0], small_system())
    with pytest.raises(ActionError, match="JSON object"):
        systems.import_system(actor(world), world.province, ["not", "an", "object"])


def test_only_a_draft_is_edited_and_activation_checks_the_weights(world: World) -> None:
    indicator = world.system.indicators().first()
    assert indicator is not None
    with pytest.raises(ActionError) as error:
        systems.update_indicator(actor(world), indicator, weight="50")
    assert error.value.status == 409
    draft = systems.new_version(actor(world), world.system)
    assert draft.derived_from == world.system
    first = draft.indicators().get(code="A1.1")
    systems.update_indicator(actor(world), first, weight="50")
    with pytest.raises(ActionError, match="add up to 90"):
        systems.activate_system(actor(world), draft)
    with pytest.raises(ActionError) as bad_rule:
        systems.update_indicator(actor(world), first, rule={"kind": "linear", "floor": 1})
    assert bad_rule.value.code == "invalid_rule"
    systems.update_indicator(
        actor(world), first, weight="60", rule={"kind": "rank", "shares": [1, "0.5"]}
    )
    active = systems.activate_system(actor(world), draft)
    assert active.status == SystemStatus.ACTIVE
    world.system.refresh_from_db()
    assert world.system.status == SystemStatus.RETIRED


def test_populations_are_entered_with_a_source_and_corrected(world: World) -> None:
    row = systems.set_population(
        actor(world),
        world.province,
        region_code="440100",
        year=2020,
        population="18,676,605",
        source="2020 census",
    )
    assert row.population == 18_676_605
    again = systems.set_population(
        actor(world),
        world.province,
        region_code="440100",
        year=2020,
        population=18_676_000,
        source="corrected",
    )
    assert again.pk == row.pk and again.population == 18_676_000
    for bad in (
        {"region_code": "450100"},
        {"population": "0"},
        {"population": "many"},
        {"year": "1900"},
        {"source": ""},
    ):
        values = {"region_code": "440100", "year": 2020, "population": 1, "source": "s"} | bad
        with pytest.raises(ActionError):
            systems.set_population(actor(world), world.province, **values)


# ------------------------------------------------------------------ rounds


def test_a_round_ranks_the_cities_with_ties_explained(world: World) -> None:
    first, second, third = world.cities
    case(first, "C-1")
    case(first, "C-2")
    case(second, "C-3")
    case(second, "C-4")
    case(third, "C-5")
    case(world.district, "C-6")  # a district bureau counts for its city
    case(world.other_city, "C-7")  # another province does not
    case(first, "C-8", year=2024)  # another year does not
    round_ = open_round(world)
    rounds.compute_round(actor(world), round_)
    scores = {s.city_id: s for s in CityScore.objects.filter(round=round_)}
    # Two cases each: 60 points each (ratio to the best); no entered values.
    assert [scores[c.pk].total for c in world.cities] == [Decimal(60)] * 3
    assert [scores[c.pk].rank for c in world.cities] == [1, 1, 1]
    assert scores[first.pk].tied_with == sorted([second.pk, third.pk])
    assert scores[first.pk].grade == "pass"
    row = scores[third.pk].indicator_scores.get(indicator__code="A1.1")
    assert row.inputs["opened"] == 2 and len(row.inputs["opened_ids"]) == 2
    assert row.steps[0]["code"] == "best"
    assert round_.city_scores.count() == 3


def test_only_accepted_values_score_and_a_recompute_replaces_the_scores(world: World) -> None:
    first, second, _third = world.cities
    round_ = open_round(world)
    mine = submissions.submit_value(
        Actor(world.city_supervisor),
        round_,
        first,
        indicator_code="A1.2",
        value="10",
        documents=[pdf()],
    )
    theirs = submissions.submit_value(
        Actor(world.second_city_supervisor),
        round_,
        second,
        indicator_code="A1.2",
        value="20",
        documents=[pdf()],
    )
    submissions.review_submission(actor(world), mine, accept=True)
    rounds.compute_round(actor(world), round_)
    assert CityScore.objects.get(round=round_, city=first).total == Decimal(20)
    assert CityScore.objects.get(round=round_, city=second).total == 0  # not reviewed
    submissions.review_submission(actor(world), theirs, accept=True)
    rounds.compute_round(actor(world), round_)
    assert CityScore.objects.get(round=round_, city=second).total == Decimal(40)
    assert CityScore.objects.get(round=round_, city=second).rank == 1
    assert CityScore.objects.filter(round=round_).count() == 3
    round_.refresh_from_db()
    assert round_.computations == 2


def test_publishing_freezes_the_round(world: World) -> None:
    round_ = open_round(world)
    with pytest.raises(ActionError):
        rounds.publish_round(actor(world), round_)  # not computed yet
    rounds.compute_round(actor(world), round_)
    rounds.publish_round(actor(world), round_)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.PUBLISHED
    for attempt in (
        lambda: rounds.compute_round(actor(world), round_),
        lambda: rounds.publish_round(actor(world), round_),
        lambda: submissions.submit_value(
            Actor(world.city_supervisor),
            round_,
            world.cities[0],
            indicator_code="A1.2",
            value="1",
            documents=[pdf()],
        ),
    ):
        with pytest.raises(ActionError) as error:
            attempt()
        assert error.value.status == 409


def test_a_round_needs_an_active_system_of_its_province_and_one_per_year(world: World) -> None:
    open_round(world)
    with pytest.raises(ActionError) as duplicate:
        open_round(world)
    assert duplicate.value.status == 409
    draft = systems.new_version(actor(world), world.system)
    with pytest.raises(ActionError, match="active"):
        rounds.open_round(actor(world), world.province, draft, 2024)
    with pytest.raises(ActionError, match="another province"):
        rounds.open_round(actor(world), world.other_province, world.system, 2024)
    with pytest.raises(ActionError, match="year"):
        rounds.open_round(actor(world), world.province, world.system, 2999)
    with pytest.raises(ActionError, match="year"):
        rounds.open_round(actor(world), world.province, world.system, "last")


# ------------------------------------------------------------------ submissions


def test_a_value_needs_its_documents_recognised_by_their_bytes(
    world: World, tmp_path: Path
) -> None:
    round_ = open_round(world)
    city = world.cities[0]
    submit = Actor(world.city_supervisor)
    with pytest.raises(ActionError, match="supporting document"):
        submissions.submit_value(submit, round_, city, indicator_code="A1.2", value="5")
    with pytest.raises(ActionError) as not_a_document:
        submissions.submit_value(
            submit, round_, city, indicator_code="A1.2", value="5",
            documents=[SimpleUploadedFile("evil.pdf", b"MZ\x90\x00\x03\x00binary")],
        )  # fmt: skip
    assert not_a_document.value.status == 415
    with pytest.raises(ActionError, match="empty"):
        submissions.submit_value(
            submit,
            round_,
            city,
            indicator_code="A1.2",
            value="5",
            documents=[SimpleUploadedFile("e.txt", b"")],
        )
    submission = submissions.submit_value(
        submit, round_, city, indicator_code="A1.2", value="5",
        documents=[SimpleUploadedFile("../../etc/passwd\x07.txt", "全年举办培训5场".encode())],
    )  # fmt: skip
    document = submission.documents.get()
    assert document.original_name == "passwd.txt"
    assert document.media_type == "text/plain; charset=utf-8"
    assert submissions.document_path(document).read_bytes() == "全年举办培训5场".encode()
    assert (
        len(list((tmp_path / "assessment" / "documents").rglob("*"))) == 2
    )  # a year folder, a file


def test_huge_and_too_many_documents_are_refused_and_nothing_is_kept(
    world: World, settings: Settings, tmp_path: Path
) -> None:
    settings.ASSESSMENT_MAX_DOCUMENT_BYTES = 1000
    settings.ASSESSMENT_MAX_DOCUMENTS = 2
    round_ = open_round(world)
    submit = Actor(world.city_supervisor)
    with pytest.raises(ActionError) as huge:
        submissions.submit_value(
            submit, round_, world.cities[0], indicator_code="A1.2", value="5",
            documents=[pdf("a.pdf"), SimpleUploadedFile("big.pdf", PDF + b"0" * 2000)],
        )  # fmt: skip
    assert huge.value.status == 413
    with pytest.raises(ActionError, match="at most 2"):
        submissions.submit_value(
            submit,
            round_,
            world.cities[0],
            indicator_code="A1.2",
            value="5",
            documents=[pdf(), pdf(), pdf()],
        )
    assert Submission.objects.count() == 0 and SubmissionDocument.objects.count() == 0
    assert [p for p in (tmp_path / "assessment" / "documents").rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("value", ["", "ten", "NaN", "Infinity", "1e20", "1.23456", None])
def test_a_bad_value_is_refused(world: World, value: object) -> None:
    round_ = open_round(world)
    with pytest.raises(ActionError) as error:
        submissions.submit_value(
            Actor(world.city_supervisor),
            round_,
            world.cities[0],
            indicator_code="A1.2",
            value=value,
            documents=[pdf()],
        )
    assert error.value.field == "value"


def test_only_the_rounds_cities_and_entered_indicators_take_values(world: World) -> None:
    round_ = open_round(world)
    submit = Actor(world.city_supervisor)
    with pytest.raises(ActionError, match="not assessed"):
        submissions.submit_value(
            submit, round_, world.other_city, indicator_code="A1.2", value="1", documents=[pdf()]
        )
    with pytest.raises(ActionError, match="no entered indicator"):
        submissions.submit_value(
            submit, round_, world.cities[0], indicator_code="A1.1", value="1", documents=[pdf()]
        )


def test_a_rejection_needs_a_reason_and_the_city_may_submit_again(world: World) -> None:
    round_ = open_round(world)
    city = world.cities[0]
    submission = submissions.submit_value(
        Actor(world.city_supervisor),
        round_,
        city,
        indicator_code="A1.2",
        value="9",
        documents=[pdf()],
    )
    with pytest.raises(ActionError, match="required"):
        submissions.review_submission(actor(world), submission, accept=False, reason="  ")
    submissions.review_submission(actor(world), submission, accept=False, reason="缺少签到表")
    submission.refresh_from_db()
    assert (submission.status, submission.review_reason) == (
        SubmissionStatus.REJECTED,
        "缺少签到表",
    )
    again = submissions.submit_value(
        Actor(world.city_supervisor), round_, city, indicator_code="A1.2", value="8"
    )
    assert again.pk == submission.pk and again.status == SubmissionStatus.SUBMITTED
    assert again.documents.count() == 1  # the earlier document still supports it
    submissions.review_submission(actor(world), again, accept=True)
    with pytest.raises(ActionError) as accepted:
        submissions.submit_value(
            Actor(world.city_supervisor), round_, city, indicator_code="A1.2", value="20"
        )
    assert accepted.value.status == 409
    with pytest.raises(ActionError):
        submissions.review_submission(actor(world), again, accept=False, reason="again")
    actions = list(
        AuditEvent.objects.filter(action__startswith="assessment.submission")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "assessment.submission.submitted",
        "assessment.submission.rejected",
        "assessment.submission.resubmitted",
        "assessment.submission.accepted",
    ]


def test_a_new_version_re_ranks_an_open_round_without_code(world: World) -> None:
    first, second, _third = world.cities
    case(first, "C-1")
    round_ = open_round(world)
    theirs = submissions.submit_value(
        Actor(world.second_city_supervisor),
        round_,
        second,
        indicator_code="A1.2",
        value="20",
        documents=[pdf()],
    )
    submissions.review_submission(actor(world), theirs, accept=True)
    rounds.compute_round(actor(world), round_)
    assert CityScore.objects.get(round=round_, city=first).rank == 1  # 60 against 40
    draft = systems.new_version(actor(world), world.system)
    systems.update_indicator(actor(world), draft.indicators().get(code="A1.1"), weight="30")
    systems.update_indicator(actor(world), draft.indicators().get(code="A1.2"), weight="70")
    systems.activate_system(actor(world), draft)
    rounds.switch_system(actor(world), round_, draft)
    assert CityScore.objects.filter(round=round_).count() == 0
    rounds.compute_round(actor(world), round_)
    assert CityScore.objects.get(round=round_, city=second).rank == 1  # 70 against 30
    assert CityScore.objects.get(round=round_, city=first).total == Decimal(30)
