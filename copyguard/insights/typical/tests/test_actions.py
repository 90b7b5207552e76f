# ruff: noqa: RUF001  (full-width CJK punctuation is what supervisors type)
"""The workflow of a typical case: propose, edit, redact, approve, publish, withdraw."""

from __future__ import annotations

import pytest

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.enforcement.models import Case
from copyguard.insights.typical import actions
from copyguard.insights.typical.enums import TermSource, TypicalErrorCode, TypicalStatus
from copyguard.insights.typical.models import TEXT_FIELDS, RedactionTerm, Tag, TypicalCase
from copyguard.insights.typical.tests.helpers import (
    COMPANY,
    DOMAIN,
    OPERATOR,
    SITE_NAME,
    TypicalWorld,
    closed_case,
    open_case_of,
    proposed,
    published,
)
from copyguard.monitoring.models import Notification

pytestmark = pytest.mark.django_db


def _events(typical: TypicalCase) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="typical.typicalcase", object_id=str(typical.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def _refused(code: str, call: object, *args: object, **kwargs: object) -> ActionError:
    with pytest.raises(ActionError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    assert caught.value.code == code, caught.value.message
    return caught.value


# ------------------------------------------------------------------ proposing


def test_a_proposal_is_drafted_from_the_record_with_the_parties_redacted(
    tw: TypicalWorld, case: Case
) -> None:
    typical = actions.propose(Actor(tw.officer), case, note="首例")
    assert typical.status == TypicalStatus.PROPOSED
    assert typical.administration == tw.administration
    assert typical.proposed_by == tw.officer
    text = typical.public_text()
    for name in (COMPANY, OPERATOR, SITE_NAME, DOMAIN, "南湖书苑出版社"):
        assert name not in text
    assert "某公司（涉嫌侵权人）" in typical.facts
    assert "Company A (Suspected infringer)" in typical.facts_en
    assert "某网站" in typical.facts and "Website A" in typical.facts_en
    assert "罚款 30,000.00 元" in typical.decision
    assert typical.terms.filter(source=TermSource.PARTY).count() == 6
    assert actions.names_remaining(typical) == []
    assert _events(typical) == ["typical.case.propose"]


def test_the_supervisors_are_told_of_a_proposal(tw: TypicalWorld, case: Case) -> None:
    typical = actions.propose(Actor(tw.officer), case)
    told = set(Notification.objects.values_list("user", flat=True))
    assert told == {tw.supervisor.pk, tw.second_supervisor.pk}
    assert Notification.objects.filter(link=f"/typical-cases/manage/{typical.pk}/").count() == 2


def test_an_open_case_cannot_be_proposed(tw: TypicalWorld) -> None:
    case = open_case_of(tw)
    _refused(TypicalErrorCode.CASE_NOT_CLOSED, actions.propose, Actor(tw.officer), case)
    assert not TypicalCase.objects.exists()


def test_a_case_is_proposed_once(tw: TypicalWorld, case: Case) -> None:
    actions.propose(Actor(tw.officer), case)
    _refused(TypicalErrorCode.ALREADY_PROPOSED, actions.propose, Actor(tw.supervisor), case)
    assert TypicalCase.objects.count() == 1


@pytest.mark.parametrize(
    "who", ["analyst", "admin_viewer", "other_officer", "other_supervisor", "province_supervisor"]
)
def test_only_the_officers_and_supervisors_of_the_bureau_propose(
    tw: TypicalWorld, case: Case, who: str
) -> None:
    _refused(TypicalErrorCode.FORBIDDEN, actions.propose, Actor(getattr(tw, who)), case)
    assert not TypicalCase.objects.exists()


def test_a_supervisor_may_propose_too(tw: TypicalWorld, case: Case) -> None:
    assert actions.propose(Actor(tw.supervisor), case).proposed_by == tw.supervisor


def test_a_proposal_note_is_limited(tw: TypicalWorld, case: Case) -> None:
    _refused(TypicalErrorCode.INVALID, actions.propose, Actor(tw.officer), case, note="x" * 5001)
    _refused(TypicalErrorCode.INVALID, actions.propose, Actor(tw.officer), case, note="a\x00b")


# ------------------------------------------------------------------ editing


def test_editing_saves_the_text_and_moves_to_editing(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    actions.edit(
        Actor(tw.supervisor),
        typical,
        texts={"title": "某小说网站全站传播网络小说案", "significance_en": "A lesson."},
        year=2025,
        work_category="written",
        tags=["网络文学", "Special campaign", "新标签"],
    )
    typical.refresh_from_db()
    assert typical.status == TypicalStatus.EDITING
    assert typical.title == "某小说网站全站传播网络小说案"
    assert typical.significance_en == "A lesson."
    assert typical.year == 2025
    assert sorted(typical.tags.values_list("slug", flat=True)) == [
        "online-literature",
        "special-campaign",
        "新标签",
    ]
    assert Tag.objects.filter(name="新标签").exists()
    assert typical.edited_by == tw.supervisor
    assert _events(typical)[-1] == "typical.case.edit"


def test_a_name_typed_back_in_is_redacted_on_saving(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    actions.edit(
        Actor(tw.supervisor),
        typical,
        texts={"facts": f"{OPERATOR}经营的{SITE_NAME}", "facts_en": f"{DOMAIN} was run by him"},
    )
    typical.refresh_from_db()
    assert typical.facts == "李某经营的某网站"
    assert typical.facts_en == "Website A was run by him"


INVALID = TypicalErrorCode.INVALID


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"texts": {"facts": "x" * 20_001}}, "facts", INVALID),
        ({"texts": {"title": "x" * 301}}, "title", INVALID),
        ({"texts": {"title": "", "title_en": ""}}, "title", TypicalErrorCode.TEXT_MISSING),
        ({"texts": {"facts": "null\x00"}}, "facts", INVALID),
        ({"texts": {"status": "published"}}, "status", INVALID),
        ({"year": "二〇二五"}, "year", INVALID),
        ({"year": 1800}, "year", INVALID),
        ({"work_category": "poetry"}, "work_category", INVALID),
        ({"tags": [f"tag {n}" for n in range(13)]}, "tags", INVALID),
        ({"tags": ["x" * 61]}, "tags", INVALID),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(
    tw: TypicalWorld, kwargs: dict[str, object], field: str, code: str
) -> None:
    typical = proposed(tw)
    before = {name: getattr(typical, name) for name in TEXT_FIELDS}
    error = _refused(code, actions.edit, Actor(tw.supervisor), typical, **kwargs)
    assert error.field == field
    typical.refresh_from_db()
    assert {name: getattr(typical, name) for name in TEXT_FIELDS} == before
    assert typical.status == TypicalStatus.PROPOSED
    assert typical.tags.count() == 0


@pytest.mark.parametrize(
    "who", ["officer", "analyst", "admin_viewer", "province_supervisor", "other_supervisor"]
)
def test_only_the_supervisors_of_the_bureau_edit(tw: TypicalWorld, who: str) -> None:
    typical = proposed(tw)
    _refused(
        TypicalErrorCode.FORBIDDEN,
        actions.edit,
        Actor(getattr(tw, who)),
        typical,
        texts={"title": "改"},
    )


def test_a_published_case_is_not_edited(tw: TypicalWorld) -> None:
    typical = published(tw)
    _refused(
        TypicalErrorCode.WRONG_STATUS,
        actions.edit,
        Actor(tw.supervisor),
        typical,
        texts={"title": "改"},
    )


def test_editing_an_approved_case_needs_a_new_approval(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    actions.approve(Actor(tw.supervisor), typical)
    actions.edit(Actor(tw.second_supervisor), typical, texts={"title": "新标题"})
    typical.refresh_from_db()
    assert typical.status == TypicalStatus.EDITING
    assert typical.approved_by is None
    _refused(TypicalErrorCode.WRONG_STATUS, actions.publish, Actor(tw.supervisor), typical)


def test_regenerating_writes_the_draft_again(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    original = typical.facts
    actions.edit(Actor(tw.supervisor), typical, texts={"facts": "改写"})
    actions.regenerate(Actor(tw.supervisor), typical)
    typical.refresh_from_db()
    assert typical.facts == original
    assert _events(typical)[-1] == "typical.case.regenerate"


# ------------------------------------------------------------------ names


def test_an_added_name_is_replaced_in_both_languages(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    actions.edit(Actor(tw.supervisor), typical, texts={
        "facts": "证人王小二称", "facts_en": "The witness Wang Xiaoer said",
    })  # fmt: skip
    actions.add_term(Actor(tw.supervisor), typical, term="王小二", kind="person")
    actions.add_term(
        Actor(tw.supervisor),
        typical,
        term="Wang Xiaoer",
        kind="person",
        label="王某",
        label_en="Wang",
    )
    typical.refresh_from_db()
    assert typical.facts == "证人王某称"
    assert typical.facts_en == "The witness Wang said"
    added = typical.terms.get(term="王小二")
    assert (added.label, added.label_en, added.source) == ("王某", "Wang", TermSource.ADDED)
    assert _events(typical)[-1] == "typical.term.add"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"term": ""}, "term"),
        ({"term": "王"}, "term"),
        ({"term": "x" * 254}, "term"),
        ({"term": COMPANY}, "term"),  # already listed
        ({"term": "王小二", "kind": "animal"}, "kind"),
        ({"term": "王小二", "label": "王小二先生"}, "label"),
        ({"term": "王小二", "label": "x" * 61}, "label"),
    ],
)
def test_bad_names_are_refused(tw: TypicalWorld, kwargs: dict[str, str], field: str) -> None:
    typical = proposed(tw)
    count = typical.terms.count()
    error = _refused(
        TypicalErrorCode.INVALID, actions.add_term, Actor(tw.supervisor), typical, **kwargs
    )
    assert error.field == field
    assert typical.terms.count() == count


def test_a_partys_name_stays_on_the_list_but_an_added_one_comes_off(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    party_term = typical.terms.get(term=COMPANY)
    _refused(TypicalErrorCode.INVALID, actions.remove_term, Actor(tw.supervisor), party_term)
    added = actions.add_term(Actor(tw.supervisor), typical, term="王小二", kind="person")
    actions.remove_term(Actor(tw.supervisor), added)
    assert not RedactionTerm.objects.filter(pk=added.pk).exists()
    assert _events(typical)[-1] == "typical.term.remove"


def test_publishing_is_refused_while_a_partys_name_appears(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    # Text written around the actions (an import, a database edit) still names the company.
    TypicalCase.objects.filter(pk=typical.pk).update(significance=f"{COMPANY}已整改。")
    error = _refused(TypicalErrorCode.NAMES_REMAIN, actions.approve, Actor(tw.supervisor), typical)
    assert COMPANY in str(error.message)
    typical.refresh_from_db()
    assert typical.status == TypicalStatus.PROPOSED
    TypicalCase.objects.filter(pk=typical.pk).update(status=TypicalStatus.APPROVED)
    _refused(TypicalErrorCode.NAMES_REMAIN, actions.publish, Actor(tw.supervisor), typical)
    assert TypicalCase.objects.get(pk=typical.pk).status == TypicalStatus.APPROVED


def test_a_partys_name_never_listed_is_still_caught(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    typical.terms.filter(term=DOMAIN).delete()
    TypicalCase.objects.filter(pk=typical.pk).update(facts_en=f"See {DOMAIN.upper()}")
    assert actions.names_remaining(TypicalCase.objects.get(pk=typical.pk)) == [DOMAIN]


def test_a_name_declared_public_with_a_reason_may_appear(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    term = typical.terms.get(term=COMPANY)
    reason = "（2026）粤06民初123号判决书已在中国裁判文书网公开"
    actions.declare_public(Actor(tw.supervisor), term, reason=reason)
    actions.edit(Actor(tw.supervisor), typical, texts={"significance": f"{COMPANY}已整改。"})
    typical.refresh_from_db()
    assert COMPANY in typical.significance
    actions.approve(Actor(tw.second_supervisor), typical)
    actions.publish(Actor(tw.supervisor), typical)
    assert TypicalCase.objects.get(pk=typical.pk).status == TypicalStatus.PUBLISHED
    event = AuditEvent.objects.get(action="typical.term.public")
    assert event.params["term"] == COMPANY and event.params["reason"] == reason
    assert AuditEvent.objects.get(action="typical.case.publish").params["public_names"] == [COMPANY]


def test_a_public_name_needs_a_reason(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    term = typical.terms.get(term=COMPANY)
    _refused(
        TypicalErrorCode.INVALID, actions.declare_public, Actor(tw.supervisor), term, reason="  "
    )
    assert not RedactionTerm.objects.get(pk=term.pk).is_public


def test_revoking_a_public_name_redacts_it_again(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    term = typical.terms.get(term=COMPANY)
    actions.declare_public(Actor(tw.supervisor), term, reason="判决已公开")
    actions.edit(Actor(tw.supervisor), typical, texts={"significance": f"{COMPANY}已整改。"})
    actions.revoke_public(Actor(tw.supervisor), term)
    typical.refresh_from_db()
    assert typical.significance == "某公司已整改。"


def test_redact_replaces_the_names_again(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    TypicalCase.objects.filter(pk=typical.pk).update(facts=f"{SITE_NAME}")
    actions.redact(Actor(tw.supervisor), typical)
    assert TypicalCase.objects.get(pk=typical.pk).facts == "某网站"


@pytest.mark.parametrize(
    "who", ["officer", "admin_viewer", "province_supervisor", "other_supervisor"]
)
def test_only_the_supervisors_handle_the_names(tw: TypicalWorld, who: str) -> None:
    typical = proposed(tw)
    term = typical.terms.get(term=COMPANY)
    actor = Actor(getattr(tw, who))
    _refused(TypicalErrorCode.FORBIDDEN, actions.add_term, actor, typical, term="王小二")
    _refused(TypicalErrorCode.FORBIDDEN, actions.declare_public, actor, term, reason="公开")
    _refused(TypicalErrorCode.FORBIDDEN, actions.redact, actor, typical)


# ------------------------------------------------------------------ approving, publishing, withdrawing


def test_the_whole_way_to_publication_is_audited(tw: TypicalWorld) -> None:
    typical = published(tw)
    assert typical.status == TypicalStatus.PUBLISHED
    assert typical.approved_by == tw.supervisor and typical.published_by == tw.supervisor
    assert typical.published_at is not None
    assert _events(typical) == [
        "typical.case.propose",
        "typical.case.edit",
        "typical.case.approve",
        "typical.case.publish",
    ]
    assert Notification.objects.filter(user=tw.officer).count() == 1


def test_the_proposer_does_not_approve_their_own_proposal(tw: TypicalWorld, case: Case) -> None:
    typical = actions.propose(Actor(tw.supervisor), case)
    _refused(TypicalErrorCode.OWN_PROPOSAL, actions.approve, Actor(tw.supervisor), typical)
    actions.approve(Actor(tw.second_supervisor), typical)
    assert TypicalCase.objects.get(pk=typical.pk).status == TypicalStatus.APPROVED


@pytest.mark.parametrize(
    "who", ["officer", "analyst", "admin_viewer", "province_supervisor", "other_supervisor"]
)
def test_officers_and_readers_do_not_approve_or_publish(tw: TypicalWorld, who: str) -> None:
    typical = proposed(tw)
    _refused(TypicalErrorCode.FORBIDDEN, actions.approve, Actor(getattr(tw, who)), typical)
    actions.approve(Actor(tw.supervisor), typical)
    _refused(TypicalErrorCode.FORBIDDEN, actions.publish, Actor(getattr(tw, who)), typical)
    _refused(
        TypicalErrorCode.FORBIDDEN, actions.withdraw, Actor(getattr(tw, who)), typical, reason="x"
    )


def test_a_proposal_is_published_only_once_approved(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    _refused(TypicalErrorCode.WRONG_STATUS, actions.publish, Actor(tw.supervisor), typical)


def test_approval_needs_the_title_facts_and_decision(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    actions.edit(Actor(tw.supervisor), typical, texts={"decision": "", "decision_en": ""})
    error = _refused(TypicalErrorCode.TEXT_MISSING, actions.approve, Actor(tw.supervisor), typical)
    assert error.field == "decision"


def test_withdrawing_needs_a_reason_and_frees_the_case(tw: TypicalWorld) -> None:
    typical = published(tw)
    _refused(TypicalErrorCode.INVALID, actions.withdraw, Actor(tw.supervisor), typical, reason="")
    actions.withdraw(Actor(tw.second_supervisor), typical, reason="当事人提起行政诉讼")
    typical.refresh_from_db()
    assert typical.status == TypicalStatus.WITHDRAWN
    assert typical.withdrawal_reason == "当事人提起行政诉讼"
    assert _events(typical)[-1] == "typical.case.withdraw"
    _refused(
        TypicalErrorCode.WRONG_STATUS, actions.withdraw, Actor(tw.supervisor), typical, reason="x"
    )
    again = actions.propose(Actor(tw.officer), typical.case)
    assert again.pk != typical.pk and again.status == TypicalStatus.PROPOSED


def test_a_withdrawn_case_is_not_edited_or_approved(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    actions.withdraw(Actor(tw.supervisor), typical, reason="不典型")
    _refused(TypicalErrorCode.WRONG_STATUS, actions.approve, Actor(tw.second_supervisor), typical)
    _refused(
        TypicalErrorCode.WRONG_STATUS,
        actions.add_term,
        Actor(tw.supervisor),
        typical,
        term="王小二",
    )


def test_another_bureaus_case_is_proposed_by_its_own_officers(tw: TypicalWorld) -> None:
    case = closed_case(tw, tw.other_administration)
    _refused(TypicalErrorCode.FORBIDDEN, actions.propose, Actor(tw.officer), case)
    typical = actions.propose(Actor(tw.other_officer), case)
    assert typical.region_code == "440700"
