"""The statistics pages: who sees which region, drill-down, periods, exports, the report,
publishing and the public page."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from lxml import html
from openpyxl import load_workbook

from copyguard.accounts.models import AuditEvent
from copyguard.insights.models import PublishedStatistics
from copyguard.insights.tables import format_value
from copyguard.insights.testing import EXPECTED, EXPECTED_JIANGMEN, make_statistics_world
from copyguard.testing import make_user

DASHBOARD = reverse("insights:dashboard")
YEAR = {"year": "2025"}


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    return make_statistics_world()


def as_user(user, language: str = "zh-hans") -> Client:  # type: ignore[no-untyped-def]
    """A client signed in as ``user``, reading the pages in ``language``."""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def cell(doc, table: str, row: str, column: str) -> str:  # type: ignore[no-untyped-def]
    found = doc.xpath(
        f'//div[@data-table="{table}"]//tr[@data-row="{row}"]/td[@data-column="{column}"]'
    )
    assert len(found) == 1, (table, row, column)
    return found[0].text_content().strip()


def test_every_figure_on_the_page_equals_the_records_built(world) -> None:  # type: ignore[no-untyped-def]
    response = as_user(world.gd_analyst).get(DASHBOARD, {"region": world.gd.pk, **YEAR})
    assert response.status_code == 200
    doc = html.fromstring(response.content)
    for (table, row, column), expected in EXPECTED.items():
        kind = (
            "percent"
            if row == "confirmation_rate"
            else ("decimal" if table == "cases.amounts" else "int")
        )
        assert cell(doc, table, row, column) == format_value(expected, kind), (table, row, column)
    # Every table has its chart, drawn server-side.
    assert len(doc.xpath('//div[@data-table]//*[local-name()="svg"]')) >= 20


def test_a_province_drills_down_into_its_cities(world) -> None:  # type: ignore[no-untyped-def]
    client = as_user(world.gd_viewer)
    doc = html.fromstring(client.get(DASHBOARD, YEAR).content)
    links = doc.xpath('//div[@data-table="registrations.by_region"]//a[@data-drill]')
    assert [a.get("data-drill") for a in links] == [str(world.fs.pk), str(world.jm.pk)]
    city = client.get(DASHBOARD + links[1].get("href"))
    assert city.status_code == 200
    doc = html.fromstring(city.content)
    for (table, row, column), expected in EXPECTED_JIANGMEN.items():
        assert cell(doc, table, row, column) == format_value(expected), (table, row, column)
    # The city page leads back up to the province.
    assert doc.xpath('//p[@id="region-trail"]/a/text()') == [world.gd.name]


@pytest.mark.parametrize(
    ("who", "region", "status"),
    [
        ("jm_viewer", "jm", 200),
        ("jm_viewer", "xinhui", 200),
        ("jm_viewer", "fs", 404),
        ("jm_viewer", "gd", 404),
        ("fs_analyst", "xinhui", 404),
        ("xinhui_viewer", "jm", 404),
        ("hn_supervisor", "gd", 404),
        ("gd_viewer", "xinhui", 200),
        ("holder_owner", "fs", 404),
        ("platform_owner", "fs", 404),
    ],
)
def test_a_region_is_seen_only_from_itself_or_above(world, who, region, status) -> None:  # type: ignore[no-untyped-def]
    response = as_user(getattr(world, who)).get(
        DASHBOARD, {"region": getattr(world, region).pk, **YEAR}
    )
    assert response.status_code == status


def test_rights_holders_and_platforms_have_no_dashboard(world) -> None:  # type: ignore[no-untyped-def]
    assert as_user(world.holder_owner).get(DASHBOARD).status_code == 404
    assert as_user(world.platform_owner).get(DASHBOARD).status_code == 404
    assert as_user(make_user()).get(DASHBOARD).status_code == 404


def test_strangers_are_sent_to_sign_in(world) -> None:  # type: ignore[no-untyped-def]
    response = Client().get(DASHBOARD)
    assert response.status_code == 302 and "login" in response["Location"]


def test_platform_staff_see_any_region(world) -> None:  # type: ignore[no-untyped-def]
    staff = make_user(is_superuser=True)
    assert as_user(staff).get(DASHBOARD, {"region": world.cs.pk, **YEAR}).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"year": "1999"},
        {"year": "abc"},
        {"year": "2025", "quarter": "5"},
        {"from": "2025-13"},
        {"from": "2025-06", "to": "2025-01"},
        {"from": "2000-01", "to": "2099-12"},
        {"year": "2025\x00"},
        {"region": "x" * 5000},
    ],
)
def test_a_bad_period_or_region_gets_a_clear_answer_never_a_500(world, params) -> None:  # type: ignore[no-untyped-def]
    response = as_user(world.gd_analyst).get(DASHBOARD, params)
    if "region" in params:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert b'id="period-error"' in response.content


def test_a_quarter_and_a_month_range_narrow_the_figures(world) -> None:  # type: ignore[no-untyped-def]
    client = as_user(world.gd_analyst)
    doc = html.fromstring(client.get(DASHBOARD, {"year": "2025", "quarter": "1"}).content)
    assert cell(doc, "registrations.summary", "total", "count") == "5"
    doc = html.fromstring(client.get(DASHBOARD, {"from": "2025-06", "to": "2025-06"}).content)
    assert cell(doc, "registrations.summary", "total", "count") == "3"


def _csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_every_table_exports_as_csv_with_the_figures_of_the_records(world) -> None:  # type: ignore[no-untyped-def]
    client = as_user(world.gd_viewer)
    tables = {table for table, _row, _col in EXPECTED}
    for table in sorted(tables):
        response = client.get(reverse("insights:export", args=[table, "csv"]), YEAR)
        assert response.status_code == 200, table
        assert response["Content-Type"].startswith("text/csv")
        rows = _csv(response)
        header_at = next(i for i, r in enumerate(rows) if len(r) > 1 and i > 2)
        header = rows[header_at]
        body = {r[0]: r[1:] for r in rows[header_at + 1 :]}
        page = html.fromstring(client.get(DASHBOARD, YEAR).content)
        for (key, row, column), expected in EXPECTED.items():
            if key != table:
                continue
            label = (
                page.xpath(f'//div[@data-table="{key}"]//tr[@data-row="{row}"]/th')[0]
                .text_content()
                .strip()
            )
            column_label = page.xpath(f'//div[@data-table="{key}"]//thead/tr/th[position()>1]')
            index = [c.text_content().strip() for c in column_label].index(
                next(
                    c.text_content().strip()
                    for c, k in zip(
                        column_label,
                        page.xpath(
                            f'//div[@data-table="{key}"]//tr[@data-row="{row}"]/td/@data-column'
                        ),
                        strict=True,
                    )
                    if k == column
                )
            )
            assert header[index + 1]
            assert Decimal(body[label][index]) == Decimal(str(expected)), (key, row, column)


def test_the_xlsx_of_all_tables_has_the_figures_of_the_records(world) -> None:  # type: ignore[no-untyped-def]
    response = as_user(world.gd_analyst, "en").get(
        reverse("insights:export", args=["all", "xlsx"]), YEAR
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 27
    sheet = book.worksheets[0]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["Works registered"] == EXPECTED[("registrations.summary", "total", "count")]
    amounts = book.worksheets[17]
    money = {row[0]: row[1] for row in amounts.iter_rows(values_only=True) if row and row[0]}
    assert Decimal(str(money["Fines imposed"])) == EXPECTED[("cases.amounts", "fines", "amount")]


def test_csv_cells_that_look_like_formulas_are_defused(world) -> None:  # type: ignore[no-untyped-def]
    world.campaign.name = '=HYPERLINK("http://evil.example")'
    world.campaign.save(update_fields=["name"])
    response = as_user(world.gd_analyst).get(
        reverse("insights:export", args=["campaigns.results", "csv"]), YEAR
    )
    rows = _csv(response)
    assert rows[-1][:2] == ['\'=HYPERLINK("http://evil.example")', "1"]


def test_exports_follow_the_same_access_rules(world) -> None:  # type: ignore[no-untyped-def]
    url = reverse("insights:export", args=["registrations.summary", "csv"])
    assert as_user(world.jm_viewer).get(url, {"region": world.fs.pk}).status_code == 404
    assert as_user(world.holder_owner).get(url).status_code == 404
    assert (
        as_user(world.gd_viewer).get(reverse("insights:export", args=["nope", "csv"])).status_code
        == 404
    )
    assert (
        as_user(world.gd_viewer).get(reverse("insights:export", args=["all", "csv"])).status_code
        == 404
    )
    assert as_user(world.gd_viewer).get(url, {"year": "20x5"}).status_code == 400


def test_the_annual_report_downloads_as_a_pdf(world) -> None:  # type: ignore[no-untyped-def]
    response = as_user(world.jm_viewer).get(reverse("insights:report"), YEAR)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert (
        as_user(world.jm_viewer)
        .get(reverse("insights:report"), {"region": world.gd.pk})
        .status_code
        == 404
    )


# --- publishing -----------------------------------------------------------------------------


def publish(client: Client, region, figures, **extra):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("insights:publish"),
        {"region": region.pk, "year": "2025", "figures": figures, **extra},
    )


def test_an_analyst_publishes_a_snapshot_that_later_records_do_not_change(world) -> None:  # type: ignore[no-untyped-def]
    client = as_user(world.gd_analyst)
    form = client.get(reverse("insights:publish"), {"region": world.gd.pk, **YEAR})
    assert form.status_code == 200
    response = publish(
        client,
        world.gd,
        ["registrations.summary", "registrations.by_region", "cases.amounts"],
        note="<b>说明</b>",
        note_en="Note",
    )
    publication = PublishedStatistics.objects.get()
    assert response.status_code == 302
    assert publication.figures == [
        "registrations.summary",
        "registrations.by_region",
        "cases.amounts",
    ]
    assert AuditEvent.objects.filter(action="insights.statistics.publish").count() == 1
    # A record added afterwards does not change the published figures.
    from copyguard.insights.testing import _registration

    _registration(world.publisher, "written", world.fs, "2025-05-05")
    public = Client().get(reverse("insights:public_detail", args=[publication.pk]))
    assert public.status_code == 200
    doc = html.fromstring(public.content)
    assert cell(doc, "registrations.summary", "total", "count") == "9"
    assert cell(doc, "cases.amounts", "fines", "amount") == "5,000.00"
    assert not doc.xpath('//div[@data-table="monitoring.summary"]')
    assert b"&lt;b&gt;" in public.content and b"<b>\xe8\xaf\xb4" not in public.content
    # The dashboard, meanwhile, counts the new record.
    live = html.fromstring(client.get(DASHBOARD, YEAR).content)
    assert cell(live, "registrations.summary", "total", "count") == "10"
    english = Client(headers={"accept-language": "en"})
    english.cookies["django_language"] = "en"
    page = english.get(reverse("insights:public_detail", args=[publication.pk]))
    assert b"Foshan Copyright Bureau" in page.content


def test_a_read_only_member_may_not_publish(world) -> None:  # type: ignore[no-untyped-def]
    client = as_user(world.gd_viewer)
    assert client.get(reverse("insights:publish"), YEAR).status_code == 403
    assert publish(client, world.gd, ["registrations.summary"]).status_code == 403
    assert not PublishedStatistics.objects.exists()


def test_a_province_may_not_publish_for_its_city_nor_a_city_for_its_province(world) -> None:  # type: ignore[no-untyped-def]
    assert (
        publish(as_user(world.gd_analyst), world.fs, ["registrations.summary"]).status_code == 403
    )
    assert (
        publish(as_user(world.fs_analyst), world.gd, ["registrations.summary"]).status_code == 404
    )
    assert (
        publish(as_user(world.holder_owner), world.fs, ["registrations.summary"]).status_code == 404
    )
    assert not PublishedStatistics.objects.exists()


@pytest.mark.parametrize(
    ("figures", "extra", "message"),
    [
        ([], {}, b"Choose at least one table"),
        (["registrations.summary", "<script>"], {}, b"There is no table called &lt;script&gt;"),
        (["registrations.summary"], {"note": "x" * 4001}, b"under 4000 characters"),
        (["registrations.summary"], {"year": "3000"}, b"Give a year"),
    ],
)
def test_bad_publications_are_refused_with_a_form_error(world, figures, extra, message) -> None:  # type: ignore[no-untyped-def]
    response = publish(as_user(world.gd_analyst, "en"), world.gd, figures, **extra)
    assert response.status_code == 400
    assert message in response.content
    assert not PublishedStatistics.objects.exists()


def test_the_same_period_is_published_once_until_withdrawn(world) -> None:  # type: ignore[no-untyped-def]
    client = as_user(world.gd_supervisor, "en")
    assert publish(client, world.gd, ["registrations.summary"]).status_code == 302
    again = publish(client, world.gd, ["registrations.summary"])
    assert again.status_code == 400 and b"already published" in again.content
    publication = PublishedStatistics.objects.get()
    # A read-only member and another province may not withdraw it.
    withdraw = reverse("insights:withdraw", args=[publication.pk])
    assert as_user(world.gd_viewer).post(withdraw).status_code == 403
    assert as_user(world.hn_supervisor).post(withdraw).status_code == 404
    assert client.post(withdraw, {"reason": "错误"}).status_code == 302
    publication.refresh_from_db()
    assert publication.withdrawn_at is not None and publication.withdrawal_reason == "错误"
    assert AuditEvent.objects.filter(action="insights.statistics.withdraw").count() == 1
    assert Client().get(reverse("insights:public_detail", args=[publication.pk])).status_code == 404
    assert publish(client, world.gd, ["registrations.summary"]).status_code == 302


def test_the_public_list_shows_live_publications_to_anyone(world) -> None:  # type: ignore[no-untyped-def]
    publish(as_user(world.gd_analyst), world.gd, ["registrations.summary"])
    response = Client().get(reverse("insights:public"))
    assert response.status_code == 200
    assert world.gd.name.encode() in response.content
    assert Client().get(reverse("insights:public_detail", args=[999999])).status_code == 404


def test_the_publications_page_lists_what_the_user_may_see(world) -> None:  # type: ignore[no-untyped-def]
    publish(as_user(world.gd_analyst), world.gd, ["registrations.summary"])
    page = as_user(world.gd_viewer).get(reverse("insights:publications"))
    assert page.status_code == 200 and b"publication-list" in page.content
    assert b"Withdraw" not in page.content
    other = as_user(world.hn_supervisor).get(reverse("insights:publications"))
    assert b"publication-list" not in other.content
    assert as_user(world.holder_owner).get(reverse("insights:publications")).status_code == 404
