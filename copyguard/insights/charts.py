"""Server-side SVG charts: bar, grouped or stacked bar, and line charts over months.

Every chart is a pure function from labels and numbers to SVG text, so the same chart is
shown on a page (inline, no JavaScript) and embedded in a PDF (WeasyPrint renders inline
SVG). The text inherits the font of the page around it (``font-family="inherit"``), so
Chinese labels render with the page's CJK font; no external font is named or fetched.

Accessibility: the ``<svg>`` has ``role="img"`` and is labelled by its ``<title>`` and
``<desc>``; every bar and point carries a ``<title>`` tooltip with its label and value, and
a ``data-value`` attribute (the exact number) that tests and scripts can read. Every piece
of text is XML-escaped, so labels such as ``<script>`` or ``"&`` are shown, never parsed.

An empty chart (no labels, or every value zero or missing) draws a frame saying there is
no data rather than a misleading flat axis.

Usage::

    bar_chart("Registrations by city", ["广州", "深圳"], [12, 30])
    grouped_bar_chart("Notices", ["2026-01", "2026-02"],
                      [Series("Sent", [4, 6]), Series("Removed", [3, 5])], stacked=True)
    line_chart("Hits by month", months, [Series("Hits", counts)])
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape as _xml_escape

__all__ = [
    "PALETTE",
    "Number",
    "Series",
    "bar_chart",
    "grouped_bar_chart",
    "line_chart",
    "nice_ticks",
    "no_data_chart",
]

Number = int | float | Decimal

# Colour-blind-safe (Okabe-Ito), readable on white, distinguishable in greyscale print.
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)

_WIDTH = 640
_HEIGHT = 320
_FONT_SIZE = 12
_TITLE_SIZE = 14
_AXIS = "#555"
_GRID = "#ddd"
_MAX_LABEL_CHARS = 14


@dataclass(frozen=True)
class Series:
    """One named row of values, one value per label (``None`` is a gap)."""

    name: str
    values: Sequence[Number | None] = field(default_factory=tuple)


# --- text -----------------------------------------------------------------------------------


def _esc(text: object) -> str:
    """XML-escape ``text`` for element content and double-quoted attributes."""
    return _xml_escape(str(text), {'"': "&quot;", "'": "&#39;"})


def _text_width(text: str, size: int = _FONT_SIZE) -> float:
    """A rough rendered width: CJK and other wide characters take a full em, the rest ~0.6."""
    width = 0.0
    for char in text:
        width += size if ord(char) >= 0x2E80 else size * 0.6
    return width


def _shorten(text: str, limit: int = _MAX_LABEL_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _format(value: Number | None) -> str:
    """A value as shown on a chart: integers plainly, others with at most two decimals."""
    if value is None:
        return "\u2013"
    if isinstance(value, Decimal):
        value = value.normalize() if value == value.to_integral() else value
        if value == value.to_integral():
            return f"{int(value):,}"
        return f"{value:,.2f}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


# --- scale ----------------------------------------------------------------------------------


def nice_ticks(maximum: Number, count: int = 5) -> list[float]:
    """Axis ticks from 0 to at least ``maximum``: about ``count`` steps of 1, 2, 2.5 or 5 x
    10^k (integers when ``maximum`` is a whole number of at least ``count``)."""
    top = float(maximum)
    if not math.isfinite(top) or top <= 0:
        return [0.0, 1.0]
    raw = top / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step >= raw:
            break
    if float(maximum).is_integer() and step < 1:
        step = 1.0
    ticks = [0.0]
    while ticks[-1] < top - 1e-9:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _tick_label(tick: float) -> str:
    if tick.is_integer():
        return f"{int(tick):,}"
    return f"{tick:,.2f}".rstrip("0").rstrip(".")


def _numbers(values: Sequence[Number | None]) -> list[float]:
    out = []
    for value in values:
        if value is None:
            continue
        number = float(value)
        if math.isfinite(number):
            out.append(number)
    return out


# --- frame ----------------------------------------------------------------------------------


def _chart_id(kind: str, title: str, payload: object) -> str:
    digest = hashlib.sha256(f"{kind}|{title}|{payload!r}".encode()).hexdigest()
    return f"chart-{digest[:10]}"


def _open(
    chart_id: str, title: str, description: str, width: int, height: int, kind: str
) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="inherit" font-size="{_FONT_SIZE}">',
        f'<title id="{chart_id}-title">{_esc(title)}</title>',
        f'<desc id="{chart_id}-desc">{_esc(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="{width / 2:.1f}" y="{_TITLE_SIZE + 6}" text-anchor="middle" '
        f'font-size="{_TITLE_SIZE}" font-weight="bold" fill="#111">{_esc(title)}</text>',
    ]


def no_data_chart(
    title: str,
    message: str = "No data for this period and region.",
    *,
    width: int = _WIDTH,
    height: int = 120,
) -> str:
    """A frame with the title and ``message``, shown where a chart has nothing to draw."""
    chart_id = _chart_id("empty", title, message)
    parts = _open(chart_id, title, message, width, height, "empty")
    parts.append(
        f'<rect x="1" y="{_TITLE_SIZE + 14}" width="{width - 2}" '
        f'height="{height - _TITLE_SIZE - 16}" fill="#fafafa" stroke="{_GRID}"/>'
    )
    parts.append(
        f'<text class="no-data" x="{width / 2:.1f}" y="{(height + _TITLE_SIZE + 14) / 2 + 4:.1f}" '
        f'text-anchor="middle" fill="#666">{_esc(message)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class _Plot:
    left: float
    top: float
    right: float
    bottom: float
    top_value: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def y(self, value: float) -> float:
        return (
            self.bottom - (value / self.top_value) * self.height if self.top_value else self.bottom
        )


def _layout(
    labels: Sequence[str], ticks: list[float], width: int, height: int, legend: bool
) -> tuple[_Plot, bool]:
    """The plot area and whether the category labels are drawn slanted (crowded)."""
    label_width = max((_text_width(_tick_label(t)) for t in ticks), default=10)
    left = 12 + label_width
    top = _TITLE_SIZE + 18 + (18 if legend else 0)
    right = width - 12
    slot = (right - left) / max(len(labels), 1)
    widest = max((_text_width(_shorten(lab)) for lab in labels), default=0)
    slanted = widest > slot - 4
    if slanted:
        # The first label, slanted at 35 degrees, reaches 0.82 of its width to the left.
        left = min(max(left, 0.82 * widest - slot / 2 + 4), width / 3)
    bottom = height - (22 + widest * 0.6 if slanted else 24)
    bottom = max(bottom, top + 60)
    return _Plot(left, top, right, bottom, ticks[-1]), slanted


def _axes(plot: _Plot, ticks: list[float], unit: str) -> list[str]:
    parts = []
    for tick in ticks:
        y = plot.y(tick)
        parts.append(
            f'<line x1="{plot.left:.1f}" y1="{y:.1f}" x2="{plot.right:.1f}" y2="{y:.1f}" '
            f'stroke="{_GRID if tick else _AXIS}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{plot.left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end" fill="{_AXIS}">'
            f"{_esc(_tick_label(tick))}</text>"
        )
    if unit:
        parts.append(
            f'<text x="{plot.left:.1f}" y="{plot.top - 6:.1f}" text-anchor="start" '
            f'fill="{_AXIS}" font-size="{_FONT_SIZE - 1}">{_esc(unit)}</text>'
        )
    return parts


def _category_labels(plot: _Plot, labels: Sequence[str], slanted: bool) -> list[str]:
    parts = []
    slot = plot.width / max(len(labels), 1)
    for index, label in enumerate(labels):
        x = plot.left + slot * (index + 0.5)
        y = plot.bottom + 16
        short = _shorten(label)
        if slanted:
            parts.append(
                f'<text class="category" x="{x:.1f}" y="{y:.1f}" text-anchor="end" '
                f'transform="rotate(-35 {x:.1f} {y:.1f})" fill="#222">'
                f"<title>{_esc(label)}</title>{_esc(short)}</text>"
            )
        else:
            parts.append(
                f'<text class="category" x="{x:.1f}" y="{y:.1f}" text-anchor="middle" '
                f'fill="#222"><title>{_esc(label)}</title>{_esc(short)}</text>'
            )
    return parts


def _legend(series: Sequence[Series], width: int) -> list[str]:
    parts = []
    x = 12.0
    y = _TITLE_SIZE + 24
    for index, one in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        name = _shorten(one.name, 24)
        parts.append(
            f'<rect class="legend-key" x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" '
            f'fill="{colour}"/>'
        )
        parts.append(f'<text x="{x + 14:.1f}" y="{y:.1f}" fill="#222">{_esc(name)}</text>')
        x += 28 + _text_width(name)
        if x > width - 60:
            break
    return parts


def _describe(kind: str, labels: Sequence[str], series: Sequence[Series]) -> str:
    """The ``<desc>``: every value in words, for screen readers and text extraction."""
    rows = []
    for one in series:
        pairs = ", ".join(
            f"{label}: {_format(value)}" for label, value in zip(labels, one.values, strict=False)
        )
        rows.append(f"{one.name} — {pairs}" if one.name else pairs)
    return f"{kind}. " + "; ".join(rows)


def _is_empty(labels: Sequence[str], series: Sequence[Series]) -> bool:
    if not labels or not series:
        return True
    return not any(v != 0 for one in series for v in _numbers(one.values))


def _check(labels: Sequence[str], series: Sequence[Series]) -> None:
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(
                f"series {one.name!r} has {len(one.values)} values for {len(labels)} labels"
            )
        if any(v < 0 for v in _numbers(one.values)):
            raise ValueError(f"series {one.name!r} has a negative value; charts count from 0")


# --- charts ---------------------------------------------------------------------------------


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[Number | None],
    *,
    description: str = "",
    unit: str = "",
    no_data: str = "No data for this period and region.",
    width: int = _WIDTH,
    height: int = _HEIGHT,
) -> str:
    """Vertical bars, one per label, heights proportional to ``values`` (from 0)."""
    return grouped_bar_chart(
        title,
        labels,
        [Series("", values)],
        description=description,
        unit=unit,
        no_data=no_data,
        width=width,
        height=height,
    )


def grouped_bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    stacked: bool = False,
    description: str = "",
    unit: str = "",
    no_data: str = "No data for this period and region.",
    width: int = _WIDTH,
    height: int = _HEIGHT,
) -> str:
    """Bars per label, one per series side by side (or stacked when ``stacked``)."""
    labels = [str(label) for label in labels]
    _check(labels, series)
    if _is_empty(labels, series):
        return no_data_chart(title, no_data, width=width)
    if stacked:
        top = max(sum(float(s.values[i] or 0) for s in series) for i in range(len(labels)))
    else:
        top = max(max(_numbers(s.values), default=0.0) for s in series)
    ticks = nice_ticks(top)
    legend = len(series) > 1 or bool(series[0].name)
    plot, slanted = _layout(labels, ticks, width, height, legend)
    kind = "stacked" if stacked else ("grouped" if len(series) > 1 else "bar")
    chart_id = _chart_id(kind, title, (labels, [(s.name, list(s.values)) for s in series]))
    parts = _open(
        chart_id,
        title,
        description or _describe(title, labels, series),
        width,
        height,
        kind,
    )
    if legend:
        parts += _legend(series, width)
    parts += _axes(plot, ticks, unit)
    slot = plot.width / len(labels)
    inner = slot * 0.7
    bar_width = inner if stacked else inner / len(series)
    for index, label in enumerate(labels):
        start = plot.left + slot * index + (slot - inner) / 2
        base = 0.0
        for number, one in enumerate(series):
            value = one.values[index]
            if value is None:
                continue
            amount = float(value)
            colour = PALETTE[number % len(PALETTE)]
            x = start if stacked else start + bar_width * number
            y_top = plot.y(base + amount)
            y_bottom = plot.y(base)
            name = f"{one.name} · " if one.name else ""
            parts.append(
                f'<rect class="bar" x="{x:.2f}" y="{y_top:.2f}" width="{bar_width:.2f}" '
                f'height="{y_bottom - y_top:.2f}" fill="{colour}" '
                f'data-label="{_esc(label)}" data-series="{_esc(one.name)}" '
                f'data-value="{_esc(value)}"><title>{_esc(name)}{_esc(label)}: '
                f"{_esc(_format(value))}</title></rect>"
            )
            if not stacked and bar_width >= 14 and amount:
                parts.append(
                    f'<text class="value" x="{x + bar_width / 2:.1f}" y="{y_top - 3:.1f}" '
                    f'text-anchor="middle" fill="#222" font-size="{_FONT_SIZE - 2}">'
                    f"{_esc(_format(value))}</text>"
                )
            if stacked:
                base += amount
    parts += _category_labels(plot, labels, slanted)
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    description: str = "",
    unit: str = "",
    no_data: str = "No data for this period and region.",
    width: int = _WIDTH,
    height: int = _HEIGHT,
) -> str:
    """One line per series over ``labels`` (months, e.g. ``2026-01``); a ``None`` value
    breaks the line."""
    labels = [str(label) for label in labels]
    _check(labels, series)
    if _is_empty(labels, series):
        return no_data_chart(title, no_data, width=width)
    top = max(max(_numbers(s.values), default=0.0) for s in series)
    ticks = nice_ticks(top)
    legend = len(series) > 1 or bool(series[0].name)
    plot, slanted = _layout(labels, ticks, width, height, legend)
    chart_id = _chart_id("line", title, (labels, [(s.name, list(s.values)) for s in series]))
    parts = _open(
        chart_id, title, description or _describe(title, labels, series), width, height, "line"
    )
    if legend:
        parts += _legend(series, width)
    parts += _axes(plot, ticks, unit)
    slot = plot.width / len(labels)
    for number, one in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        runs: list[list[tuple[float, float]]] = [[]]
        points = []
        for index, value in enumerate(one.values):
            if value is None:
                runs.append([])
                continue
            x = plot.left + slot * (index + 0.5)
            y = plot.y(float(value))
            runs[-1].append((x, y))
            name = f"{one.name} · " if one.name else ""
            points.append(
                f'<circle class="point" cx="{x:.2f}" cy="{y:.2f}" r="3" fill="{colour}" '
                f'data-label="{_esc(labels[index])}" data-series="{_esc(one.name)}" '
                f'data-value="{_esc(value)}"><title>{_esc(name)}{_esc(labels[index])}: '
                f"{_esc(_format(value))}</title></circle>"
            )
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{x:.2f},{y:.2f}" for x, y in run)
                parts.append(
                    f'<polyline class="line" points="{path}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"/>'
                )
        parts += points
    parts += _category_labels(plot, labels, slanted)
    parts.append("</svg>")
    return "".join(parts)
