from __future__ import annotations

import pytest
from django.urls import reverse

from copyguard.front.tests.conftest import in_english

pytestmark = pytest.mark.django_db

URL = reverse("front:verify")


def test_it_shows_an_empty_form_to_visitors(en_client):
    response = en_client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="number"' in body
    assert "errorlist" not in body


def test_it_sends_a_well_formed_number_to_its_result_page(en_client):
    response = en_client.get(URL, {"number": "440700-2026-A-00000123"})
    assert response.status_code == 302
    assert response["Location"] == "/verify/440700-2026-A-00000123/"


def test_it_accepts_surrounding_spaces_and_a_lower_case_type_letter(en_client):
    response = en_client.get(URL, {"number": "  440700-2026-a-00000123 "})
    assert response.status_code == 302
    assert response["Location"] == "/verify/440700-2026-A-00000123/"


@pytest.mark.parametrize(
    "number",
    [
        "",
        "440700-2026-A-0000012",
        "44070-2026-A-00000123",
        "440700-26-A-00000123",
        "440700-2026-AB-00000123",
        "440700_2026_A_00000123",
        "\uff14\uff14\uff10\uff17\uff10\uff10-2026-A-00000123",  # full-width digits
        "440700-2026-Ä-00000123",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "440700-2026-A-00000123\x00",
        "%00",
        "9" * 10_000,
        "\u202e440700-2026-A-00000123",
    ],
)
def test_it_rejects_malformed_numbers_with_a_form_error(en_client, number):
    response = en_client.get(URL, {"number": number})
    assert response.status_code == 200
    body = response.content.decode()
    assert "errorlist" in body
    assert 'aria-invalid="true"' in body
    assert "<script>alert(1)</script>" not in body


def test_it_survives_repeated_parameters(en_client):
    response = en_client.get(URL + "?number=abc&number=440700-2026-A-00000123")
    assert response.status_code in (200, 302)


def test_it_renders_for_members_and_outsiders_alike(client, people):
    for person in (people.owner, people.viewer, people.outsider):
        client.force_login(person)
        response = in_english(client).get(URL, {"number": "440700-2026-A-00000123"})
        assert response.status_code == 302


def test_it_explains_the_form_error_in_chinese_too(client):
    response = client.get(URL, {"number": ""})
    assert response.status_code == 200
    assert "这个字段是必填项。" in response.content.decode()
