"""Every page, rendered in Simplified Chinese, shows no English left untranslated.

Visible text and the attributes people read (labels for screen readers, titles,
placeholders, button values) are collected from each page and searched for runs of
English words. Names the data carries (e-mail addresses, codes) are set in Chinese or
stripped first, so what is left can only come from the templates and the code.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, Role
from copyguard.accounts.models import Membership
from copyguard.testing import make_member, make_organisation

pytestmark = pytest.mark.django_db

READ_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}
# Words that are the same in both interfaces: the product, standards, formats.
ALLOWED = {"copyguard", "API", "GB", "ISCC", "OpenAPI", "JSON", "PDF", "URL", "Bearer", "htmx"}
ENGLISH_RUN = re.compile(r"\b[A-Za-z][a-z]+(?:[ '-]+[A-Za-z][a-z]+)+\b|\b[a-z]{4,}\b")
NOT_LANGUAGE = re.compile(
    r"[\w.+-]+@[\w.-]+|https?://\S+|\b[\w-]+\.(?:txt|json|md)\b|cg_[\w-]+|"
    r"\b[a-z_]+\.[a-z_.]+\b"  # audit action codes such as accounts.membership.add
)


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skipped: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        # Code, scripts, and text marked as another language (the switcher's "English").
        if tag in {"script", "style", "code", "pre"} or not (
            attributes.get("lang") or "zh"
        ).startswith("zh"):
            self._skipped.append(tag)
            return
        if self._skipped:
            return
        for name, value in attrs:
            if value and (
                name in READ_ATTRIBUTES
                or (
                    tag == "input"
                    and name == "value"
                    and attributes.get("type") in {"submit", "button"}
                )
            ):
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if self._skipped and self._skipped[-1] == tag:
            self._skipped.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipped:
            self.parts.append(data)


def english_in(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    text = NOT_LANGUAGE.sub(" ", " ".join(parser.parts))
    found = []
    for match in ENGLISH_RUN.finditer(text):
        words = [w for w in re.split(r"[ '-]+", match.group(0)) if w not in ALLOWED]
        if words:
            found.append(match.group(0))
    return sorted(set(found))


@pytest.fixture
def chinese_world(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "zh-hans"
    administration = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="江门市版权局",
        name_en="",
        level=AdministrationLevel.MUNICIPAL,
        region_code="440700",
    )
    publisher = make_organisation(OrganisationKind.RIGHTS_HOLDER, name="岭南出版社", name_en="")
    owner = make_member(publisher, Role.OWNER, email="owner@lingnan.test", full_name="李明")
    make_member(publisher, Role.STAFF, email="staff@lingnan.test", full_name="王芳")
    supervisor = make_member(
        administration, Role.SUPERVISOR, email="head@jiangmen.test", full_name="陈华"
    )
    actions.invite(Actor(user=owner), publisher, "new@lingnan.test", Role.STAFF)
    actions.create_api_token(Actor(user=owner), owner, "发布系统")
    return {"owner": owner, "supervisor": supervisor, "publisher": publisher}


def chinese_client(user=None) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    if user is not None:
        user.language = "zh-hans"
        user.save(update_fields=["language"])
        client.force_login(user)
    return client


PUBLIC_PAGES = [
    "front:home",
    "front:about",
    "front:verify",
    "accounts:login",
    "accounts:signup",
    "accounts:signup_done",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
    "accounts:resend_verification",
]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_are_all_chinese(chinese_world, name: str) -> None:
    response = chinese_client().get(reverse(name))
    assert response.status_code == 200
    assert english_in(response.content.decode()) == []


def member_pages(world) -> list[str]:  # type: ignore[no-untyped-def]
    org_id = world["publisher"].pk
    return [
        reverse("front:dashboard"),
        reverse("accounts:profile"),
        reverse("accounts:tokens"),
        reverse("accounts:audit"),
        reverse("accounts:organisation", args=[org_id]),
        reverse("accounts:members", args=[org_id]),
        reverse("front:verify") + "?number=not-a-number",
        reverse("accounts:audit") + "?date_from=yesterday",
    ]


def test_a_managers_pages_are_all_chinese(chinese_world) -> None:
    client = chinese_client(chinese_world["owner"])
    for url in member_pages(chinese_world):
        response = client.get(url)
        assert response.status_code in (200, 400), url
        assert english_in(response.content.decode()) == [], url


def test_an_administrations_dashboard_is_all_chinese(chinese_world) -> None:
    response = chinese_client(chinese_world["supervisor"]).get(reverse("front:dashboard"))
    assert response.status_code == 200
    assert english_in(response.content.decode()) == []


def test_error_pages_are_all_chinese(chinese_world) -> None:
    client = chinese_client(chinese_world["owner"])
    other = make_organisation(OrganisationKind.RIGHTS_HOLDER, name="他社", name_en="")
    response = client.get(reverse("accounts:organisation", args=[other.pk]))
    assert response.status_code == 404
    assert english_in(response.content.decode()) == []
    viewer = make_member(chinese_world["publisher"], Role.VIEWER, full_name="赵六")
    response = chinese_client(viewer).post(
        reverse("accounts:members", args=[chinese_world["publisher"].pk]),
        {"email": "x@lingnan.test", "role": Role.STAFF},
    )
    assert response.status_code == 403
    assert english_in(response.content.decode()) == []


def test_the_detector_finds_english(chinese_world) -> None:
    # The check above is only worth something if it can fail.
    assert english_in("<p>欢迎</p><p>Manage members</p>") == ["Manage members"]
    assert english_in('<button aria-label="Close menu">x</button>') == ["Close menu"]
    assert english_in("<p>copyguard API 文档</p><p>owner@lingnan.test</p>") == []
    assert english_in('<p>语言 <button lang="en">English</button></p><p>Sign up</p>') == ["Sign up"]
    assert Membership.objects.filter(organisation=chinese_world["publisher"]).count() == 2
