"""The model-unit actions: rounds and criteria, nominations, values, evaluation with
every step kept, shortlisting, decisions, publication and revocation; each audited."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.fixtures import Settings

from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.services.awards import actions
from copyguard.services.awards.documents import documents_dir
from copyguard.services.awards.enums import (
    Category,
    Metric,
    NominationStatus,
    RoundStatus,
    Source,
    ValueStatus,
)
from copyguard.services.awards.metrics import compute_metric
from copyguard.services.awards.models import Award, CriterionScore, Nomination, NominationDocument
from copyguard.services.awards.testing import (
    DURING,
    World,
    act,
    make_round,
    make_world,
    self_nomination,
)
from copyguard.services.awards.tests.helpers import closed_case, pdf, registration, sent_notice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def world() -> World:
    return make_world()


def events(prefix: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith=prefix)
        .order_by("pk")
        .values_list("action", flat=True)
    )


def stored_files() -> list[Path]:
    return (
        [p for p in documents_dir().rglob("*") if p.is_file()] if documents_dir().exists() else []
    )


# ------------------------------------------------------------------ rounds and criteria


def test_round_is_created_as_draft_and_audited(world: World) -> None:
    round_ = make_round(world, open_it=False)
    assert round_.status == RoundStatus.DRAFT
    assert [c.code for c in round_.criteria.all()] == ["C1", "C2"]
    assert events("awards.") == [
        "awards.round.created",
        "awards.criterion.added",
        "awards.criterion.added",
    ]


def test_only_national_or_provincial_administrations_organise(world: World) -> None:
    for organiser in (world.city, world.enterprise):
        with pytest.raises(ActionError) as error:
            actions.create_round(
                act(world.city_supervisor),
                organiser,
                year=2025,
                category=Category.UNIT,
                title="x",
                nominations_open="2025-01-01",
                nominations_close="2025-02-01",
            )
        assert error.value.code == "not_eligible"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("year", "twenty"),
        ("year", "1999"),
        ("category", "galaxy"),
        ("title", "   "),
        ("title", "标" * 201),
        ("title", "a\x00b"),
        ("nominations_open", "2025-13-01"),
        ("nominations_close", "2024-12-31"),
    ],
)
def test_create_round_refuses_bad_input(world: World, field: str, value: str) -> None:
    data = {
        "year": "2025",
        "category": Category.UNIT,
        "title": "示范单位",
        "nominations_open": "2025-01-01",
        "nominations_close": "2025-02-01",
        field: value,
    }
    with pytest.raises(ActionError) as error:
        actions.create_round(act(world.analyst), world.province, **data)  # type: ignore[arg-type]
    assert error.value.field == field
    assert not events("awards.")


def test_one_round_per_organiser_year_and_category(world: World) -> None:
    make_round(world)
    with pytest.raises(ActionError) as error:
        make_round(world)
    assert error.value.code == "duplicate"
    make_round(world, Category.CITY)  # another category is fine


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"rule": {"kind": "magic"}}, "invalid_rule", "rule"),
        ({"rule": {"kind": "linear", "floor": 1, "target": 1}}, "invalid_rule", "rule"),
        ({"rule": "not json"}, "invalid_rule", "rule"),
        ({"metric": ""}, "invalid", "metric"),
        ({"metric": "drop table"}, "invalid", "metric"),
        ({"source": "entered"}, "invalid", "metric"),
        ({"rule": {"kind": "entered", "out_of": 10}}, "invalid_rule", "rule"),
        ({"weight": "0"}, "invalid", "weight"),
        ({"weight": "-5"}, "invalid", "weight"),
        ({"weight": "1.234"}, "invalid", "weight"),
        ({"weight": "NaN"}, "invalid", "weight"),
        ({"weight": "1e400"}, "invalid", "weight"),
        ({"code": "C 1"}, "invalid", "code"),
        ({"code": "<script>"}, "invalid", "code"),
        ({"code": "C1"}, "duplicate", "code"),
        ({"name_en": ""}, "invalid", "name_en"),
    ],
)
def test_add_criterion_refuses_bad_criteria(
    world: World, changes: dict[str, object], code: str, field: str
) -> None:
    round_ = make_round(world, open_it=False)
    data: dict[str, object] = {
        "code": "C3",
        "name": "通知数",
        "name_en": "Notices",
        "weight": "10",
        "source": Source.COMPUTED,
        "metric": Metric.NOTICES_SENT,
        "rule": {"kind": "ratio_to_best"},
        **changes,
    }
    with pytest.raises(ActionError) as error:
        actions.add_criterion(act(world.analyst), round_, **data)  # type: ignore[arg-type]
    assert (error.value.code, error.value.field) == (code, field)
    assert round_.criteria.count() == 2


def test_criteria_are_fixed_once_the_round_opens(world: World) -> None:
    round_ = make_round(world)
    with pytest.raises(ActionError) as error:
        actions.add_criterion(
            act(world.analyst),
            round_,
            code="C3",
            name="x",
            name_en="x",
            weight="1",
            source=Source.ENTERED,
            rule={"kind": "boolean"},
        )
    assert error.value.code == "wrong_status"
    with pytest.raises(ActionError):
        actions.remove_criterion(act(world.analyst), round_.criteria.first())  # type: ignore[arg-type]


def test_a_round_without_criteria_does_not_open(world: World) -> None:
    round_ = actions.create_round(
        act(world.analyst),
        world.province,
        year=2025,
        category=Category.PARK,
        title="园区",
        nominations_open="2025-01-01",
        nominations_close="2025-02-01",
    )
    with pytest.raises(ActionError):
        actions.open_round(act(world.analyst), round_)
    assert round_.criteria.count() == 0


# ------------------------------------------------------------------ nominations


def test_enterprise_nominates_itself_with_documents(world: World) -> None:
    round_ = make_round(world)
    nomination = self_nomination(world, round_, documents=[pdf("../../etc/证明.pdf")])
    assert nomination.status == NominationStatus.NOMINATED
    document = nomination.documents.get()
    assert document.original_name == "证明.pdf"
    assert document.media_type == "application/pdf"
    assert (documents_dir() / document.storage_name).read_bytes().startswith(b"%PDF")
    assert events("awards.nomination") == ["awards.nomination.created"]


def test_nominations_only_while_open(world: World) -> None:
    round_ = make_round(world)
    for day in (datetime.date(2025, 2, 28), datetime.date(2025, 7, 1)):
        with pytest.raises(ActionError) as error:
            actions.nominate(
                act(world.owner),
                round_,
                nominator=world.enterprise,
                nominee=world.enterprise,
                statement="x",
                today=day,
            )
        assert error.value.code == "wrong_status"
    draft = make_round(world, Category.PARK, open_it=False)
    with pytest.raises(ActionError):
        actions.nominate(
            act(world.owner),
            draft,
            nominator=world.enterprise,
            nominee=world.enterprise,
            nominee_name="园",
            statement="x",
            today=DURING,
        )
    assert not Nomination.objects.exists()


@pytest.mark.parametrize(
    ("nominator", "nominee", "field"),
    [
        ("far_enterprise", "far_enterprise", "nominee"),  # outside the province
        ("enterprise", "far_enterprise", "nominee"),
        ("other_city", "enterprise", "nominee"),  # not in Guangzhou's region
        ("province", "enterprise", "nominator"),  # the organiser does not nominate
        ("other_province", "far_enterprise", "nominee"),
        ("city", "city", "nominee"),  # an administration is no model unit
    ],
)
def test_who_may_nominate_whom(world: World, nominator: str, nominee: str, field: str) -> None:
    round_ = make_round(world)
    with pytest.raises(ActionError) as error:
        actions.nominate(
            act(world.supervisor),
            round_,
            nominator=getattr(world, nominator),
            nominee=getattr(world, nominee),
            statement="x",
            today=DURING,
        )
    assert error.value.code == "not_eligible"
    assert error.value.field == field


def test_an_enterprise_nominates_only_itself(world: World) -> None:
    round_ = make_round(world)
    other = world.far_enterprise
    other.region_code = "440704"
    other.save()
    with pytest.raises(ActionError) as error:
        actions.nominate(
            act(world.owner),
            round_,
            nominator=world.enterprise,
            nominee=other,
            statement="x",
            today=DURING,
        )
    assert error.value.field == "nominator"
    # Jiangmen may nominate it: it is within the city.
    nomination = actions.nominate(
        act(world.city_supervisor),
        round_,
        nominator=world.city,
        nominee=other,
        statement="推荐",
        today=DURING,
    )
    assert nomination.nominator == world.city
    assert world.far_enterprise in actions.eligible_nominees(round_, world.city)
    assert actions.eligible_nominees(round_, world.enterprise) == [world.enterprise]


def test_model_city_and_park_nominations(world: World) -> None:
    cities = make_round(world, Category.CITY)
    nomination = actions.nominate(
        act(world.city_supervisor),
        cities,
        nominator=world.city,
        nominee=world.city,
        statement="江门市申报",
        today=DURING,
    )
    assert nomination.nominee == world.city
    with pytest.raises(ActionError):
        self_nomination(world, cities)
    assert actions.eligible_nominees(cities, world.city) == [world.city]
    parks = make_round(world, Category.PARK)
    with pytest.raises(ActionError) as error:
        self_nomination(world, parks)
    assert error.value.field == "nominee_name"
    park = self_nomination(
        world, parks, nominee_name="侨乡版权产业园", nominee_name_en="Qiaoxiang Park"
    )
    assert park.display_nominee("en") == "Qiaoxiang Park (Qiaoxiang Press)"
    # the same operator may run a second park
    self_nomination(world, parks, nominee_name="第二园区")
    with pytest.raises(ActionError) as error:
        self_nomination(world, parks, nominee_name="第二园区")
    assert error.value.code == "duplicate"


def test_hostile_and_huge_documents_are_refused_leaving_nothing(
    world: World, settings: Settings
) -> None:
    round_ = make_round(world)
    settings.AWARDS_MAX_DOCUMENT_BYTES = 1000
    cases = [
        (SimpleUploadedFile("a.exe", b"MZ\x90\x00\x03\x00\x00\x00"), "unsupported_file"),
        (SimpleUploadedFile("fake.pdf", b"\x00\x01\x02binary"), "unsupported_file"),
        (SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 2000), "too_large"),
        (SimpleUploadedFile("empty.pdf", b""), "invalid"),
    ]
    for upload, code in cases:
        with pytest.raises(ActionError) as error:
            self_nomination(world, round_, documents=[pdf(), upload])
        assert error.value.code == code
    assert not Nomination.objects.exists()
    assert not NominationDocument.objects.exists()
    assert stored_files() == []
    settings.AWARDS_MAX_DOCUMENTS = 2
    with pytest.raises(ActionError):
        self_nomination(world, round_, documents=[pdf(), pdf(), pdf()])
    assert stored_files() == []


def test_statement_input_is_checked(world: World) -> None:
    round_ = make_round(world)
    for statement in ("", "   ", "x\x00y", "长" * 20001):
        with pytest.raises(ActionError) as error:
            self_nomination_with(world, round_, statement)
        assert error.value.field == "statement"
    nomination = self_nomination_with(world, round_, "<script>alert(1)</script> 正文")
    assert nomination.statement.startswith("<script>")  # kept as text, escaped on pages


def self_nomination_with(world: World, round_, statement: str) -> Nomination:  # type: ignore[no-untyped-def]
    return actions.nominate(
        act(world.owner),
        round_,
        nominator=world.enterprise,
        nominee=world.enterprise,
        statement=statement,
        today=DURING,
    )


def test_withdrawal(world: World) -> None:
    round_ = make_round(world)
    nomination = self_nomination(world, round_)
    withdrawn = actions.withdraw(act(world.owner), nomination, reason="明年再报")
    assert withdrawn.status == NominationStatus.WITHDRAWN
    with pytest.raises(ActionError):
        actions.withdraw(act(world.owner), withdrawn)
    assert events("awards.nomination")[-1] == "awards.nomination.withdrawn"


# ------------------------------------------------------------------ entered values


def test_entered_values_need_documents_and_a_review(world: World) -> None:
    round_ = make_round(world)
    nomination = self_nomination(world, round_)
    with pytest.raises(ActionError) as error:
        actions.submit_value(act(world.owner), nomination, criterion_code="C2", value="6")
    assert error.value.field == "documents"
    actions.add_documents(act(world.owner), nomination, [pdf("培训签到表.pdf")])
    for code, value, field in [
        ("C1", "6", "criterion"),  # computed: nothing to enter
        ("C9", "6", "criterion"),
        ("C2", "-1", "value"),
        ("C2", "six", "value"),
        ("C2", "1.00001", "value"),
    ]:
        with pytest.raises(ActionError) as error:
            actions.submit_value(act(world.owner), nomination, criterion_code=code, value=value)
        assert error.value.field == field
    entered = actions.submit_value(
        act(world.owner), nomination, criterion_code="C2", value="6", note="六场培训"
    )
    with pytest.raises(ActionError) as error:
        actions.review_value(act(world.analyst), entered, accept=False, reason="")
    assert error.value.field == "reason"
    rejected = actions.review_value(act(world.analyst), entered, accept=False, reason="缺签到表")
    assert rejected.status == ValueStatus.REJECTED
    again = actions.submit_value(act(world.owner), nomination, criterion_code="C2", value="5")
    accepted = actions.review_value(act(world.analyst), again, accept=True)
    assert accepted.status == ValueStatus.ACCEPTED
    with pytest.raises(ActionError):
        actions.submit_value(act(world.owner), nomination, criterion_code="C2", value="9")
    assert events("awards.value") == [
        "awards.value.submitted",
        "awards.value.rejected",
        "awards.value.resubmitted",
        "awards.value.accepted",
    ]


# ------------------------------------------------------------------ metrics


def test_metrics_count_only_the_nominee_and_the_year(world: World) -> None:
    registration(world.enterprise, datetime.date(2025, 1, 1))
    registration(world.enterprise, datetime.date(2025, 12, 31))
    registration(world.enterprise, datetime.date(2024, 12, 31))
    registration(world.far_enterprise, datetime.date(2025, 5, 1), region="330402")
    result = compute_metric(Metric.WORKS_REGISTERED, world.enterprise, 2025)
    assert result.value == 2
    assert result.inputs["count"] == 2
    assert len(result.inputs["ids"]) == 2
    assert compute_metric(Metric.REGION_REGISTRATIONS, world.city, 2025).value == 2
    assert compute_metric(Metric.REGION_REGISTRATIONS, world.province, 2025).value == 2
    district = world.enterprise  # region 440703: a district bureau counts for Jiangmen
    from copyguard.testing import make_organisation

    bureau = make_organisation("administration", level="district", region_code="440703")
    closed_case(bureau, datetime.datetime(2025, 6, 1))
    closed_case(world.city, datetime.datetime(2025, 7, 1))
    closed_case(world.city, datetime.datetime(2026, 1, 2))
    closed_case(world.other_city, datetime.datetime(2025, 7, 1))
    assert compute_metric(Metric.CASES_CLOSED, world.city, 2025).value == 2
    sent_notice(district, datetime.datetime(2025, 3, 3))
    from django.utils import timezone

    from copyguard.services.publicity.models import TrainingEvent

    def event(organiser, day: datetime.datetime, status: str = "published") -> None:  # type: ignore[no-untyped-def]
        at = timezone.make_aware(day)
        TrainingEvent.objects.create(organiser=organiser, status=status, starts_at=at, ends_at=at)

    event(world.enterprise, datetime.datetime(2025, 4, 26))
    event(world.enterprise, datetime.datetime(2025, 5, 1), status="cancelled")
    event(world.enterprise, datetime.datetime(2024, 4, 26))
    event(bureau, datetime.datetime(2025, 6, 1))
    event(world.other_city, datetime.datetime(2025, 6, 1))
    assert compute_metric(Metric.TRAINING_EVENTS, world.enterprise, 2025).value == 1
    # a city counts every organiser of its region: the enterprise and the district bureau
    assert compute_metric(Metric.TRAINING_EVENTS, world.city, 2025).value == 2
    sent_notice(world.far_enterprise, datetime.datetime(2025, 3, 3))
    assert compute_metric(Metric.NOTICES_SENT, world.enterprise, 2025).value == 1


# ------------------------------------------------------------------ evaluation to award


def _two_nominations(world: World) -> tuple[Nomination, Nomination]:
    round_ = make_round(world)
    first = self_nomination(world, round_, documents=[pdf()])
    other = world.far_enterprise
    other.region_code = "440704"
    other.save()
    second = actions.nominate(
        act(world.city_supervisor),
        round_,
        nominator=world.city,
        nominee=other,
        statement="推荐南湖",
        today=DURING,
    )
    for _ in range(3):
        registration(world.enterprise, datetime.date(2025, 5, 1))
    registration(other, datetime.date(2025, 5, 1))
    entered = actions.submit_value(act(world.owner), first, criterion_code="C2", value="5")
    actions.review_value(act(world.analyst), entered, accept=True)
    return first, second


def test_evaluation_scores_every_criterion_with_its_steps(world: World) -> None:
    first, second = _two_nominations(world)
    round_ = first.round
    with pytest.raises(ActionError):  # still open for nominations
        actions.evaluate(act(world.analyst), round_)
    actions.close_nominations(act(world.analyst), round_)
    actions.evaluate(act(world.analyst), round_)
    first.refresh_from_db()
    second.refresh_from_db()
    # C1 ratio to best: 60 * 3 / 3 and 60 * 1 / 3; C2 linear 0 → 10: 40 * 5 / 10 and none.
    assert first.total == Decimal("80.0000")
    assert second.total == Decimal("20.0000")
    assert (first.rank, second.rank) == (1, 2)
    assert first.status == second.status == NominationStatus.EVALUATING
    c1 = CriterionScore.objects.get(nomination=second, criterion__code="C1")
    assert c1.value == 1
    assert c1.points == Decimal("20.0000")
    assert c1.inputs["count"] == 1
    assert [s["code"] for s in c1.steps] == ["best", "ratio_higher"]
    assert c1.steps[0]["args"] == {"count": "2", "best": "3"}
    c2 = CriterionScore.objects.get(nomination=second, criterion__code="C2")
    assert c2.value is None
    assert c2.points == 0
    assert [s["code"] for s in c2.steps] == ["missing"]
    first_c2 = CriterionScore.objects.get(nomination=first, criterion__code="C2")
    assert first_c2.inputs["entered"] == "accepted"
    assert first_c2.points == Decimal("20.0000")
    # a rejected or unreviewed value does not score; evaluating again replaces the scores
    actions.evaluate(act(world.analyst), round_)
    assert CriterionScore.objects.count() == 4
    round_.refresh_from_db()
    assert round_.evaluations == 2
    event = AuditEvent.objects.filter(action="awards.round.evaluated").last()
    assert event is not None
    assert event.params["totals"] == {str(first.pk): "80.0000", str(second.pk): "20.0000"}


def test_changing_a_weight_changes_the_scores_without_code(world: World) -> None:
    first, _ = _two_nominations(world)
    round_ = first.round
    round_.criteria.filter(code="C1").update(weight=Decimal("30"))
    actions.close_nominations(act(world.analyst), round_)
    actions.evaluate(act(world.analyst), round_)
    first.refresh_from_db()
    assert first.total == Decimal("50.0000")


def test_shortlist_decide_publish_and_revoke(world: World) -> None:
    first, second = _two_nominations(world)
    round_ = first.round
    actions.close_nominations(act(world.analyst), round_)
    with pytest.raises(ActionError):  # not evaluated yet
        actions.shortlist(act(world.analyst), first, shortlisted=True)
    actions.evaluate(act(world.analyst), round_)
    with pytest.raises(ActionError) as error:
        actions.shortlist(act(world.analyst), second, shortlisted=False)
    assert error.value.field == "reason"
    actions.shortlist(act(world.analyst), second, shortlisted=False, reason="得分较低")
    actions.shortlist(act(world.analyst), first, shortlisted=True)
    with pytest.raises(ActionError) as error:
        actions.publish_decisions(act(world.supervisor), round_)
    assert error.value.code == "wrong_status"
    with pytest.raises(ActionError) as error:
        actions.decide(act(world.supervisor), first, award=True, citation="")
    assert error.value.field == "citation"
    actions.decide(
        act(world.supervisor),
        first,
        award=True,
        citation="版权保护成效显著。",
        citation_en="Outstanding copyright protection.",
    )
    with pytest.raises(ActionError):  # the evaluation is frozen once awards are decided
        actions.evaluate(act(world.analyst), round_)
    award = Award.objects.get()
    assert not award.is_public()
    round_ = actions.publish_decisions(act(world.supervisor), round_)
    assert round_.status == RoundStatus.DECIDED
    award.refresh_from_db()
    assert award.is_public()
    with pytest.raises(ActionError) as error:
        actions.revoke_award(act(world.supervisor), award, reason=" ")
    assert error.value.field == "reason"
    revoked = actions.revoke_award(
        act(world.supervisor), award, reason="发现侵权行为", reason_en="Infringement found"
    )
    assert revoked.is_revoked()
    assert revoked.display_revocation_reason("en") == "Infringement found"
    with pytest.raises(ActionError):
        actions.revoke_award(act(world.supervisor), award, reason="again")
    assert events("awards.") == [
        "awards.round.created",
        "awards.criterion.added",
        "awards.criterion.added",
        "awards.round.opened",
        "awards.nomination.created",
        "awards.nomination.created",
        "awards.value.submitted",
        "awards.value.accepted",
        "awards.round.nominations_closed",
        "awards.round.evaluated",
        "awards.nomination.not_shortlisted",
        "awards.nomination.shortlisted",
        "awards.nomination.awarded",
        "awards.round.decided",
        "awards.award.revoked",
    ]


def test_not_awarding_needs_a_reason(world: World) -> None:
    first, _ = _two_nominations(world)
    actions.close_nominations(act(world.analyst), first.round)
    actions.evaluate(act(world.analyst), first.round)
    actions.shortlist(act(world.analyst), first, shortlisted=True)
    with pytest.raises(ActionError):
        actions.decide(act(world.supervisor), first, award=False)
    decided = actions.decide(act(world.supervisor), first, award=False, reason="名额已满")
    assert decided.status == NominationStatus.NOT_AWARDED
    assert not Award.objects.exists()
