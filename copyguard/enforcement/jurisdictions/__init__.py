"""Jurisdictions whose notice-and-takedown law copyguard follows, by code."""

from __future__ import annotations

from copyguard.enforcement.jurisdictions import cn, us
from copyguard.enforcement.jurisdictions.base import Element, Jurisdiction, Missing

__all__ = ["JURISDICTIONS", "Element", "Jurisdiction", "Missing", "get_jurisdiction"]

JURISDICTIONS: dict[str, Jurisdiction] = {j.code: j for j in (cn.JURISDICTION, us.JURISDICTION)}


def get_jurisdiction(code: str) -> Jurisdiction:
    try:
        return JURISDICTIONS[code]
    except KeyError:
        raise ValueError(f"unknown jurisdiction {code!r}") from None
