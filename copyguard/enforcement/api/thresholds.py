"""API of the criminal-threshold tables: the versions, one table, entering a new one, and
assessing figures against the table in force (without a case)."""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from copyguard.accounts.errors import ActionError
from copyguard.apiutil import NoNulInput, ObjectId, api_actor, api_user, responses
from copyguard.enforcement.access.thresholds import (
    get_threshold_table_for_user,
    may_manage_thresholds,
    tables_visible_to,
)
from copyguard.enforcement.actions import thresholds as actions
from copyguard.enforcement.enums import EnforcementErrorCode, Measure
from copyguard.enforcement.models import ThresholdTable
from copyguard.enforcement.thresholds import assess

router = Router(tags=["enforcement: criminal thresholds"])

P = "/thresholds"


class RuleOut(Schema):
    scope: str
    measure: str
    level: str
    amount: Decimal
    combinable: bool
    article: str


class TableOut(Schema):
    id: int
    name: str
    name_en: str
    legal_source: str
    effective_from: date
    combination_share: Decimal
    combination_count: int
    warning_share: Decimal
    notes: str
    in_force: bool
    created_at: datetime
    rules: list[RuleOut]

    @staticmethod
    def resolve_in_force(obj: ThresholdTable) -> bool:
        current = ThresholdTable.objects.in_force()
        return current is not None and current.pk == obj.pk

    @staticmethod
    def resolve_rules(obj: ThresholdTable) -> list[Any]:
        return list(obj.rules.order_by("scope", "level", "measure"))


class RuleIn(NoNulInput):
    scope: str = Field(max_length=20)
    measure: str = Field(max_length=30)
    level: str = Field(max_length=30)
    amount: str = Field(max_length=40, description="Positive, at most two decimals, as a string")
    combinable: bool = False
    article: str = Field("", max_length=200)


class TableIn(NoNulInput):
    name: str = Field(max_length=200)
    name_en: str = Field("", max_length=200)
    legal_source: str = Field(max_length=5_000)
    effective_from: str = Field(max_length=10, description="YYYY-MM-DD; unique across tables")
    combination_share: str = Field("0.5", max_length=10)
    combination_count: int = 2
    warning_share: str = Field("0.8", max_length=10)
    notes: str = Field("", max_length=5_000)
    rules: list[RuleIn] = Field(max_length=100)


class AssessIn(NoNulInput):
    facts: dict[str, str] = Field(max_length=20, description="{measure: figure as a string}")
    online: bool = True
    on: date | None = Field(None, description="Assess against the table in force that day")


@router.get(P, response=responses(200, list[TableOut]), summary="Threshold tables")
def list_tables(request: HttpRequest) -> list[ThresholdTable]:
    """Every version, newest effective date first; `in_force` marks today's."""
    return list(tables_visible_to(api_user(request)).order_by("-effective_from", "-pk"))


@router.post(
    f"{P}/assess",
    response=responses(200, dict[str, Any]),
    summary="Assess figures against the thresholds (no case)",
)
def assess_figures(request: HttpRequest, payload: AssessIn) -> dict[str, Any]:
    """The same check a case runs on its facts, for figures given here: the state, each
    criterion with its share, and which rule fired."""
    user = api_user(request)
    on = payload.on or timezone.localdate()
    table = ThresholdTable.objects.in_force(on) if tables_visible_to(user).exists() else None
    if table is None:
        raise ActionError(
            EnforcementErrorCode.INVALID, gettext("No threshold table is in force."), status=404
        )
    for measure in payload.facts:
        if measure not in Measure.values:
            raise ActionError(
                EnforcementErrorCode.INVALID, gettext("Unknown measure."), field="facts", status=422
            )
    try:
        result = assess(payload.facts, payload.online, actions.table_data(table))
    except ValueError:
        raise ActionError(
            EnforcementErrorCode.INVALID,
            gettext("Figures are non-negative numbers."),
            field="facts",
            status=422,
        ) from None
    return {**result.as_dict(), "table": {**result.as_dict()["table"], "id": table.pk}}


@router.get(f"{P}/{{table_id}}", response=responses(200, TableOut), summary="One table")
def get_table(request: HttpRequest, table_id: ObjectId) -> ThresholdTable:
    table, _may = get_threshold_table_for_user(api_user(request), table_id)
    return table


@router.post(P, response=responses(201, TableOut), summary="Enter a new threshold table")
def create_table(request: HttpRequest, payload: TableIn) -> Status[ThresholdTable]:
    """Heads of administrations (`enforcement.manage_thresholds`) only. Validated whole:
    positive amounts, shares in (0, 1], a unique effective date; a table dated in the future
    applies from that date."""
    user = api_user(request)
    if not may_manage_thresholds(user):
        raise ActionError(
            EnforcementErrorCode.FORBIDDEN,
            gettext("Only the head of an administration maintains threshold tables."),
            status=403,
        )
    data = payload.dict()
    return Status(201, actions.create_table(api_actor(request), data))
