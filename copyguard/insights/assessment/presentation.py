"""What the pages, the PDF and the API show of stored scores: steps as sentences in the
active language, inputs with their labels, strengths and gaps against the other cities."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median
from typing import Any

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from copyguard.insights.assessment.metrics import QUERY_TEXTS
from copyguard.insights.assessment.models import CityScore, IndicatorScore
from copyguard.insights.assessment.scoring import render_step

__all__ = ["IndicatorLine", "input_rows", "plain", "report_lines", "step_lines"]


def plain(value: Decimal | None) -> str:
    """A decimal without trailing zeros or exponent (``30.0000`` → ``30``); ``—`` for none."""
    if value is None:
        return "—"
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "") else text


INPUT_LABELS: dict[str, Any] = {
    "opened": _("Cases opened"),
    "closed": _("Cases closed"),
    "opened_ids": _("Cases opened (ids)"),
    "closed_ids": _("Cases closed (ids)"),
    "taken_down": _("Addresses taken down"),
    "item_ids": _("Notice items (ids)"),
    "days": _("Days to takedown"),
    "requested": _("Cooperation requested"),
    "received": _("Received"),
    "requested_ids": _("Cooperation requested (ids)"),
    "received_ids": _("Received (ids)"),
    "registrations": pgettext_lazy("assessment", "Registrations"),
    "registration_ids": _("Registrations (ids)"),
    "population": _("Population"),
    "population_year": _("Population of the year"),
    "population_source": _("Source of the population"),
    "on_time": _("Triaged on time"),
    "on_time_ids": _("Triaged on time (ids)"),
    "sent": _("Transfers sent"),
    "transfer_ids": _("Transfers (ids)"),
    "submission": _("Submission"),
    "status": _("Status"),
    "submitted_value": _("Value submitted"),
    "documents": _("Supporting documents"),
    "reviewed_at": _("Accepted at"),
    "reviewed_by": _("Accepted by"),
}
_QUERY_KEYS = {"prefix", "year", "triage_days"}


def step_lines(steps: list[dict[str, Any]]) -> list[str]:
    return [render_step(step, gettext) for step in steps]  # type: ignore[arg-type]


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return "; ".join(
                f"{d.get('name', '')} (SHA-256 {str(d.get('sha256', ''))[:12]}…)" for d in value
            )
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def input_rows(inputs: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (str(INPUT_LABELS.get(key, key)), _show(value))
        for key, value in inputs.items()
        if key not in _QUERY_KEYS
    ]


def query_text(metric: str, inputs: dict[str, Any]) -> str:
    template = QUERY_TEXTS.get(metric)
    if template is None or "prefix" not in inputs:
        return ""
    try:
        return str(template) % {k: inputs.get(k, "") for k in _QUERY_KEYS}
    except (KeyError, TypeError, ValueError):
        return ""


@dataclass
class IndicatorLine:
    """One indicator of a city's report."""

    row: IndicatorScore
    steps: list[str]
    inputs: list[tuple[str, str]]
    query: str
    others_median: Decimal | None
    standing: str  # "strength", "gap" or "par"
    peers: list[tuple[str, str]] = field(default_factory=list)


def report_lines(city_score: CityScore) -> list[IndicatorLine]:
    """The report of a city: each indicator with its computation, and where its points
    stand against the median points of the other cities (strength above, gap below)."""
    rows = list(
        city_score.indicator_scores.select_related("indicator__task__aspect").order_by(
            "indicator__task__aspect__position", "indicator__task__position", "indicator__position"
        )
    )
    others = IndicatorScore.objects.filter(city_score__round_id=city_score.round_id).exclude(
        city_score=city_score
    )
    points_of_others: dict[int, list[Decimal]] = {}
    for indicator_id, points in others.values_list("indicator_id", "points"):
        points_of_others.setdefault(indicator_id, []).append(points)
    names = dict(
        CityScore.objects.filter(round_id=city_score.round_id).values_list("city_id", "city__name")
    )
    lines = []
    for row in rows:
        theirs = points_of_others.get(row.indicator_id, [])
        middle = Decimal(median(theirs)) if theirs else None
        if middle is None or row.points == middle:
            standing = "par"
        else:
            standing = "strength" if row.points > middle else "gap"
        peers = [
            (names.get(int(city_id), city_id), "—" if value is None else value)
            for city_id, value in row.peers.items()
        ]
        lines.append(
            IndicatorLine(
                row=row,
                steps=step_lines(row.steps),
                inputs=input_rows(row.inputs),
                query=query_text(row.indicator.metric, row.inputs),
                others_median=middle,
                standing=standing,
                peers=peers,
            )
        )
    return lines
