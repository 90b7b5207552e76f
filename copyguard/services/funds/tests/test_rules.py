"""The programme's data as entered: rules, documents and criteria are checked whole; the
evaluator interprets each rule kind (never as code); the scoring formula."""

from __future__ import annotations

from decimal import Decimal

import pytest

from copyguard.accounts.errors import ActionError
from copyguard.services.funds import rules
from copyguard.services.funds.testing import CRITERIA, register_works
from copyguard.testing import make_organisation

pytestmark = pytest.mark.django_db


def _org(**fields):
    return make_organisation(
        "rights_holder", rights_holder_type="enterprise", region_code="440703", **fields
    )


def test_every_rule_kind_is_evaluated_with_what_the_applicant_has():
    org = _org()
    register_works(org, 2)
    results = rules.evaluate(
        [
            {"kind": "organisation_kind", "in": ["rights_holder"]},
            {"kind": "rights_holder_type_in", "in": ["publisher"]},
            {"kind": "region_prefix", "value": "4407"},
            {"kind": "registered_works_at_least", "value": 3},
            {
                "kind": "any_of",
                "rules": [
                    {"kind": "region_prefix", "value": "4406"},
                    {"kind": "registered_works_at_least", "value": 2},
                ],
            },
        ],
        org,
    )
    assert [(r.kind, r.passed, r.actual if r.kind != "any_of" else None) for r in results] == [
        ("organisation_kind", True, "rights_holder"),
        ("rights_holder_type_in", False, "enterprise"),
        ("region_prefix", True, "440703"),
        ("registered_works_at_least", False, 2),
        ("any_of", True, None),
    ]
    assert [inner["passed"] for inner in results[-1].actual] == [False, True]


def test_works_not_yet_registered_do_not_count():
    from copyguard.works.models import Registration, Work

    org = _org()
    register_works(org, 1)
    work = Work.objects.create(owner=org, title="待审", category="written")
    Registration.objects.create(work=work, status="submitted")
    assert rules.registered_works(org) == 1


@pytest.mark.parametrize(
    "bad",
    [
        "not a list",
        [{"kind": "__import__('os').system('x')"}],
        [{"kind": "organisation_kind", "in": ["dragon"]}],
        [{"kind": "organisation_kind", "in": []}],
        [{"kind": "region_prefix", "value": "44-07"}],
        [{"kind": "region_prefix", "value": 4407}],
        [{"kind": "registered_works_at_least", "value": "3"}],
        [{"kind": "registered_works_at_least", "value": True}],
        [{"kind": "registered_works_at_least", "value": -1}],
        [{"kind": "region_prefix", "value": "4407", "extra": 1}],
        [
            {
                "kind": "any_of",
                "rules": [{"kind": "any_of", "rules": [{"kind": "region_prefix", "value": "44"}]}],
            }
        ],
        [{"kind": "any_of", "rules": []}],
        [{"kind": "region_prefix", "value": "44"}] * 21,
        [None],
    ],
)
def test_bad_rules_are_refused_with_a_message(bad):
    with pytest.raises(ActionError) as caught:
        rules.clean_rules(bad)
    assert caught.value.field == "eligibility_rules" and str(caught.value.message)


@pytest.mark.parametrize(
    "bad",
    [
        [],
        [{"code": "a", "name": "A", "weight": "0", "max": 10}],
        [{"code": "a", "name": "A", "weight": "x", "max": 10}],
        [{"code": "a", "name": "A", "weight": "NaN", "max": 10}],
        [{"code": "a", "name": "A", "weight": "1", "max": 0}],
        [{"code": "A B", "name": "A", "weight": "1", "max": 10}],
        [{"code": "a", "name": "", "weight": "1", "max": 10}],
        [
            {"code": "a", "name": "A", "weight": "1", "max": 10},
            {"code": "a", "name": "B", "weight": "1", "max": 10},
        ],
    ],
)
def test_bad_criteria_are_refused(bad):
    with pytest.raises(ActionError):
        rules.clean_criteria(bad)


@pytest.mark.parametrize(
    "bad",
    [
        [{"code": "a", "name": "A", "formats": ["exe"]}],
        [{"code": "a", "name": "A", "mandatory": "yes"}],
        [{"code": "a", "name": "x" * 201}],
        "pdf",
    ],
)
def test_bad_documents_are_refused(bad):
    with pytest.raises(ActionError):
        rules.clean_documents(bad)


def test_review_score_is_the_weighted_share_of_the_maximum():
    criteria = rules.clean_criteria(CRITERIA)
    # 100 * (60 * 8/10 + 40 * 4/5) / 100 = 48 + 32 = 80
    assert rules.review_score(
        criteria, rules.clean_scores(criteria, {"innovation": "8", "benefit": "4"})
    ) == Decimal("80.00")
    # 100 * (60 * 7.5/10 + 40 * 1/5) / 100 = 45 + 8 = 53
    assert rules.review_score(
        criteria, rules.clean_scores(criteria, {"innovation": 7.5, "benefit": 1})
    ) == Decimal("53.00")
    assert rules.application_score([Decimal("80.00"), Decimal("53.00")]) == Decimal("66.50")
    assert rules.application_score([]) is None


@pytest.mark.parametrize(
    "scores",
    [
        {"innovation": "11", "benefit": "4"},
        {"innovation": "-1", "benefit": "4"},
        {"innovation": "8"},
        {"innovation": "8", "benefit": "4", "x": "1"},
        {"innovation": "inf", "benefit": "1"},
        "8",
    ],
)
def test_bad_scores_are_refused(scores):
    with pytest.raises(ActionError):
        rules.clean_scores(rules.clean_criteria(CRITERIA), scores)
