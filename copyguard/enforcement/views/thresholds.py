"""Pages of the criminal-threshold tables: the versions, one table, and entering a new one."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from copyguard.accounts.errors import ActionError
from copyguard.enforcement.access.thresholds import (
    get_threshold_table_for_user,
    may_manage_thresholds,
    tables_visible_to,
)
from copyguard.enforcement.actions import thresholds as actions
from copyguard.enforcement.enums import Measure, ThresholdLevel, ThresholdScope
from copyguard.enforcement.models import ThresholdTable
from copyguard.enforcement.views._common import actor, signed_in

EXTRA_ROWS = 4


@login_required
def thresholds(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not tables_visible_to(user).exists() and not user.is_superuser:
        raise Http404(_("No such page"))
    tables = list(tables_visible_to(user).prefetch_related("rules").order_by("-effective_from"))
    in_force = ThresholdTable.objects.in_force()
    context = {
        "tables": tables,
        "in_force": in_force,
        "today": timezone.localdate(),
        "may_manage": may_manage_thresholds(user),
    }
    return render(request, "enforcement/thresholds/list.html", context)


@login_required
def threshold(request: HttpRequest, pk: int) -> HttpResponse:
    table, may_manage = get_threshold_table_for_user(signed_in(request), pk)
    context = {
        "table": table,
        "rules": list(table.rules.order_by("scope", "level", "measure")),
        "in_force": ThresholdTable.objects.in_force(),
        "today": timezone.localdate(),
        "may_manage": may_manage,
        "as_json": json.dumps(actions.table_as_json(table), ensure_ascii=False, indent=2),
    }
    return render(request, "enforcement/thresholds/detail.html", context)


def _rows_from_post(request: HttpRequest) -> list[dict[str, Any]]:
    rows = []
    raw_count = request.POST.get("row_count", "0")
    count = min(int(raw_count), 200) if raw_count.isdigit() else 0
    for index in range(count):
        prefix = f"rule-{index}-"
        amount = request.POST.get(prefix + "amount", "").strip()
        if not amount:
            continue  # an empty row is left out
        rows.append(
            {
                "scope": request.POST.get(prefix + "scope", ""),
                "measure": request.POST.get(prefix + "measure", ""),
                "level": request.POST.get(prefix + "level", ""),
                "amount": amount,
                "combinable": request.POST.get(prefix + "combinable") == "on",
                "article": request.POST.get(prefix + "article", ""),
            }
        )
    return rows


@login_required
def threshold_new(request: HttpRequest) -> HttpResponse:
    """Enter a new version (pre-filled with the rules of the table in force)."""
    user = signed_in(request)
    if not may_manage_thresholds(user):
        raise PermissionDenied(_("Only the head of an administration maintains threshold tables"))
    current = ThresholdTable.objects.in_force()
    error = None
    field = ""
    status = 200
    values: dict[str, Any]
    if request.method == "POST":
        data: dict[str, Any] = {
            key: request.POST.get(key, "")
            for key in (
                "name",
                "name_en",
                "legal_source",
                "effective_from",
                "combination_share",
                "combination_count",
                "warning_share",
                "notes",
            )
        }
        data["rules"] = _rows_from_post(request)
        try:
            table = actions.create_table(actor(request), data)
        except ActionError as failure:
            error, field, status = str(failure.message), failure.field or "", failure.status
            values = data
        else:
            messages.success(request, _("The threshold table was entered."))
            return redirect("enforcement:threshold", pk=table.pk)
    else:
        values = actions.table_as_json(current) if current else {"rules": []}
        values.update(
            {"name": "", "name_en": "", "legal_source": "", "effective_from": "", "notes": ""}
        )
    rules: list[dict[str, Any]] = list(values.get("rules") or [])
    rules += [
        {"scope": "", "measure": "", "level": "", "amount": "", "combinable": False, "article": ""}
        for _extra in range(EXTRA_ROWS)
    ]
    context = {
        "values": values,
        "rules": rules,
        "row_count": len(rules),
        "error": error,
        "field": field,
        "scopes": ThresholdScope.choices,
        "measures": Measure.choices,
        "levels": ThresholdLevel.choices,
        "current": current,
    }
    return render(request, "enforcement/thresholds/new.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("thresholds/", thresholds, name="thresholds"),
    path("thresholds/new/", threshold_new, name="threshold_new"),
    path("thresholds/<int:pk>/", threshold, name="threshold"),
]
