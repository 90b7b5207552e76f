# ruff: noqa: RUF001  (full-width CJK punctuation is what the text contains)
"""The draft written from the case record, and the names and labels of redaction."""

from __future__ import annotations

from typing import Any

import pytest

from copyguard.enforcement.models import Case
from copyguard.insights.typical import drafting
from copyguard.insights.typical.enums import TermKind
from copyguard.insights.typical.tests.helpers import (
    COMPANY,
    DOMAIN,
    OPERATOR,
    SITE_NAME,
    TypicalWorld,
    closed_case,
)

pytestmark = pytest.mark.django_db


def test_the_draft_gives_the_facts_decision_and_amounts_in_both_languages(case: Case) -> None:
    draft = drafting.draft_from_case(case)
    assert draft.title == case.title
    assert "Foshan Copyright Bureau" in draft.title_en
    assert "written work" in draft.title_en
    assert case.number in draft.facts and case.number in draft.facts_en
    assert "违法所得数额（元）8,600" in draft.facts
    assert "Illegal gains (yuan): 8,600" in draft.facts_en
    assert "《星河纪事》（文字作品）" in draft.facts
    assert "没收违法所得 8,600.00 元；罚款 30,000.00 元" in draft.decision
    assert "Fine: 30,000.00 yuan" in draft.decision_en
    assert "第五十三条" in draft.decision  # the reasoning, with its legal basis
    assert "Copyright Law of the People's Republic of China, Articles 10, 53" in draft.decision_en
    assert "当事人已履行处罚决定" in draft.decision  # the closing reason
    assert "警示作用" in draft.significance
    assert "warning against similar infringements" in draft.significance_en
    assert draft.year == case.closed_at.year  # type: ignore[union-attr]
    assert draft.region_code == "440600"
    assert draft.work_category == "written"


def test_the_draft_is_the_same_every_time(case: Case) -> None:
    assert drafting.draft_from_case(case) == drafting.draft_from_case(case)


def test_the_draft_names_the_parties_before_redaction(case: Case) -> None:
    draft = drafting.draft_from_case(case)
    assert COMPANY in draft.facts
    assert DOMAIN in draft.facts_en


def test_a_case_closed_without_a_decision_says_so(tw: TypicalWorld) -> None:
    draft = drafting.draft_from_case(closed_case(tw, decided=False))
    assert "未作出行政处罚决定" in draft.decision
    assert "without an administrative penalty" in draft.decision_en
    assert "Legal basis" not in draft.decision_en


def test_a_joint_case_is_significant_for_cooperation(case: Case, tw: TypicalWorld) -> None:
    case.partners.add(tw.other_administration)
    draft = drafting.draft_from_case(case)
    assert "会同江门市版权局联合办理" in draft.significance
    assert "jointly with Jiangmen Copyright Bureau" in draft.significance_en


def test_the_parties_names_persons_and_domains_get_labels(case: Case) -> None:
    specs = {spec.term: spec for spec in drafting.party_terms(case)}
    assert set(specs) == {
        f"{COMPANY}（经营者{OPERATOR}）",
        COMPANY,
        OPERATOR,
        SITE_NAME,
        DOMAIN,
        "南湖书苑出版社",
    }
    assert (specs[COMPANY].label, specs[COMPANY].label_en) == ("某公司", "Company A")
    assert specs[COMPANY].kind == TermKind.COMPANY
    assert (specs[OPERATOR].label, specs[OPERATOR].label_en) == ("李某", "Li")
    assert (specs[SITE_NAME].label, specs[SITE_NAME].label_en) == ("某网站", "Website A")
    assert specs[DOMAIN].label == specs[SITE_NAME].label
    assert (specs["南湖书苑出版社"].label, specs["南湖书苑出版社"].label_en) == (
        "某出版社",
        "Publisher A",
    )


@pytest.mark.parametrize(
    ("name", "role", "kind"),
    [
        ("张三", "infringer", TermKind.PERSON),
        ("欧阳娜娜", "other", TermKind.PERSON),
        ("深圳某某科技有限公司", "infringer", TermKind.COMPANY),
        ("Pearl Tide Media Ltd", "rights_holder", TermKind.COMPANY),
        ("书香阁", "site", TermKind.SITE),
        ("某某", "other", TermKind.PERSON),
    ],
)
def test_a_name_is_told_apart_by_its_form(name: str, role: str, kind: str) -> None:
    assert drafting.classify(name, role) == kind


@pytest.mark.parametrize(
    ("name", "label"),
    [("张三", ("张某", "Zhang")), ("欧阳修", ("欧阳某", "Ouyang")), ("亓官某", ("亓某", ""))],
)
def test_a_person_is_named_by_the_surname(name: str, label: tuple[str, str]) -> None:
    assert drafting.surname_label(name) == label


def test_several_companies_are_told_apart_by_serials(tw: TypicalWorld) -> None:
    from copyguard.accounts.audit import Actor
    from copyguard.enforcement.actions.cases import add_party

    case = closed_case(tw)
    Case.objects.filter(pk=case.pk).update(status="open")
    add_party(Actor(tw.officer), case, role="infringer", name="江门市蓬江区某网络科技有限公司")
    labels = {spec.term: spec.label for spec in drafting.party_terms(case)}
    assert labels[COMPANY] == "甲公司"
    assert labels["江门市蓬江区某网络科技有限公司"] == "乙公司"


def test_two_persons_with_one_surname_get_distinct_labels(tw: TypicalWorld) -> None:
    from copyguard.accounts.audit import Actor
    from copyguard.enforcement.actions.cases import add_party

    case = closed_case(tw)
    Case.objects.filter(pk=case.pk).update(status="open")
    add_party(Actor(tw.officer), case, role="infringer", name="李强")
    add_party(Actor(tw.officer), case, role="infringer", name="李军")
    labels = {spec.term: (spec.label, spec.label_en) for spec in drafting.party_terms(case)}
    assert len({labels[OPERATOR], labels["李强"], labels["李军"]}) == 3


def test_redaction_replaces_the_longest_names_first_and_ignores_case() -> None:
    terms = [("星河", "某A"), ("星河文化传媒有限公司", "某公司"), ("Xinghe.example", "某网站")]
    text = "星河文化传媒有限公司经营 XINGHE.EXAMPLE，星河出品"
    assert drafting.redact(text, terms) == "某公司经营 某网站，某A出品"


def test_redaction_folds_a_site_and_its_domain_into_one_label() -> None:
    terms = [("星河小说网", "某网站"), ("xinghe-novel.example", "某网站")]
    assert drafting.redact("星河小说网（xinghe-novel.example）", terms) == "某网站"
    assert (
        drafting.redact("星河小说网（网站或应用，xinghe-novel.example）", terms)
        == "某网站（网站或应用）"
    )


def test_names_in_finds_what_remains() -> None:
    assert drafting.names_in("The Xinghe site", ["xinghe", "李明华"]) == ["xinghe"]


@pytest.mark.parametrize(
    ("text", "number"), [("十", 10), ("五十三", 53), ("一百二十四", 124), ("七", 7), ("x", None)]
)
def test_chinese_article_numbers(text: str, number: Any) -> None:
    assert drafting.chinese_number(text) == number


def test_only_articles_of_the_copyright_law_are_cited() -> None:
    assert drafting.cited_articles("依据《行政处罚法》第三十二条") == []
    assert drafting.cited_articles("违反《著作权法》第十条，依据第五十三条、第五十三条") == [10, 53]


def test_a_name_already_anonymous_is_not_listed(tw: TypicalWorld) -> None:
    from copyguard.accounts.audit import Actor
    from copyguard.enforcement.actions.cases import add_party

    case = closed_case(tw)
    Case.objects.filter(pk=case.pk).update(status="open")
    add_party(Actor(tw.officer), case, role="infringer", name="某公司")
    add_party(Actor(tw.officer), case, role="infringer", name="何某")
    terms = {spec.term for spec in drafting.party_terms(case)}
    assert "某公司" not in terms and "何某" not in terms
