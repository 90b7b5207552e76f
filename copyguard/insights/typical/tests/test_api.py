# ruff: noqa: RUF001  (full-width CJK punctuation is what supervisors type)
"""The typical-cases API: the public routes for anyone, the workflow for the bureau's
people; outsiders 404, read-only members and the province 403; bad input refused with
nothing written."""

from __future__ import annotations

import pytest

from copyguard.insights.typical.enums import TypicalStatus
from copyguard.insights.typical.models import TypicalCase
from copyguard.insights.typical.tests.helpers import (
    COMPANY,
    DOMAIN,
    OPERATOR,
    TypicalWorld,
    closed_case,
    open_case_of,
    proposed,
    published,
)
from tests.api.support import anonymous, audit_count, error_of, with_session, with_token

pytestmark = pytest.mark.django_db

P = "/typical-cases"


def test_a_case_goes_from_proposal_to_the_public_list(tw: TypicalWorld) -> None:
    case = closed_case(tw)
    officer = with_token(tw.officer)
    assert [row["id"] for row in officer.get(f"{P}/proposable").json()["items"]] == [case.pk]
    response = officer.post(f"{P}/cases", {"case_id": case.pk, "note": "首例"})
    assert response.status_code == 201, response.content
    body = response.json()
    pk = body["id"]
    assert body["status"] == "proposed" and body["case_number"] == case.number
    assert body["names_remaining"] == [] and body["may_write"] is False
    assert COMPANY not in response.content.decode().split('"terms"')[0]
    supervisor = with_token(tw.supervisor)
    edited = supervisor.patch(
        f"{P}/cases/{pk}",
        {"title": f"{OPERATOR}经营的小说网站案", "tags": ["网络文学"], "year": 2026},
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["title"] == "李某经营的小说网站案"
    assert edited.json()["status"] == "editing"
    added = supervisor.post(f"{P}/cases/{pk}/terms", {"term": "王小二", "kind": "person"})
    assert added.status_code == 201
    assert supervisor.post(f"{P}/cases/{pk}/approve").json()["status"] == "approved"
    assert supervisor.post(f"{P}/cases/{pk}/publish").json()["status"] == "published"
    public = anonymous().get(f"{P}/published", headers={"Accept-Language": "en"})
    assert public.status_code == 200
    assert [row["id"] for row in public.json()["items"]] == [pk]
    text = public.content.decode()
    for name in (COMPANY, OPERATOR, DOMAIN):
        assert name not in text
    found = anonymous().get(f"{P}/published?tag=online-literature&year=2026&region=440000")
    assert found.json()["count"] == 1
    assert anonymous().get(f"{P}/published?tag=music").json()["count"] == 0
    assert anonymous().get(f"{P}/published/{pk}").json()["title"] == "李某经营的小说网站案"


def test_the_public_routes_show_nothing_unpublished(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    assert anonymous().get(f"{P}/published").json()["count"] == 0
    error_of(anonymous().get(f"{P}/published/{typical.pk}"), 404, "not_found")
    error_of(with_token(tw.supervisor).get(f"{P}/published/{typical.pk}"), 404)
    tags = anonymous().get(f"{P}/tags").json()
    assert {"slug": "online-literature", "name": "网络文学", "name_en": "Online literature"} in tags


@pytest.mark.parametrize(
    "query",
    ["year=abc", "year=1800", "region=4400000", "q=" + "x" * 201, "page=0", "page_size=500"],
)
def test_bad_search_parameters_are_400(tw: TypicalWorld, query: str) -> None:
    published(tw)
    error_of(anonymous().get(f"{P}/published?{query}"), 400)


def test_the_back_office_routes_need_a_caller(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    error_of(anonymous().get(f"{P}/cases"), 401)
    error_of(anonymous().get(f"{P}/cases/{typical.pk}"), 401)
    error_of(anonymous().post(f"{P}/cases/{typical.pk}/approve"), 401)


@pytest.mark.parametrize("who", ["other_supervisor", "other_officer", "outsider"])
def test_outsiders_get_404(tw: TypicalWorld, who: str) -> None:
    typical = proposed(tw)
    caller = with_token(getattr(tw, who))
    before = audit_count()
    error_of(caller.get(f"{P}/cases/{typical.pk}"), 404)
    error_of(caller.patch(f"{P}/cases/{typical.pk}", {"title": "x"}), 404)
    error_of(caller.post(f"{P}/cases/{typical.pk}/approve"), 404)
    error_of(caller.post(f"{P}/cases/{typical.pk}/withdraw", {"reason": "x"}), 404)
    assert caller.get(f"{P}/cases").json()["count"] == 0
    error_of(caller.post(f"{P}/cases", {"case_id": typical.case_id}), 404)
    assert audit_count() == before


@pytest.mark.parametrize("who", ["admin_viewer", "analyst", "officer", "province_supervisor"])
def test_readers_see_but_get_403_when_acting(tw: TypicalWorld, who: str) -> None:
    typical = proposed(tw)
    caller = with_token(getattr(tw, who))
    body = caller.get(f"{P}/cases/{typical.pk}").json()
    assert body["id"] == typical.pk and body["may_write"] is False
    term = typical.terms.first()
    assert term is not None
    before = audit_count()
    error_of(caller.patch(f"{P}/cases/{typical.pk}", {"title": "x"}), 403)
    error_of(caller.post(f"{P}/cases/{typical.pk}/approve"), 403)
    error_of(caller.post(f"{P}/cases/{typical.pk}/redact"), 403)
    error_of(caller.post(f"{P}/cases/{typical.pk}/terms", {"term": "王小二"}), 403)
    error_of(caller.post(f"{P}/cases/{typical.pk}/terms/{term.pk}/public", {"reason": "x"}), 403)
    assert audit_count() == before


def test_the_proposer_cannot_approve_and_the_names_check_is_409(tw: TypicalWorld) -> None:
    case = closed_case(tw)
    supervisor = with_token(tw.supervisor)
    pk = supervisor.post(f"{P}/cases", {"case_id": case.pk}).json()["id"]
    error_of(supervisor.post(f"{P}/cases/{pk}/approve"), 403, "own_proposal")
    TypicalCase.objects.filter(pk=pk).update(facts=f"{COMPANY}经营")
    second = with_token(tw.second_supervisor)
    error = error_of(second.post(f"{P}/cases/{pk}/approve"), 409, "names_remain")
    assert COMPANY in error["message"]
    company = TypicalCase.objects.get(pk=pk).terms.get(term=COMPANY)
    reason = {"reason": "（2026）粤06民初1号判决书已公开"}
    assert second.post(f"{P}/cases/{pk}/terms/{company.pk}/public", reason).status_code == 200
    assert second.post(f"{P}/cases/{pk}/approve").json()["status"] == "approved"


def test_proposing_refuses_open_cases_and_repeats(tw: TypicalWorld) -> None:
    officer = with_token(tw.officer)
    error_of(officer.post(f"{P}/cases", {"case_id": open_case_of(tw).pk}), 409, "case_not_closed")
    case = closed_case(tw)
    assert officer.post(f"{P}/cases", {"case_id": case.pk}).status_code == 201
    error_of(officer.post(f"{P}/cases", {"case_id": case.pk}), 409, "already_proposed")
    error_of(officer.post(f"{P}/cases", {"case_id": 2**62}), 404)
    assert TypicalCase.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"title": "x" * 301}, 422),
        ({"facts": "a\x00b"}, 422),
        ({"year": 1800}, 422),
        ({"work_category": "poetry"}, 400),
        ({"tags": ["t"] * 13}, 422),
        ({"status": "published"}, 422),
        ({"title": "", "title_en": ""}, 400),
    ],
)
def test_bad_edits_change_nothing(tw: TypicalWorld, body: dict[str, object], status: int) -> None:
    typical = proposed(tw)
    supervisor = with_token(tw.supervisor)
    before = audit_count()
    error_of(supervisor.patch(f"{P}/cases/{typical.pk}", body), status)
    assert audit_count() == before
    assert TypicalCase.objects.get(pk=typical.pk).status == TypicalStatus.PROPOSED


def test_malformed_json_and_ids(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    supervisor = with_token(tw.supervisor)
    error_of(supervisor.post(f"{P}/cases/{typical.pk}/withdraw", raw="{not json"), 400)
    error_of(supervisor.post(f"{P}/cases/{typical.pk}/withdraw", {"reason": ""}), 400)
    error_of(supervisor.get(f"{P}/cases/0"), 400)
    error_of(supervisor.get(f"{P}/cases/{2**64}"), 400)
    error_of(supervisor.delete(f"{P}/cases/{typical.pk}/terms/999999"), 404)


def test_terms_come_off_and_withdrawal_frees_the_case(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    supervisor = with_session(tw.supervisor)
    added = supervisor.post(f"{P}/cases/{typical.pk}/terms", {"term": "王小二", "kind": "person"})
    term = next(t for t in added.json()["terms"] if t["term"] == "王小二")
    assert term["label"] == "王某" and term["appears"] is False
    removed = supervisor.delete(f"{P}/cases/{typical.pk}/terms/{term['id']}")
    assert "王小二" not in {t["term"] for t in removed.json()["terms"]}
    party = typical.terms.get(term=COMPANY)
    error_of(supervisor.delete(f"{P}/cases/{typical.pk}/terms/{party.pk}"), 400, "invalid")
    withdrawn = supervisor.post(f"{P}/cases/{typical.pk}/withdraw", {"reason": "不典型"})
    assert withdrawn.json()["status"] == "withdrawn"
    assert with_token(tw.officer).get(f"{P}/proposable").json()["count"] == 1


def test_a_session_caller_needs_the_csrf_token(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    error_of(
        with_session(tw.supervisor, csrf=False).post(f"{P}/cases/{typical.pk}/approve"),
        403,
        "csrf_failed",
    )
