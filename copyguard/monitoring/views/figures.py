"""Geometry of a hit's match, for the hit page to draw as SVG.

- Images: the matched box ``[x0, y0, x1, y1]`` in the query's pixels, on a frame of the
  query's size. The copy's picture itself is not shown (it lives on someone else's server;
  loading it would tell that server who is reviewing), only where in it the work was found.
- Audio and video: two time lines, the copy's above the registered work's, each matched
  segment drawn on both and joined, so an offset or a change of speed can be seen.
"""

from __future__ import annotations

from typing import Any, TypedDict

__all__ = ["BoxFigure", "Timeline", "box_figure", "timeline"]

WIDTH = 800  # SVG user units of a time line's width
LANE_HEIGHT = 28
TOP, GAP = 24, 70


class BoxFigure(TypedDict):
    width: int
    height: int
    size_known: bool
    x: int
    y: int
    w: int
    h: int
    stroke: float
    area_percent: float
    font: int  # label size, in the picture's pixels
    label_pad: int
    neg_pad: int


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _query_size(detail: dict[str, Any]) -> tuple[int, int] | None:
    for width_key, height_key in (
        ("query_width", "query_height"),
        ("width", "height"),
    ):
        width, height = _number(detail.get(width_key)), _number(detail.get(height_key))
        if width and height and width > 0 and height > 0:
            return int(width), int(height)
    size = detail.get("query_size")
    if isinstance(size, (list, tuple)) and len(size) == 2:
        width, height = _number(size[0]), _number(size[1])
        if width and height and width > 0 and height > 0:
            return int(width), int(height)
    return None


def box_figure(box: Any, detail: dict[str, Any] | None) -> BoxFigure | None:
    """The frame and the box to draw, or None when the hit carries no usable box."""
    if not isinstance(box, (list, tuple)) or len(box) != 4:
        return None
    values = [_number(v) for v in box]
    if any(v is None for v in values):
        return None
    x0, y0, x1, y1 = (int(v) for v in values)  # type: ignore[arg-type]
    x0, x1 = sorted((max(0, x0), max(0, x1)))
    y0, y1 = sorted((max(0, y0), max(0, y1)))
    if x1 <= x0 or y1 <= y0:
        return None
    size = _query_size(detail or {})
    if size is None:
        # Unknown picture size: a frame a little larger than the box.
        width, height = int(x1 * 1.1) + 1, int(y1 * 1.1) + 1
    else:
        width, height = max(size[0], x1), max(size[1], y1)
    area = (x1 - x0) * (y1 - y0) / (width * height) * 100
    font = max(8, round(max(width, height) / 32))
    return BoxFigure(
        width=width,
        height=height,
        size_known=size is not None,
        x=x0,
        y=y0,
        w=x1 - x0,
        h=y1 - y0,
        stroke=max(width, height) / 200,
        area_percent=round(area, 1),
        font=font,
        label_pad=font // 2,
        neg_pad=-(font // 2),
    )


class Segment(TypedDict):
    query: tuple[float, float]
    reference: tuple[float, float]
    qx: float
    qw: float
    rx: float
    rw: float


class Timeline(TypedDict):
    width: int
    height: int
    query_y: int
    reference_y: int
    lane: int
    query_length: float
    reference_length: float
    segments: list[Segment]
    ticks_query: list[tuple[float, str]]
    ticks_reference: list[tuple[float, str]]


def clock(seconds: float) -> str:
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _span(value: Any) -> tuple[float, float] | None:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        return None
    start, end = _number(value[0]), _number(value[1])
    if start is None or end is None or end < start or start < 0:
        return None
    return start, end


def _ticks(length: float) -> list[tuple[float, str]]:
    steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600]
    step = next((s for s in steps if length / s <= 8), 3600 * max(1, int(length // 28800) + 1))
    ticks = []
    t = 0.0
    while t <= length + 1e-9:
        ticks.append((round(t / length * WIDTH, 1) if length else 0.0, clock(t)))
        t += step
    return ticks


def timeline(segments: Any, detail: dict[str, Any] | None) -> Timeline | None:
    """Both time lines with the matched segments, or None without a usable segment."""
    pairs = []
    for segment in segments if isinstance(segments, list) else []:
        if not isinstance(segment, dict):
            continue
        query, reference = _span(segment.get("query")), _span(segment.get("reference"))
        if query and reference:
            pairs.append((query, reference))
    if not pairs:
        return None
    detail = detail or {}
    query_length = max(_number(detail.get("query_duration")) or 0.0, max(q[1] for q, _r in pairs))
    reference_length = max(
        _number(detail.get("reference_duration")) or 0.0, max(r[1] for _q, r in pairs)
    )
    query_length = query_length or 1.0
    reference_length = reference_length or 1.0
    drawn: list[Segment] = []
    for (qs, qe), (rs, re) in pairs:
        drawn.append(
            Segment(
                query=(qs, qe),
                reference=(rs, re),
                qx=round(qs / query_length * WIDTH, 1),
                qw=round(max(2.0, (qe - qs) / query_length * WIDTH), 1),
                rx=round(rs / reference_length * WIDTH, 1),
                rw=round(max(2.0, (re - rs) / reference_length * WIDTH), 1),
            )
        )
    reference_y = TOP + LANE_HEIGHT + GAP
    return Timeline(
        width=WIDTH,
        height=reference_y + LANE_HEIGHT + 24,
        query_y=TOP,
        reference_y=reference_y,
        lane=LANE_HEIGHT,
        query_length=query_length,
        reference_length=reference_length,
        segments=drawn,
        ticks_query=_ticks(query_length),
        ticks_reference=_ticks(reference_length),
    )
