"""Files people upload: recognised by their bytes, limited in size and number, stored under a
random name in the data directory with their SHA-256.

Every app that takes files (tip-offs, service requests, articles, fund, award and assessment
documents) calls this module with its own rules in a :class:`Policy`: the kinds it accepts,
its size and count limits, its directory, and its :class:`Refusals` — the error codes, field
and messages of the ``ActionError`` a refused file raises (413 too large, 415 not an
accepted kind, 400 empty or too many).

A file is recognised by its first bytes, never by its name or the browser's word: PDF,
pictures, sound and video by their magic numbers; Office Open XML documents (Word, Excel,
PowerPoint) by their zip directory, which is listed and never unpacked, and refused when it
is too big to be a document someone wrote (a zip bomb); plain text when it decodes as UTF-8
or GB 18030 without control characters. A file is written to a temporary name next to its
place and moved there only when it passed every check, so a refused or interrupted upload
leaves nothing behind. The name people gave is kept for display only, without any path or
control characters.
"""

from __future__ import annotations

import codecs
import enum
import hashlib
import re
import tempfile
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.errors import ActionError

__all__ = [
    "DOCX",
    "GIF",
    "JPEG",
    "OFFICE",
    "PDF",
    "PICTURES",
    "PNG",
    "PPTX",
    "TEXT",
    "WEBP",
    "XLSX",
    "MultipleFileField",
    "Policy",
    "Refusal",
    "Refusals",
    "Stored",
    "TextCheck",
    "Upload",
    "bare_name",
    "display_name",
    "file_path",
    "office_type",
    "recognise",
    "remove",
    "sniff",
    "store",
    "store_all",
]

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
# Plain text in UTF-8 or GB 18030; recognised as ``text/plain; charset=<encoding>``.
TEXT = "text/plain"
PICTURES = frozenset({PNG, JPEG, GIF, WEBP})
OFFICE = frozenset({DOCX, XLSX, PPTX})

# How many first bytes recognition looks at.
HEAD_BYTES = 64
# A zip directory with more entries than this, or whose parts expand past this many bytes,
# is not a document someone wrote.
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_EXPANDED = 200 * 1024 * 1024

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"ID3", "audio/mpeg"),
    (b"OggS", "audio/ogg"),
    (b"fLaC", "audio/flac"),
    (b"\x1a\x45\xdf\xa3", "video/webm"),
)
_RIFF = {b"WEBP": WEBP, b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}
_FTYP = {b"M4A ": "audio/mp4", b"qt  ": "video/quicktime", b"heic": "image/heic"}
# An MP3 without an ID3 tag starts with a frame header.
_MP3_FRAMES = (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")
_ZIP = b"PK\x03\x04"
# The part each Office Open XML kind cannot do without.
_OFFICE_PARTS = (
    ("word/document.xml", DOCX),
    ("xl/workbook.xml", XLSX),
    ("ppt/presentation.xml", PPTX),
)
# The messages most apps refuse with (lazy: translated when a refusal is made).
TOO_MANY = _("Attach at most %(count)d files.")
EMPTY = _("%(name)s is empty.")
# Control characters plain text does not contain (tab, LF, FF and CR are allowed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class Refusal(enum.Enum):
    """Why an upload is refused; the app's :class:`Refusals` word it."""

    TOO_MANY = "too_many"
    TOO_LARGE = "too_large"
    EMPTY = "empty"
    UNSUPPORTED = "unsupported"


class Upload(Protocol):
    """What a form or the API hands over for each file (Django's UploadedFile)."""

    name: str | None
    size: int | None

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]: ...


@dataclass(frozen=True)
class Stored:
    """A file written to its place: the name to show, where it is under the directory
    (``<year>/<random hex>``), what it is, its size and its SHA-256."""

    name: str
    storage_name: str
    media_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Refusals:
    """How an app refuses a file: an ``ActionError`` about ``field`` with the app's codes
    and messages. Messages are formatted with ``name`` (the file's shown name), ``mb`` (the
    size limit in megabytes), ``count`` (the most files) and the policy's ``details``."""

    field: str
    invalid_code: str  # too many files, an empty file (400)
    too_large_code: str  # 413
    unsupported_code: str  # 415
    too_large: Any
    unsupported: Any
    too_many: Any = TOO_MANY
    empty: Any = EMPTY

    def error(self, reason: Refusal, values: Mapping[str, object]) -> ActionError:
        """The error refusing a file for ``reason``, its message filled with ``values``."""
        code, message, status = {
            Refusal.TOO_MANY: (self.invalid_code, self.too_many, 400),
            Refusal.TOO_LARGE: (self.too_large_code, self.too_large, 413),
            Refusal.EMPTY: (self.invalid_code, self.empty, 400),
            Refusal.UNSUPPORTED: (self.unsupported_code, self.unsupported, 415),
        }[reason]
        return ActionError(code, message % values, field=self.field, status=status)


@dataclass(frozen=True)
class Policy:
    """An app's rules for uploads: where they go, how large one may be, the media types it
    takes (:data:`TEXT` for plain text), how it refuses, and how many files one request may
    carry (checked by :func:`store_all` only). ``details`` fill its messages further."""

    directory: Path
    max_bytes: int
    accept: Collection[str]
    refusals: Refusals
    max_files: int | None = None
    details: Mapping[str, object] = field(default_factory=dict)

    def refuse(self, reason: Refusal, name: str) -> ActionError:
        """The app's error refusing the file shown as ``name`` (empty for too many)."""
        values = {
            "name": name,
            "mb": f"{self.max_bytes / (1024 * 1024):.3g}",
            "count": self.max_files,
            **self.details,
        }
        return self.refusals.error(reason, values)


# ------------------------------------------------------------------ recognising


def sniff(head: bytes) -> str | None:
    """The media type a file's first bytes show (PDF, pictures, sound, video); ``None``
    when they show none of those (zip documents and plain text are decided elsewhere)."""
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if head[:4] == b"RIFF" and head[8:12] in _RIFF:
        return _RIFF[head[8:12]]
    if head[4:8] == b"ftyp":
        return _FTYP.get(head[8:12], "video/mp4")
    if head[:2] in _MP3_FRAMES:
        return "audio/mpeg"
    return None


def office_type(path: Path) -> str | None:
    """The Office Open XML kind (:data:`DOCX`, :data:`XLSX`, :data:`PPTX`) of the zip at
    ``path``, read from its directory alone; ``None`` for anything else — not a zip, a
    damaged one, one without ``[Content_Types].xml`` or the kind's main part, or one with
    more than :data:`ZIP_MAX_ENTRIES` entries or parts expanding past
    :data:`ZIP_MAX_EXPANDED` bytes."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return None
    if len(infos) > ZIP_MAX_ENTRIES or sum(i.file_size for i in infos) > ZIP_MAX_EXPANDED:
        return None
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for part, kind in _OFFICE_PARTS if part in names), None)


class TextCheck:
    """Whether a stream of bytes is plain text in UTF-8 or GB 18030 (as Chinese texts often
    are) without control characters, fed chunk by chunk."""

    def __init__(self) -> None:
        self.decoders = {
            "utf-8": codecs.getincrementaldecoder("utf-8")(),
            "gb18030": codecs.getincrementaldecoder("gb18030")(),
        }

    def feed(self, chunk: bytes, final: bool = False) -> None:
        """Decode the next chunk (``final`` for the end), dropping the encodings it fails."""
        for encoding, decoder in list(self.decoders.items()):
            try:
                text = decoder.decode(chunk, final)
            except UnicodeDecodeError:
                del self.decoders[encoding]
                continue
            if _CONTROL.search(text):
                del self.decoders[encoding]

    def encoding(self) -> str | None:
        """The first encoding the bytes so far are text in (UTF-8 before GB 18030)."""
        return next(iter(self.decoders), None)


def recognise(
    head: bytes, path: Path, text_encoding: str | None, accept: Collection[str]
) -> str | None:
    """The media type of the file at ``path`` (whose first bytes are ``head`` and which is
    plain text in ``text_encoding``, if any) among the ``accept``-ed ones; ``None`` when it
    is none of them."""
    found = sniff(head)
    if found is not None and found in accept:
        return found
    if head.startswith(_ZIP) and not OFFICE.isdisjoint(accept):
        kind = office_type(path)
        return kind if kind in accept else None
    if TEXT in accept and text_encoding is not None:
        return f"{TEXT}; charset={text_encoding}"
    return None


# ------------------------------------------------------------------ names and places


def bare_name(name: str | None) -> str:
    """A file name people gave without any folder (``/`` or ``\\``), control or other
    invisible format characters, or surrounding spaces; may be empty."""
    base = re.split(r"[\\/]", name or "")[-1]
    return "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()


def display_name(name: str | None, fallback: str) -> str:
    """:func:`bare_name` at most 255 characters long (the end, which holds the extension),
    or ``fallback`` when nothing is left."""
    return bare_name(name)[-255:] or fallback


def file_path(directory: Path, storage_name: str) -> Path:
    """Where a stored file's bytes are; ``ValueError`` for a name that leaves ``directory``."""
    root = directory.resolve()
    path = (root / storage_name).resolve()
    if root not in path.parents:
        raise ValueError("storage name escapes its directory")
    return path


def remove(directory: Path, items: Iterable[Stored | str]) -> None:
    """Delete stored files (by :class:`Stored` or storage name), ignoring ones that are gone
    or whose name leaves ``directory``."""
    for item in items:
        storage_name = item.storage_name if isinstance(item, Stored) else item
        with suppress(OSError, ValueError):
            file_path(directory, storage_name).unlink()


# ------------------------------------------------------------------ storing


def store(upload: Upload, policy: Policy, name: str) -> Stored:
    """Check ``upload`` and write it under a random name in ``policy.directory``.

    ``name`` is the one shown (in refusals and in the result). Raises the app's
    ``ActionError`` (:meth:`Policy.refuse`) for a file too large (by its declared or its
    real size), empty, or not of an accepted kind, having written nothing."""
    limit = policy.max_bytes
    if upload.size is not None and upload.size > limit:
        raise policy.refuse(Refusal.TOO_LARGE, name)
    storage_name = f"{timezone.now():%Y}/{uuid.uuid4().hex}"
    target = policy.directory / storage_name
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    text = TextCheck() if TEXT in policy.accept else None
    head = b""
    size = 0
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, prefix=".part-") as out:
        partial = Path(out.name)
        try:
            for chunk in upload.chunks():
                size += len(chunk)
                if size > limit:
                    raise policy.refuse(Refusal.TOO_LARGE, name)
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                digest.update(chunk)
                if text is not None:
                    text.feed(chunk)
                out.write(chunk)
        except BaseException:
            out.close()
            partial.unlink(missing_ok=True)
            raise
    try:
        if size == 0:
            raise policy.refuse(Refusal.EMPTY, name)
        if text is not None:
            text.feed(b"", final=True)
        encoding = text.encoding() if text is not None else None
        media_type = recognise(head, partial, encoding, policy.accept)
        if media_type is None:
            raise policy.refuse(Refusal.UNSUPPORTED, name)
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Stored(name, storage_name, media_type, size, digest.hexdigest())


def store_all(
    uploads: Sequence[Upload], policy: Policy, fallback: Callable[[int], str]
) -> list[Stored]:
    """Check and write every upload, or none: too many (over ``policy.max_files``) are
    refused before any is read, and a refused one removes those written before it.

    Each is shown by :func:`display_name`, with ``fallback(n)`` for the n-th (from 1) when
    it has no usable name."""
    if policy.max_files is not None and len(uploads) > policy.max_files:
        raise policy.refuse(Refusal.TOO_MANY, "")
    stored: list[Stored] = []
    try:
        for index, upload in enumerate(uploads, start=1):
            stored.append(store(upload, policy, display_name(upload.name, fallback(index))))
    except BaseException:
        remove(policy.directory, stored)
        raise
    return stored


# ------------------------------------------------------------------ forms


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that lets people choose several files."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A form field for several files; the action checks each (kind, size, count), the
    field only drops empty entries."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        """The chosen files as a list, without empty entries."""
        items = data if isinstance(data, (list, tuple)) else [data]
        return [item for item in items if item]
