"""The API: public routes for anyone, the back office for members (outsiders 404, readers
403), bad input 4xx."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.services.publicity.actions import events
from copyguard.services.publicity.models import Article, EventRegistration, TrainingEvent
from copyguard.services.publicity.testing import (
    PublicityWorld,
    draft_article,
    draft_event,
    pdf_bytes,
    published_article,
    published_event,
    upload,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/publicity"


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _post(client: Client, url: str, body: Any) -> Any:
    return client.post(API + url, json.dumps(body), content_type="application/json")


def test_public_articles_for_anyone(pw: PublicityWorld) -> None:
    shown = published_article(pw)
    draft_article(pw)
    body = _client().get(API + "/articles").json()
    assert [item["id"] for item in body["items"]] == [shown.pk]
    assert body["items"][0]["publisher"] == "江门市版权局"
    assert _client().get(API + "/articles?kind=policy").json()["items"] == []
    assert _client().get(API + "/articles?year=1800").status_code == 400  # a query is 400
    assert _client().get(API + f"/articles/{shown.pk}").json()["title_en"] == "Copyright week opens"


def test_a_draft_is_404_on_the_public_routes(pw: PublicityWorld) -> None:
    article = draft_article(pw)
    event = draft_event(pw)
    assert _client(pw.supervisor).get(API + f"/articles/{article.pk}").status_code == 404
    assert _client().get(API + f"/events/{event.pk}").status_code == 404
    response = _post(
        _client(), f"/events/{event.pk}/registrations", {"name": "王", "contact": "a@example.test"}
    )
    assert response.status_code == 404
    assert _client().get(API + "/articles/99999999999999999999").status_code in (400, 404)


def test_registering_and_cancelling_through_the_api(pw: PublicityWorld) -> None:
    event = published_event(pw, capacity=1)
    first = _post(
        _client(), f"/events/{event.pk}/registrations", {"name": "王", "contact": "a@example.test"}
    )
    assert first.status_code == 201 and first.json()["status"] == "confirmed"
    second = _post(
        _client(), f"/events/{event.pk}/registrations", {"name": "李", "contact": "b@example.test"}
    )
    assert second.json()["status"] == "waiting"
    again = _post(
        _client(), f"/events/{event.pk}/registrations", {"name": "王", "contact": "A@example.test"}
    )
    assert again.status_code == 409
    assert _client().get(API + f"/events/{event.pk}").json()["places_left"] == 0
    wrong = _post(_client(), "/registrations/cancel", {"cancel_code": "nope"})
    assert wrong.status_code == 404
    done = _post(_client(), "/registrations/cancel", {"cancel_code": first.json()["cancel_code"]})
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    assert EventRegistration.objects.get(contact="b@example.test").status == "confirmed"


@pytest.mark.parametrize(
    "body",
    [{"name": "王"}, {"name": "王", "contact": "nonsense"}, {"name": "王\x00", "contact": "a@example.test"},
     {"name": "王", "contact": "a@example.test", "extra": 1}, {"name": "x" * 101, "contact": "a@example.test"}],
)  # fmt: skip
def test_bad_registrations_are_4xx(pw: PublicityWorld, body: dict[str, Any]) -> None:
    event = published_event(pw)
    response = _post(_client(), f"/events/{event.pk}/registrations", body)
    assert 400 <= response.status_code < 500
    assert "error" in response.json()
    assert not EventRegistration.objects.exists()


def test_the_rate_limit_answers_429_with_retry_after(pw: PublicityWorld, settings: Any) -> None:
    settings.PUBLICITY_REGISTRATION_RATES = ["1/hour"]
    event = published_event(pw, capacity=None)
    assert (
        _post(
            _client(),
            f"/events/{event.pk}/registrations",
            {"name": "a", "contact": "a@example.test"},
        ).status_code
        == 201
    )
    response = _post(
        _client(), f"/events/{event.pk}/registrations", {"name": "b", "contact": "b@example.test"}
    )
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_the_back_office_needs_a_caller(pw: PublicityWorld) -> None:
    assert _client().get(API + "/manage/articles").status_code == 401
    assert (
        _post(_client(), "/manage/articles", {"publisher_id": pw.city.pk, "title": "x"}).status_code
        == 401
    )


def test_writing_and_publishing_through_the_api(pw: PublicityWorld) -> None:
    analyst = _client(pw.analyst)
    response = _post(
        analyst,
        "/manage/articles",
        {"publisher_id": pw.city.pk, "kind": "material", "title": "手册"},
    )
    assert response.status_code == 201, response.content
    article_id = response.json()["id"]
    patched = analyst.patch(
        API + f"/manage/articles/{article_id}",
        json.dumps({"body_en": "Text"}),
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["body_en"] == "Text"
    file = analyst.post(
        API + f"/manage/articles/{article_id}/files", {"file": upload("a.pdf", pdf_bytes())}
    )
    assert file.status_code == 201 and file.json()["media_type"] == "application/pdf"
    refused = analyst.post(
        API + f"/manage/articles/{article_id}/files", {"file": upload("a.pdf", b"MZ")}
    )
    assert refused.status_code == 415
    assert _post(analyst, f"/manage/articles/{article_id}/publish", {}).status_code == 403
    published = _post(_client(pw.supervisor), f"/manage/articles/{article_id}/publish", {})
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert (
        _post(_client(pw.supervisor), f"/manage/articles/{article_id}/publish", {}).status_code
        == 409
    )


@pytest.mark.parametrize("who", ["outsider", "stranger", "liaison"])
def test_outsiders_get_404_in_the_back_office(pw: PublicityWorld, who: str) -> None:
    article = draft_article(pw)
    event = draft_event(pw)
    client = _client(getattr(pw, who))
    assert client.get(API + f"/manage/articles/{article.pk}").status_code == 404
    assert client.get(API + f"/manage/events/{event.pk}").status_code == 404
    assert client.get(API + f"/manage/events/{event.pk}/registrations").status_code == 404
    assert _post(client, f"/manage/events/{event.pk}/publish", {}).status_code == 404
    assert client.get(API + "/manage/articles").json()["items"] == []
    created = _post(client, "/manage/articles", {"publisher_id": pw.city.pk, "title": "x"})
    assert created.status_code == 404
    assert not Article.objects.exclude(pk=article.pk).exists()


@pytest.mark.parametrize("who", ["viewer", "officer"])
def test_readers_get_403_when_acting(pw: PublicityWorld, who: str) -> None:
    article = draft_article(pw)
    event = published_event(pw)
    client = _client(getattr(pw, who))
    assert client.get(API + f"/manage/articles/{article.pk}").json()["may_write"] is False
    assert (
        client.patch(
            API + f"/manage/articles/{article.pk}", "{}", content_type="application/json"
        ).status_code
        == 403
    )
    assert _post(client, f"/manage/events/{event.pk}/cancel", {"reason": "x"}).status_code == 403
    assert _post(client, f"/manage/events/{event.pk}/attendance", {"marks": []}).status_code == 403
    created = _post(client, "/manage/articles", {"publisher_id": pw.city.pk, "title": "x"})
    assert created.status_code == 403


def test_events_attendance_and_figures_through_the_api(pw: PublicityWorld) -> None:
    analyst = _client(pw.analyst)
    start = timezone.now() + timedelta(days=2)
    body = {"organiser_id": pw.city.pk, "title": "培训", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(), "place": "会议室", "capacity": 2}  # fmt: skip
    created = _post(analyst, "/manage/events", body)
    assert created.status_code == 201, created.content
    event_id = created.json()["id"]
    bad = dict(body, ends_at=(start - timedelta(hours=1)).isoformat())
    assert _post(analyst, "/manage/events", bad).status_code == 400
    assert (
        _post(_client(pw.supervisor), f"/manage/events/{event_id}/publish", {}).status_code == 200
    )
    ids = [
        _post(
            _client(),
            f"/events/{event_id}/registrations",
            {"name": n, "contact": f"{n}@example.test"},
        ).json()["id"]
        for n in ("a", "b")
    ]
    event = TrainingEvent.objects.get(pk=event_id)
    early = _post(
        analyst,
        f"/manage/events/{event_id}/attendance",
        {"marks": [{"registration_id": ids[0], "attended": True}]},
    )
    assert early.status_code == 400
    TrainingEvent.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5)
    )
    marks = {
        "marks": [
            {"registration_id": ids[0], "attended": True},
            {"registration_id": ids[1], "attended": False},
        ]
    }
    done = _post(analyst, f"/manage/events/{event_id}/attendance", marks)
    assert done.status_code == 200
    assert done.json() == {"changed": 2, "figures": {"registered": 2, "waiting": 0, "attended": 1,
                                                      "absent": 1, "attendance_rate": "0.5000"}}  # fmt: skip
    listed = analyst.get(API + f"/manage/events/{event_id}/registrations").json()["items"]
    assert [r["attended"] for r in listed] == [True, False]


def test_the_public_event_list(pw: PublicityWorld) -> None:
    coming = published_event(pw)
    cancelled = published_event(pw)
    events.cancel_event(Actor(pw.supervisor), cancelled, reason="x")
    items = _client().get(API + "/events").json()["items"]
    assert {i["id"] for i in items} == {coming.pk, cancelled.pk}
    assert _client().get(API + "/events?when=past").json()["items"] == []
    assert _client().get(API + "/events?when=tomorrow").status_code == 400
