# ruff: noqa: RUF001, RUF002  (the steps and formulas use the multiplication and minus signs)
"""Scoring rules of the regional assessment: pure functions, no Django, Decimal throughout.

A rule is data, a JSON object ``{"kind": <kind>, <params>…}``. Each kind turns an
indicator's value (and, for the comparative kinds, the values of every compared region)
into points between 0 and ``max_points`` (the indicator's weight), and says how in a list
of steps. A step is ``{"code": …, "args": {…}}``: the code names a sentence in
``STEP_TEXTS`` (English msgids, translated where shown), the args are its figures as text,
so a stored computation reads the same in both languages and can be re-checked by hand.

Kinds (``x`` the value, ``M`` the maximum points):

``linear``  ``{"floor": f, "target": t}`` — ``M × (x − f) / (t − f)`` clamped to [0, M].
            ``t < f`` means lower is better (e.g. days to takedown) and the same formula
            holds.
``bands``   ``{"bands": [{"at_least": a, "share": s}, …], "lower_is_better": false}`` —
            the first band (highest threshold first; lowest first when lower is better,
            with ``at_most``) the value reaches gives ``M × s``; none gives 0.
``ratio_to_best`` ``{"lower_is_better": false}`` — ``M × x / best`` where best is the
            highest value among the compared regions (``M × best / x`` with the lowest
            when lower is better).
``rank``    ``{"shares": [s1, s2, …], "rest": s, "lower_is_better": false}`` — the
            region's rank among the compared regions (ties share the better rank:
            1, 1, 3) gives ``M × s_rank``; ranks past the list give ``M × rest``.
``boolean`` ``{}`` — ``M`` when the value is yes (non-zero), else 0.
``entered`` ``{"out_of": n}`` — the reviewer-accepted value is points out of ``n``:
            ``M × x / n`` clamped to [0, M].

A missing value (no data, no accepted submission) scores 0 and says so. Points are
rounded half up to ``PLACES`` decimal places at the end, never in between.

The caller supplies: the rule (validated by ``validate_rule``), the value (Decimal or
None), ``max_points`` (Decimal > 0) and, for ``ratio_to_best`` and ``rank``, ``peers``: the
values of every compared region including this one. ``score_v0`` is the algorithm;
``score`` calls it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TypedDict

__all__ = [
    "COMPARATIVE_KINDS",
    "KINDS",
    "PLACES",
    "STEP_TEXTS",
    "RuleError",
    "Score",
    "Step",
    "describe_rule",
    "render_step",
    "score",
    "score_v0",
    "validate_rule",
]

PLACES = Decimal("0.0001")
KINDS = ("linear", "bands", "ratio_to_best", "rank", "boolean", "entered")
COMPARATIVE_KINDS = frozenset({"ratio_to_best", "rank"})
_MAX_BANDS = 20
_MAX_RANK_SHARES = 50
_MAX_NUMBER = Decimal("1e12")


def gettext_noop(message: str) -> str:
    """Mark a msgid for extraction (makemessages looks for this name); translated where shown."""
    return message


STEP_TEXTS: dict[str, str] = {
    "missing": gettext_noop("No value: 0 points."),
    "linear": gettext_noop(
        "Linear from %(floor)s (0 points) to %(target)s (%(max)s points): "
        "%(max)s × (%(value)s − %(floor)s) / (%(target)s − %(floor)s) = %(raw)s"
    ),
    "clamped": gettext_noop("Clamped to the range 0 to %(max)s: %(points)s"),
    "band": gettext_noop(
        "%(value)s reaches the band %(bound)s %(threshold)s: %(max)s × %(share)s = %(points)s"
    ),
    "no_band": gettext_noop("%(value)s reaches no band: 0 points."),
    "best": gettext_noop("Best among the %(count)s compared regions: %(best)s"),
    "best_zero": gettext_noop("The best value is 0: every region scores 0 points."),
    "ratio_higher": gettext_noop("%(max)s × %(value)s / %(best)s = %(points)s"),
    "ratio_lower": gettext_noop("%(max)s × %(best)s / %(value)s = %(points)s"),
    "ratio_zero_lower": gettext_noop("A value of 0 is the best possible: %(max)s points."),
    "rank": gettext_noop("Rank %(rank)s of %(count)s compared regions (%(order)s first)"),
    "rank_share": gettext_noop("%(max)s × %(share)s = %(points)s"),
    "boolean_yes": gettext_noop("Yes: %(max)s points."),
    "boolean_no": gettext_noop("No: 0 points."),
    "entered": gettext_noop(
        "Accepted value %(value)s out of %(out_of)s: %(max)s × %(value)s / %(out_of)s = %(raw)s"
    ),
    "rounded": gettext_noop("Rounded to %(places)s decimal places: %(points)s"),
    "higher": gettext_noop("highest"),
    "lower": gettext_noop("lowest"),
}


class Step(TypedDict):
    code: str
    args: dict[str, str]


@dataclass(frozen=True)
class Score:
    points: Decimal
    steps: list[Step] = field(default_factory=list)


class RuleError(ValueError):
    """A malformed rule; the message says what is wrong, for the person editing it."""


# ---------------------------------------------------------------- validation


def _number(raw: Any, what: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (int, str, Decimal, float)):
        raise RuleError(f"{what} must be a number, not {type(raw).__name__}.")
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise RuleError(f"{what} must be a number, not {str(raw)[:40]!r}.") from None
    if not value.is_finite() or abs(value) > _MAX_NUMBER:
        raise RuleError(f"{what} must be a finite number below {_MAX_NUMBER:,}.")
    return value


def _share(raw: Any, what: str) -> Decimal:
    value = _number(raw, what)
    if value < 0 or value > 1:
        raise RuleError(f"{what} must be between 0 and 1.")
    return value


def _flag(rule: Mapping[str, Any], name: str) -> bool:
    raw = rule.get(name, False)
    if not isinstance(raw, bool):
        raise RuleError(f"{name} must be true or false.")
    return raw


_PARAMS: dict[str, frozenset[str]] = {
    "linear": frozenset({"floor", "target"}),
    "bands": frozenset({"bands", "lower_is_better"}),
    "ratio_to_best": frozenset({"lower_is_better"}),
    "rank": frozenset({"shares", "rest", "lower_is_better"}),
    "boolean": frozenset(),
    "entered": frozenset({"out_of"}),
}


def validate_rule(rule: Any) -> None:
    """Raise RuleError with a clear message unless ``rule`` is a well-formed rule."""
    if not isinstance(rule, Mapping):
        raise RuleError("A rule must be a JSON object with a kind.")
    kind = rule.get("kind")
    if kind not in KINDS:
        raise RuleError(f"Unknown rule kind {str(kind)[:40]!r}; the kinds are {', '.join(KINDS)}.")
    unknown = sorted(set(rule) - {"kind"} - _PARAMS[kind])
    if unknown:
        raise RuleError(f"A {kind} rule takes no {', '.join(u[:40] for u in unknown)}.")
    if kind == "linear":
        for name in ("floor", "target"):
            if name not in rule:
                raise RuleError(f"A linear rule needs {name}.")
        if _number(rule["floor"], "floor") == _number(rule["target"], "target"):
            raise RuleError("A linear rule's floor and target must differ.")
    elif kind == "bands":
        lower = _flag(rule, "lower_is_better")
        bands = rule.get("bands")
        if not isinstance(bands, list) or not bands:
            raise RuleError("A bands rule needs a non-empty list of bands.")
        if len(bands) > _MAX_BANDS:
            raise RuleError(f"A bands rule takes at most {_MAX_BANDS} bands.")
        bound = "at_most" if lower else "at_least"
        thresholds = []
        for number, band in enumerate(bands, start=1):
            if not isinstance(band, Mapping) or set(band) != {bound, "share"}:
                raise RuleError(f"Band {number} must be an object with {bound} and share.")
            thresholds.append(_number(band[bound], f"Band {number} {bound}"))
            _share(band["share"], f"Band {number} share")
        if len(set(thresholds)) != len(thresholds):
            raise RuleError("Two bands have the same threshold.")
    elif kind == "ratio_to_best":
        _flag(rule, "lower_is_better")
    elif kind == "rank":
        _flag(rule, "lower_is_better")
        shares = rule.get("shares")
        if not isinstance(shares, list) or not shares:
            raise RuleError("A rank rule needs a non-empty list of shares, best rank first.")
        if len(shares) > _MAX_RANK_SHARES:
            raise RuleError(f"A rank rule takes at most {_MAX_RANK_SHARES} shares.")
        values = [_share(s, f"Share {n}") for n, s in enumerate(shares, start=1)]
        rest = _share(rule.get("rest", 0), "rest")
        if any(b > a for a, b in zip(values, [*values[1:], rest], strict=True)):
            raise RuleError("A rank rule's shares must not grow with a worse rank.")
    elif kind == "entered":
        if "out_of" not in rule:
            raise RuleError("An entered rule needs out_of (the scale of the accepted value).")
        if _number(rule["out_of"], "out_of") <= 0:
            raise RuleError("out_of must be above 0.")


# ---------------------------------------------------------------- scoring


def _text(value: Decimal) -> str:
    """A figure as shown in a step: plain notation, trailing zeros dropped past 4 places."""
    quantised = value.quantize(PLACES, rounding=ROUND_HALF_UP) if value.is_finite() else value
    text = format(quantised.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _clamp(raw: Decimal, max_points: Decimal, steps: list[Step]) -> Decimal:
    clamped = min(max(raw, Decimal(0)), max_points)
    if clamped != raw:
        steps.append(
            {"code": "clamped", "args": {"max": _text(max_points), "points": _text(clamped)}}
        )
    return clamped


def _linear(rule: Mapping[str, Any], x: Decimal, m: Decimal, steps: list[Step]) -> Decimal:
    floor, target = Decimal(str(rule["floor"])), Decimal(str(rule["target"]))
    raw = m * (x - floor) / (target - floor)
    steps.append(
        {
            "code": "linear",
            "args": {
                "floor": _text(floor),
                "target": _text(target),
                "max": _text(m),
                "value": _text(x),
                "raw": _text(raw),
            },
        }
    )
    return _clamp(raw, m, steps)


def _bands(rule: Mapping[str, Any], x: Decimal, m: Decimal, steps: list[Step]) -> Decimal:
    lower = bool(rule.get("lower_is_better", False))
    bound = "at_most" if lower else "at_least"
    bands = sorted(
        ((Decimal(str(b[bound])), Decimal(str(b["share"]))) for b in rule["bands"]),
        key=lambda band: band[0],
        reverse=not lower,
    )
    for threshold, share in bands:
        if (x <= threshold) if lower else (x >= threshold):
            points = m * share
            steps.append(
                {
                    "code": "band",
                    "args": {
                        "value": _text(x),
                        "bound": "≤" if lower else "≥",
                        "threshold": _text(threshold),
                        "max": _text(m),
                        "share": _text(share),
                        "points": _text(points),
                    },
                }
            )
            return points
    steps.append({"code": "no_band", "args": {"value": _text(x)}})
    return Decimal(0)


def _present(peers: Sequence[Decimal | None]) -> list[Decimal]:
    return [p for p in peers if p is not None]


def _ratio(
    rule: Mapping[str, Any],
    x: Decimal,
    m: Decimal,
    peers: Sequence[Decimal | None],
    steps: list[Step],
) -> Decimal:
    lower = bool(rule.get("lower_is_better", False))
    present = _present(peers) or [x]
    best = min(present) if lower else max(present)
    steps.append({"code": "best", "args": {"count": str(len(present)), "best": _text(best)}})
    if lower:
        if x == 0:
            steps.append({"code": "ratio_zero_lower", "args": {"max": _text(m)}})
            return m
        if best < 0 or x < 0:
            raise RuleError("ratio_to_best needs values of 0 or more.")
        raw = m * best / x
        code = "ratio_lower"
    else:
        if best <= 0:
            steps.append({"code": "best_zero", "args": {}})
            return Decimal(0)
        raw = m * x / best
        code = "ratio_higher"
    steps.append(
        {
            "code": code,
            "args": {"max": _text(m), "value": _text(x), "best": _text(best), "points": _text(raw)},
        }
    )
    return _clamp(raw, m, steps)


def rank_of(value: Decimal, peers: Sequence[Decimal | None], *, lower_is_better: bool) -> int:
    """Competition rank (1, 1, 3) of ``value`` among the present peers."""
    better = [p for p in _present(peers) if (p < value if lower_is_better else p > value)]
    return len(better) + 1


def _rank(
    rule: Mapping[str, Any],
    x: Decimal,
    m: Decimal,
    peers: Sequence[Decimal | None],
    steps: list[Step],
) -> Decimal:
    lower = bool(rule.get("lower_is_better", False))
    present = _present(peers) or [x]
    position = rank_of(x, present, lower_is_better=lower)
    shares = [Decimal(str(s)) for s in rule["shares"]]
    share = shares[position - 1] if position <= len(shares) else Decimal(str(rule.get("rest", 0)))
    steps.append(
        {
            "code": "rank",
            "args": {
                "rank": str(position),
                "count": str(len(present)),
                "order": "lower" if lower else "higher",
            },
        }
    )
    points = m * share
    steps.append(
        {
            "code": "rank_share",
            "args": {"max": _text(m), "share": _text(share), "points": _text(points)},
        }
    )
    return points


def _entered(rule: Mapping[str, Any], x: Decimal, m: Decimal, steps: list[Step]) -> Decimal:
    out_of = Decimal(str(rule["out_of"]))
    raw = m * x / out_of
    steps.append(
        {
            "code": "entered",
            "args": {
                "value": _text(x),
                "out_of": _text(out_of),
                "max": _text(m),
                "raw": _text(raw),
            },
        }
    )
    return _clamp(raw, m, steps)


def score_v0(
    rule: Mapping[str, Any],
    value: Decimal | None,
    max_points: Decimal,
    peers: Sequence[Decimal | None] = (),
) -> Score:
    """Points for ``value`` under ``rule`` out of ``max_points``, with the steps shown."""
    validate_rule(rule)
    if not isinstance(max_points, Decimal) or not max_points.is_finite() or max_points <= 0:
        raise RuleError("The maximum points (the indicator's weight) must be above 0.")
    if value is not None and (not isinstance(value, Decimal) or not value.is_finite()):
        raise RuleError("A value must be a finite Decimal or None.")
    steps: list[Step] = []
    if value is None:
        steps.append({"code": "missing", "args": {}})
        return Score(Decimal(0).quantize(PLACES), steps)
    kind = rule["kind"]
    if kind == "linear":
        raw = _linear(rule, value, max_points, steps)
    elif kind == "bands":
        raw = _bands(rule, value, max_points, steps)
    elif kind == "ratio_to_best":
        raw = _ratio(rule, value, max_points, peers, steps)
    elif kind == "rank":
        raw = _rank(rule, value, max_points, peers, steps)
    elif kind == "boolean":
        yes = value != 0
        steps.append(
            {"code": "boolean_yes" if yes else "boolean_no", "args": {"max": _text(max_points)}}
        )
        raw = max_points if yes else Decimal(0)
    else:
        raw = _entered(rule, value, max_points, steps)
    points = raw.quantize(PLACES, rounding=ROUND_HALF_UP)
    if points != raw:
        steps.append({"code": "rounded", "args": {"places": "4", "points": _text(points)}})
    return Score(points, steps)


def score(
    rule: Mapping[str, Any],
    value: Decimal | None,
    max_points: Decimal,
    peers: Sequence[Decimal | None] = (),
) -> Score:
    """The current scoring algorithm (``score_v0``); see the module docstring."""
    return score_v0(rule, value, max_points, peers)


def render_step(step: Step, translate: Any = None) -> str:
    """A step as a sentence; ``translate`` (e.g. gettext) translates the template and words."""
    tr = translate or (lambda s: s)
    args = dict(step.get("args", {}))
    if "order" in args and args["order"] in ("higher", "lower"):
        args["order"] = tr(STEP_TEXTS[args["order"]])
    template = STEP_TEXTS.get(step.get("code", ""), "")
    if not template:
        return ""
    try:
        return str(tr(template) % args)
    except (KeyError, TypeError, ValueError):
        return str(template % args) if args else template


def describe_rule(rule: Mapping[str, Any]) -> str:
    """A one-line formula of a rule (language-neutral notation) for the system tree."""
    kind = rule.get("kind")
    if kind == "linear":
        return f"linear: {rule['floor']} → 0, {rule['target']} → max"
    if kind == "bands":
        lower = rule.get("lower_is_better", False)
        bound = "at_most" if lower else "at_least"
        sign = "≤" if lower else "≥"
        parts = [f"{sign} {b[bound]} → {b['share']}" for b in rule.get("bands", [])]
        return "bands: " + "; ".join(parts)
    if kind == "ratio_to_best":
        return "best / value × max" if rule.get("lower_is_better") else "value / best × max"
    if kind == "rank":
        shares = ", ".join(str(s) for s in rule.get("shares", []))
        return f"rank: [{shares}], rest {rule.get('rest', 0)}"
    if kind == "boolean":
        return "yes → max, no → 0"
    if kind == "entered":
        return f"accepted value / {rule.get('out_of')} × max"
    return str(kind)
