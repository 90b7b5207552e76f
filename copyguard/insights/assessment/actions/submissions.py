"""Entered values: a city submits a value with supporting documents; the province accepts
or rejects it with a reason. Only accepted values score.

Documents are recognised by their bytes (PDF, PNG, JPEG, GIF, WebP, or plain text in UTF-8
or GB 18030), limited in size and number (``COPYGUARD_ASSESSMENT_MAX_DOCUMENT_BYTES``,
``COPYGUARD_ASSESSMENT_MAX_DOCUMENTS``), and stored under a random name in the data
directory; the name people gave is kept only for display, without any path.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copyguard import uploads
from copyguard.accounts.audit import Actor, record
from copyguard.accounts.models import Organisation
from copyguard.insights.assessment.actions.common import (
    cities_of,
    clean_decimal,
    clean_text,
    invalid,
    mark_reviewed,
    mark_submitted,
    wrong_status,
)
from copyguard.insights.assessment.enums import AssessmentErrorCode, Source, SubmissionStatus
from copyguard.insights.assessment.models import (
    AssessmentRound,
    Indicator,
    Submission,
    SubmissionDocument,
)

__all__ = [
    "document_path",
    "max_document_bytes",
    "max_documents",
    "review_submission",
    "submit_value",
]


# What a supporting document may be.
ACCEPTED = frozenset({uploads.PDF, *uploads.PICTURES, uploads.TEXT})

Upload = uploads.Upload


def max_document_bytes() -> int:
    return int(settings.ASSESSMENT_MAX_DOCUMENT_BYTES)


def max_documents() -> int:
    return int(settings.ASSESSMENT_MAX_DOCUMENTS)


def documents_dir() -> Path:
    return Path(settings.DATA_DIR) / "assessment" / "documents"


def document_path(document: SubmissionDocument) -> Path:
    return uploads.file_path(documents_dir(), document.storage_name)


_REFUSALS = uploads.Refusals(
    field="documents",
    invalid_code=AssessmentErrorCode.INVALID,
    too_large_code=AssessmentErrorCode.TOO_LARGE,
    unsupported_code=AssessmentErrorCode.UNSUPPORTED_FILE,
    too_large=_("%(name)s is too large: a document may have at most %(mb)s MB."),
    unsupported=_("%(name)s is not a PDF, a picture (PNG, JPEG, GIF, WebP) or plain text."),
    too_many=_("Attach at most %(count)d documents."),
)


def _document_name(index: int) -> str:
    return gettext("document %(number)d") % {"number": index}


def _entered_indicator(round_: AssessmentRound, code: str) -> Indicator:
    indicator = round_.system.indicators().filter(code=code).first()
    if indicator is None or indicator.source != Source.ENTERED:
        raise invalid(
            _("The round has no entered indicator %(code)s.") % {"code": code[:20]}, "indicator"
        )
    return indicator


def submit_value(
    actor: Actor,
    round_: AssessmentRound,
    city: Organisation,
    *,
    indicator_code: Any,
    value: Any,
    note: Any = "",
    documents: Sequence[Upload] | None = None,
) -> Submission:
    """Submit (or resubmit, unless accepted) a city's value for an entered indicator."""
    chosen = list(documents or [])
    code = clean_text(indicator_code, "indicator", 20, required=True)
    number = clean_decimal(value, "value", places=4)
    explanation = clean_text(note, "note", 4000)
    if not round_.accepts_submissions():
        raise wrong_status(round_.get_status_display())
    if city.pk not in {c.pk for c in cities_of(round_.province)}:
        raise invalid(_("%(city)s is not assessed in this round.") % {"city": city.name})
    indicator = _entered_indicator(round_, code)
    policy = uploads.Policy(
        documents_dir(), max_document_bytes(), ACCEPTED, _REFUSALS, max_files=max_documents()
    )
    stored = uploads.store_all(chosen, policy, _document_name)
    try:
        with transaction.atomic():
            locked = AssessmentRound.objects.select_for_update().get(pk=round_.pk)
            if not locked.accepts_submissions():
                raise wrong_status(locked.get_status_display())
            submission = (
                Submission.objects.select_for_update()
                .filter(round=locked, city=city, indicator_code=code)
                .first()
            )
            if submission is not None and submission.status == SubmissionStatus.ACCEPTED:
                raise wrong_status(submission.get_status_display())
            existing = submission.documents.count() if submission is not None else 0
            if existing + len(stored) > max_documents():
                raise invalid(
                    _("Attach at most %(count)d documents.") % {"count": max_documents()},
                    "documents",
                )
            if indicator.needs_documents and existing + len(stored) == 0:
                raise invalid(
                    _("This indicator needs at least one supporting document."), "documents"
                )
            resubmitted = submission is not None
            if submission is None:
                submission = Submission(round=locked, city=city, indicator_code=code)
            mark_submitted(submission, SubmissionStatus.SUBMITTED, number, explanation, actor.user)
            SubmissionDocument.objects.bulk_create(
                SubmissionDocument(
                    submission=submission,
                    original_name=item.name,
                    storage_name=item.storage_name,
                    media_type=item.media_type,
                    size=item.size,
                    sha256=item.sha256,
                    uploaded_by=actor.user,
                )
                for item in stored
            )
            record(
                actor,
                "assessment.submission.resubmitted"
                if resubmitted
                else "assessment.submission.submitted",
                submission,
                organisation=city,
                params={
                    "round": locked.pk,
                    "indicator": code,
                    "value": str(number),
                    "documents": [item.sha256 for item in stored],
                },
            )
    except BaseException:
        uploads.remove(documents_dir(), stored)
        raise
    return submission


def review_submission(
    actor: Actor, submission: Submission, *, accept: bool, reason: Any = ""
) -> Submission:
    """Accept a submitted value (it scores) or reject it with a reason (the city may
    submit again)."""
    explanation = clean_text(reason, "reason", 4000, required=not accept)
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update().select_related("round").get(pk=submission.pk)
        )
        if not locked.round.accepts_submissions():
            raise wrong_status(locked.round.get_status_display())
        if locked.status != SubmissionStatus.SUBMITTED:
            raise wrong_status(locked.get_status_display())
        mark_reviewed(
            locked,
            SubmissionStatus.ACCEPTED if accept else SubmissionStatus.REJECTED,
            explanation,
            actor.user,
        )
        record(
            actor,
            "assessment.submission.accepted" if accept else "assessment.submission.rejected",
            locked,
            organisation=locked.round.province,
            params={
                "round": locked.round_id,
                "indicator": locked.indicator_code,
                "value": str(locked.value),
                "reason": explanation,
            },
        )
    return locked
