from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_home_page_renders_for_visitors(en_client):
    response = en_client.get(reverse("front:home"))
    assert response.status_code == 200
    body = response.content.decode()
    for step in ("Register", "Fingerprint", "Monitor", "Preserve evidence", "Enforce", "Report"):
        assert step in body
    assert reverse("accounts:login") in body


def test_the_home_page_offers_the_dashboard_to_members(en_client, people):
    en_client.force_login(people.viewer)
    body = en_client.get(reverse("front:home")).content.decode()
    assert "Go to your dashboard" in body
    assert f'href="{reverse("front:dashboard")}"' in body


def test_the_about_page_names_everyone_it_serves(en_client):
    response = en_client.get(reverse("front:about"))
    assert response.status_code == 200
    body = response.content.decode()
    for audience in (
        "Copyright administrations",
        "Rights holders",
        "Online platforms",
        "Public security, procuratorates and courts",
        "Service stations and protection centres",
        "The public",
    ):
        assert audience in body


def test_the_about_page_renders_for_an_outsider_too(en_client, people):
    en_client.force_login(people.outsider)
    assert en_client.get(reverse("front:about")).status_code == 200


def test_public_pages_refuse_posts(client):
    assert client.post(reverse("front:home")).status_code == 405
    assert client.post(reverse("front:about")).status_code == 405


def test_pages_load_only_local_assets(client):
    body = client.get(reverse("front:home")).content.decode()
    assert '<script src="/static/copyguard/vendor/htmx.min.js"' in body
    assert 'href="/static/copyguard/app.css"' in body
    assert "//cdn" not in body
    assert 'src="http' not in body
    assert '<link rel="stylesheet" href="http' not in body


def test_the_vendored_htmx_ships_with_its_licence():
    assert finders.find("copyguard/vendor/htmx.min.js")
    assert finders.find("copyguard/vendor/htmx.LICENSE")
    assert finders.find("copyguard/app.css")
    assert finders.find("copyguard/logo.svg")


def test_the_layout_has_a_skip_link_and_sends_the_csrf_token_with_htmx(client):
    response = client.get(reverse("front:home"))
    body = response.content.decode()
    assert '<a class="skip-link" href="#main">' in body
    assert '<main id="main"' in body
    token = response.cookies["csrftoken"].value
    assert token
    assert 'hx-headers=\'{"X-CSRFToken": "' in body


def test_the_site_speaks_chinese_by_default(client):
    body = client.get(reverse("front:home")).content.decode()
    assert '<html lang="zh-hans">' in body
    # Both languages are offered by their own names.
    assert "简体中文" in body
    assert "English" in body
