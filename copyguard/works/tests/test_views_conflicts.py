"""The conflict view: the application and the registered work side by side, matches marked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from copyguard.accounts.audit import Actor
from copyguard.works import actions
from copyguard.works.models import Conflict
from copyguard.works.testing import SAMPLE_TEXT, registered_work, submitted_work
from copyguard.works.views import highlight

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


# ---------------------------------------------------------------- marking passages


def test_segments_are_marked_and_the_text_escaped():
    result = highlight.render("a<b>cdef&g", [[1, 4], [6, 8]])
    assert result.html == "a<mark>&lt;b&gt;</mark>cd<mark>ef</mark>&amp;g"
    assert result.marks == 2 and not result.cut


def test_overlapping_and_broken_segments_are_tidied():
    result = highlight.render("abcdefgh", [[2, 5], [4, 6], [7, 99], [5, 5], ["x", 1], [3]])
    assert result.html == "ab<mark>cdef</mark>g<mark>h</mark>"


def test_a_long_text_shows_the_neighbourhood_of_each_match():
    text = "x" * 10_000 + "MATCH" + "y" * 10_000
    result = highlight.render(text, [[10_000, 10_005]])
    assert result.cut
    assert "<mark>MATCH</mark>" in result.html
    assert result.html.count("x") < 400 + 20 and "[9700]" in result.html
    whole = highlight.render(text, [[10_000, 10_005]], show_all=True)
    assert not whole.cut and whole.html.count("x") == 10_000


# ---------------------------------------------------------------- the page


@pytest.fixture
def conflict(people, registry, commit):
    registered_work(people.other_org, registry, title="原作")
    registration = submitted_work(people.org, "前言 " + SAMPLE_TEXT, title="抄本")
    actions.take_for_examination(
        Actor(user=registry.registrar), registration, registry.administration
    )
    return Conflict.objects.get(registration=registration)


def test_the_registrar_sees_both_texts_with_the_matches_marked(client, registry, conflict):
    client.force_login(registry.registrar)
    response = client.get(reverse("works:conflict", args=[conflict.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="ours"' in body and 'id="theirs"' in body
    assert body.count("<mark>") >= 2
    assert "原作" in body and "抄本" in body
    assert conflict.other_file.sha256 in body
    assert "Resolve the conflict" in body


def test_the_registrar_resolves_the_conflict_with_a_reason(client, registry, conflict):
    client.force_login(registry.registrar)
    url = reverse("works:conflict_resolve", args=[conflict.pk])
    client.post(url, {"resolve-reason": ""})
    conflict.refresh_from_db()
    assert not conflict.resolved
    client.post(url, {"resolve-reason": "Public-domain poems."})
    conflict.refresh_from_db()
    assert conflict.resolved and conflict.reason == "Public-domain poems."


def test_the_applicant_and_outsiders_cannot_resolve(client, people, registry, conflict):
    url = reverse("works:conflict_resolve", args=[conflict.pk])
    for user, status in (
        (people.owner, 403),
        (people.viewer, 403),
        (people.outsider, 404),
        (registry.other_registrar, 404),
    ):
        client.force_login(user)
        assert client.post(url, {"resolve-reason": "x"}).status_code == status, user
    conflict.refresh_from_db()
    assert not conflict.resolved


def test_an_outsider_cannot_see_the_conflict(client, people, conflict):
    client.force_login(people.outsider)
    assert client.get(reverse("works:conflict", args=[conflict.pk])).status_code == 404


def test_the_applicant_does_not_see_the_registered_works_text(client, people, conflict):
    for user in (people.owner, people.viewer):
        client.force_login(user)
        assert client.get(reverse("works:conflict", args=[conflict.pk])).status_code == 403


def test_a_read_only_member_of_the_administration_sees_no_resolve_form(client, registry, conflict):
    client.force_login(registry.admin_viewer)
    response = client.get(reverse("works:conflict", args=[conflict.pk]))
    assert response.status_code == 200
    assert "resolve-reason" not in response.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_page_renders_in_both_languages(client, registry, conflict, language):
    client.force_login(registry.registrar)
    client.cookies["django_language"] = language
    response = client.get(reverse("works:conflict", args=[conflict.pk]), {"all": "1"})
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
