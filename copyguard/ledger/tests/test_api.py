"""The public ledger API: heads, entries with inclusion proofs, consistency proofs, the key."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from django.test import Client

from copyguard.ledger import bundle, merkle
from copyguard.ledger.actions import append_entry
from copyguard.ledger.tests.rfc9162 import mth, verify_consistency_rfc, verify_inclusion_rfc
from copyguard.testing import Personas

pytestmark = pytest.mark.django_db

API = "/api/v1/ledger"


def _get(client: Client, path: str, **headers: str) -> Any:
    return client.get(f"{API}{path}", headers=headers)


@pytest.fixture
def log() -> list[bytes]:
    return [bytes(append_entry("test", {"n": n}).entry) for n in range(9)]


def _callers(people: Personas) -> dict[str, Client]:
    outsider, viewer = Client(), Client()
    outsider.force_login(people.outsider)
    viewer.force_login(people.viewer)
    return {"anonymous": Client(), "outsider": outsider, "read-only member": viewer}


def test_the_latest_head_is_public_and_signed(people: Personas, log: list[bytes]) -> None:
    key = _get(Client(), "/public-key").json()
    public_raw = base64.b64decode(key["public_key"])
    assert key["key_id"] == hashlib.sha256(public_raw).hexdigest()
    assert key["algorithm"] == "Ed25519"
    for name, client in _callers(people).items():
        response = _get(client, "/sth")
        assert response.status_code == 200, name
        head = response.json()
        assert head["tree_size"] == 9
        assert head["root_hash"] == mth(log).hex()
        assert bundle.verify_head(head, public_raw) == []


def test_the_plain_sth_address_serves_the_same_head(log: list[bytes]) -> None:
    response = Client().get("/ledger/sth")

    assert response.status_code == 200
    assert response.json() == _get(Client(), "/sth").json()


def test_an_empty_ledger_has_no_head_yet() -> None:
    assert Client().get("/ledger/sth").status_code == 404
    response = _get(Client(), "/sth")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_entries_come_in_bounded_ranges(log: list[bytes]) -> None:
    page = _get(Client(), "/entries?start=2&end=5").json()

    assert [e["leaf_index"] for e in page["entries"]] == [2, 3, 4]
    assert (page["start"], page["end"], page["tree_size"]) == (2, 5, 9)
    for item in page["entries"]:
        assert merkle.canonical_json(item["entry"]) == log[item["leaf_index"]]
        assert item["leaf_hash"] == merkle.leaf_hash(log[item["leaf_index"]]).hex()
    assert _get(Client(), "/entries?start=7").json()["end"] == 9
    assert _get(Client(), "/entries?start=20").json()["entries"] == []


@pytest.mark.parametrize(
    "query",
    ["start=-1", "start=x", "start=5&end=5", "start=0&end=101", "start=0&end=0", "end=2**70"],
)
def test_a_bad_range_is_a_400_with_a_message(log: list[bytes], query: str) -> None:
    response = _get(Client(), f"/entries?{query}")

    assert response.status_code == 400, response.content
    assert response.json()["error"]["message"]


def test_every_entry_proves_its_inclusion_in_every_tree_that_holds_it(log: list[bytes]) -> None:
    for index in range(9):
        for size in range(index + 1, 10):
            body = _get(Client(), f"/entries/{index}?tree_size={size}").json()
            assert body["signed_tree_head"]["tree_size"] == size
            path = [bytes.fromhex(h) for h in body["inclusion_path"]]
            root = bytes.fromhex(body["signed_tree_head"]["root_hash"])
            assert root == mth(log[:size])
            assert verify_inclusion_rfc(merkle.leaf_hash(log[index]), index, size, path, root)
    latest = _get(Client(), "/entries/3").json()
    assert latest["tree_size"] == 9


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/entries/9", 404),
        ("/entries/99999999999999999999999", 404),
        ("/entries/-1", 404),
        ("/entries/x", 400),
        ("/entries/3?tree_size=3", 400),
        ("/entries/3?tree_size=10", 400),
        ("/entries/3?tree_size=0", 400),
    ],
)
def test_a_bad_entry_request_is_a_4xx(log: list[bytes], path: str, status: int) -> None:
    response = _get(Client(), path)

    assert response.status_code == status, response.content
    assert response.json()["error"]["message"]


def test_consistency_proofs_between_every_two_sizes_verify(log: list[bytes]) -> None:
    for first in range(1, 10):
        for second in range(first, 10):
            body = _get(Client(), f"/consistency?first={first}&second={second}").json()
            proof = [bytes.fromhex(h) for h in body["proof"]]
            assert body["first_head"]["root_hash"] == mth(log[:first]).hex()
            assert body["second_head"]["root_hash"] == mth(log[:second]).hex()
            assert verify_consistency_rfc(first, second, proof, mth(log[:first]), mth(log[:second]))
    assert _get(Client(), "/consistency?first=4").json()["second"] == 9


@pytest.mark.parametrize(
    "query", ["", "first=0", "first=5&second=4", "first=3&second=10", "first=a", "second=3"]
)
def test_a_bad_consistency_request_is_a_400(log: list[bytes], query: str) -> None:
    response = _get(Client(), f"/consistency?{query}")

    assert response.status_code == 400, response.content
    assert response.json()["error"]["message"]


def test_a_wrong_token_is_refused_even_on_public_routes(log: list[bytes]) -> None:
    response = _get(Client(), "/sth", Authorization="Bearer cg_wrong")

    assert response.status_code == 401


def test_the_routes_are_read_only(log: list[bytes]) -> None:
    assert Client().post(f"{API}/sth").status_code == 405
