"""What schemathesis found the OpenAPI document not saying (docs/api-robustness.md): each
route here answered something its entry did not declare. The live checks are the
schemathesis run (tests/robustness); these keep each correction in the document."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from copyguard.api import api
from copyguard.apiutil import IsoDate, StrictInput
from tests.api.support import API


@pytest.fixture(scope="module")
def schema() -> Any:
    return api.get_openapi_schema(path_prefix=f"{API}/")


def parameter(schema: Any, method: str, path: str, name: str) -> dict[str, Any]:
    for item in schema["paths"][f"{API}{path}"][method]["parameters"]:
        if item["name"] == name:
            found = item["schema"]
            found = next((s for s in found.get("anyOf", []) if s.get("type") != "null"), found)
            if "$ref" in found:
                found = schema["components"]["schemas"][found["$ref"].rsplit("/", 1)[1]]
            return found
    raise AssertionError(f"{method} {path} has no parameter {name}")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/works/{work_id}/files"),
        ("put", "/works/{work_id}/software"),
        ("post", "/works/{work_id}/software/deposit"),
        ("post", "/works/{work_id}/submit"),
        ("post", "/ownership/{record_id}/release"),
        ("post", "/assessment/rounds/{round_id}/compute"),
        ("post", "/assessment/rounds/{round_id}/publish"),
        ("post", "/assessment/rounds/{round_id}/system"),
        ("post", "/assessment/systems/{system_id}/activate"),
    ],
)
def test_a_write_refused_for_the_records_state_documents_its_409(schema, method, path):
    assert 409 in schema["paths"][f"{API}{path}"][method]["responses"]


@pytest.mark.parametrize(
    "path",
    [
        "/checkups/{checkup_id}/report.pdf",
        "/assessment/rounds/{round_id}/cities/{city_id}/report.pdf",
    ],
)
def test_a_pdf_route_documents_the_pdf_media_type(schema, path):
    assert list(schema["paths"][f"{API}{path}"]["get"]["responses"][200]["content"]) == [
        "application/pdf"
    ]


def test_hand_read_parameters_say_what_they_take(schema):
    assert parameter(schema, "get", "/services/route", "kind")["enum"]
    assert parameter(schema, "get", "/services/route", "region_code")["pattern"]
    assert "open" in parameter(schema, "get", "/services/requests", "status")["pattern"]
    assert parameter(schema, "get", "/services/requests", "kind")["enum"]
    for name in ("from", "to", "quarter", "year"):
        assert parameter(schema, "get", "/insights/statistics", name)["pattern"], name
    assert parameter(schema, "get", "/registrations/{number}/verify", "number")["pattern"]
    assert parameter(schema, "get", "/enforcement/cases", "threshold")["enum"]
    assert parameter(schema, "get", "/enforcement/cases", "status")["enum"]
    assert "open" in parameter(schema, "get", "/enforcement/tip-offs", "status")["pattern"]


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/works", "owner"),
        ("/monitoring/hits", "run"),
        ("/enforcement/notices", "sender"),
        ("/assessment/rounds/{round_id}/cities/{city_id}", "city_id"),
    ],
)
def test_ids_are_bounded_to_what_the_database_holds(schema, path, name):
    bounds = parameter(schema, "get", path, name)
    assert (bounds["minimum"], bounds["maximum"]) == (1, 2**63 - 1)


def test_the_document_is_valid_openapi_3_1(schema):
    """Checked against the OpenAPI 3.1 meta-schema (schemathesis's copy, validated with
    jsonschema-rs), as served: JSON round trip first, as a client reads it."""
    import schemathesis

    document = json.loads(json.dumps(schema, default=str))
    assert document["openapi"].startswith("3.1")
    schemathesis.openapi.from_dict(document).validate()


def test_a_broken_document_fails_the_validation(schema):
    """The check above can fail: a response without its required description does."""
    import jsonschema_rs
    import schemathesis

    document = json.loads(json.dumps(schema, default=str))
    del document["paths"][f"{API}/me"]["get"]["responses"]["200"]["description"]
    with pytest.raises(jsonschema_rs.ValidationError):
        schemathesis.openapi.from_dict(document).validate()


def test_the_station_workload_dates_are_dates_in_the_schema(schema):
    """Found by schemathesis: ``since`` and ``until`` were text read by hand, so a text the
    schema allowed was refused as not a date."""
    for name in ("since", "until"):
        assert (
            parameter(schema, "get", "/services/stations/{station_id}/workload", name)["format"]
            == "date"
        )


def test_every_route_declares_the_answers_any_route_can_give(schema):
    """A lost database (503) or a full disk (507) can meet any route (copyguard.unavailable
    answers them in the error format), so every route declares them beside its other errors."""
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            declared = {int(status) for status in operation["responses"]}
            assert {503, 507} <= declared, (method, path)
            assert operation["responses"][507]["content"] == operation["responses"][503]["content"]


# Found by the long pass (docs/api-robustness.md, run 9).


def test_a_route_that_takes_files_declares_415(schema):
    taking_files = [
        (method, path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "multipart/form-data" in operation.get("requestBody", {}).get("content", {})
    ]
    assert len(taking_files) >= 8
    for method, path, operation in taking_files:
        assert "415" in {str(status) for status in operation["responses"]}, (method, path)


def test_a_request_message_documents_its_body(schema):
    body = schema["paths"][f"{API}/services/requests/{{request_id}}/messages"]["post"][
        "requestBody"
    ]
    form = body["content"]["multipart/form-data"]["schema"]
    assert body["required"] is True
    assert form["required"] == ["body"]
    assert set(form["properties"]) == {"body", "answer", "files"}


class _Dated(StrictInput):
    day: date
    maybe: date | None = None
    moment: datetime | None = None


@pytest.mark.parametrize("value", [0, 1_700_000_000, "0", "1700000000", "2026-1-5", "05/01/2026"])
def test_a_date_is_only_read_as_written_in_the_document(value):
    """pydantic's lax mode read a number as seconds since 1970: `?since=0` was 1970-01-01."""
    with pytest.raises(ValidationError):
        _Dated(day=value)
    with pytest.raises(ValidationError):
        _Dated(day="2026-01-05", maybe=value)
    with pytest.raises(ValidationError):
        TypeAdapter(IsoDate).validate_python(value)


def test_dates_written_as_the_document_says_are_read():
    read = _Dated(day=" 2026-01-05 ", maybe=None, moment="2026-01-05T08:00:00+08:00")
    assert read.day == date(2026, 1, 5)
    assert read.maybe is None
    assert read.moment is not None  # a date and time keeps pydantic's reading
    assert TypeAdapter(IsoDate).validate_python("2026-12-03") == date(2026, 12, 3)
    assert TypeAdapter(IsoDate).validate_python(date(2026, 12, 3)) == date(2026, 12, 3)
