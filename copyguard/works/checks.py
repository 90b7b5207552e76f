"""The conflict check that runs after a registration is submitted (a background job).

Every file of the work is compared with the works other rights holders have registered:
by SHA-256 (the identical file) and, for texts and code, with the engine against the
registry's index (``registry_index``): a match at or above the engine's decision threshold
— a Traditional-script copy of a Simplified text included — is substantially similar
content. Each finding becomes a ``Conflict`` with the matched passages of both texts.
The registration keeps the check's status, progress (for pages to poll) and, when it
failed, why (in English, shown translated by ``Registration.check_notice()``). The check
runs more than once (resubmission, a job whose worker died, approval): it updates the
conflicts it found before (same rows and ids), drops those no longer found, and keeps the
ones a registrar resolved.
"""

from __future__ import annotations

import logging
from typing import Any, TypedDict

from django.db import transaction
from django.utils import timezone

from copyguard.fingerprint import Match
from copyguard.works import blobs, registry_index
from copyguard.works.enums import CheckStatus, ConflictKind, FileMedia, RegistrationStatus
from copyguard.works.models import Conflict, Registration, WorkFile

__all__ = ["PASSAGE_CHARS", "MatchedPassage", "run_check"]

logger = logging.getLogger(__name__)

# Each matched passage is stored with at most this many characters of either text.
PASSAGE_CHARS = 400
MAX_PASSAGES = 50


class MatchedPassage(TypedDict):
    query: list[int]  # character span in this registration's file
    reference: list[int]  # character span in the registered file
    query_text: str
    reference_text: str


class CheckError(Exception):
    """A file could not be checked; the message (English, no paths) is kept on the registration."""


def _progress(registration_id: int, **fields: Any) -> None:
    Registration.objects.filter(pk=registration_id).update(**fields)


def _passages(match: Match, text: str, reference_text: str) -> list[MatchedPassage]:
    return [
        {
            "query": list(segment.query),
            "reference": list(segment.reference),
            "query_text": text[segment.query[0] : segment.query[1]][:PASSAGE_CHARS],
            "reference_text": reference_text[segment.reference[0] : segment.reference[1]][
                :PASSAGE_CHARS
            ],
        }
        for segment in match.segments[:MAX_PASSAGES]
    ]


def _registered_elsewhere(registration: Registration) -> Any:
    """Files of registered works held by another rights holder."""
    work = registration.work
    return (
        WorkFile.objects.filter(work__registrations__status=RegistrationStatus.REGISTERED)
        .exclude(work__owner_id=work.owner_id)
        .exclude(work_id=work.pk)
        .select_related("work")
        .distinct()
    )


def _findings(registration: Registration) -> list[Conflict]:
    files = list(registration.work.files.order_by("pk"))
    others = _registered_elsewhere(registration)
    matcher = registry_index.open_matcher()
    found: dict[tuple[int, int], Conflict] = {}
    for done, file in enumerate(files, start=1):
        for other in others.filter(sha256=file.sha256):
            found[(file.pk, other.pk)] = Conflict(
                registration=registration,
                file=file,
                other_work=other.work,
                other_file=other,
                kind=ConflictKind.IDENTICAL,
                score=1.0,
                segments=[],
            )
        if file.media in (FileMedia.TEXT, FileMedia.CODE) and file.text_storage_name:
            try:
                text = blobs.read_text(file.text_storage_name)
            except (OSError, UnicodeDecodeError) as exc:
                raise CheckError(
                    f"{file.original_name}: the stored text of the file is missing"
                ) from exc
            matches = [
                m
                for m in matcher.query(
                    text, file.media, language=file.language or None, filename=file.original_name
                )
                if m.match
            ]
            by_id = {
                other.pk: other
                for other in others.filter(pk__in=[int(m.reference_id) for m in matches])
            }
            for match in matches:
                other = by_id.get(int(match.reference_id))
                if other is None or (file.pk, other.pk) in found:
                    continue  # the same holder's work, no longer registered, or identical
                reference = matcher.references.get((file.media, match.reference_id))
                found[(file.pk, other.pk)] = Conflict(
                    registration=registration,
                    file=file,
                    other_work=other.work,
                    other_file=other,
                    kind=ConflictKind.SIMILAR,
                    score=round(float(match.score), 4),
                    segments=_passages(match, text, reference.text if reference else ""),
                )
        file.fingerprinted_at = timezone.now()
        file.save(update_fields=["fingerprinted_at"])
        _progress(registration.pk, check_progress=min(99, done * 100 // max(1, len(files))))
    return list(found.values())


def run_check(registration_id: int) -> str:
    """Check one submitted registration; returns the resulting check status."""
    registration = (
        Registration.objects.select_related("work", "work__owner")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or registration.status not in (
        RegistrationStatus.SUBMITTED,
        RegistrationStatus.UNDER_EXAMINATION,
    ):
        return "skipped"
    _progress(registration_id, check_status=CheckStatus.RUNNING, check_progress=0, check_message="")
    try:
        findings = _findings(registration)
    except CheckError as exc:
        _progress(registration_id, check_status=CheckStatus.FAILED, check_message=str(exc)[:500])
        return CheckStatus.FAILED
    except Exception:  # any other failure is shown on the registration too, and logged
        logger.exception("Conflict check of registration %s failed", registration_id)
        _progress(
            registration_id,
            check_status=CheckStatus.FAILED,
            check_message="internal error (see the server log)",
        )
        return CheckStatus.FAILED
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration_id)
        # Conflicts keep their rows (and ids, which a registrar may hold) across runs.
        existing = {(c.file_id, c.other_file_id): c for c in locked.conflicts.all()}
        found = {(c.file_id, c.other_file_id): c for c in findings}
        gone = [c.pk for key, c in existing.items() if key not in found and not c.resolved]
        locked.conflicts.filter(pk__in=gone).delete()
        for key, finding in found.items():
            known = existing.get(key)
            if known is None:
                continue
            if not known.resolved:
                known.kind, known.score = finding.kind, finding.score
                known.segments = finding.segments
                known.save(update_fields=["kind", "score", "segments"])
        Conflict.objects.bulk_create([c for key, c in found.items() if key not in existing])
        locked.has_conflicts = locked.conflicts.filter(resolved=False).exists()
        locked.check_status = CheckStatus.DONE
        locked.check_progress = 100
        locked.check_message = ""
        locked.save(
            update_fields=["has_conflicts", "check_status", "check_progress", "check_message"]
        )
    return CheckStatus.DONE
