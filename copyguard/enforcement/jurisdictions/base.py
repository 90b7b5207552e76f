"""What a jurisdiction's law requires of a notice and a counter-notice (STYLE 6).

Each jurisdiction is a module in this package exposing ``JURISDICTION``, a
:class:`Jurisdiction` with the required elements of a notice and of a counter-notice, each
element a check over the model instance (with its items), and the restoration window that
follows a counter-notice. Actions refuse to send a notice or record a counter-notice while
``missing_notice_elements`` or ``missing_counter_elements`` names anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils.functional import Promise

__all__ = ["Element", "Jurisdiction", "Missing"]


@dataclass(frozen=True)
class Element:
    """One required element: a stable code, its legal citation, a label and its check."""

    code: str
    citation: str
    label: Promise | str
    present: Callable[[Any], bool]


@dataclass(frozen=True)
class Missing:
    code: str
    citation: str
    label: str


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    name: Promise | str
    notice_law: Promise | str
    counter_law: Promise | str
    notice_elements: tuple[Element, ...]
    counter_elements: tuple[Element, ...]
    # When material may and must be restored after a counter-notice received at ``at``.
    restore_window: Callable[[datetime], tuple[datetime, datetime]]
    # Whether the law bars the claimant from notifying the same material again once it was
    # restored after a counter-notice (China art. 17).
    bars_renotification: bool

    def missing_notice_elements(self, notice: Any) -> list[Missing]:
        return _missing(self.notice_elements, notice)

    def missing_counter_elements(self, counter_notice: Any) -> list[Missing]:
        return _missing(self.counter_elements, counter_notice)


def _missing(elements: tuple[Element, ...], obj: Any) -> list[Missing]:
    return [
        Missing(code=e.code, citation=e.citation, label=str(e.label))
        for e in elements
        if not e.present(obj)
    ]


def filled(*names: str) -> Callable[[Any], bool]:
    """Present when every one of ``names`` is a non-blank attribute."""

    def check(obj: Any) -> bool:
        return all(str(getattr(obj, name, "") or "").strip() for name in names)

    return check


def any_filled(*names: str) -> Callable[[Any], bool]:
    """Present when at least one of ``names`` is a non-blank attribute."""

    def check(obj: Any) -> bool:
        return any(str(getattr(obj, name, "") or "").strip() for name in names)

    return check


def true(name: str) -> Callable[[Any], bool]:
    return lambda obj: bool(getattr(obj, name, False))


def at_once(at: datetime) -> tuple[datetime, datetime]:
    """Restore immediately: copyguard tracks it as due within one day."""
    return at, at + timedelta(days=1)
