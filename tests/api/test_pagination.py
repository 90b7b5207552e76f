"""Page-number pagination shared by every list endpoint."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.api.support import error_of, new_token, with_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_tokens(people):
    caller = with_token(people.owner)  # one token
    for n in range(4):
        new_token(people.owner, f"t{n}")
    return caller


def page(caller, **params):
    return caller.get(f"/me/tokens?{urlencode(params)}")


def test_the_first_page_has_the_default_size(five_tokens):
    body = page(five_tokens).json()
    assert (body["count"], body["page"], body["page_size"], body["pages"]) == (5, 1, 50, 1)
    assert len(body["items"]) == 5
    assert set(body) == {"items", "count", "page", "page_size", "pages"}


def test_pages_split_the_items_without_gaps_or_repeats(five_tokens):
    seen = []
    for number in (1, 2, 3):
        body = page(five_tokens, page=number, page_size=2).json()
        assert (body["count"], body["page"], body["page_size"], body["pages"]) == (5, number, 2, 3)
        seen += [t["id"] for t in body["items"]]
    assert len(seen) == 5 == len(set(seen))


def test_the_largest_page_size_is_allowed(five_tokens):
    body = page(five_tokens, page_size=200).json()
    assert body["page_size"] == 200 and len(body["items"]) == 5


def test_an_empty_list_still_has_one_page(people):
    body = with_token(people.owner).get("/organisations?kind=court").json()
    assert (body["items"], body["count"], body["pages"]) == ([], 0, 1)


def test_a_page_past_the_last_is_a_404(five_tokens):
    """Found by schemathesis (positive_data_acceptance): page=4 fits the schema (a whole
    number from 1), so a 400 told the caller its request was malformed; the page simply
    does not exist."""
    error = error_of(page(five_tokens, page=4, page_size=2), 404, "invalid_page")
    assert "page" in error["fields"]
    assert "3" in error["message"]


@pytest.mark.parametrize(
    "params",
    [
        {"page": 0},
        {"page": -1},
        {"page": "abc"},
        {"page": "1.5"},
        {"page": ""},
        {"page": "1e3"},
        {"page": 10**30},
        {"page": 1_000_000_001},
        {"page": "9" * 5000},
        {"page_size": 0},
        {"page_size": -10},
        {"page_size": 201},
        {"page_size": 10**12},
        {"page_size": "all"},
    ],
)
def test_bad_paging_values_are_a_400_in_the_error_format(five_tokens, params):
    error = error_of(page(five_tokens, **params), 400)
    assert error["code"] in {"invalid", "invalid_page"}
    assert set(error["fields"]) <= {"page", "page_size"} and error["fields"]
