"""Schemathesis hooks of the robustness run (loaded with ``SCHEMATHESIS_HOOKS``).

The auth provider gives each generated request one of the personas, in turn per operation:
the 24 (organisation kind, role) tokens and anonymous (no token). So with N examples per
operation every operation is called by min(N, 25) personas, each about N / 25 times. The
persona's name goes along in ``X-Robustness-Persona`` so a failure's curl line says whose
request it was (the server ignores the header).

The personas come from the JSON file named by ``COPYGUARD_ROBUSTNESS_PERSONAS`` (written by
tests.robustness.run).
"""

from __future__ import annotations

import json
import os
import threading
import zlib
from collections import defaultdict
from typing import Any

import jsonschema_rs
import schemathesis

ANONYMOUS = "anonymous"
PERSONA_HEADER = "X-Robustness-Persona"


def _load() -> list[tuple[str, str | None]]:
    path = os.environ.get("COPYGUARD_ROBUSTNESS_PERSONAS", "")
    if not path:
        return [(ANONYMOUS, None)]
    with open(path, encoding="utf-8") as file:
        personas = json.load(file)
    return [(ANONYMOUS, None), *((p["name"], p["token"]) for p in personas)]


PERSONAS = _load()


@schemathesis.auth(refresh_interval=None)
class PersonaAuth:
    """Each request of an operation goes out as the next persona."""

    def __init__(self) -> None:
        self._turns: defaultdict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    def get(self, case: Any, ctx: Any) -> tuple[str, str | None]:
        label = ctx.operation.label
        with self._lock:
            turn = self._turns[label]
            self._turns[label] = turn + 1
        # Each operation starts the round at its own persona, so that with fewer test cases
        # than personas every persona still gets its share of the operations.
        start = zlib.crc32(label.encode())
        return PERSONAS[(start + turn) % len(PERSONAS)]

    def set(self, case: Any, data: tuple[str, str | None], ctx: Any) -> None:
        name, token = data
        headers = dict(case.headers or {})
        headers[PERSONA_HEADER] = name
        if token is None:
            headers.pop("Authorization", None)
        else:
            headers["Authorization"] = f"Bearer {token}"
        case.headers = headers


def _parameters_sent_as_the_schema_says(case: Any) -> set[str]:
    """The query and path parameters of the case whose value fits the parameter's schema.

    Schemathesis marks a case positive although it may fill a parameter with a value it
    saw in another answer (a ``null`` as a registration number), which the schema refuses;
    such a parameter is left out."""
    names: set[str] = set()
    for location, sent in (("query", case.query), ("path_parameters", case.path_parameters)):
        container = getattr(case.operation, location, None)
        for parameter in getattr(container, "items", None) or ():
            name = str(parameter.name)
            value = (sent or {}).get(name)
            schema = parameter.definition.get("schema") if parameter.definition else None
            if value is None or not isinstance(schema, dict) or "$ref" in json.dumps(schema):
                continue
            if isinstance(value, str) and schema.get("type") not in {None, "string"}:
                continue  # sent as text in the URL; its type is the server's to read
            if jsonschema_rs.validator_for(schema).is_valid(value):
                names.add(name)
                # A path parameter ``case_id`` is named ``case`` in some answers' fields.
                names.add(name.removesuffix("_id"))
    return names


# The API's words for a parameter that is malformed (ninja's own and apiutil.bad_parameter):
# the schema could have said what the parameter takes. Any other refusal (apiutil.invalid's
# "Some fields are not valid.", an action's own words: a span of more than 60 months, a
# first index after the second, a document the programme does not ask for, a case of
# another bureau) may be a rule between values that the schema cannot state.
MALFORMED = frozenset({"The request's parameters are not valid."})


@schemathesis.check
def parameters_said_by_the_schema(ctx: Any, response: Any, case: Any) -> bool | None:
    """A request the schema allows must not be refused as malformed for one of its query or
    path parameters (a 400 naming it in MALFORMED's words): the schema should have said
    what the parameter takes.

    The built-in positive_data_acceptance check lets a 400 through (run.CONFIG) because
    the API answers 400 when an action refuses input the schema cannot judge (a body field
    naming another organisation's record, two fields that contradict each other); a 400
    about a parameter is what this check catches instead.
    """
    meta = getattr(case, "meta", None)
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return None
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return None
    named = set(error.get("fields") or {}) & _parameters_sent_as_the_schema_says(case)
    if named and error.get("message") in MALFORMED:
        raise AssertionError(
            f"A request the schema allows was refused for its parameter(s) "
            f"{', '.join(sorted(named))}: {error.get('message')} {error.get('fields')}"
        )
    return None


def _has_padded_text(value: Any) -> bool:
    if isinstance(value, str):
        return value != value.strip()
    if isinstance(value, dict):
        return any(_has_padded_text(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_padded_text(v) for v in value)
    return False


@schemathesis.hook
def filter_body(ctx: Any, body: Any) -> bool:
    """No JSON text with spaces around it: the API trims text before it checks lengths and
    patterns (docs/api.md, "text is trimmed of surrounding spaces"), so ``" " + 100
    characters`` fits a 100-character field there while the schema's maxLength counts 101,
    and schemathesis would report the documented trimming as a schema-violating request
    accepted."""
    return not _has_padded_text(body)
