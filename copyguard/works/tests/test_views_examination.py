"""The registrar's pages: the queue with its filters, the examination page and decisions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import Role
from copyguard.testing import make_member
from copyguard.works import actions
from copyguard.works.enums import RegistrationStatus
from copyguard.works.testing import SAMPLE_TEXT, registered_work, submitted_work

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def _taken(registration, registry):
    return actions.take_for_examination(
        Actor(user=registry.registrar), registration, registry.administration
    )


# ---------------------------------------------------------------- the queue


def test_the_queue_lists_submitted_registrations_for_registrars(client, people, registry):
    registration = submitted_work(people.org)
    client.force_login(registry.registrar)
    body = client.get(reverse("works:queue")).content.decode()
    assert reverse("works:examination", args=[registration.pk]) in body


def test_the_queue_filters(client, people, registry):
    people.org.region_code = "440604"
    people.org.save()
    first = submitted_work(people.org, title="甲")
    second = submitted_work(people.other_org, SAMPLE_TEXT[::-1], title="乙")
    client.force_login(registry.registrar)
    url = reverse("works:queue")

    def titles(**params):
        body = client.get(url, params).content.decode()
        return {t for t in ("甲", "乙") if f">{t}</a>" in body}

    assert titles() == {"甲", "乙"}
    assert titles(region="4406") == {"甲"}
    assert titles(category="software") == set()
    assert titles(conflict="no") == {"甲", "乙"}
    assert titles(conflict="yes") == set()
    _taken(first, registry)
    assert titles(status="under_examination") == {"甲"}
    assert titles(submitted_from="2000-01-01", submitted_to="2000-01-02") == set()
    assert second.pk


def test_bad_filter_values_do_not_break_the_queue(client, registry):
    client.force_login(registry.registrar)
    response = client.get(reverse("works:queue"), {"region": "<x>", "submitted_from": "soon"})
    assert response.status_code == 200


def test_the_queue_pages(client, people, registry, settings):
    from copyguard.works.views import _common

    for i in range(3):
        submitted_work(people.org, SAMPLE_TEXT + str(i) * 50, title=f"作品{i}")
    client.force_login(registry.registrar)
    original = _common.PAGE_SIZE
    _common.PAGE_SIZE = 2
    try:
        body = client.get(reverse("works:queue")).content.decode()
        assert "page=2" in body
        body = client.get(reverse("works:queue"), {"page": "2"}).content.decode()
        assert body.count("作品") == 1
    finally:
        _common.PAGE_SIZE = original


def test_a_rights_holder_has_no_queue(client, people):
    client.force_login(people.owner)
    assert client.get(reverse("works:queue")).status_code == 403


def test_a_supervisor_reads_what_the_administration_examines(client, people, registry):
    supervisor = make_member(registry.administration, Role.SUPERVISOR)
    registration = _taken(submitted_work(people.org), registry)
    client.force_login(supervisor)
    body = client.get(reverse("works:queue")).content.decode()
    assert reverse("works:examination", args=[registration.pk]) in body
    page = client.get(reverse("works:examination", args=[registration.pk]))
    assert page.status_code == 200
    assert "Approve and register" not in page.content.decode()
    url = reverse("works:decide", args=[registration.pk, "reject"])
    assert client.post(url, {"reject-reason": "no"}).status_code == 403


# ---------------------------------------------------------------- the examination page


def test_a_registrar_takes_and_approves(client, people, registry, commit):
    registration = submitted_work(people.org)
    client.force_login(registry.registrar)
    page = client.get(reverse("works:examination", args=[registration.pk])).content.decode()
    assert "Take for examination" in page
    client.post(reverse("works:take", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.UNDER_EXAMINATION
    page = client.get(reverse("works:examination", args=[registration.pk])).content.decode()
    assert "Approve and register" in page
    response = client.post(reverse("works:decide", args=[registration.pk, "approve"]))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED
    page = client.get(reverse("works:examination", args=[registration.pk])).content.decode()
    assert registration.number in page
    assert reverse("certificates:registration", args=[registration.pk]) in page


def test_returning_needs_reasons(client, people, registry):
    registration = _taken(submitted_work(people.org), registry)
    client.force_login(registry.registrar)
    url = reverse("works:decide", args=[registration.pk, "return"])
    response = client.post(url, {"return-reasons": "  "})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.UNDER_EXAMINATION
    client.post(url, {"return-reasons": "Add the author's identity document."})
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.RETURNED
    assert registration.return_reasons == "Add the author's identity document."


def test_rejecting_needs_a_reason(client, people, registry):
    registration = _taken(submitted_work(people.org), registry)
    client.force_login(registry.registrar)
    url = reverse("works:decide", args=[registration.pk, "reject"])
    assert client.post(url, {"reject-reason": ""}).status_code == 400
    client.post(url, {"reject-reason": "Not a work."})
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REJECTED


def test_approving_with_an_unresolved_conflict_needs_a_reason(client, people, registry, commit):
    registered_work(people.other_org, registry)
    registration = _taken(submitted_work(people.org), registry)
    assert registration.has_conflicts
    client.force_login(registry.registrar)
    page = client.get(reverse("works:examination", args=[registration.pk])).content.decode()
    assert "approving needs a reason" in page
    url = reverse("works:decide", args=[registration.pk, "approve"])
    response = client.post(url, {"approve-reason": ""})
    assert response.status_code == 409
    assert "resolve the conflict or give a reason" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.UNDER_EXAMINATION
    assert registration.number is None
    response = client.post(url, {"approve-reason": "The applicant licensed the text."})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED


def test_the_applicants_members_and_outsiders_cannot_examine(client, people, registry):
    registration = _taken(submitted_work(people.org), registry)
    for user, statuses in (
        (people.owner, {403}),
        (people.viewer, {403}),
        (people.outsider, {403, 404}),
        (registry.admin_viewer, {403}),
    ):
        client.force_login(user)
        for url, data in (
            (reverse("works:take", args=[registration.pk]), {}),
            (reverse("works:decide", args=[registration.pk, "reject"]), {"reject-reason": "x"}),
            (reverse("works:decide", args=[registration.pk, "approve"]), {}),
        ):
            assert client.post(url, data).status_code in statuses, (user, url)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.UNDER_EXAMINATION


def test_an_unknown_decision_is_404(client, people, registry):
    registration = _taken(submitted_work(people.org), registry)
    client.force_login(registry.registrar)
    assert client.post(reverse("works:decide", args=[registration.pk, "pass"])).status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.UNDER_EXAMINATION


def test_an_outsider_cannot_see_the_examination_page(client, people, registry):
    registration = submitted_work(people.org)
    client.force_login(people.outsider)
    assert client.get(reverse("works:examination", args=[registration.pk])).status_code == 404


def test_another_administrations_registrar_cannot_decide(client, people, registry):
    registration = _taken(submitted_work(people.org), registry)
    client.force_login(registry.other_registrar)
    url = reverse("works:decide", args=[registration.pk, "reject"])
    assert client.post(url, {"reject-reason": "x"}).status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.UNDER_EXAMINATION


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_pages_render_in_both_languages(client, people, registry, language):
    registration = _taken(submitted_work(people.org), registry)
    client.force_login(registry.registrar)
    client.cookies["django_language"] = language
    for url in (
        reverse("works:queue"),
        reverse("works:examination", args=[registration.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()
