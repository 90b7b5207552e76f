"""The back office pages: lists, writing and publishing articles, files, planning and
publishing events, the check-in list and attendance; outsiders get 404, readers 403."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.services.publicity.actions import registrations
from copyguard.services.publicity.enums import ArticleStatus, EventStatus
from copyguard.services.publicity.models import Article, ArticleAttachment, TrainingEvent
from copyguard.services.publicity.testing import (
    PublicityWorld,
    draft_article,
    draft_event,
    pdf_bytes,
    published_event,
    upload,
)

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(response: Any) -> str:
    return str(response.content.decode())


def test_the_back_office_list_shows_only_ones_own_organisation(pw: PublicityWorld) -> None:
    mine = draft_article(pw, title="本局草稿")
    event = draft_event(pw, title="本局培训")
    page = _page(_client(pw.viewer).get("/publicity/manage/"))
    assert f'data-article="{mine.pk}"' in page and f'data-event="{event.pk}"' in page
    assert 'id="new-article"' not in page  # a reader does not write
    assert 'id="new-article"' in _page(_client(pw.analyst).get("/publicity/manage/"))
    assert _client(pw.outsider).get("/publicity/manage/").status_code == 200
    assert "本局草稿" not in _page(_client(pw.outsider).get("/publicity/manage/"))
    assert _client(pw.stranger).get("/publicity/manage/").status_code == 404
    assert Client().get("/publicity/manage/").status_code == 302


def test_an_analyst_writes_and_a_supervisor_publishes_through_the_pages(pw: PublicityWorld) -> None:
    analyst = _client(pw.analyst)
    response = analyst.post(
        "/publicity/manage/articles/new/",
        {"organisation": pw.city.pk, "kind": "material", "title": "宣传册", "body": "内容"},
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.kind == "material" and article.publisher == pw.city
    page = _page(analyst.get(f"/publicity/manage/articles/{article.pk}/"))
    assert 'id="ask-supervisor"' in page and 'id="publish"' not in page
    assert analyst.post(f"/publicity/manage/articles/{article.pk}/publish/").status_code == 403
    supervisor = _client(pw.supervisor)
    assert supervisor.post(f"/publicity/manage/articles/{article.pk}/publish/").status_code == 302
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert supervisor.post(f"/publicity/manage/articles/{article.pk}/publish/").status_code == 409
    assert supervisor.post(f"/publicity/manage/articles/{article.pk}/delete/").status_code == 404


def test_article_forms_show_errors_and_write_nothing(pw: PublicityWorld) -> None:
    analyst = _client(pw.analyst)
    response = analyst.post("/publicity/manage/articles/new/", {"kind": "news", "title": ""})
    assert response.status_code == 400 and not Article.objects.exists()
    response = analyst.post("/publicity/manage/articles/new/", {"kind": "blog", "title": "x"})
    assert response.status_code == 400
    response = analyst.post("/publicity/manage/articles/new/", {"kind": "news", "title": "x" * 400})
    assert response.status_code == 400 and not Article.objects.exists()
    response = analyst.post(
        "/publicity/manage/articles/new/",
        {"organisation": pw.other_city.pk, "kind": "news", "title": "x"},
    )
    assert response.status_code == 404 and not Article.objects.exists()


@pytest.mark.parametrize("who", ["viewer", "officer"])
def test_readers_may_look_but_not_write(pw: PublicityWorld, who: str) -> None:
    article = draft_article(pw)
    event = draft_event(pw)
    client = _client(getattr(pw, who))
    page = _page(client.get(f"/publicity/manage/articles/{article.pk}/"))
    assert 'id="read-only"' in page and 'id="article-form"' not in page
    assert client.get("/publicity/manage/articles/new/").status_code == 403
    assert (
        client.post(
            f"/publicity/manage/articles/{article.pk}/", {"kind": "news", "title": "x"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/publicity/manage/articles/{article.pk}/files/",
            {"file": upload("a.pdf", pdf_bytes())},
        ).status_code
        == 403
    )
    assert client.get(f"/publicity/manage/events/{event.pk}/").status_code == 200
    assert client.post(f"/publicity/manage/events/{event.pk}/publish/").status_code == 403
    assert client.post(f"/publicity/manage/events/{event.pk}/attendance/", {}).status_code == 403


def test_outsiders_get_404_everywhere(pw: PublicityWorld) -> None:
    article = draft_article(pw)
    event = draft_event(pw)
    for user in (pw.outsider, pw.stranger, pw.liaison):
        client = _client(user)
        for url in (
            f"/publicity/manage/articles/{article.pk}/",
            f"/publicity/manage/events/{event.pk}/",
            f"/publicity/manage/events/{event.pk}/checkin.csv",
        ):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(f"/publicity/manage/articles/{article.pk}/publish/").status_code == 404
        assert (
            client.post(f"/publicity/manage/events/{event.pk}/cancel/", {"reason": "x"}).status_code
            == 404
        )


def test_attaching_a_file_through_the_page(pw: PublicityWorld) -> None:
    article = draft_article(pw)
    analyst = _client(pw.analyst)
    url = f"/publicity/manage/articles/{article.pk}/files/"
    response = analyst.post(url, {"file": upload("guide.pdf", pdf_bytes())})
    assert response.status_code == 302
    attachment = ArticleAttachment.objects.get()
    download = analyst.get(f"{url}{attachment.pk}/")
    assert download.status_code == 200
    refused = analyst.post(url, {"file": upload("evil.pdf", b"<html><script>x</script>")})
    assert refused.status_code == 415 and ArticleAttachment.objects.count() == 1
    assert "evil.pdf" in _page(refused)
    assert analyst.post(url, {}).status_code == 400
    assert _client(pw.outsider).get(f"{url}{attachment.pk}/").status_code == 404
    assert analyst.post(f"{url}{attachment.pk}/remove/").status_code == 302
    assert not ArticleAttachment.objects.exists()


def _event_post(**change: Any) -> dict[str, Any]:
    start = timezone.localtime(timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    data: dict[str, Any] = {
        "title": "版权培训", "starts_at": f"{start:%Y-%m-%dT%H:%M}",
        "ends_at": f"{start + timedelta(hours=2):%Y-%m-%dT%H:%M}", "place": "会议室",
        "capacity": "30", "audience": "enterprises",
    }  # fmt: skip
    data.update(change)
    return data


def test_planning_and_publishing_an_event_through_the_pages(pw: PublicityWorld) -> None:
    analyst = _client(pw.analyst)
    assert analyst.post("/publicity/manage/events/new/", _event_post()).status_code == 302
    event = TrainingEvent.objects.get()
    assert event.capacity == 30 and event.audience == "enterprises"
    response = analyst.post(f"/publicity/manage/events/{event.pk}/", _event_post(capacity="40"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.capacity == 40
    supervisor = _client(pw.supervisor)
    assert supervisor.post(f"/publicity/manage/events/{event.pk}/publish/").status_code == 302
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    assert (
        supervisor.post(f"/publicity/manage/events/{event.pk}/cancel/", {"reason": ""}).status_code
        == 400
    )
    assert (
        supervisor.post(
            f"/publicity/manage/events/{event.pk}/cancel/", {"reason": "场地"}
        ).status_code
        == 302
    )
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED


@pytest.mark.parametrize(
    "change",
    [{"ends_at": "2020-01-01T00:00"}, {"starts_at": "not a date"}, {"place": ""}, {"capacity": "-3"},
     {"audience": "aliens"}, {"online_url": "ftp://x", "place": ""}],
)  # fmt: skip
def test_bad_event_forms_write_nothing(pw: PublicityWorld, change: dict[str, str]) -> None:
    response = _client(pw.analyst).post("/publicity/manage/events/new/", _event_post(**change))
    assert response.status_code == 400
    assert not TrainingEvent.objects.exists()


def test_the_check_in_list_and_attendance(pw: PublicityWorld) -> None:
    start = timezone.now() - timedelta(minutes=30)
    event = published_event(pw, starts=timezone.now() + timedelta(days=1), capacity=5)
    people = [
        registrations.register(Actor(None), event, name=f"人{i}", contact=f"p{i}@example.test",
                               organisation_name="=HYPERLINK(1)", source=str(i)).registration
        for i in range(3)
    ]  # fmt: skip
    TrainingEvent.objects.filter(pk=event.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=3)
    )
    analyst = _client(pw.analyst)
    page = _page(analyst.get(f"/publicity/manage/events/{event.pk}/"))
    assert 'id="attendance-form"' in page and 'id="save-attendance"' in page
    csv = analyst.get(f"/publicity/manage/events/{event.pk}/checkin.csv").content.decode(
        "utf-8-sig"
    )
    assert "人0" in csv and "'=HYPERLINK(1)" in csv
    data = {
        f"attended-{people[0].pk}": "yes",
        f"attended-{people[1].pk}": "no",
        f"attended-{people[2].pk}": "",
    }
    assert analyst.post(f"/publicity/manage/events/{event.pk}/attendance/", data).status_code == 302
    page = _page(analyst.get(f"/publicity/manage/events/{event.pk}/"))
    assert 'id="figure-attended">1<' in page and "33.3%" in page
    bad = analyst.post(f"/publicity/manage/events/{event.pk}/attendance/", {"attended-abc": "yes"})
    assert bad.status_code == 400
    bad = analyst.post(
        f"/publicity/manage/events/{event.pk}/attendance/", {f"attended-{people[0].pk}": "maybe"}
    )
    assert bad.status_code == 400
    other = published_event(pw)
    foreign = analyst.post(
        f"/publicity/manage/events/{other.pk}/attendance/", {f"attended-{people[0].pk}": "yes"}
    )
    assert foreign.status_code == 400  # not started, and not its registration
