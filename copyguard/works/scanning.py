"""Scanning a file found elsewhere (a crawled page, an upload, a corpus record) against the
registry: which registered works' files it copies, and where.

:func:`scan_source` reads the file as the engine would (an HTML page for its main text, a
document for its text, a picture, a sound or a video file with its engine), compares it with
the registry's index (``registry_index``) and answers with the matches at or above the
threshold, best first, as plain data (:class:`ScanOutcome`). Only files of works whose
registration is in force count: the index holds registered works' files, and each match is
checked against the database, so a work whose certificate was revoked after it was indexed
is not reported. Bad input (empty, truncated, of no known format, too large) is an outcome
with a one-line ``error``, never an exception. :func:`scan_text` does the same for text a
caller has already extracted.

The two halves are public for callers that must not read the database (a Dask worker
scanning a corpus): :func:`match_source` and :func:`match_text` answer with the raw matches
by work file id (:class:`Found`), and :func:`resolve` later keeps those of works registered
now and names them.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, TypedDict

from copyguard.works import blobs, registry_index
from copyguard.works.certificates.enums import CertificateStatus
from copyguard.works.enums import FileMedia, RegistrationStatus
from copyguard.works.models import Registration, WorkFile

__all__ = [
    "MAX_SCAN_BYTES",
    "MEDIA",
    "PASSAGE_CHARS",
    "Found",
    "RegistryMatch",
    "ScanOutcome",
    "match_source",
    "match_text",
    "passages",
    "resolve",
    "scan_source",
    "scan_text",
]

logger = logging.getLogger(__name__)

#: What a scan reads a file as ("auto": decided from its type, name and first bytes).
MEDIA = ("auto", "text", "code", "image", "audio", "video")
#: Largest file scanned: a long film. Texts and pictures have the extractors' own limits.
MAX_SCAN_BYTES = 2 * 1024 * 1024 * 1024
#: Each passage's text is cut to this many characters.
PASSAGE_CHARS = 2000
_HEAD = 65536


class RegistryMatch(TypedDict):
    work_file_id: int
    work_id: int
    registration_number: str
    title: str
    owner_id: int  # the work's rights-holder organisation
    media: str  # text | code | image | audio | video
    score: float
    match: bool
    segments: list[dict[str, list[Any]]]  # [{"query": [s, e], "reference": [s, e]}]
    box: list[int] | None  # image: [x0, y0, x1, y1] in the query's pixels
    passages: list[dict[str, Any]]  # text/code: segments with query_text / reference_text
    detail: dict[str, Any]  # the engine's evidence


class ScanOutcome(TypedDict):
    media: str  # what the file was read as; "" when unreadable
    matches: list[RegistryMatch]  # match == True only, best first
    error: str  # "" or one line


class Found(TypedDict):
    """A match before the database says whose work it is."""

    file_id: int
    media: str
    score: float
    segments: list[dict[str, list[Any]]]
    box: list[int] | None
    detail: dict[str, Any]
    passages: list[dict[str, Any]]  # text/code, when the caller filled them in; else []


def _outcome(
    media: str, error: str = "", matches: list[RegistryMatch] | None = None
) -> ScanOutcome:
    return {"media": media, "matches": matches or [], "error": " ".join(error.split())}


def _threshold(threshold: float | None) -> float:
    from copyguard.fingerprint import DEFAULT_THRESHOLD

    return DEFAULT_THRESHOLD if threshold is None else float(threshold)


def _is_html(name: str, content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind in ("text/html", "application/xhtml+xml") or name.lower().endswith(
        (".html", ".htm", ".xhtml")
    )


def _head(data: bytes | Path) -> bytes:
    if isinstance(data, bytes):
        return data[:_HEAD]
    with open(data, "rb") as handle:
        return handle.read(_HEAD)


def _media_of(data: bytes | Path, name: str, content_type: str) -> str:
    """text, code, image, audio or video; ExtractionError for a recording that cannot be
    opened (its streams, not its name, tell a song in an MP4 from a film)."""
    from copyguard.fingerprint.extract import detect_media

    if _is_html(name, content_type):
        return "text"
    detected = detect_media(name, _head(data))
    if detected == "text" and content_type:
        kind = content_type.split(";", 1)[0].strip().lower()
        major = kind.split("/", 1)[0]
        if major in ("image", "audio", "video"):
            detected = major
    if detected in ("audio", "video"):
        from copyguard.fingerprint.extract.video import recording_media

        return recording_media(data if isinstance(data, bytes) else str(data))
    return detected


_threads_set = False


def _limit_threads() -> None:
    """Give the engine's libraries ``settings.ENGINE_THREADS`` threads, once per process:
    a process answering many scans at once gains nothing from threads inside each one,
    and they contend (see ENGINE_THREADS in docs/settings.md)."""
    global _threads_set
    if _threads_set:
        return
    import cv2
    import faiss
    from django.conf import settings

    threads = max(1, int(settings.ENGINE_THREADS))
    faiss.omp_set_num_threads(threads)
    cv2.setNumThreads(threads)
    _threads_set = True


def scan_source(
    data: bytes | Path,
    name: str,
    *,
    media: str = "auto",
    content_type: str = "",
    threshold: float | None = None,
) -> ScanOutcome:
    """Compare one file (its bytes, or a path) with the registered works; see the module
    docstring. ``name`` is the file's name or URL path (its extension helps tell the
    format), ``content_type`` the type the server declared (``text/html``: a web page,
    read for its main text)."""
    if media not in MEDIA:
        return _outcome("", f"unknown media {media!r}")
    _limit_threads()
    try:
        size = len(data) if isinstance(data, bytes) else os.stat(data).st_size
    except OSError as exc:
        return _outcome("", f"cannot read the file ({exc.strerror or exc})")
    if size == 0:
        return _outcome("", "empty file")
    if size > MAX_SCAN_BYTES:
        return _outcome("", f"file too large: {size} bytes")
    from copyguard.fingerprint.extract import ExtractionError

    try:
        read_as, found = match_source(
            data, name, media=media, content_type=content_type, threshold=threshold
        )
        if read_as in ("text", "code"):
            return _scan_document(data, name, read_as, media, content_type, threshold)
    except ExtractionError as exc:
        return _outcome("", str(exc))
    except Exception as exc:  # hostile input must not end a crawl of thousands of files
        logger.warning("scan of %s failed", name, exc_info=True)
        return _outcome("", f"unexpected {type(exc).__name__} while reading the file: {exc}")
    return _outcome(read_as, matches=resolve(found))


def match_source(
    data: bytes | Path,
    name: str,
    *,
    media: str = "auto",
    content_type: str = "",
    threshold: float | None = None,
) -> tuple[str, list[Found]]:
    """What the file is read as and, for a picture, a sound or a video, what of the
    registry's index it matches (by work file id, best first not guaranteed), without the
    database. A file read as text or code comes back with no matches: its text is for
    :func:`match_text`. ExtractionError when the file cannot be read."""
    from copyguard.fingerprint.extract import ExtractionError

    read_as = _media_of(data, name, content_type) if media == "auto" else media
    if read_as == "image":
        return read_as, _scan_image(data, threshold)
    if read_as in ("audio", "video"):
        found, problem = _scan_recording(data, read_as, threshold)
        if problem is not None:
            raise ExtractionError(problem)
        return read_as, found
    return read_as, []


def _scan_document(
    data: bytes | Path,
    name: str,
    read_as: str,
    media: str,
    content_type: str,
    threshold: float | None,
) -> ScanOutcome:
    from copyguard.fingerprint.extract import DEFAULT_LIMITS, extract

    filename = name or "file"
    if _is_html(name, content_type) and not filename.lower().endswith((".html", ".htm")):
        filename += ".html"
    source = data if isinstance(data, bytes) else str(data)
    extracted = extract(source, filename=filename, media=media, limits=DEFAULT_LIMITS)
    return scan_text(
        extracted.text,
        media=extracted.media,
        language=extracted.language,
        name=name,
        threshold=threshold,
    )


def scan_text(
    text: str,
    *,
    media: str = "text",
    language: str | None = None,
    name: str = "",
    threshold: float | None = None,
) -> ScanOutcome:
    """Compare text already extracted (a page's main text) with the registered works'
    texts (``media`` "text") or source code ("code")."""
    if media not in ("text", "code"):
        return _outcome("", f"unknown media {media!r} for a text")
    _limit_threads()
    if not text.strip():
        return _outcome(media, "no text in the file")
    matcher = registry_index.open_matcher()
    try:
        found = match_text(text, media, language, name, threshold, matcher)
    except Exception as exc:  # hostile input must not end a crawl of thousands of files
        logger.warning("text scan of %s failed", name, exc_info=True)
        return _outcome("", f"unexpected {type(exc).__name__} while comparing the text: {exc}")
    results = resolve(found)
    for result in results:
        result["passages"] = _passages(result, text, matcher)
    return _outcome(media, matches=results)


def match_text(
    text: str,
    media: str,
    language: str | None,
    name: str,
    threshold: float | None,
    matcher: Any,
) -> list[Found]:
    """The registry index's matches for text already extracted (``media`` "text" or "code"),
    by work file id, without the database; ``passages`` left empty."""
    from copyguard.fingerprint import DEFAULT_THRESHOLD

    limit = _threshold(threshold)
    found: list[Found] = []
    for match in matcher.query(
        text, media, language, name or None, candidates=limit < DEFAULT_THRESHOLD
    ):
        if match.score < limit:
            continue
        found.append(
            {
                "file_id": int(match.reference_id),
                "media": media,
                "score": float(match.score),
                "segments": [
                    {"query": list(s.query), "reference": list(s.reference)} for s in match.segments
                ],
                "box": None,
                "detail": {
                    "coverage_query": round(float(match.coverage.query), 4),
                    "coverage_reference": round(float(match.coverage.reference), 4),
                },
                "passages": [],
            }
        )
    return found


def passages(
    segments: list[dict[str, list[Any]]], text: str, reference: str
) -> list[dict[str, Any]]:
    """Each matched segment with its text on both sides (cut to ``PASSAGE_CHARS``)."""
    kept = []
    for segment in segments:
        (q0, q1), (r0, r1) = segment["query"], segment["reference"]
        kept.append(
            {
                "query": [q0, q1],
                "reference": [r0, r1],
                "query_text": text[q0:q1][:PASSAGE_CHARS],
                "reference_text": reference[r0:r1][:PASSAGE_CHARS],
            }
        )
    return kept


def _passages(result: RegistryMatch, text: str, matcher: Any) -> list[dict[str, Any]]:
    reference = ""
    file = WorkFile.objects.filter(pk=result["work_file_id"]).only("text_storage_name").first()
    if file is not None and file.text_storage_name:
        try:
            reference = blobs.read_text(file.text_storage_name)
        except (OSError, UnicodeDecodeError):
            reference = ""
    if not reference:
        kept = matcher.references.get((result["media"], result["work_file_id"]))
        reference = kept.text if kept is not None else ""
    return passages(result["segments"], text, reference)


def _scan_image(data: bytes | Path, threshold: float | None) -> list[Found]:
    from copyguard.fingerprint import DEFAULT_THRESHOLD
    from copyguard.fingerprint.image import FlatImageError, read_image

    limit = _threshold(threshold)
    image = read_image(data if isinstance(data, bytes) else str(data))  # ExtractionError
    engines = registry_index.open_engines()
    if not engines.has("image"):
        return []
    try:
        hits = engines.images.query(image, candidates=limit < DEFAULT_THRESHOLD)
    except FlatImageError:
        return []  # nothing in it to identify: it copies no registered picture
    return [
        {
            "file_id": int(hit.reference_id),
            "media": "image",
            "score": float(hit.score),
            "segments": [],
            "box": list(hit.box) if hit.box is not None else None,
            "detail": {
                "inliers": hit.inliers,
                "pdq_distance": hit.pdq_distance,
                "mirrored": hit.mirrored,
            },
            "passages": [],
        }
        for hit in hits
        if hit.score >= limit
    ]


def _scan_recording(
    data: bytes | Path, media: str, threshold: float | None
) -> tuple[list[Found], str | None]:
    from copyguard.fingerprint import DEFAULT_THRESHOLD
    from copyguard.fingerprint.engines import recording_query

    limit = _threshold(threshold)
    source = data if isinstance(data, bytes) else str(data)
    engines = registry_index.open_engines()
    heard, problem = recording_query(engines, source, media, candidates=limit < DEFAULT_THRESHOLD)
    if problem is not None:
        return [], problem
    return [
        {
            "file_id": int(reference),
            "media": label,
            "score": float(match.score),
            "segments": [
                {"query": [round(q0, 3), round(q1, 3)], "reference": [round(r0, 3), round(r1, 3)]}
                for (q0, q1), (r0, r1) in match.segments
            ],
            "box": None,
            "detail": dict(match.detail),
            "passages": [],
        }
        for reference, label, match in heard
        if match.score >= limit
    ], None


def resolve(found: list[Found]) -> list[RegistryMatch]:
    """The matches whose file belongs to a work registered now, best first (one per file:
    its best), with the work's registration number, title and owner (reads the database)."""
    if not found:
        return []
    ids = {item["file_id"] for item in found}
    files = {
        f.pk: f
        for f in WorkFile.objects.filter(pk__in=ids)
        .select_related("work")
        .only("pk", "media", "work__title", "work__owner_id")
    }
    registrations: dict[int, str] = {}
    in_force = (
        Registration.objects.filter(
            work_id__in={f.work_id for f in files.values()},
            status=RegistrationStatus.REGISTERED,
        )
        .exclude(certificates__status=CertificateStatus.REVOKED)
        .order_by("created_at", "pk")
    )
    for registration in in_force:
        registrations[registration.work_id] = registration.number or ""
    results: dict[int, RegistryMatch] = {}
    for item in sorted(found, key=lambda i: -i["score"]):
        file = files.get(item["file_id"])
        if file is None or file.work_id not in registrations or file.pk in results:
            continue
        results[file.pk] = {
            "work_file_id": file.pk,
            "work_id": file.work_id,
            "registration_number": registrations[file.work_id],
            "title": file.work.title,
            "owner_id": file.work.owner_id,
            "media": item["media"] or str(file.media or FileMedia.OTHER),
            "score": round(item["score"], 6),
            "match": True,
            "segments": item["segments"],
            "box": item["box"],
            "passages": item["passages"],
            "detail": item["detail"],
        }
    return list(results.values())
