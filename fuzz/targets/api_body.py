"""The API's reading of request bodies that may carry files (apiutil/bodies.py
``read_body``): a JSON, form or multipart body of any bytes and content type gives the
fields and files, or an error the API answers with a 4xx."""

from __future__ import annotations

from fuzz.harness import FuzzedInput
from fuzz.targets._api import METHODS, build_request, must_not_be_5xx, read_body

DJANGO = True


def TestOneInput(data: bytes) -> None:
    given = FuzzedInput(data)
    method = given.choice(METHODS[:3])
    request = build_request(given, method, "/api/v1/tip-offs")
    try:
        fields, files = read_body(request, 1 << 20, "JSON or multipart, please")
    except Exception as exc:
        must_not_be_5xx(request, exc)
        return
    assert isinstance(fields, dict) and isinstance(files, list)
