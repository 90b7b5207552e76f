"""The cached verification answers, pages and JSON follow every change made elsewhere.

Each process has its own cache and nothing invalidates it from outside: entries are keyed
on the ledger's size. The changes below are made without running what the actions queue
for after commit (the tests' transaction never commits), so no cache entry of this
"process" is dropped: the answers change only because the version changed, as they would
in the web server after the worker or another server process made the change.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from copyguard.accounts.audit import Actor
from copyguard.ledger.models import LedgerState
from copyguard.works.certificates import actions, verification
from copyguard.works.certificates.models import Certificate
from copyguard.works.ownership import actions as ownership
from copyguard.works.ownership.tests.test_verification import LICENCE, PLEDGE
from copyguard.works.testing import registered_work

pytestmark = pytest.mark.django_db


def _in(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def _page(number: str, language: str) -> str:
    response = Client().get(
        reverse("front:verify_number", args=[number]), headers={"accept-language": language}
    )
    return response.content.decode()


def _api(number: str) -> dict:  # type: ignore[type-arg]
    return Client().get(f"/api/v1/registrations/{number}/verify").json()


def _everything(number: str) -> tuple[str, str, dict]:  # type: ignore[type-arg]
    return _page(number, "en"), _page(number, "zh-hans"), _api(number)


CURRENT = "The current certificate is version %(version)s, and its electronic signature verifies."


def test_revocation_reissue_and_ownership_records_change_the_cached_answers(
    people, registry, registration
):
    certificate = registration.certificates.get()
    number = certificate.registration.number
    registrar = Actor(user=registry.registrar)
    english, chinese, data = _everything(number)  # now cached
    assert data["current"]["version"] == 1 and data["ownership"] == []
    assert _in("zh-hans", "Registered — certificate valid") in chinese

    actions.reissue(registrar, certificate.registration, "Typo in the title")
    english, chinese, data = _everything(number)
    assert [c["status"] for c in data["certificates"]] == ["valid", "superseded"]
    assert data["certificates"][0]["correction_reason"] == "Typo in the title"
    assert CURRENT % {"version": 2} in english
    assert _in("zh-hans", CURRENT) % {"version": 2} in chinese

    licence = ownership.apply_licence(Actor(user=people.owner), certificate.registration, **LICENCE)
    assert _api(number)["ownership"] == []  # an application is not public
    ownership.approve(registrar, licence)
    english, chinese, data = _everything(number)
    assert [r["kind"] for r in data["ownership"]] == ["licence"]
    assert "Gamma Films" in english and "Gamma Films" in chinese

    pledge = ownership.approve(
        registrar,
        ownership.apply_pledge(Actor(user=people.owner), certificate.registration, **PLEDGE),
    )
    assert [r["released"] for r in _api(number)["ownership"]][-1] is False
    ownership.approve(registrar, ownership.apply_pledge_release(Actor(user=people.owner), pledge))
    assert [r["kind"] for r in _api(number)["ownership"]][-2:] == ["pledge", "pledge_release"]
    assert _api(number)["ownership"][1]["released"] is True

    current = certificate.registration.certificates.get(status="valid")
    actions.revoke(registrar, current, "Registered by mistake")
    english, chinese, data = _everything(number)
    assert data["current"]["status"] == "revoked"
    assert "Certificate revoked" in english and "Registered by mistake" in english
    assert _in("zh-hans", "Certificate revoked") in chinese


def test_an_unknown_number_is_found_once_it_is_registered(people, registry, registration):
    prefix, sequence = registration.number.rsplit("-", 1)
    following = f"{prefix}-{int(sequence) + 1:0{len(sequence)}d}"
    assert Client().get(f"/api/v1/registrations/{following}/verify").status_code == 404
    assert "Not registered" in _page(following, "en")

    second = registered_work(people.org, registry, text="Another text entirely, for a second work.")

    assert second.number == following
    assert _api(following)["found"] is True
    assert "Not registered" not in _page(following, "en")


def test_an_answer_is_cached_per_version_and_a_repeat_reads_only_the_version(
    registration, django_assert_num_queries
):
    number = registration.number
    version = verification.answer_version()
    size, pending = (int(part) for part in version.split("."))
    assert size == LedgerState.objects.get().tree_size > 0
    assert pending == Certificate.objects.filter(pdf_sha256="").count()
    _everything(number)
    with django_assert_num_queries(1):
        assert verification.verify_number(number.lower())["found"]
    with django_assert_num_queries(1):
        _api(number)
    with django_assert_num_queries(1):
        _page(number, "en")
    with django_assert_num_queries(0):
        assert not verification.verify_number("not a number")["well_formed"]


def _token(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_a_cached_page_carries_a_fresh_csrf_token_that_works(registration):
    url = reverse("front:verify_number", args=[registration.number])
    Client().get(url)  # cached
    client = Client(enforce_csrf_checks=True)
    response = client.get(url)
    page = response.content.decode()
    assert "csrftokenplaceholder" not in page
    assert "csrftoken" in response.cookies
    assert _token(page) != _token(Client().get(url).content.decode())

    switched = client.post(
        reverse("set_language"),
        {"language": "en", "next": url, "csrfmiddlewaretoken": _token(page)},
    )
    assert switched.status_code == 302
    assert "Registered — certificate valid" in client.get(url).content.decode()


def test_a_signed_in_visitor_never_gets_the_anonymous_page_nor_gives_it_theirs(people, certificate):
    url = reverse("front:verify_number", args=[certificate.registration.number])
    anonymous = Client().get(url).content.decode()  # cached
    assert people.owner.email not in anonymous

    member = Client()
    member.force_login(people.owner)
    signed_in = member.get(url).content.decode()
    assert people.owner.email in signed_in
    assert _in("zh-hans", "Registered — certificate valid") in signed_in
    assert people.owner.email not in Client().get(url).content.decode()


def test_a_query_string_is_not_cached_into_the_page(registration):
    url = reverse("front:verify_number", args=[registration.number])
    marked = Client().get(url + "?from=qr").content.decode()
    assert "from=qr" in marked
    assert "from=qr" not in Client().get(url).content.decode()


def test_a_pdf_rendered_elsewhere_shows_its_hash(registry, registration):
    number = registration.number
    # Issued without running what is queued after commit: its PDF is not rendered yet.
    second = actions.reissue(Actor(user=registry.registrar), registration, "New holder")
    english, chinese, data = _everything(number)  # cached, without the hash
    assert data["current"]["pdf_sha256"] == ""

    rendered = actions.ensure_pdf(second)

    english, chinese, data = _everything(number)
    assert data["current"]["pdf_sha256"] == rendered.pdf_sha256 != ""
    assert rendered.pdf_sha256 in english and rendered.pdf_sha256 in chinese
