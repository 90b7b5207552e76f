"""A minimal request body for each API operation, made from its OpenAPI schema.

django-ninja checks a body against its schema before the view runs, so an empty body gets a
422 from everyone and says nothing about access. The body made here carries the required
fields only, each with a plain value of its type; the view then runs its access check first,
and a persona let in gets the app's own answer (a 400/409/422 of its validation, or success,
which the matrix rolls back)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

__all__ = ["FIRST", "ID_MODELS", "ORG_FIELDS", "OWN", "body_for"]

# A body field that names the organisation a request acts for gets the persona's own
# organisation (``OWN``): a create route then asks "may this persona do it for its own
# organisation?". A refusal naming such a field (422 with it in ``fields``) keeps them out.
ORG_FIELDS = frozenset(
    {
        "organisation", "organisation_id", "owner", "owner_id", "administration",
        "administration_id", "sender", "sender_id", "enterprise", "enterprise_id", "station",
        "station_id", "publisher", "publisher_id", "organiser", "organiser_id", "applicant",
        "applicant_id", "requester", "requester_id", "region", "region_id", "province",
        "province_id", "city", "city_id",
    }
)  # fmt: skip
OWN = "@own"

# A body field that names another object gets the demo's first object of its model (the
# lowest id: ``FIRST + "app.Model"``, which World.value turns into that id, or into an id
# nothing has where the demo has none). A literal 1 would name that object on SQLite only:
# PostgreSQL's sequences are not reset between tests, so its first object has another id.
FIRST = "@first:"
ID_MODELS = {
    "work_id": "works.Work",
    "hit_ids": "monitoring.Hit",
    "item_ids": "enforcement.NoticeItem",
    "notice_id": "enforcement.Notice",
    "case_id": "enforcement.Case",
    "user_id": "accounts.User",
    "to_agency_id": "accounts.Organisation",
    "partner_id": "accounts.Organisation",
    "system_id": "assessment.IndicatorSystem",
    "programme_id": "funds.FundProgramme",
}

_FORMATS = {
    "date": "2026-01-05",
    "date-time": "2026-01-05T08:00:00+08:00",
    "email": "matrix@example.test",
    "uri": "https://example.test/page",
    "uuid": "00000000-0000-4000-8000-000000000000",
}


@cache
def _spec() -> dict[str, Any]:
    from copyguard.api import api

    return api.get_openapi_schema()  # type: ignore[no-any-return]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = _spec()["components"]["schemas"][name]
    return schema


def _value(schema: dict[str, Any], depth: int = 0) -> Any:
    schema = _resolve(schema)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(s).get("type") != "null"]
            return _value(options[0] if options else schema[key][0], depth)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 4:
            return {}
        props = schema.get("properties", {})
        return {name: _field(name, props[name], depth) for name in schema.get("required", [])}
    if kind == "array":
        count = schema.get("minItems", 0) or 0
        return [_value(schema.get("items", {}), depth + 1) for _ in range(count)]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "string":
        if schema.get("format") == "binary":
            return SimpleUploadedFile("matrix.txt", b"matrix\n", content_type="text/plain")
        if schema.get("format") in _FORMATS:
            return _FORMATS[schema["format"]]
        return "x" * max(1, schema.get("minLength", 1))
    return None


def _field(name: str, schema: dict[str, Any], depth: int) -> Any:
    if name in ORG_FIELDS:
        return OWN
    if name in ID_MODELS:
        first = FIRST + ID_MODELS[name]
        return [first] if _resolve(schema).get("type") == "array" else first
    return _value(schema, depth + 1)


def body_for(method: str, path: str) -> tuple[str, Any] | None:
    """(content type, body) for the operation, or None when it takes no body."""
    operation = _spec()["paths"].get(path, {}).get(method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {})
    if not content:
        return None
    content_type = next(iter(content))
    body = _value(content[content_type]["schema"])
    if content_type == "multipart/form-data" and isinstance(body, dict):
        return content_type, {k: v for k, v in body.items() if v is not None}
    return content_type, body
