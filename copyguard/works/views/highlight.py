"""A text with matched passages marked: ``<mark>`` around each segment, everything escaped.

Segments are Unicode character offsets ``(start, end)`` into the extracted text. A long
text is cut to the neighbourhood of each segment (``CONTEXT`` characters either side) unless
the whole text is asked for; what is left out shows as an ellipsis with its size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["CONTEXT", "SHORT_TEXT", "Highlighted", "render"]

CONTEXT = 300
SHORT_TEXT = 4000
MAX_SHOWN = 500_000


@dataclass(frozen=True)
class Highlighted:
    html: SafeString
    cut: bool  # parts of the text were left out
    marks: int


def _clean(segments: Sequence[Sequence[int]], length: int) -> list[tuple[int, int]]:
    spans = []
    for segment in segments:
        try:
            start, end = max(0, int(segment[0])), min(length, int(segment[1]))
        except (TypeError, ValueError, IndexError):
            continue
        if start < end:
            spans.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _windows(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    windows: list[tuple[int, int]] = []
    for start, end in spans:
        start, end = max(0, start - CONTEXT), min(length, end + CONTEXT)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows


def _gap(chars: int) -> str:
    return f'<span class="gap" aria-hidden="true">… [{chars}] …</span>'


def render(text: str, segments: Sequence[Sequence[int]], *, show_all: bool = False) -> Highlighted:
    length = len(text)
    spans = _clean(segments, length)
    whole = show_all or length <= SHORT_TEXT or not spans
    windows = [(0, min(length, MAX_SHOWN))] if whole else _windows(spans, length)
    parts: list[str] = []
    position = 0
    for w_start, w_end in windows:
        if w_start > position:
            parts.append(_gap(w_start - position))
        cursor = w_start
        for start, end in spans:
            if end <= w_start or start >= w_end:
                continue
            start, end = max(start, w_start), min(end, w_end)
            parts.append(escape(text[cursor:start]))
            parts.append(f"<mark>{escape(text[start:end])}</mark>")
            cursor = end
        parts.append(escape(text[cursor:w_end]))
        position = w_end
    if position < length:
        parts.append(_gap(length - position))
    return Highlighted(
        html=mark_safe("".join(parts)),  # noqa: S308 - every piece of text is escaped above
        cut=not whole or length > MAX_SHOWN,
        marks=len(spans),
    )
