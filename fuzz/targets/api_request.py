"""The API's request parsing for every route (django-ninja on copyguard's schemas, in
process, no server, no database): any route, path parameters, query string, content type
and body are read into the view's arguments, or refused with a 4xx in the API's error
format. The views themselves are not run (they need a database and a caller)."""

from __future__ import annotations

from django.http import HttpResponse

from fuzz.harness import FuzzedInput
from fuzz.targets._api import api, build_request, must_not_be_5xx

INSTRUMENT = ("ninja",)
DJANGO = True

OPERATIONS = sorted(
    (
        (bound.prefix, path, method, operation)
        for bound in api._get_bound_routers()
        for path, view in bound.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    ),
    key=lambda item: (item[0], item[1], item[2]),
)


def _path_parameters(given: FuzzedInput, path: str) -> dict[str, str]:
    names = [part[1:-1].split(":")[-1] for part in path.split("/") if part.startswith("{")]
    values = {}
    for name in names:
        if given.byte() & 1:
            values[name] = str(int.from_bytes(given.chunk(10), "big"))
        else:
            values[name] = given.chunk(30).decode("utf-8", "replace").replace("/", "")
    return values


def TestOneInput(data: bytes) -> None:
    given = FuzzedInput(data)
    index = int.from_bytes(bytes([given.byte(), given.byte()]), "big") % len(OPERATIONS)
    prefix, path, method, operation = OPERATIONS[index]
    parameters = _path_parameters(given, path)
    request = build_request(given, method, f"/api/v1/{prefix}{path}")
    try:
        operation._get_values(request, parameters, HttpResponse())
    except Exception as exc:
        must_not_be_5xx(request, exc)
