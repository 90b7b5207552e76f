"""Threshold tables: entering a new version, and turning a stored one into plain data.

A table is entered whole (its legal source, effective date, combination and warning shares
and every rule) and never edited afterwards: a correction is a new version. Only a head of
an administration (``MANAGE_THRESHOLDS``) or platform staff enter tables. A table whose
effective date is in the future is stored but applies only from that date
(``ThresholdTable.objects.in_force``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from copyguard.accounts import audit
from copyguard.accounts.audit import Actor
from copyguard.enforcement.access.common import organisations_with
from copyguard.enforcement.actions.common import forbidden, invalid
from copyguard.enforcement.enums import (
    EnforcementPermission,
    Measure,
    ThresholdLevel,
    ThresholdScope,
)
from copyguard.enforcement.models import ThresholdRule, ThresholdTable
from copyguard.enforcement.thresholds import Rule, Table, to_decimal

__all__ = ["create_table", "may_manage_thresholds", "table_as_json", "table_data"]

MANAGE = EnforcementPermission.MANAGE_THRESHOLDS.value


def table_data(table: ThresholdTable) -> Table:
    """The stored table as the plain data ``thresholds.assess`` takes."""
    return Table(
        rules=tuple(
            Rule(
                scope=rule.scope,
                measure=rule.measure,
                level=rule.level,
                amount=rule.amount,
                combinable=rule.combinable,
                article=rule.article,
            )
            for rule in table.rules.order_by("scope", "level", "measure", "pk")
        ),
        combination_share=table.combination_share,
        combination_count=table.combination_count,
        warning_share=table.warning_share,
        name=table.name,
        effective_from=table.effective_from,
        id=table.pk,
    )


def table_as_json(table: ThresholdTable) -> dict[str, Any]:
    """The table in the format ``copyguard thresholds import`` reads back."""
    return {
        "name": table.name,
        "name_en": table.name_en,
        "legal_source": table.legal_source,
        "effective_from": table.effective_from.isoformat(),
        "combination_share": str(table.combination_share),
        "combination_count": table.combination_count,
        "warning_share": str(table.warning_share),
        "notes": table.notes,
        "rules": [
            {
                "scope": rule.scope,
                "measure": rule.measure,
                "level": rule.level,
                "amount": str(rule.amount),
                "combinable": rule.combinable,
                "article": rule.article,
            }
            for rule in table.rules.order_by("scope", "level", "measure", "pk")
        ],
    }


def may_manage_thresholds(actor: Actor) -> bool:
    user = actor.user
    if user is None:
        return actor.via in ("cli", "system")
    return bool(user.is_superuser or organisations_with(user, MANAGE))


def _share(value: Any, field: str) -> Decimal:
    try:
        share = to_decimal(value)
    except ValueError:
        raise invalid(_("Enter a share between 0 and 1, such as 0.5."), field) from None
    if not Decimal(0) < share <= Decimal(1):
        raise invalid(_("A share must be above 0 and at most 1."), field)
    if share != share.quantize(Decimal("0.001")):
        raise invalid(_("A share has at most three decimal places."), field)
    return share


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise invalid(_("Enter the date as YYYY-MM-DD."), "effective_from") from None


def _rules(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if not rows:
        raise invalid(_("A table needs at least one threshold."), "rules")
    seen: set[tuple[str, str, str]] = set()
    cleaned = []
    for number, row in enumerate(rows, start=1):
        where = {"row": number}
        scope = str(row.get("scope", "")).strip()
        measure = str(row.get("measure", "")).strip()
        level = str(row.get("level", "")).strip()
        if scope not in ThresholdScope.values:
            raise invalid(_("Threshold %(row)s: choose general or online.") % where, "rules")
        if measure not in Measure.values:
            raise invalid(_("Threshold %(row)s: choose a measure.") % where, "rules")
        if level not in ThresholdLevel.values:
            raise invalid(_("Threshold %(row)s: choose a level.") % where, "rules")
        try:
            amount = to_decimal(row.get("amount"))
        except ValueError:
            raise invalid(
                _("Threshold %(row)s: enter the amount as a number.") % where, "rules"
            ) from None
        if amount <= 0:
            raise invalid(_("Threshold %(row)s: the amount must be positive.") % where, "rules")
        if amount != amount.quantize(Decimal("0.01")) or amount >= Decimal(10) ** 14:
            raise invalid(
                _("Threshold %(row)s: at most 14 digits and two decimal places.") % where,
                "rules",
            )
        key = (scope, measure, level)
        if key in seen:
            raise invalid(
                _("Threshold %(row)s repeats a measure at the same level and scope.") % where,
                "rules",
            )
        seen.add(key)
        article = str(row.get("article", "") or "").strip()
        if len(article) > 200:
            raise invalid(_("Threshold %(row)s: the article is too long.") % where, "rules")
        cleaned.append(
            {
                "scope": scope,
                "measure": measure,
                "level": level,
                "amount": amount,
                "combinable": bool(row.get("combinable", False)),
                "article": article,
            }
        )
    return cleaned


def create_table(actor: Actor, data: Mapping[str, Any]) -> ThresholdTable:
    """Enter a new version of the thresholds from ``data`` (the JSON format of
    ``table_as_json``), validated whole: nothing is stored when anything is wrong."""
    if not may_manage_thresholds(actor):
        raise forbidden(_("Only the head of an administration maintains threshold tables."))
    name = str(data.get("name", "") or "").strip()
    name_en = str(data.get("name_en", "") or "").strip()
    source = str(data.get("legal_source", "") or "").strip()
    if not name:
        raise invalid(_("Give the table a name."), "name")
    if len(name) > 200 or len(name_en) > 200:
        raise invalid(_("The name is longer than 200 characters."), "name")
    if not source:
        raise invalid(_("Name the legal source the thresholds come from."), "legal_source")
    effective = _date(data.get("effective_from", ""))
    combination_share = _share(data.get("combination_share", "0.5"), "combination_share")
    warning_share = _share(data.get("warning_share", "0.8"), "warning_share")
    try:
        count = int(data.get("combination_count", 2))
    except (TypeError, ValueError):
        raise invalid(
            _("Enter how many criteria combine, such as 2."), "combination_count"
        ) from None
    if not 1 <= count <= 10:
        raise invalid(_("Between 1 and 10 criteria combine."), "combination_count")
    rules = _rules(list(data.get("rules") or []))
    if ThresholdTable.objects.filter(effective_from=effective).exists():
        raise invalid(_("A table already takes effect on that date."), "effective_from")
    try:
        with transaction.atomic():
            table = ThresholdTable.objects.create(
                name=name,
                name_en=name_en,
                legal_source=source,
                effective_from=effective,
                combination_share=combination_share,
                combination_count=count,
                warning_share=warning_share,
                notes=str(data.get("notes", "") or "").strip(),
                created_by=actor.user,
            )
            ThresholdRule.objects.bulk_create(ThresholdRule(table=table, **row) for row in rules)
            audit.record(
                actor,
                "enforcement.threshold_table.create",
                table,
                params={"effective_from": effective.isoformat(), "rules": len(rules)},
            )
    except IntegrityError:
        raise invalid(_("A table already takes effect on that date."), "effective_from") from None
    return table
