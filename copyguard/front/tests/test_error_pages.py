from __future__ import annotations

import pytest
from django.conf import settings
from django.template import loader
from django.test import Client, RequestFactory
from django.utils import translation

from copyguard.front.views import error_500

pytestmark = [pytest.mark.django_db, pytest.mark.urls("copyguard.front.tests.urls_errors")]


def client_in(language: str) -> Client:
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_unknown_pages_get_the_404_page(language):
    response = client_in(language).get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    assert '<p class="error-code" aria-hidden="true">404</p>' in body
    assert 'class="site-nav"' in body


def test_the_404_page_speaks_english_when_asked():
    body = client_in("en").get("/no-such-page/").content.decode()
    assert "Page not found" in body


def test_a_member_gets_the_404_page_with_their_navigation(people):
    client = client_in("en")
    client.force_login(people.viewer)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert 'data-nav="dashboard"' in response.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_forbidden_actions_get_the_403_page(language, people):
    client = client_in(language)
    client.force_login(people.viewer)
    response = client.get("/test-forbidden/")
    assert response.status_code == 403
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    assert '<p class="error-code" aria-hidden="true">403</p>' in body


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_crashes_get_the_static_500_page(language):
    response = client_in(language).get("/test-broken/")
    assert response.status_code == 500
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    assert '<p class="error-code" aria-hidden="true">500</p>' in body
    assert "something broke" not in body


def test_the_500_page_speaks_english_when_asked():
    assert (
        "Something went wrong on our side" in client_in("en").get("/test-broken/").content.decode()
    )


def test_the_500_page_renders_without_any_context():
    with translation.override("en"):
        html = loader.get_template("500.html").render()
    assert '<html lang="en">' in html
    assert "/static/copyguard/app.css" in html


def test_the_500_handler_does_not_touch_the_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = error_500(request)
    assert response.status_code == 500


def test_a_missing_csrf_token_gets_a_page_that_explains_it(people):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(people.owner)
    response = client.post("/switch-organisation/", {"org_id": people.org.pk})
    assert response.status_code == 403
    body = response.content.decode()
    assert "The form could not be accepted" in body
    assert '<html lang="en">' in body
