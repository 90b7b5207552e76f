# ruff: noqa: RUF001  (full-width CJK punctuation is what supervisors type)
"""The public pages and the back office of typical cases."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from copyguard.accounts.audit import Actor
from copyguard.insights.typical import actions
from copyguard.insights.typical.enums import TypicalStatus
from copyguard.insights.typical.models import TypicalCase
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

pytestmark = pytest.mark.django_db

NAMES = (COMPANY, OPERATOR, SITE_NAME, DOMAIN, "南湖书苑出版社")


def _client(user: Any = None, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


def _text(response: Any) -> str:
    return str(response.content.decode())


# ------------------------------------------------------------------ public pages


def test_the_public_list_shows_published_cases_to_anyone(tw: TypicalWorld) -> None:
    shown = published(tw)
    hidden = proposed(tw)
    response = _client().get("/typical-cases/")
    assert response.status_code == 200
    page = _text(response)
    assert f'data-typical="{shown.pk}"' in page
    assert f'data-typical="{hidden.pk}"' not in page
    for name in NAMES:
        assert name not in page


def test_the_public_case_page_shows_no_party_name(tw: TypicalWorld) -> None:
    typical = published(tw)
    for language in ("zh-hans", "en"):
        response = _client(language=language).get(f"/typical-cases/{typical.pk}/")
        assert response.status_code == 200
        page = _text(response)
        for name in NAMES:
            assert name not in page
    assert "罚款 30,000.00 元" in _text(_client().get(f"/typical-cases/{typical.pk}/"))
    english = _text(_client(language="en").get(f"/typical-cases/{typical.pk}/"))
    assert "Fine: 30,000.00 yuan" in english
    assert 'id="fallback-note"' not in english


def test_a_case_without_english_text_falls_back_with_a_note(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    actions.edit(
        Actor(tw.supervisor), typical, texts={"facts_en": "", "significance": "", "title_en": ""}
    )
    actions.approve(Actor(tw.second_supervisor), typical)
    actions.publish(Actor(tw.supervisor), typical)
    english = _text(_client(language="en").get(f"/typical-cases/{typical.pk}/"))
    assert 'id="fallback-note"' in english
    assert "某公司（涉嫌侵权人）" in english  # the Chinese facts
    assert typical.title in english
    chinese = _text(_client().get(f"/typical-cases/{typical.pk}/"))
    assert 'id="fallback-note"' in chinese  # the significance comes from English
    assert "warning against similar infringements" in chinese


@pytest.mark.parametrize("status", ["proposed", "approved", "withdrawn"])
def test_an_unpublished_case_is_404_on_the_public_page(tw: TypicalWorld, status: str) -> None:
    typical = proposed(tw)
    TypicalCase.objects.filter(pk=typical.pk).update(status=status)
    assert _client(tw.supervisor).get(f"/typical-cases/{typical.pk}/").status_code == 404


def _ids(response: Any) -> set[int]:
    return {t.pk for t in response.context["page"].object_list}


def test_the_public_list_is_searched_by_year_region_category_tag_and_words(
    tw: TypicalWorld,
) -> None:
    foshan = published(tw)
    jiangmen = published(tw, closed_case(tw, tw.other_administration))
    TypicalCase.objects.filter(pk=jiangmen.pk).update(year=2024, work_category="music")
    assert foshan.tags.filter(slug="online-literature").exists()
    client = _client()
    assert _ids(client.get("/typical-cases/")) == {foshan.pk, jiangmen.pk}
    assert _ids(client.get("/typical-cases/", {"year": 2024})) == {jiangmen.pk}
    assert _ids(client.get("/typical-cases/", {"region": "440600"})) == {foshan.pk}
    assert _ids(client.get("/typical-cases/", {"region": "440000"})) == {foshan.pk, jiangmen.pk}
    assert _ids(client.get("/typical-cases/", {"category": "music"})) == {jiangmen.pk}
    TypicalCase.objects.get(pk=jiangmen.pk).tags.clear()
    assert _ids(client.get("/typical-cases/", {"tag": "online-literature"})) == {foshan.pk}
    assert _ids(client.get("/typical-cases/", {"q": "江门市版权局"})) == {jiangmen.pk}
    assert _ids(client.get("/typical-cases/", {"q": "Foshan fine"})) == {foshan.pk}
    assert _ids(client.get("/typical-cases/", {"q": "Foshan 江门市版权局"})) == set()
    page = _text(client.get("/typical-cases/"))
    assert '<option value="440000">广东省版权局</option>' in page
    assert 'value="online-literature"' in page


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc"},
        {"year": "99999"},
        {"region": "<script>alert(1)</script>"},
        {"category": "poetry"},
        {"tag": "no-such-tag"},
        {"q": "x" * 100_000},
        {"q": "a\x00b"},
        {"page": "9999"},
        {"page": "-1"},
        {"q": "' OR 1=1 --"},
    ],
)
def test_hostile_search_input_still_gives_a_page(tw: TypicalWorld, params: dict[str, str]) -> None:
    published(tw)
    response = _client().get("/typical-cases/", params)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in _text(response)


def test_the_public_list_without_cases_says_so() -> None:
    response = _client(language="en").get("/typical-cases/")
    assert response.status_code == 200
    assert 'id="no-results"' in _text(response)


# ------------------------------------------------------------------ back office


def test_the_back_office_list_needs_a_sign_in_and_a_role(tw: TypicalWorld) -> None:
    proposed(tw)
    assert _client().get("/typical-cases/manage/").status_code == 302
    assert _client(tw.outsider).get("/typical-cases/manage/").status_code == 404
    other = _client(tw.other_supervisor).get("/typical-cases/manage/")
    assert other.status_code == 200 and not other.context["page"].object_list
    for who in (tw.admin_viewer, tw.officer, tw.province_supervisor):
        response = _client(who).get("/typical-cases/manage/")
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == 1


def test_an_officer_sees_the_closed_cases_to_propose(tw: TypicalWorld) -> None:
    case = closed_case(tw)
    open_case_of(tw)
    page = _text(_client(tw.officer).get("/typical-cases/manage/"))
    assert f'data-case="{case.pk}"' in page
    assert f"/typical-cases/manage/propose/{case.pk}/" in page
    viewer = _text(_client(tw.admin_viewer).get("/typical-cases/manage/"))
    assert f'data-case="{case.pk}"' not in viewer


def test_proposing_from_the_page(tw: TypicalWorld) -> None:
    case = closed_case(tw)
    client = _client(tw.officer)
    assert client.get(f"/typical-cases/manage/propose/{case.pk}/").status_code == 200
    response = client.post(f"/typical-cases/manage/propose/{case.pk}/", {"note": "首例"})
    typical = TypicalCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/typical-cases/manage/{typical.pk}/"
    assert typical.proposal_note == "首例"
    again = client.post(f"/typical-cases/manage/propose/{case.pk}/", {"note": ""})
    assert again.status_code == 409
    assert TypicalCase.objects.count() == 1


def test_proposing_an_open_case_is_refused_on_the_page(tw: TypicalWorld) -> None:
    case = open_case_of(tw)
    client = _client(tw.officer, "en")
    assert 'id="not-closed"' in _text(client.get(f"/typical-cases/manage/propose/{case.pk}/"))
    assert client.post(f"/typical-cases/manage/propose/{case.pk}/", {}).status_code == 409
    assert not TypicalCase.objects.exists()


def test_proposing_is_404_for_outsiders_and_403_for_readers(tw: TypicalWorld) -> None:
    case = closed_case(tw)
    url = f"/typical-cases/manage/propose/{case.pk}/"
    assert _client(tw.outsider).post(url, {}).status_code == 404
    assert _client(tw.other_officer).post(url, {}).status_code == 404
    assert _client(tw.admin_viewer).post(url, {}).status_code == 403
    assert _client(tw.province_supervisor).post(url, {}).status_code == 403
    assert _client(tw.officer).post(url, {"note": "x" * 6000}).status_code == 400
    assert not TypicalCase.objects.exists()


def test_the_detail_page_for_each_reader(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    url = f"/typical-cases/manage/{typical.pk}/"
    supervisor = _text(_client(tw.supervisor).get(url))
    assert 'id="edit-form"' in supervisor and 'id="approve"' in supervisor
    assert 'id="term-form"' in supervisor
    for reader in (tw.admin_viewer, tw.officer, tw.province_supervisor):
        page = _text(_client(reader).get(url))
        assert 'id="read-only"' in page
        assert 'id="edit-form"' not in page and 'id="approve"' not in page
    assert _client(tw.other_supervisor).get(url).status_code == 404
    assert _client(tw.outsider).get(url).status_code == 404
    assert _client().get(url).status_code == 302


@pytest.mark.parametrize(
    "what", ["approve", "publish", "redact", "regenerate", "edit", "term", "withdraw"]
)
def test_readers_cannot_act_and_outsiders_get_404(tw: TypicalWorld, what: str) -> None:
    typical = proposed(tw)
    url = f"/typical-cases/manage/{typical.pk}/{what}/"
    for reader in (tw.officer, tw.admin_viewer, tw.province_supervisor):
        assert _client(reader).post(url, {"withdraw-reason": "x"}).status_code == 403
    assert _client(tw.other_supervisor).post(url, {}).status_code == 404
    assert TypicalCase.objects.get(pk=typical.pk).status == TypicalStatus.PROPOSED


def test_an_unknown_step_is_404(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    response = _client(tw.supervisor).post(f"/typical-cases/manage/{typical.pk}/delete/")
    assert response.status_code == 404


def test_editing_approving_and_publishing_from_the_page(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    client = _client(tw.supervisor)
    url = f"/typical-cases/manage/{typical.pk}/"
    form = client.get(url).context["edit_form"].initial
    form.update(tags="网络文学，短视频", title=f"{COMPANY}案", year=2026, work_category="written")
    assert client.post(url + "edit/", form).status_code == 302
    typical.refresh_from_db()
    assert typical.title == "某公司案"
    assert set(typical.tags.values_list("slug", flat=True)) == {"online-literature", "short-video"}
    response = client.post(url + "term/", {"term": "王小二", "kind": "person"})
    assert response.status_code == 302
    assert client.post(url + "approve/").status_code == 302
    assert client.post(url + "publish/").status_code == 302
    assert TypicalCase.objects.get(pk=typical.pk).status == TypicalStatus.PUBLISHED
    assert 'id="public-link"' in _text(client.get(url))


def test_bad_form_input_is_shown_not_saved(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    client = _client(tw.supervisor, "en")
    url = f"/typical-cases/manage/{typical.pk}/"
    form = client.get(url).context["edit_form"].initial
    form.update(year="not a year", tags="")
    assert client.post(url + "edit/", form).status_code == 400
    form.update(year=2026, title="", title_en="")
    assert client.post(url + "edit/", form).status_code == 400
    assert client.post(url + "term/", {"term": "王", "kind": "person"}).status_code == 400
    assert client.post(url + "withdraw/", {"withdraw-reason": ""}).status_code == 400
    assert TypicalCase.objects.get(pk=typical.pk).status == TypicalStatus.PROPOSED


def test_the_names_refusal_is_shown_on_the_page(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    TypicalCase.objects.filter(pk=typical.pk).update(significance=f"{SITE_NAME}已关闭")
    client = _client(tw.supervisor, "en")
    url = f"/typical-cases/manage/{typical.pk}/"
    assert 'id="names-remaining"' in _text(client.get(url))
    response = client.post(url + "approve/")
    assert response.status_code == 409
    assert 'id="typical-error"' in _text(response)


def test_the_own_proposal_shows_no_approve_button(tw: TypicalWorld) -> None:
    typical = actions.propose(Actor(tw.supervisor), closed_case(tw))
    page = _text(_client(tw.supervisor).get(f"/typical-cases/manage/{typical.pk}/"))
    assert 'id="own-proposal"' in page and 'id="approve"' not in page
    response = _client(tw.supervisor).post(f"/typical-cases/manage/{typical.pk}/approve/")
    assert response.status_code == 403


def test_names_are_declared_public_and_redacted_again_from_the_page(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    term = typical.terms.get(term=COMPANY)
    client = _client(tw.supervisor)
    base = f"/typical-cases/manage/{typical.pk}/names/{term.pk}/"
    assert client.post(base + "public/", {"public-reason": ""}).status_code == 400
    assert client.post(base + "public/", {"public-reason": "判决已公开"}).status_code == 302
    term.refresh_from_db()
    assert term.public_reason == "判决已公开"
    assert client.post(base + "redact/").status_code == 302
    assert client.post(base + "remove/").status_code == 400  # a party's name stays
    assert client.post(base + "erase/").status_code == 404
    assert (
        _client(tw.admin_viewer).post(base + "public/", {"public-reason": "x"}).status_code == 403
    )
    other = proposed(tw)
    foreign = other.terms.first()
    assert foreign is not None
    response = client.post(f"/typical-cases/manage/{typical.pk}/names/{foreign.pk}/redact/")
    assert response.status_code == 404


def test_the_history_lists_every_step(tw: TypicalWorld) -> None:
    typical = published(tw)
    page = _text(_client(tw.admin_viewer, "en").get(f"/typical-cases/manage/{typical.pk}/"))
    for label in ("Proposed; the draft was written", "Approved", "Published"):
        assert label in page
