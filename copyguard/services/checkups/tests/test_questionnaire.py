"""Questionnaire versions as data: the first version as shipped, and a document checked
whole (every kind of mistake named with where it is)."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest

from copyguard.services.checkups.enums import FindingKind, QuestionKind, RiskLevel
from copyguard.services.checkups.models import Questionnaire
from copyguard.services.checkups.questionnaire import (
    QuestionnaireError,
    as_json,
    from_models,
    parse,
)

V1 = Path(__file__).resolve().parents[1] / "questionnaires" / "v1.json"


def _document() -> dict:
    return json.loads(V1.read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_the_migration_ships_version_1_in_both_languages():
    questionnaire = Questionnaire.objects.get(version=1)
    assert Questionnaire.objects.current() == questionnaire
    areas = list(questionnaire.sections.values_list("code", flat=True))
    assert areas == [
        "ownership",
        "registration",
        "licensing",
        "software",
        "agreements",
        "monitoring",
        "overseas",
    ]
    for section in questionnaire.sections.all():
        assert section.title and section.title_en and section.title != section.title_en
        for question in section.questions.all():
            assert question.text and question.text_en
    kinds = set(questionnaire.sections.values_list("questions__kind", flat=True))
    assert kinds == set(QuestionKind.values)
    assert questionnaire.actions.count() == len(_document()["actions"])


@pytest.mark.django_db
def test_a_stored_version_reads_back_as_the_document_it_was_imported_from():
    spec = from_models(Questionnaire.objects.get(version=1))
    assert as_json(parse(as_json(spec))) == as_json(spec)
    assert spec.rule(FindingKind.OPEN_HIT).area == "monitoring"
    assert [t.level for t in spec.risk_levels] == RiskLevel.values
    assert spec.risk_levels[0].min_score == Decimal(80)


def _broken(change):
    document = _document()
    change(document)
    with pytest.raises(QuestionnaireError) as caught:
        parse(document)
    return caught.value


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.update(version=0), "version"),
        (lambda d: d.update(version="2"), "version"),
        (lambda d: d.update(version=True), "version"),
        (lambda d: d.update(areas=[]), "areas"),
        (lambda d: d.update(areas="x"), "areas"),
        (lambda d: d["areas"][0].update(code="Bad Code"), "areas[0].code"),
        (lambda d: d["areas"][1].update(code="ownership"), "areas[1].code"),
        (lambda d: d["areas"][0].update(weight="0"), "areas[0].weight"),
        (lambda d: d["areas"][0].update(weight="abc"), "areas[0].weight"),
        (lambda d: d["areas"][0].update(weight="1.234"), "areas[0].weight"),
        (lambda d: d["areas"][0].update(weight="NaN"), "areas[0].weight"),
        (
            lambda d: d["areas"][0]["questions"][0].update(kind="essay"),
            "areas[0].questions[0].kind",
        ),
        (
            lambda d: d["areas"][0]["questions"][0].update(text_en=""),
            "areas[0].questions[0].text_en",
        ),
        (
            lambda d: d["areas"][0]["questions"][0].update(text="x" * 5000),
            "areas[0].questions[0].text",
        ),
        (
            lambda d: d["areas"][0]["questions"][0].update(text="a\x00b"),
            "areas[0].questions[0].text",
        ),
        (
            lambda d: d["areas"][0]["questions"][0]["options"][0].update(code="maybe"),
            "areas[0].questions[0].options",
        ),
        (
            lambda d: d["areas"][0]["questions"][0]["options"][0].update(points="-1"),
            "areas[0].questions[0].options[0].points",
        ),
        (
            lambda d: d["areas"][0]["questions"][0]["options"][1].update(actions=["nothing-such"]),
            "areas[0].questions[0].options[1].actions[0]",
        ),
        (
            lambda d: d["areas"][0]["questions"][0]["options"][0].update(points="0"),
            "areas[0].questions[0]",
        ),
        (
            lambda d: d["areas"][1]["questions"][0].update(code="own-inventory"),
            "areas[1].questions[0].code",
        ),
        (
            lambda d: d["areas"][2]["questions"][2]["bands"][1].update(min="0"),
            "areas[2].questions[2].bands[1]",
        ),
        (
            lambda d: d["areas"][2]["questions"][2]["bands"][0].update(min="1", max="1"),
            "areas[2].questions[2].bands[1]",
        ),
        (
            lambda d: d["areas"][2]["questions"][2]["bands"][1].update(max="0.5"),
            "areas[2].questions[2].bands[1].max",
        ),
        (lambda d: d["findings"].pop(), "findings"),
        (lambda d: d["findings"][0].update(area="nowhere"), "findings[0].area"),
        (lambda d: d["findings"][0].update(kind="gossip"), "findings[0].kind"),
        (lambda d: d["findings"].append(copy.deepcopy(d["findings"][0])), "findings"),
        (lambda d: d["risk_levels"].pop(), "risk_levels"),
        (lambda d: d["risk_levels"][0].update(min_score="50"), "risk_levels"),
        (lambda d: d["risk_levels"][3].update(min_score="10"), "risk_levels"),
        (lambda d: d["actions"][1].update(code=d["actions"][0]["code"]), "actions[1].code"),
        (lambda d: d["actions"][0].update(priority=0), "actions[0].priority"),
        (lambda d: d.update(title=None), "title"),
        (lambda d: d.update(title_en=5), "title_en"),
    ],
)
def test_a_document_with_a_mistake_is_refused_naming_where(change, where):
    error = _broken(change)
    assert error.where == where, error.message


def test_a_document_that_is_not_an_object_is_refused():
    with pytest.raises(QuestionnaireError):
        parse([1, 2, 3])
    with pytest.raises(QuestionnaireError):
        parse("questionnaire")


def test_a_huge_document_is_refused():
    document = _document()
    document["areas"] = [copy.deepcopy(document["areas"][0]) for _ in range(41)]
    with pytest.raises(QuestionnaireError) as caught:
        parse(document)
    assert caught.value.where == "areas"
