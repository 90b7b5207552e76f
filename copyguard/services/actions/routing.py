"""Routing: which receiving body a request goes to, and the rules that decide it.

``route(region_code, kind)`` takes the active rules whose region prefix the enterprise's
region code starts with and whose kinds include the request's kind (a rule without kinds
takes every kind). The highest priority wins, then the longest prefix (the most local rule),
then the oldest rule. When no rule matches, the request goes to the copyright administration
of the enterprise's region: its district's, else its city's, else its province's, else the
national one. When there is none either, the request cannot be submitted (``not_routed``).

Rules are maintained by the supervisors of administrations for the regions inside their own
(``services.manage_routing``), by platform staff, and by ``copyguard services rules import``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.services.access import may_route_region, region_prefix
from copyguard.services.actions.common import clean_text, forbidden, invalid
from copyguard.services.enums import RECEIVING_KINDS, RequestKind, ServiceErrorCode
from copyguard.services.models import RoutingRule, region_prefix_validator

__all__ = [
    "Route",
    "RuleRow",
    "create_rule",
    "deactivate_rule",
    "import_rules",
    "route",
]

NOTE_MAX = 300
PRIORITY_MAX = 1000


@dataclass(frozen=True)
class Route:
    """Where a request goes, and the rule that sent it there (None: the fallback)."""

    station: Organisation
    rule: RoutingRule | None


def _rule_order(rule: RoutingRule) -> tuple[int, int, int]:
    return (-rule.priority, -len(rule.region_prefix), rule.pk)


def _administration_for(region_code: str) -> Organisation | None:
    """The most local active administration whose region contains ``region_code``."""
    candidates = Organisation.objects.filter(
        kind=OrganisationKind.ADMINISTRATION, is_active=True
    ).only("pk", "region_code", "level", "name", "kind")
    best: tuple[int, int, Organisation] | None = None
    for administration in candidates:
        prefix = region_prefix(administration.region_code)
        if administration.region_code and not prefix:
            continue
        if region_code.startswith(prefix):
            key = (len(prefix), -administration.pk)
            if best is None or key > best[:2]:
                best = (key[0], key[1], administration)
    return best[2] if best is not None else None


def route(region_code: str, kind: str) -> Route:
    """The receiving body of a request of ``kind`` from an enterprise in ``region_code``."""
    region_code = (region_code or "").strip()
    rules = [
        rule
        for rule in RoutingRule.objects.filter(
            is_active=True, station__is_active=True
        ).select_related("station")
        if rule.matches(region_code, kind)
    ]
    if rules:
        rule = min(rules, key=_rule_order)
        return Route(rule.station, rule)
    administration = _administration_for(region_code) if region_code else None
    if administration is None:
        raise ActionError(
            ServiceErrorCode.NOT_ROUTED,
            _(
                "No service station or copyright administration serves region %(region)s yet. "
                "Ask your copyright administration to add a routing rule."
            )
            % {"region": region_code or "—"},
            field="region_code",
            status=422,
        )
    return Route(administration, None)


# ------------------------------------------------------------------ maintaining rules


def _clean_rule(
    station: Organisation | None, prefix: str, kinds: Iterable[str], priority: Any, note: str
) -> tuple[Organisation, str, list[str], int, str]:
    if station is None or station.kind not in RECEIVING_KINDS or not station.is_active:
        raise invalid(
            _("Choose an active service station or administration to receive the requests."),
            "station",
        )
    prefix = (prefix or "").strip()
    try:
        region_prefix_validator(prefix)
    except Exception:
        raise invalid(
            _("A region prefix is the first 2 to 6 digits of GB/T 2260 codes, e.g. 44 or 4407."),
            "region_prefix",
        ) from None
    chosen: list[str] = []
    for kind in kinds:
        kind = str(kind).strip()
        if not kind:
            continue
        if kind not in RequestKind.values:
            raise invalid(
                _("Unknown request kind %(kind)s; use one of: %(kinds)s.")
                % {"kind": kind[:40], "kinds": ", ".join(RequestKind.values)},
                "kinds",
            )
        if kind not in chosen:
            chosen.append(kind)
    try:
        number = int(priority)
    except (TypeError, ValueError):
        raise invalid(_("The priority is a whole number from 0 to 1000."), "priority") from None
    if not 0 <= number <= PRIORITY_MAX:
        raise invalid(_("The priority is a whole number from 0 to 1000."), "priority")
    note = clean_text(note, "note", NOTE_MAX)
    return station, prefix, sorted(chosen, key=RequestKind.values.index), number, note


def _require_router(actor: Actor, prefix: str) -> None:
    if actor.user is not None and not may_route_region(actor.user, prefix):
        raise forbidden(
            _("Only the supervisor of the region's copyright administration maintains its rules.")
        )


@transaction.atomic
def create_rule(
    actor: Actor,
    station: Organisation | None,
    *,
    region_prefix: str,
    kinds: Iterable[str] = (),
    priority: Any = 100,
    note: str = "",
) -> RoutingRule:
    station, prefix, chosen, number, note = _clean_rule(
        station, region_prefix, kinds, priority, note
    )
    _require_router(actor, prefix)
    rule = RoutingRule.objects.create(
        station=station,
        region_prefix=prefix,
        kinds=chosen,
        priority=number,
        note=note,
        created_by=actor.user,
    )
    record(
        actor,
        "services.routing_rule.create",
        rule,
        organisation=station,
        params={"region_prefix": prefix, "kinds": chosen, "priority": number},
    )
    return rule


@transaction.atomic
def deactivate_rule(actor: Actor, rule: RoutingRule) -> RoutingRule:
    """Stop routing by ``rule`` (kept, inactive, so the requests it routed still name it)."""
    rule = RoutingRule.objects.select_for_update().get(pk=rule.pk)
    _require_router(actor, rule.region_prefix)
    if not rule.is_active:
        return rule
    rule.is_active = False
    rule.save(update_fields=["is_active"])
    record(actor, "services.routing_rule.deactivate", rule, organisation=rule.station)
    return rule


@dataclass(frozen=True)
class RuleRow:
    """One rule to import: ``station`` is an organisation id or its exact name."""

    station: str
    region_prefix: str
    kinds: tuple[str, ...]
    priority: str
    note: str = ""


def _station_by(reference: str) -> Organisation | None:
    reference = (reference or "").strip()
    query = Organisation.objects.filter(kind__in=RECEIVING_KINDS, is_active=True)
    if reference.isdigit():
        return query.filter(pk=int(reference)).first()
    matches = list(query.filter(name=reference)[:2]) or list(query.filter(name_en=reference)[:2])
    return matches[0] if len(matches) == 1 else None


@transaction.atomic
def import_rules(actor: Actor, rows: list[RuleRow], *, replace: bool = False) -> int:
    """Add every rule of ``rows``, or none: a bad row raises ``ActionError`` whose message
    names its line (1 = the first row). ``replace`` first deactivates the active rules of
    the stations named. Identical active rules are not added twice. Returns how many were
    added."""
    cleaned = []
    for line, row in enumerate(rows, start=1):
        try:
            station = _station_by(row.station)
            if station is None:
                raise invalid(
                    _("No active station or administration is called %(name)s.")
                    % {"name": row.station[:80]},
                    "station",
                )
            cleaned.append(
                _clean_rule(station, row.region_prefix, row.kinds, row.priority, row.note)
            )
        except ActionError as error:
            raise ActionError(
                error.code,
                _("Row %(line)d: %(message)s") % {"line": line, "message": error.message},
                field=error.field,
                status=error.status,
            ) from None
    for _station, prefix, *_rest in cleaned:
        _require_router(actor, prefix)
    if replace:
        stations = {c[0].pk for c in cleaned}
        for rule in RoutingRule.objects.filter(station_id__in=stations, is_active=True):
            rule.is_active = False
            rule.save(update_fields=["is_active"])
    added = 0
    for station, prefix, kinds, priority, note in cleaned:
        exists = RoutingRule.objects.filter(
            station=station, region_prefix=prefix, kinds=kinds, priority=priority, is_active=True
        ).exists()
        if exists:
            continue
        RoutingRule.objects.create(
            station=station,
            region_prefix=prefix,
            kinds=kinds,
            priority=priority,
            note=note,
            created_by=actor.user,
        )
        added += 1
    record(
        actor,
        "services.routing_rule.import",
        None,
        params={"rows": len(rows), "added": added, "replace": replace},
    )
    return added
