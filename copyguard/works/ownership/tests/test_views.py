"""The ownership pages: the holder applies, the registrar reviews, in both languages;
outsiders get 404, the holder's read-only member reads and gets 403 on every change."""

from __future__ import annotations

import pytest
from django.urls import reverse

from copyguard.works.ownership import actions
from copyguard.works.ownership.enums import RecordStatus
from copyguard.works.ownership.models import OwnershipRecord

LICENCE = {
    "licence-licensee_name": "Gamma Films",
    "licence-licence_type": "exclusive",
    "licence-territory": "CN, HK",
    "licence-starts_on": "2027-01-01",
    "licence-ends_on": "2029-12-31",
    "licence-rights": ["adaptation", "translation"],
}
PLEDGE = {
    "pledge-pledgee_name": "Bank of Foshan",
    "pledge-secured_amount": "5000000",
    "pledge-currency": "CNY",
    "pledge-starts_on": "2027-01-01",
    "pledge-ends_on": "2028-01-01",
}


def _login(client, user, language="en"):  # type: ignore[no-untyped-def]
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def pending(holder, registration):  # type: ignore[no-untyped-def]
    return actions.apply_pledge(
        holder,
        registration,
        pledgee_name="Bank of Foshan",
        secured_amount="100",
        currency="CNY",
        starts_on="2027-01-01",
        ends_on="2028-01-01",
    )


def test_the_holder_applies_for_a_licence_on_the_page(client, people, registration):  # type: ignore[no-untyped-def]
    _login(client, people.staff)
    page = client.get(reverse("ownership:registration", args=[registration.pk]))
    assert page.status_code == 200 and b"Apply to record a licence" in page.content

    response = client.post(reverse("ownership:apply", args=[registration.pk, "licence"]), LICENCE)

    record = OwnershipRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ownership:record", args=[record.pk])
    assert record.territory == ["CN", "HK"] and record.rights == ["adaptation", "translation"]


def test_the_form_shows_the_actions_refusal_next_to_the_field(client, people, registration):  # type: ignore[no-untyped-def]
    _login(client, people.owner)

    response = client.post(
        reverse("ownership:apply", args=[registration.pk, "pledge"]),
        {**PLEDGE, "pledge-secured_amount": "-10"},
    )

    assert response.status_code == 400
    assert b"The secured amount must be more than zero." in response.content
    assert not OwnershipRecord.objects.exists()


def test_reversed_dates_are_refused_on_the_page(client, people, registration):  # type: ignore[no-untyped-def]
    _login(client, people.owner)

    response = client.post(
        reverse("ownership:apply", args=[registration.pk, "licence"]),
        {**LICENCE, "licence-ends_on": "2026-01-01"},
    )

    assert response.status_code == 400
    assert b"The term cannot end before it starts." in response.content


def test_the_registrar_records_it_from_the_queue(client, registry, pending):  # type: ignore[no-untyped-def]
    _login(client, registry.registrar)
    queue = client.get(reverse("ownership:index") + "?status=pending")
    assert reverse("ownership:record", args=[pending.pk]).encode() in queue.content

    response = client.post(reverse("ownership:approve", args=[pending.pk]), {"reason": ""})

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == RecordStatus.APPROVED and pending.ledger_entry is not None


def test_refusing_needs_a_reason(client, registry, pending):  # type: ignore[no-untyped-def]
    _login(client, registry.registrar)

    response = client.post(reverse("ownership:reject", args=[pending.pk]), {"reason": ""})

    assert response.status_code == 400
    assert b"Give a reason." in response.content
    pending.refresh_from_db()
    assert pending.status == RecordStatus.PENDING


def test_the_holder_withdraws_and_applies_for_a_release(  # type: ignore[no-untyped-def]
    client, people, registrar, pending
):
    actions.approve(registrar, pending)
    _login(client, people.owner)
    page = client.get(reverse("ownership:record", args=[pending.pk]))
    assert b"Apply to record the release of this pledge" in page.content

    response = client.post(reverse("ownership:release", args=[pending.pk]), {"note": "repaid"})

    release = OwnershipRecord.objects.get(kind="pledge_release")
    assert response["Location"] == reverse("ownership:record", args=[release.pk])
    client.post(reverse("ownership:withdraw", args=[release.pk]))
    release.refresh_from_db()
    assert release.status == RecordStatus.WITHDRAWN


def _pages(registration, record):  # type: ignore[no-untyped-def]
    return [
        reverse("ownership:registration", args=[registration.pk]),
        reverse("ownership:record", args=[record.pk]),
    ]


def _changes(registration, record):  # type: ignore[no-untyped-def]
    return [
        (reverse("ownership:apply", args=[registration.pk, "pledge"]), PLEDGE),
        (reverse("ownership:approve", args=[record.pk]), {}),
        (reverse("ownership:reject", args=[record.pk]), {"reason": "no"}),
        (reverse("ownership:withdraw", args=[record.pk]), {}),
        (reverse("ownership:release", args=[record.pk]), {}),
    ]


@pytest.mark.parametrize("who", ["outsider", "other_registrar"])
def test_outsiders_get_404_everywhere(client, people, registry, registration, pending, who):  # type: ignore[no-untyped-def]
    user = people.outsider if who == "outsider" else registry.other_registrar
    _login(client, user)

    for url in _pages(registration, pending):
        assert client.get(url).status_code == 404, url
    for url, data in _changes(registration, pending):
        assert client.post(url, data).status_code == 404, url
    assert b"Bank of Foshan" not in client.get(reverse("ownership:index")).content
    assert OwnershipRecord.objects.count() == 1


def test_a_read_only_member_reads_but_cannot_change(client, people, registration, pending):  # type: ignore[no-untyped-def]
    _login(client, people.viewer)

    for url in _pages(registration, pending):
        page = client.get(url)
        assert page.status_code == 200, url
        assert b'<form class="form" method="post"' not in page.content
    for url, data in _changes(registration, pending):
        assert client.post(url, data).status_code == 403, url
    pending.refresh_from_db()
    assert pending.status == RecordStatus.PENDING
    assert OwnershipRecord.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client, registration):  # type: ignore[no-untyped-def]
    response = client.get(reverse("ownership:registration", args=[registration.pk]))

    assert response.status_code == 302 and "login" in response["Location"]


def test_an_unknown_kind_of_application_is_404(client, people, registration):  # type: ignore[no-untyped-def]
    _login(client, people.owner)

    assert (
        client.post(reverse("ownership:apply", args=[registration.pk, "gift"])).status_code == 404
    )


def test_the_pages_render_in_chinese(client, people, registration, pending):  # type: ignore[no-untyped-def]
    _login(client, people.owner, "zh-hans")

    listing = client.get(reverse("ownership:registration", args=[registration.pk])).content.decode()
    record = client.get(reverse("ownership:record", args=[pending.pk])).content.decode()
    index = client.get(reverse("ownership:index")).content.decode()

    assert "申请登记许可" in listing and "信息网络传播权" in listing
    assert "出让方" in listing and "起始日期" not in listing  # parties, not a date range
    assert "担保金额" in record and "待审核" in record
    assert "权属登记" in index
