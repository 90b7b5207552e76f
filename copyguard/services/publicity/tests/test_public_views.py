"""The public pages: news and materials, an article and its files, the feed, events with
registration, cancelling with a code, the calendar and the iCalendar files."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.services.publicity.actions import articles, events, registrations
from copyguard.services.publicity.enums import RegistrationStatus
from copyguard.services.publicity.models import EventRegistration
from copyguard.services.publicity.testing import (
    PublicityWorld,
    draft_article,
    draft_event,
    pdf_bytes,
    published_article,
    published_event,
    upload,
)
from copyguard.testing import make_member

pytestmark = pytest.mark.django_db


def _client(user: Any = None, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


def _page(response: Any) -> str:
    return str(response.content.decode())


def test_the_list_shows_published_articles_to_anyone(pw: PublicityWorld) -> None:
    shown = published_article(pw)
    hidden = draft_article(pw, title="草稿标题")
    page = _page(_client().get("/publicity/"))
    assert f'data-article="{shown.pk}"' in page
    assert f'data-article="{hidden.pk}"' not in page and "草稿标题" not in page


def test_the_list_filters_by_kind_publisher_region_and_year(pw: PublicityWorld) -> None:
    news = published_article(pw)
    policy = articles.create_article(
        Actor(pw.liaison), pw.station, kind="policy", texts={"title": "政策", "body": "x"}
    )
    boss = make_member(pw.station, "supervisor")
    articles.publish_article(Actor(boss), policy)

    def ids(query: str) -> set[str]:
        page = _page(_client().get("/publicity/" + query))
        return {p for p in (str(news.pk), str(policy.pk)) if f'data-article="{p}"' in page}

    assert ids("") == {str(news.pk), str(policy.pk)}
    assert ids("?kind=policy") == {str(policy.pk)}
    assert ids(f"?publisher={pw.city.pk}") == {str(news.pk)}
    assert ids("?region=440705") == {str(policy.pk)}
    assert ids("?region=440700") == {str(news.pk), str(policy.pk)}  # the city takes its district
    year = news.published_at.year  # type: ignore[union-attr]
    assert ids(f"?year={year}") == {str(news.pk), str(policy.pk)}
    assert ids(f"?year={year - 1}") == set()
    # what does not parse is ignored rather than refused
    response = _client().get("/publicity/?kind=<script>&year=abc&region=9&publisher=-1&page=x")
    assert response.status_code == 200 and "<script>" not in _page(response)


def test_an_article_in_each_language_with_a_fallback_note(pw: PublicityWorld) -> None:
    article = published_article(pw, title_en="", body_en="")
    chinese = _page(_client().get(f"/publicity/articles/{article.pk}/"))
    assert "版权保护宣传周启动" in chinese and 'id="fallback-note"' not in chinese
    english = _page(_client(language="en").get(f"/publicity/articles/{article.pk}/"))
    assert "版权保护宣传周启动" in english and 'id="fallback-note"' in english


def test_typed_html_is_shown_as_text(pw: PublicityWorld) -> None:
    hostile = "<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3))"
    article = published_article(pw, body=hostile, title='"><svg onload=alert(4)>')
    page = _page(_client().get(f"/publicity/articles/{article.pk}/"))
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
    assert 'href="javascript:' not in page and "<svg onload" not in page


def test_drafts_are_404_for_visitors_and_outsiders(pw: PublicityWorld) -> None:
    article = draft_article(pw)
    event = draft_event(pw)
    for user in (None, pw.outsider, pw.stranger, pw.supervisor):
        client = _client(user)
        assert client.get(f"/publicity/articles/{article.pk}/").status_code == 404
        assert client.get(f"/publicity/events/{event.pk}/").status_code == 404
        assert client.get(f"/publicity/events/{event.pk}/event.ics").status_code == 404
    assert _client().get("/publicity/articles/999999999/").status_code == 404


def test_an_attachment_is_served_to_anyone_once_published(pw: PublicityWorld) -> None:
    article = draft_article(pw)
    file = articles.add_attachment(Actor(pw.analyst), article, upload("指南.pdf", pdf_bytes()))
    url = f"/publicity/articles/{article.pk}/files/{file.pk}/"
    assert _client().get(url).status_code == 404
    articles.publish_article(Actor(pw.supervisor), article)
    response = _client().get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    other = published_article(pw)
    assert _client().get(f"/publicity/articles/{other.pk}/files/{file.pk}/").status_code == 404
    assert "指南.pdf" in _page(_client().get(f"/publicity/articles/{article.pk}/"))


def test_the_atom_feed_lists_published_articles(pw: PublicityWorld) -> None:
    shown = published_article(pw)
    draft_article(pw, title="草稿标题")
    response = _client(language="en").get("/publicity/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own feed
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.text for e in root.findall("a:entry/a:title", ns)]
    assert titles == ["Copyright week opens"]
    link = root.find("a:entry/a:link", ns)
    assert link is not None and link.get("href", "").endswith(f"/publicity/articles/{shown.pk}/")


def test_the_event_list_and_page(pw: PublicityWorld) -> None:
    event = published_event(pw)
    draft = draft_event(pw, title="内部草稿")
    page = _page(_client().get("/publicity/events/"))
    assert f'data-event="{event.pk}"' in page and "内部草稿" not in page
    detail = _page(_client().get(f"/publicity/events/{event.pk}/"))
    assert 'id="registration-form"' in detail
    places = detail.split('id="places">', 1)[1].split("</dd>", 1)[0]
    assert "0" in places and "2" in places
    assert _client().get(f"/publicity/events/{draft.pk}/").status_code == 404


def _register(client: Client, event_id: int, contact: str, **extra: str) -> Any:
    token = registrations.form_token(timezone.now() - timedelta(seconds=10))
    data = {
        "name": "王小明",
        "organisation_name": "侨乡数字",
        "contact": contact,
        "form_token": token,
    }
    data.update(extra)
    return client.post(f"/publicity/events/{event_id}/", data, REMOTE_ADDR="198.51.100.7")


def test_a_visitor_registers_and_cancels_with_the_code(pw: PublicityWorld) -> None:
    event = published_event(pw, capacity=1)
    client = _client()
    response = _register(client, event.pk, "a@example.test")
    assert response.status_code == 201
    page = _page(response)
    registration = EventRegistration.objects.get()
    assert registration.status == RegistrationStatus.CONFIRMED and registration.user is None
    code = page.split('id="cancel-code">', 1)[1].split("<", 1)[0]
    assert registrations.find_by_code(code) == registration
    waiting = _register(_client(), event.pk, "b@example.test")
    assert 'data-status="waiting"' in _page(waiting)
    assert _client().get(f"/publicity/registrations/cancel/?code={code}").status_code == 200
    assert _client().get("/publicity/registrations/cancel/?code=nonsense").status_code == 404
    response = _client().post("/publicity/registrations/cancel/", {"code": code})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert EventRegistration.objects.get(contact="b@example.test").status == "confirmed"
    again = _client().post("/publicity/registrations/cancel/", {"code": code})
    assert again.status_code == 409


def test_a_signed_in_person_is_linked_to_the_registration(pw: PublicityWorld) -> None:
    event = published_event(pw)
    form = _page(_client(pw.stranger).get(f"/publicity/events/{event.pk}/"))
    assert pw.stranger.email in form
    _register(_client(pw.stranger), event.pk, pw.stranger.email)
    assert EventRegistration.objects.get().user == pw.stranger


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"contact": "not a contact"}, 400),
        ({"contact": "", "name": ""}, 400),
        ({"contact": "x@example.test", "website": "http://spam.test"}, 400),
        ({"contact": "x@example.test", "form_token": "forged"}, 400),
        ({"contact": "x@example.test", "name": "名" * 5000}, 400),
    ],
)
def test_bad_registrations_get_form_errors(
    pw: PublicityWorld, data: dict[str, str], status: int
) -> None:
    event = published_event(pw)
    contact = data.pop("contact")
    response = _register(_client(), event.pk, contact, **data)
    assert response.status_code == status
    assert not EventRegistration.objects.exists()
    assert 'id="registration-form"' in _page(response)


def test_too_many_registrations_from_one_address_get_429(pw: PublicityWorld, settings: Any) -> None:
    settings.PUBLICITY_REGISTRATION_RATES = ["1/hour"]
    event = published_event(pw, capacity=None)
    assert _register(_client(), event.pk, "a@example.test").status_code == 201
    assert _register(_client(), event.pk, "b@example.test").status_code == 429


def test_a_cancelled_or_closed_event_takes_no_registration(pw: PublicityWorld) -> None:
    event = published_event(pw)
    events.cancel_event(Actor(pw.supervisor), event, reason="台风停课")
    page = _page(_client().get(f"/publicity/events/{event.pk}/"))
    assert 'id="cancelled"' in page and "台风停课" in page and 'id="registration-form"' not in page
    assert _register(_client(), event.pk, "a@example.test").status_code == 409


def test_the_calendar_month_grid(pw: PublicityWorld) -> None:
    start = timezone.localtime(timezone.now()).replace(day=15, hour=9, minute=0) + timedelta(
        days=31
    )
    event = published_event(pw, starts=start)
    draft_event(pw, starts=start, title="内部草稿")
    month = f"{start:%Y-%m}"
    page = _page(_client().get(f"/publicity/calendar/?month={month}"))
    cell = page.split(f'data-date="{start:%Y-%m-%d}"', 1)[1].split("</td>", 1)[0]
    assert f'data-event="{event.pk}"' in cell and "内部草稿" not in page
    assert page.count("<tr>") >= 5
    for bad in ("2026-13", "abc", "99999-01", "<script>"):
        assert _client().get(f"/publicity/calendar/?month={bad}").status_code == 200


def test_the_icalendar_files(pw: PublicityWorld) -> None:
    event = published_event(pw, title="课程; 版权, 保护\\新法", description="第一行\n第二行")
    response = _client().get(f"/publicity/events/{event.pk}/event.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:课程\\; 版权\\, 保护\\\\新法" in unfolded
    assert "DESCRIPTION:第一行\\n第二行" in unfolded
    assert f"DTSTART:{event.starts_at.astimezone(UTC):%Y%m%dT%H%M%SZ}" in unfolded
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    cancelled = published_event(pw)
    events.cancel_event(Actor(pw.supervisor), cancelled, reason="x")
    everything = _client().get("/publicity/calendar.ics").content.decode().replace("\r\n ", "")
    assert everything.count("BEGIN:VEVENT") == 2 and "STATUS:CANCELLED" in everything
