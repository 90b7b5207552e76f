"""Drafting a work: its details, authors, shares, files and software deposit."""

from __future__ import annotations

import io
import mimetypes
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.fingerprint.extract import DEFAULT_LIMITS, ExtractionError, detect_media, extract
from copyguard.fingerprint.text import gen_iscc_text_code
from copyguard.works import blobs, deposit
from copyguard.works.actions.common import invalid, require_editable
from copyguard.works.enums import (
    AuthorKind,
    FileMedia,
    RegistrationStatus,
    WorkCategory,
    WorkErrorCode,
)
from copyguard.works.models import (
    Author,
    Registration,
    RightsHolderShare,
    SoftwareDetails,
    Work,
    WorkFile,
)

__all__ = [
    "WORK_FIELDS",
    "AuthorData",
    "ShareData",
    "add_file",
    "create_work",
    "delete_work",
    "make_source_deposit",
    "remove_file",
    "set_software_details",
    "start_new_registration",
    "update_work",
]

WORK_FIELDS = frozenset(
    {
        "title",
        "category",
        "rights_obtained",
        "completed_on",
        "completed_place",
        "publication_status",
        "first_published_on",
        "first_published_place",
        "originality_statement",
    }
)
SOFTWARE_FIELDS = frozenset(
    {
        "name",
        "version",
        "development_mode",
        "programming_language",
        "lines_of_code",
        "hardware_environment",
        "software_environment",
        "main_features",
    }
)
MAX_AUTHORS = 200
MAX_SHARES = 200


class AuthorData(TypedDict, total=False):
    kind: str
    real_name: str
    pen_name: str


class ShareData(TypedDict, total=False):
    holder_name: str
    organisation_id: int | None
    share: Decimal | str | float


def _set_fields(work: Work, fields: dict[str, Any]) -> None:
    unknown = set(fields) - WORK_FIELDS
    if unknown:
        raise ActionError(
            WorkErrorCode.INVALID, _("These fields cannot be set here."), field=sorted(unknown)[0]
        )
    for key, value in fields.items():
        setattr(work, key, value.strip() if isinstance(value, str) else value)
    try:
        work.full_clean(exclude=["owner", "created_by"])
    except ValidationError as exc:
        raise invalid(exc) from exc


def _replace_authors(work: Work, authors: list[AuthorData]) -> None:
    if len(authors) > MAX_AUTHORS:
        raise ActionError(WorkErrorCode.INVALID, _("Too many authors."), field="authors")
    rows = []
    for order, data in enumerate(authors, start=1):
        author = Author(
            work=work,
            kind=data.get("kind") or AuthorKind.PERSON,
            real_name=(data.get("real_name") or "").strip(),
            pen_name=(data.get("pen_name") or "").strip(),
            order=order,
        )
        try:
            author.full_clean(exclude=["work"])
        except ValidationError as exc:
            raise invalid(exc, prefix=f"authors.{order - 1}.") from exc
        rows.append(author)
    work.authors.all().delete()
    Author.objects.bulk_create(rows)


def _replace_shares(work: Work, shares: list[ShareData]) -> None:
    if len(shares) > MAX_SHARES:
        raise ActionError(WorkErrorCode.INVALID, _("Too many rights holders."), field="shares")
    rows = []
    total = Decimal(0)
    for i, data in enumerate(shares):
        try:
            amount = Decimal(str(data.get("share"))).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise ActionError(
                WorkErrorCode.SHARES, _("A share is a percentage."), field=f"shares.{i}.share"
            ) from None
        organisation = None
        organisation_id = data.get("organisation_id")
        if organisation_id:
            organisation = Organisation.objects.filter(pk=organisation_id).first()
            if organisation is None:
                raise ActionError(
                    WorkErrorCode.INVALID,
                    _("No such organisation."),
                    field=f"shares.{i}.organisation_id",
                )
        name = (data.get("holder_name") or "").strip() or (
            organisation.name if organisation else ""
        )
        row = RightsHolderShare(
            work=work, holder_name=name, organisation=organisation, share=amount
        )
        try:
            row.full_clean(exclude=["work"])
        except ValidationError as exc:
            raise invalid(exc, prefix=f"shares.{i}.") from exc
        total += amount
        rows.append(row)
    if rows and total != Decimal(100):
        raise ActionError(
            WorkErrorCode.SHARES,
            _("The rights holders' shares add up to %(total)s %%, not 100 %%.") % {"total": total},
            field="shares",
        )
    work.shares.all().delete()
    RightsHolderShare.objects.bulk_create(rows)


@transaction.atomic
def create_work(
    actor: Actor,
    owner: Organisation,
    *,
    authors: list[AuthorData] | None = None,
    shares: list[ShareData] | None = None,
    **fields: Any,
) -> Work:
    """A new work of ``owner`` with its first registration, a draft.

    Without ``shares`` the owner holds 100 %.
    """
    if owner.kind != OrganisationKind.RIGHTS_HOLDER or not owner.is_active:
        raise ActionError(
            WorkErrorCode.NOT_RIGHTS_HOLDER,
            _("Works are registered by rights holders."),
            field="owner",
        )
    work = Work(owner=owner, created_by=actor.user)
    fields.setdefault("category", WorkCategory.WRITTEN)
    _set_fields(work, fields)
    work.save()
    _replace_authors(work, authors or [])
    _replace_shares(
        work,
        shares
        if shares
        else [{"holder_name": owner.name, "organisation_id": owner.pk, "share": 100}],
    )
    registration = Registration.objects.create(work=work)
    record(
        actor,
        "works.work.create",
        work,
        organisation=owner,
        params={"category": work.category, "registration": registration.pk},
    )
    return work


@transaction.atomic
def update_work(
    actor: Actor,
    work: Work,
    *,
    authors: list[AuthorData] | None = None,
    shares: list[ShareData] | None = None,
    **fields: Any,
) -> Work:
    """Change a draft (or a returned registration's work); lists given replace the old ones."""
    work = Work.objects.select_for_update().get(pk=work.pk)
    require_editable(work)
    before = {key: str(getattr(work, key)) for key in fields if key in WORK_FIELDS}
    _set_fields(work, fields)
    work.save()
    if authors is not None:
        _replace_authors(work, authors)
    if shares is not None:
        _replace_shares(work, shares)
    record(
        actor,
        "works.work.update",
        work,
        organisation=work.owner,
        params={
            "before": before,
            "after": {key: str(value) for key, value in fields.items()},
            "authors": authors is not None,
            "shares": shares is not None,
        },
    )
    return work


@transaction.atomic
def delete_work(actor: Actor, work: Work) -> None:
    """Only a work never submitted may be deleted; after that it is part of the record."""
    work = Work.objects.select_for_update().get(pk=work.pk)
    if work.registrations.exclude(status=RegistrationStatus.DRAFT).exists() or (
        work.registrations.filter(submissions__gt=0).exists()
    ):
        raise ActionError(
            WorkErrorCode.NOT_EDITABLE,
            _("A work that was submitted for registration cannot be deleted."),
            status=409,
        )
    record(actor, "works.work.delete", work, organisation=work.owner, params={"title": work.title})
    work.delete()


# ---------------------------------------------------------------- files


class _Read(TypedDict):
    media: str
    text: str
    language: str | None
    content_code: str  # ISCC Image-Code or Audio-Code; "" for the rest


def _unreadable(name: str, reason: str) -> ActionError:
    return ActionError(
        WorkErrorCode.FILE_UNREADABLE,
        _("%(name)s cannot be read: %(reason)s") % {"name": name, "reason": reason},
        field="file",
    )


def _read_image(data: bytes) -> str:
    """The ISCC Image-Code of a picture; ExtractionError when it does not decode."""
    from copyguard.fingerprint.extract.image import gen_iscc_image_code, load_image

    return gen_iscc_image_code(load_image(data, max_side=1024))


def _read_audio(data: bytes) -> str:
    """The ISCC Audio-Code of a sound file ("" without Chromaprint, or for a sound too short
    for one); ExtractionError when it does not decode to the end."""
    from copyguard.fingerprint.extract.audio import load_audio
    from copyguard.fingerprint.extract.chromaprint import (
        ChromaprintUnavailable,
        gen_iscc_audio_code,
    )

    audio = load_audio(data)
    try:
        return gen_iscc_audio_code(audio)
    except (ChromaprintUnavailable, ExtractionError):
        return ""


def _read_video(data: bytes) -> str:
    """Nothing (the engine makes no ISCC Video-Code); ExtractionError when no picture of the
    video decodes."""
    from copyguard.fingerprint.extract.video import load_video

    with load_video(data, max_side=64) as video:
        if next(iter(video.frames()), None) is None:
            raise ExtractionError("no picture of the video could be decoded")
    return ""


def _read_file(data: bytes, name: str) -> _Read:
    """What the engine reads in a file, or ActionError when it cannot read it. A picture,
    sound or video file must decode: one named or made like one that does not is refused."""
    detected = detect_media(name, data[:65536])
    if detected in ("image", "audio", "video"):
        from copyguard.fingerprint.extract.video import recording_media

        try:
            if detected != "image":
                # The streams, not the name, tell a song in an MP4 from a film.
                detected = recording_media(data)
            reader = {"image": _read_image, "audio": _read_audio, "video": _read_video}
            code = reader[detected](data)
        except ExtractionError as exc:
            raise _unreadable(name, exc.message) from exc
        except Exception as exc:  # a decoder's own failure on hostile input
            raise _unreadable(name, f"{type(exc).__name__}: {exc}"[:200]) from exc
        return {"media": detected, "text": "", "language": None, "content_code": code}
    try:
        extracted = extract(data, filename=name, limits=DEFAULT_LIMITS)
    except ExtractionError as exc:
        raise _unreadable(name, exc.message) from exc
    media = FileMedia.CODE if extracted.media == "code" else FileMedia.TEXT
    return {
        "media": media,
        "text": extracted.text,
        "language": extracted.language,
        "content_code": "",
    }


def _clean_name(name: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())[:255]
    return name or "file"


def check_upload(data: bytes, name: str) -> None:
    """Size rules for an uploaded file (also used before a bulk call stores anything)."""
    if not data:
        raise ActionError(
            WorkErrorCode.FILE_EMPTY, _("%(name)s is empty.") % {"name": name}, field="file"
        )
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise ActionError(
            WorkErrorCode.FILE_TOO_LARGE,
            _("%(name)s is larger than %(mb)d MB.")
            % {"name": name, "mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)},
            field="file",
            status=413,
        )


def add_file(actor: Actor, work: Work, data: bytes, name: str, media_type: str = "") -> WorkFile:
    """Add a file to a draft. The engine reads it now, so a file it cannot read (corrupt,
    encrypted, a zip bomb, a picture or recording that does not decode) is refused at once
    with the reason. Texts and code keep the text the engine read; pictures and sound their
    ISCC content code. Bytes and text are stored under their SHA-256."""
    import iscc_core

    name = _clean_name(name)
    check_upload(data, name)
    sha256 = blobs.sha256_of(data)
    if work.files.filter(sha256=sha256).exists():
        raise ActionError(
            WorkErrorCode.FILE_DUPLICATE,
            _("The work already has this file."),
            field="file",
            status=409,
        )
    require_editable(work)
    read = _read_file(data, name)
    media, text, language = read["media"], read["text"], read["language"]
    instance = iscc_core.gen_instance_code_v0(io.BytesIO(data))["iscc"]
    text_code = gen_iscc_text_code(text) if text.strip() else ""
    # Stored before the row: a rolled-back row leaves an unreferenced blob, never a row
    # without its bytes.
    storage_name = blobs.store_blob(sha256, data)
    has_text = media in (FileMedia.TEXT, FileMedia.CODE)
    text_storage = blobs.store_text(sha256, text) if has_text else ""
    guessed = media_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return _create_file_row(
        actor,
        work,
        sha256=sha256,
        size=len(data),
        media_type=guessed[:120],
        media=media,
        language=(language or "")[:60],
        original_name=name,
        storage_name=storage_name,
        text_storage_name=text_storage,
        text_chars=len(text),
        iscc_text_code=text_code,
        iscc_instance_code=instance,
        iscc_content_code=read["content_code"],
    )


@transaction.atomic
def _create_file_row(actor: Actor, work: Work, **values: Any) -> WorkFile:
    work = Work.objects.select_for_update().get(pk=work.pk)
    require_editable(work)
    try:
        with transaction.atomic():
            row = WorkFile.objects.create(work=work, **values)
    except IntegrityError:
        raise ActionError(
            WorkErrorCode.FILE_DUPLICATE,
            _("The work already has this file."),
            field="file",
            status=409,
        ) from None
    record(
        actor,
        "works.file.add",
        row,
        organisation=work.owner,
        params={"work": work.pk, "sha256": row.sha256, "size": row.size, "media": row.media},
    )
    return row


@transaction.atomic
def remove_file(actor: Actor, file: WorkFile) -> None:
    work = Work.objects.select_for_update().get(pk=file.work_id)
    require_editable(work)
    record(
        actor,
        "works.file.remove",
        file,
        organisation=work.owner,
        params={"work": work.pk, "sha256": file.sha256},
    )
    # The blob stays: other works may hold the same bytes, and the record keeps its hash.
    file.delete()


# ---------------------------------------------------------------- software


@transaction.atomic
def set_software_details(actor: Actor, work: Work, **fields: Any) -> SoftwareDetails:
    work = Work.objects.select_for_update().get(pk=work.pk)
    require_editable(work)
    if work.category != WorkCategory.SOFTWARE:
        raise ActionError(
            WorkErrorCode.INVALID,
            _("Only software works have software details."),
            field="category",
        )
    unknown = set(fields) - SOFTWARE_FIELDS
    if unknown:
        raise ActionError(
            WorkErrorCode.INVALID, _("These fields cannot be set here."), field=sorted(unknown)[0]
        )
    details = SoftwareDetails.objects.filter(work=work).first() or SoftwareDetails(work=work)
    for key, value in fields.items():
        setattr(details, key, value.strip() if isinstance(value, str) else value)
    try:
        details.full_clean(exclude=["work", "deposit"])
    except ValidationError as exc:
        raise invalid(exc) from exc
    details.save()
    record(
        actor,
        "works.software.update",
        details,
        organisation=work.owner,
        params={key: str(value) for key, value in fields.items()},
    )
    return details


@transaction.atomic
def make_source_deposit(
    actor: Actor, work: Work, redact_pages: list[int] | None = None
) -> SoftwareDetails:
    """Generate the deposit from the work's source-code files, with pages blacked out."""
    work = Work.objects.select_for_update().get(pk=work.pk)
    require_editable(work)
    details = SoftwareDetails.objects.filter(work=work).first()
    if details is None:
        raise ActionError(
            WorkErrorCode.DEPOSIT,
            _("Fill in the software details first."),
            field="software",
        )
    sources = [
        (f.original_name, blobs.read_text(f.text_storage_name))
        for f in work.files.filter(media=FileMedia.CODE)
    ]
    if not sources:
        raise ActionError(
            WorkErrorCode.DEPOSIT,
            _("Upload the source code first: the deposit is made from it."),
            field="files",
        )
    redact = set(redact_pages or [])
    line_count = len(deposit.all_lines(sources))
    numbers = deposit.page_numbers(line_count)
    unknown = sorted(redact - set(numbers))
    if unknown:
        raise ActionError(
            WorkErrorCode.DEPOSIT,
            _("Page %(page)d is not in the deposit.") % {"page": unknown[0]},
            field="redact_pages",
        )
    if len(redact) > deposit.max_redacted(len(numbers)):
        raise ActionError(
            WorkErrorCode.DEPOSIT,
            _("At most %(max)d of the %(count)d deposited pages may be blacked out.")
            % {"max": deposit.max_redacted(len(numbers)), "count": len(numbers)},
            field="redact_pages",
        )
    details.deposit = dict(deposit.make_deposit(sources, redact))
    if not details.lines_of_code:
        details.lines_of_code = sum(len(text.splitlines()) for _name, text in sources)
    details.save(update_fields=["deposit", "lines_of_code"])
    record(
        actor,
        "works.software.deposit",
        details,
        organisation=work.owner,
        params={"pages": len(numbers), "redacted": sorted(redact)},
    )
    return details


@transaction.atomic
def start_new_registration(actor: Actor, work: Work) -> Registration:
    """After a rejection the applicant may correct the work and apply again."""
    work = Work.objects.select_for_update().get(pk=work.pk)
    current = work.current_registration
    if current is not None and current.status != RegistrationStatus.REJECTED:
        raise ActionError(
            WorkErrorCode.WRONG_STATUS,
            _("A new registration can be started only after a rejection."),
            status=409,
        )
    registration = Registration.objects.create(work=work)
    record(actor, "works.registration.start", registration, organisation=work.owner)
    return registration
