"""Resource limits for extraction, the one error type, and the result record.

Every extractor works under a :class:`Limits`: input size, decompressed size and ratio for zip
containers (EPUB, DOCX), page and member counts, output size and wall-clock time. Breaking a
limit, like any unreadable input, raises :class:`ExtractionError` whose message is one line
naming the problem ("empty file", "encrypted PDF", "zip bomb: …").
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "DEFAULT_LIMITS",
    "Deadline",
    "Extracted",
    "ExtractionError",
    "Limits",
    "human_size",
]

MB = 1024 * 1024


class ExtractionError(Exception):
    """An input that cannot be turned into text; ``str(error)`` is one line for the user."""

    def __init__(self, message: str) -> None:
        one_line = " ".join(str(message).split())
        if len(one_line) > 300:
            one_line = one_line[:297] + "..."
        super().__init__(one_line)

    @property
    def message(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Limits:
    """Bounds on what one extraction may read, unpack, produce and spend.

    ``max_ratio`` applies to zip members larger than ``ratio_floor`` bytes once unpacked:
    small members (a 4 KB stylesheet of spaces) may compress very well without harm. Real
    document XML deflates about 5-20:1 and a very repetitive one 200:1; a deflate bomb
    reaches about 1000:1. ``max_uncompressed`` is what bounds memory either way.
    ``max_seconds`` is checked between pages, chapters and paragraphs (and between PDF
    content-stream operators), so one step can overrun it by the time that step takes.
    """

    max_bytes: int = 200 * MB
    max_uncompressed: int = 500 * MB
    max_ratio: float = 250.0
    ratio_floor: int = 1 * MB
    max_members: int = 10_000
    max_pages: int = 5000
    max_chars: int = 100_000_000
    max_seconds: float = 60.0


DEFAULT_LIMITS = Limits()


def human_size(n: int | float) -> str:
    """``1288490188`` → ``"1.2 GB"`` (binary multiples, written the usual way)."""
    value = float(n)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            if unit == "bytes":
                return f"{int(value)} bytes"
            return f"{value:.1f} {unit}".replace(".0 ", " ")
        value /= 1024
    raise AssertionError("unreachable")


class Deadline:
    """A wall-clock budget; :meth:`check` raises once it is spent."""

    __slots__ = ("_end", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def expired(self) -> bool:
        return time.monotonic() > self._end

    def remaining(self) -> float:
        return self._end - time.monotonic()

    def check(self, what: str) -> None:
        if time.monotonic() > self._end:
            raise ExtractionError(f"time limit: {what} took longer than {self.seconds:g} s")


@dataclass(frozen=True)
class Extracted:
    """The text the engine fingerprints, and where it came from.

    ``source_offsets`` (int64, ``len(text) + 1`` entries, non-decreasing) gives for each
    character of ``text`` its offset in the decoded source (the HTML markup); the last entry
    is ``len(source)``. Characters that stand for an entity (``&amp;``) point at its ``&``;
    inserted line breaks point just past the preceding text. ``None`` means the identity
    (plain text and code) or a format without a character source (PDF, EPUB, DOCX).
    """

    text: str
    media: str
    format: str
    source_offsets: np.ndarray | None
    language: str | None = None
    encoding: str | None = None
    meta: dict = field(default_factory=dict)
