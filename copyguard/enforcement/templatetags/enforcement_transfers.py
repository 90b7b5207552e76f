"""``{% transfer_panel case %}``: a case's transfers, the form proposing the next one and
the procuratorate's open question, for whoever sees the case (the include
``enforcement/transfers/case_panel.html`` uses it, so a case page needs only that line)."""

from __future__ import annotations

from typing import Any

from django import template

from copyguard.accounts.models import User
from copyguard.enforcement.access import transfers as access
from copyguard.enforcement.access.cases import case_permissions
from copyguard.enforcement.actions import supervision
from copyguard.enforcement.actions import transfers as actions
from copyguard.enforcement.enums import EnforcementPermission
from copyguard.enforcement.models import Case

register = template.Library()


@register.inclusion_tag("enforcement/transfers/panel.html", takes_context=True)
def transfer_panel(context: template.Context, case: Case) -> dict[str, Any]:
    from copyguard.enforcement.views.transfers import AnswerForm, AskForm, ProposeForm

    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not isinstance(case, Case):
        return {"visible": False}
    if "enforcement.view" not in case_permissions(user, case):
        return {"visible": False}
    transfers = list(
        case.transfers.select_related("from_agency", "to_agency").order_by("proposed_at", "pk")
    )
    for transfer in transfers:
        transfer.steps = access.transfer_steps(user, transfer)  # type: ignore[attr-defined]
    stage = actions.next_stage(case)
    under_way = actions.in_progress(case)
    may_propose = stage is not None and under_way is None and access.may_propose(user, case)
    pending = supervision.pending_request(case)
    manage = EnforcementPermission.MANAGE_CASES.value in case_permissions(user, case)
    return {
        "visible": True,
        "case": case,
        "transfers": transfers,
        "stage": stage,
        "stage_label": actions.TransferStage(stage).label if stage else "",
        "may_propose": may_propose,
        "propose_form": ProposeForm(agencies=actions.receiving_agencies(case), prefix="propose")
        if may_propose
        else None,
        "enough_officers": case.has_enough_officers(),
        "pending": pending,
        "may_answer": pending is not None and manage,
        "answer_form": AnswerForm(prefix="answer"),
        "may_ask": case.threshold_state == "reached"
        and case.status == "open"
        and pending is None
        and bool(access.may_supervise(user, case)),
        "ask_form": AskForm(prefix="ask"),
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
