from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

SET_LANGUAGE = reverse("set_language")
VERIFY = reverse("front:verify")


def test_it_switches_to_english(client):
    response = client.post(SET_LANGUAGE, {"language": "en", "next": VERIFY + "?number="})
    assert response.status_code == 302
    assert response["Location"] == VERIFY + "?number="
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    body = client.get(VERIFY, {"number": ""}).content.decode()
    assert '<html lang="en">' in body
    assert "This field is required." in body
    assert 'value="en" lang="en" aria-pressed="true"' in body


def test_it_switches_back_to_simplified_chinese(client):
    client.post(SET_LANGUAGE, {"language": "en", "next": "/"})
    client.post(SET_LANGUAGE, {"language": "zh-hans", "next": "/"})
    body = client.get(VERIFY, {"number": ""}).content.decode()
    assert '<html lang="zh-hans">' in body
    assert "这个字段是必填项。" in body
    assert 'value="zh-hans" lang="zh-hans" aria-pressed="true"' in body


def test_the_switcher_returns_to_the_current_page(client):
    body = client.get(VERIFY, {"number": "x"}).content.decode()
    assert f'<form class="language-switcher" action="{SET_LANGUAGE}" method="post">' in body
    assert f'name="next" value="{VERIFY}?number=x"' in body
    assert "csrfmiddlewaretoken" in body


def test_it_works_for_signed_in_members_too(client, people):
    client.force_login(people.viewer)
    client.post(SET_LANGUAGE, {"language": "en", "next": reverse("front:dashboard")})
    assert '<html lang="en">' in client.get(reverse("front:dashboard")).content.decode()


def test_it_does_not_redirect_off_site(client):
    response = client.post(SET_LANGUAGE, {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
