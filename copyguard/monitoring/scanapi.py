"""The upload scanning API for platforms: ``POST /api/v1/scan`` and ``GET /api/v1/scan/{id}``.

A platform (or a rights holder, or an administration) sends a file or a URL and learns which
registered works it copies. Small texts and pictures are answered at once (200); larger
files, sound, video and URLs are answered by a job (202 with the scan's status URL). Each
request counts against the caller's rate (``COPYGUARD_SCAN_RATE``, per API token, or per user
for a browser session); the bookkeeping is in copyguard.monitoring.scanning_jobs.

The body is read here rather than by ninja's parameters, so that a request too large is
refused from its Content-Length before any of it is read, and so that one operation takes a
multipart file, a form or JSON; the OpenAPI document describes all three by hand.
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.translation import gettext
from ninja import Router, Schema, Status

from copyguard.apiutil import (
    ApiError,
    ApiErrorCode,
    ErrorOut,
    ObjectId,
    api_actor,
    api_user,
    bad_parameter,
)
from copyguard.monitoring import scanning_jobs
from copyguard.monitoring.enums import MonitoringErrorCode, RunStatus
from copyguard.monitoring.models import UploadScan
from copyguard.monitoring.ratelimit import caller_token

router = Router(tags=["upload scanning"])

#: What ``media`` may say (``auto``: decided from the file's type, name and first bytes).
MEDIA = ("auto", "text", "code", "image", "audio", "video")
#: Read while the caller waits (when small enough); the rest goes to the job.
SYNC_MEDIA = frozenset({"text", "code", "image"})
#: Room for the multipart framing and the form fields around the file.
_ENVELOPE_BYTES = 64 * 1024
_HEAD_BYTES = 65536


# ------------------------------------------------------------------ schemas


class ScanMatchOut(Schema):
    registration_number: str
    title: str
    work_id: int
    score: float
    media: str
    # Characters (whole numbers) for text and code, seconds for sound and video.
    segments: list[dict[str, list[int | float]]]
    box: list[int] | None = None


class ScanOut(Schema):
    """A scan's answer: what the file was read as, the registered works it copies, and an
    error (one line) when it could not be read or fetched."""

    id: int
    status: str
    media: str
    matches: list[ScanMatchOut]
    error: str


class ScanQueuedOut(Schema):
    id: int
    status: str
    status_url: str


class ScanStatusOut(ScanOut):
    name: str
    size: int
    created_at: datetime
    finished_at: datetime | None


_FIELDS: dict[str, Any] = {
    "url": {
        "type": "string",
        "format": "uri",
        "description": "An http(s) address to fetch and scan (instead of a file). Private "
        "and loopback addresses are refused.",
    },
    "media": {
        "type": "string",
        "enum": list(MEDIA),
        "default": "auto",
        "description": "Read the file as this; auto: from its type, name and first bytes.",
    },
    "organisation": {
        "type": "integer",
        "description": "The organisation the scan is for, when you may scan for several.",
    },
}
_REQUEST_BODY = {
    "required": True,
    "description": "A file (multipart) or a URL (JSON or form), not both.",
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "The file to scan.",
                    },
                    **_FIELDS,
                },
            }
        },
        "application/json": {
            "schema": {"type": "object", "properties": _FIELDS, "required": ["url"]}
        },
        "application/x-www-form-urlencoded": {
            "schema": {"type": "object", "properties": _FIELDS, "required": ["url"]}
        },
    },
}
_ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 413, 415, 429), ErrorOut)


# ------------------------------------------------------------------ reading the request


def _too_large() -> ApiError:
    return ApiError(
        413,
        MonitoringErrorCode.TOO_LARGE,
        gettext("The file is too large: at most %(mb)d MB may be scanned.")
        % {"mb": settings.SCAN_MAX_BYTES // (1024 * 1024)},
    )


def _read_request(request: HttpRequest) -> tuple[dict[str, Any], UploadedFile | None]:
    """(fields, file) from a multipart, form or JSON body; ApiError for anything else."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.SCAN_MAX_BYTES + _ENVELOPE_BYTES:
        raise _too_large()
    kind = request.content_type or ""
    if not kind and not length:
        return {}, None  # no body at all: said below to need a file or a url
    if kind == "application/json":
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, RecursionError):
            raise ApiError(
                400, ApiErrorCode.INVALID_JSON, gettext("The request body is not valid JSON.")
            ) from None
        if not isinstance(body, dict):
            raise ApiError(
                400, ApiErrorCode.INVALID, gettext("Send a JSON object in the request body.")
            )
        return body, None
    if kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
        try:
            fields = {key: request.POST.get(key) for key in request.POST}
            files = request.FILES.getlist("file")
        except MultiPartParserError:
            raise ApiError(
                400, ApiErrorCode.BAD_REQUEST, gettext("The multipart body cannot be read.")
            ) from None
        if len(files) > 1:
            raise bad_parameter("file", gettext("Send one file per request."))
        return fields, (files[0] if files else None)
    raise ApiError(
        415,
        ApiErrorCode.BAD_REQUEST,
        gettext("Send the file as multipart/form-data, or the URL as JSON or a form."),
    )


def _media(fields: dict[str, Any]) -> str:
    media = fields.get("media") or "auto"
    if media not in MEDIA:
        raise bad_parameter(
            "media", gettext("Choose one of: %(expected)s.") % {"expected": ", ".join(MEDIA)}
        )
    return str(media)


def _organisation_id(request: HttpRequest, fields: dict[str, Any]) -> int | None:
    value = fields.get("organisation", request.GET.get("organisation"))
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        value = "x"
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 2**63 - 1:
        raise bad_parameter("organisation", gettext("Enter an organisation's id."))
    return number


def _detected_media(upload: UploadedFile, name: str, media: str) -> str:
    if media != "auto":
        return media
    from copyguard.fingerprint.extract import detect_media

    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    upload.seek(0)
    declared = (upload.content_type or "").split("/", 1)[0].lower()
    detected = detect_media(name, head)
    if detected == "text" and declared in ("image", "audio", "video"):
        return declared
    return detected


def _status_url(scan: UploadScan) -> str:
    return reverse("api:scan_status", kwargs={"scan_id": scan.pk})


def _answer(scan: UploadScan) -> dict[str, Any]:
    result = scan.result or {}
    return {
        "id": scan.pk,
        "status": scan.status,
        "media": result.get("media", scan.media if scan.status == RunStatus.FINISHED else ""),
        "matches": result.get("matches", []),
        "error": result.get("error", scan.error),
    }


# ------------------------------------------------------------------ the endpoints


@router.post(
    "/scan",
    response={200: ScanOut, 202: ScanQueuedOut, **_ERRORS},
    summary="Scan a file or URL against the registered works",
    openapi_extra={"requestBody": _REQUEST_BODY},
)
def scan(request: HttpRequest) -> Status[Any]:
    """Which registered works a file or web address copies.

    Texts, source code and pictures up to COPYGUARD_SCAN_SYNC_MAX_BYTES (5 MB) are answered
    at once (200). Larger files, sound, video and URLs are queued (202): poll `status_url`.
    Only works whose registration is in force are named. Limited per API token (or per user
    for a session) to COPYGUARD_SCAN_RATE; over it, 429 with Retry-After."""
    user = api_user(request)
    fields, upload = _read_request(request)
    media = _media(fields)
    url = fields.get("url") or ""
    if not isinstance(url, str):
        raise bad_parameter("url", gettext("Enter a URL."))
    if (upload is None) == (not url):
        raise bad_parameter("file", gettext("Send either a file or a url."))
    organisation = scanning_jobs.scanning_organisation(user, _organisation_id(request, fields))
    actor = api_actor(request)
    token = caller_token(request)
    if url:
        _check_url(url)
        scan = scanning_jobs.queue_scan(actor, organisation, token=token, media=media, url=url)
        return Status(202, {"id": scan.pk, "status": scan.status, "status_url": _status_url(scan)})
    assert upload is not None
    size = int(upload.size or 0)
    if size == 0:
        raise ApiError(
            400,
            MonitoringErrorCode.UNREADABLE,
            gettext("The file is empty."),
            fields={"file": [gettext("The file is empty.")]},
        )
    if size > settings.SCAN_MAX_BYTES:
        raise _too_large()
    name = scanning_jobs.clean_name(upload.name or "")
    read_as = _detected_media(upload, name, media)
    if read_as not in SYNC_MEDIA or size > settings.SCAN_SYNC_MAX_BYTES:
        scan = scanning_jobs.queue_scan(
            actor, organisation, token=token, media=media, upload=upload, name=name, size=size
        )
        return Status(202, {"id": scan.pk, "status": scan.status, "status_url": _status_url(scan)})
    return Status(200, _scan_now(request, organisation, token, upload, name, size, media))


def _scan_now(
    request: HttpRequest,
    organisation: Any,
    token: Any,
    upload: UploadedFile,
    name: str,
    size: int,
    media: str,
) -> dict[str, Any]:
    from copyguard.works.scanning import scan_source

    actor = api_actor(request)
    scan = scanning_jobs.start_sync_scan(
        actor, organisation, token=token, name=name, size=size, media=media
    )
    try:
        upload.seek(0)
        outcome = scan_source(
            upload.read(), name, media=media, content_type=upload.content_type or ""
        )
    except BaseException:
        scanning_jobs.fail_scan(actor, scan, "the scan failed on the server")
        raise
    result = scanning_jobs.public_result(outcome)
    if not result["media"]:
        scanning_jobs.fail_scan(actor, scan, result["error"] or "the file cannot be read")
        raise ApiError(
            415,
            MonitoringErrorCode.UNREADABLE,
            gettext("The file cannot be read: %(reason)s")
            % {"reason": result["error"] or gettext("unknown format")},
            fields={"file": [result["error"] or gettext("unknown format")]},
        )
    return _answer(scanning_jobs.finish_scan(actor, scan, result))


def _check_url(url: str) -> None:
    """Refuse at once a URL the fetch would refuse (the job checks again when it fetches)."""
    from copyguard.monitoring.netguard import FetchError, FetchRefused, check_url, resolve_public

    try:
        checked = check_url(url)
        if checked.literal is None:
            resolve_public(checked.host, checked.port)
    except FetchRefused as exc:
        raise ApiError(
            400,
            MonitoringErrorCode.FETCH_REFUSED,
            gettext("This address may not be fetched: %(reason)s") % {"reason": exc},
            fields={"url": [str(exc)]},
        ) from None
    except FetchError:
        pass  # a name that does not resolve now: the job tries, and says why it failed


@router.get(
    "/scan/{scan_id}",
    response={200: ScanStatusOut, **_ERRORS},
    summary="A scan's status and result",
    url_name="scan_status",
)
def scan_status(request: HttpRequest, scan_id: ObjectId) -> dict[str, Any]:
    """Members of the organisation the scan was made for may see it. `status` is queued,
    running, finished or failed; `matches` are filled in when it has finished."""
    scan, _ = scanning_jobs.scan_for(api_user(request), scan_id)
    return {
        **_answer(scan),
        "name": scan.name,
        "size": scan.size,
        "created_at": scan.created_at,
        "finished_at": scan.finished_at,
    }
