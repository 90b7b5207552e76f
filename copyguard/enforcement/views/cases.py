"""Pages of administrative cases: the list, opening a case (from a hit, a complaint, an
inspection or blank) and the case page with its sections — overview and threshold panel,
parties, works/hits/evidence, facts, officers, tasks, documents, decisions and timeline.

Every change is a POST to ``cases/<pk>/do/<what>/`` handled by one action; htmx forms get
the page back and swap their own section, other requests are redirected to the section.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Membership, Organisation, User
from copyguard.enforcement.access.cases import cases_visible_to, get_case_for_user
from copyguard.enforcement.actions import case_records as records
from copyguard.enforcement.actions import cases as actions
from copyguard.enforcement.actions.common import invalid
from copyguard.enforcement.enums import (
    CaseOrigin,
    CaseStatus,
    DeadlineKind,
    DecisionKind,
    DocumentKind,
    EnforcementPermission,
    Measure,
    OfficerRole,
    PartyRole,
    TaskStatus,
    ThresholdLevel,
    ThresholdScope,
    ThresholdState,
    permissions_for_role,
)
from copyguard.enforcement.models import Case, CaseDocument, CaseEvent, Deadline
from copyguard.enforcement.views._common import (
    actor,
    is_htmx,
    organisations_for,
    page_of,
    query_without_page,
    signed_in,
)
from copyguard.monitoring.enums import EvidenceStatus, HitStatus
from copyguard.monitoring.models import Evidence, Hit
from copyguard.works.models import Work

MANAGE = EnforcementPermission.MANAGE_CASES.value
DECIDE = EnforcementPermission.DECIDE.value
# Origins an officer picks when opening a case by hand (tip-offs and transfers open theirs).
OPENING_ORIGINS = (
    CaseOrigin.HIT,
    CaseOrigin.COMPLAINT,
    CaseOrigin.INSPECTION,
    CaseOrigin.CAMPAIGN,
)


# ------------------------------------------------------------------ timeline sentences

_SENTENCES: dict[str, Any] = {
    "opened": gettext_lazy("Opened the case (%(origin)s)."),
    "edited": gettext_lazy("Edited the case."),
    "party_added": gettext_lazy("Added %(name)s as %(role)s."),
    "party_edited": gettext_lazy("Changed the party %(name)s."),
    "party_removed": gettext_lazy("Removed the party %(name)s."),
    "hit_linked": gettext_lazy("Added the hit %(label)s."),
    "hit_unlinked": gettext_lazy("Removed the hit %(label)s."),
    "work_linked": gettext_lazy("Added the work %(label)s."),
    "work_unlinked": gettext_lazy("Removed the work %(label)s."),
    "evidence_linked": gettext_lazy("Added the evidence of %(label)s."),
    "evidence_unlinked": gettext_lazy("Removed the evidence of %(label)s."),
    "fact_set": gettext_lazy("Recorded %(measure)s: %(value)s."),
    "fact_removed": gettext_lazy("Removed the figure for %(measure)s."),
    "threshold_changed": gettext_lazy("Criminal thresholds: %(state)s."),
    "procuratorate_notified": gettext_lazy("The supervising procuratorates were told: %(state)s."),
    "officer_added": gettext_lazy("Assigned %(officer)s as %(role)s."),
    "officer_removed": gettext_lazy("Took %(officer)s off the case."),
    "task_added": gettext_lazy("Added the task “%(title)s”."),
    "task_done": gettext_lazy("Completed the task “%(title)s”."),
    "task_cancelled": gettext_lazy("Cancelled the task “%(title)s”."),
    "decision_proposed": gettext_lazy("Proposed: %(penalties)s."),
    "decision_rejected": gettext_lazy("Rejected the proposed decision: %(reason)s"),
    "decided": gettext_lazy("Approved the decision: %(penalties)s."),
    "document_generated": gettext_lazy("Generated the %(document)s."),
    "closed": gettext_lazy("Closed the case: %(reason)s"),
}


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def event_sentence(event: CaseEvent) -> str:
    """A readable sentence for a timeline event in the current language; kinds from other
    workflows (transfers, cooperation …) that have no sentence here are named generically."""
    params = dict(event.params or {})
    template = _SENTENCES.get(event.kind)
    if template is None:
        from copyguard.enforcement.views.transfers import event_sentence as transfer_sentence

        sentence = transfer_sentence(event)
        if sentence is not None:
            return sentence
        detail = "; ".join(
            f"{key}: {value}"
            # Sorted: PostgreSQL's jsonb does not keep the order the details were written in.
            for key, value in sorted(params.items())
            if isinstance(value, (str, int, float)) and str(value)
        )
        text = event.kind.replace("_", " ").capitalize()
        return f"{text}{' — ' + detail if detail else ''}."
    values: dict[str, Any] = dict(params)
    values.setdefault("label", "")
    if "origin" in params or event.kind == "opened":
        values["origin"] = _label(CaseOrigin, params.get("origin", ""))
    if "role" in params:
        values["role"] = (
            _label(OfficerRole, params["role"])
            if event.kind.startswith("officer")
            else _label(PartyRole, params["role"])
        )
    if "measure" in params:
        values["measure"] = _label(Measure, params["measure"])
    if "state" in params:
        values["state"] = _label(ThresholdState, params["state"])
    if "penalties" in params:
        values["penalties"] = ", ".join(_label(DecisionKind, p) for p in params["penalties"])
    if "document" in params:
        values["document"] = _label(DocumentKind, params["document"])
    for key in ("name", "officer", "title", "reason", "value"):
        values.setdefault(key, "")
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return event.kind.replace("_", " ").capitalize() + "."


# ------------------------------------------------------------------ list


def _overdue(query: QuerySet[Case], now: datetime) -> QuerySet[Case]:
    late = Deadline.objects.filter(met_at=None, cancelled_at=None, due_at__lt=now).filter(
        Q(case=OuterRef("pk")) | Q(task__case=OuterRef("pk"))
    )
    return query.filter(Exists(late))


@login_required
def cases(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    now = timezone.now()
    query = cases_visible_to(user).select_related("administration")
    status = request.GET.get("status", "")
    threshold = request.GET.get("threshold", "")
    overdue = request.GET.get("overdue") == "1"
    search = request.GET.get("q", "").strip()[:100]
    if status in CaseStatus.values:
        query = query.filter(status=status)
    if threshold in ThresholdState.values:
        query = query.filter(threshold_state=threshold)
    if overdue:
        query = _overdue(query, now)
    if search:
        query = query.filter(Q(number__icontains=search) | Q(title__icontains=search))
    page = page_of(request, query.order_by("-opened_at", "-pk"))
    page.object_list = list(page.object_list)
    late = set(
        _overdue(Case.objects.filter(pk__in=[c.pk for c in page.object_list]), now).values_list(
            "pk", flat=True
        )
    )
    for case in page.object_list:
        case.is_overdue = case.pk in late
    context = {
        "page": page,
        "statuses": CaseStatus.choices,
        "states": ThresholdState.choices,
        "status": status,
        "threshold": threshold,
        "overdue": overdue,
        "search": search,
        "query": query_without_page(request),
        "may_open": bool(
            organisations_for(request, MANAGE, kinds=(OrganisationKind.ADMINISTRATION,))
        ),
    }
    return render(request, "enforcement/cases/list.html", context)


# ------------------------------------------------------------------ new


def _hit_from_request(request: HttpRequest) -> Hit | None:
    raw = request.POST.get("hit") if request.method == "POST" else request.GET.get("hit")
    if not raw:
        return None
    from copyguard.monitoring.access import get_hit_for_user

    hit, _may = get_hit_for_user(signed_in(request), raw)
    return hit


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    """Open a case: blank, or pre-filled from a confirmed hit (``?hit=<pk>``)."""
    administrations = organisations_for(request, MANAGE, kinds=(OrganisationKind.ADMINISTRATION,))
    if not administrations:
        raise PermissionDenied(_("Cases are opened by the officers of a copyright administration."))
    hit = _hit_from_request(request)
    holders = list(
        Organisation.objects.filter(kind=OrganisationKind.RIGHTS_HOLDER, is_active=True).order_by(
            "name"
        )[:500]
    )
    values: dict[str, Any] = {
        "administration": str(administrations[0].pk),
        "origin": CaseOrigin.HIT if hit else CaseOrigin.INSPECTION,
        "online": True,
        "title": "",
        "summary": "",
        "complainant": "",
    }
    if hit is not None:
        values["title"] = _("Copy of %(work)s at %(site)s") % {
            "work": hit.work.title,
            "site": hit.site.domain if hasattr(hit.site, "domain") else hit.url,
        }
        values["summary"] = _("Found at %(url)s.") % {"url": hit.url}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values.update(
            {
                "administration": request.POST.get("administration", ""),
                "origin": request.POST.get("origin", ""),
                "online": request.POST.get("online") == "on",
                "title": request.POST.get("title", ""),
                "summary": request.POST.get("summary", ""),
                "complainant": request.POST.get("complainant", ""),
            }
        )
        administration = next(
            (a for a in administrations if str(a.pk) == values["administration"]), None
        )
        complainant = next((h for h in holders if str(h.pk) == values["complainant"]), None)
        try:
            if administration is None:
                raise invalid(_("Choose the administration handling the case."), "administration")
            if hit is not None and hit.status != HitStatus.CONFIRMED:
                raise invalid(_("Only a confirmed hit can become a case."), "hit")
            case = actions.open_case(
                actor(request),
                administration,
                title=values["title"],
                origin=values["origin"],
                summary=values["summary"],
                online=values["online"],
                hits=[hit] if hit is not None else [],
                complainant=complainant,
            )
        except ActionError as error:
            errors[error.field or "form"] = str(error.message)
            status = error.status
        else:
            messages.success(request, _("Case %(number)s was opened.") % {"number": case.number})
            return redirect("enforcement:case", pk=case.pk)
    context = {
        "administrations": administrations,
        "origins": [(o.value, o.label) for o in OPENING_ORIGINS],
        "holders": holders,
        "hit": hit,
        "values": values,
        "errors": errors,
    }
    return render(request, "enforcement/cases/new.html", context, status=status)


# ------------------------------------------------------------------ detail


def _threshold_rows(case: Case) -> list[dict[str, Any]]:
    rows = []
    for item in (case.threshold_detail or {}).get("criteria", []):
        percent = Decimal(item.get("percent", "0"))
        rows.append(
            {
                **item,
                "measure_label": _label(Measure, item["measure"]),
                "level_label": _label(ThresholdLevel, item["level"]),
                "scope_label": _label(ThresholdScope, item["scope"]),
                "bar": min(percent, Decimal(100)),
                "percent_number": percent,
            }
        )
    # Serious before especially serious, general before online, measures in their order.
    levels = list(ThresholdLevel.values)
    scopes = list(ThresholdScope.values)
    measures = list(Measure.values)
    rows.sort(
        key=lambda row: (
            levels.index(row["level"]) if row["level"] in levels else 9,
            scopes.index(row["scope"]) if row["scope"] in scopes else 9,
            measures.index(row["measure"]) if row["measure"] in measures else 99,
        )
    )
    return rows


def _percent(share: Any) -> str:
    """``0.5`` → ``50``, ``0.875`` → ``87.5``."""
    try:
        value = (Decimal(str(share)) * 100).normalize()
    except (ArithmeticError, ValueError):
        return ""
    return f"{value:f}"


def _firings(detail: dict[str, Any], key: str) -> list[str]:
    sentences = []
    for firing in detail.get(key, []):
        measures = ", ".join(_label(Measure, m) for m in firing.get("measures", []))
        level = _label(ThresholdLevel, firing.get("level", ""))
        if firing.get("how") == "combined":
            sentences.append(
                _("%(level)s: criteria combined, each at the required share (%(measures)s)")
                % {"level": level, "measures": measures}
            )
        else:
            sentences.append(_("%(level)s: %(measures)s") % {"level": level, "measures": measures})
    return sentences


def _officer_candidates(case: Case) -> list[User]:
    owners = [case.administration, *case.partners.all()]
    on_case = set(case.officers.filter(removed_at=None).values_list("user_id", flat=True))
    found: dict[int, User] = {}
    for organisation in owners:
        for membership in Membership.objects.filter(
            organisation=organisation, is_active=True, user__is_active=True
        ).select_related("user"):
            if membership.user_id in on_case:
                continue
            if MANAGE in permissions_for_role(organisation.kind, membership.role):
                found[membership.user_id] = membership.user
    return sorted(found.values(), key=lambda u: (u.get_full_name() or u.email).lower())


def _linkable(user: User, case: Case) -> dict[str, list[Any]]:
    from copyguard.monitoring.access import evidence_visible_to, hits_visible_to

    hits = list(
        hits_visible_to(user)
        .filter(status=HitStatus.CONFIRMED)
        .exclude(pk__in=case.hits.values("pk"))
        .select_related("work")
        .order_by("-first_seen_at")[:50]
    )
    works = list(
        actions.linkable_works(user).exclude(pk__in=case.works.values("pk")).order_by("title")[:50]
    )
    evidence = list(
        evidence_visible_to(user)
        .filter(status=EvidenceStatus.CAPTURED, hit__in=case.hits.all())
        .exclude(pk__in=case.evidence.values("pk"))
        .order_by("-captured_at")[:50]
    )
    return {"hits": hits, "works": works, "evidence": evidence}


def _detail(
    request: HttpRequest,
    case: Case,
    may_write: bool,
    *,
    errors: dict[str, str] | None = None,
    posted: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in(request)
    now = timezone.now()
    may_decide = actions.may_handle(user, case, DECIDE) or user.is_superuser
    facts = {fact.measure: fact for fact in case.facts.select_related("recorded_by")}
    deadline = (
        Deadline.objects.filter(case=case, kind=DeadlineKind.CASE_CLOSE).order_by("-pk").first()
    )
    tasks = list(case.tasks.select_related("assignee").order_by("status", "due_at", "pk"))
    detail = case.threshold_detail or {}
    decisions = list(case.decisions.select_related("decided_by", "approved_by").order_by("pk"))
    context = {
        "case": case,
        "may_write": may_write,
        "editable": may_write and case.status == CaseStatus.OPEN,
        "may_decide": may_decide,
        "now": now,
        "deadline": deadline,
        "overdue": deadline is not None and deadline.is_overdue(now),
        "threshold_rows": _threshold_rows(case),
        "threshold": detail,
        "combination_percent": _percent((detail.get("table") or {}).get("combination_share", "")),
        "warning_percent": _percent((detail.get("table") or {}).get("warning_share", "")),
        "fired": _firings(detail, "fired"),
        "warnings": _firings(detail, "warnings"),
        "parties": list(case.parties.order_by("role", "pk")),
        "party_roles": PartyRole.choices,
        "hits": list(case.hits.select_related("work").order_by("pk")),
        "works": list(case.works.order_by("title")),
        "evidence": list(case.evidence.select_related("hit").order_by("pk")),
        "linkable": _linkable(user, case) if may_write and case.status == CaseStatus.OPEN else {},
        "measures": [
            {"value": value, "label": label, "fact": facts.get(value)}
            for value, label in Measure.choices
        ],
        "officers": list(
            case.officers.filter(removed_at=None).select_related("user").order_by("role", "pk")
        ),
        "officer_candidates": _officer_candidates(case) if may_write else [],
        "officer_roles": OfficerRole.choices,
        "enough_officers": case.has_enough_officers(),
        "tasks": tasks,
        "open_tasks": [t for t in tasks if t.status == TaskStatus.OPEN],
        "documents": list(case.documents.select_related("created_by").order_by("-created_at")),
        "document_kinds": [(k.value, k.label) for k in records.CASE_DOCUMENT_KINDS],
        "proposed": [d for d in decisions if d.approved_by_id is None],
        "approved": [d for d in decisions if d.approved_by_id is not None],
        "penalty_kinds": DecisionKind.choices,
        "events": [
            {"event": event, "sentence": event_sentence(event)}
            for event in case.events.select_related("actor", "organisation").order_by("at", "pk")
        ],
        "errors": errors or {},
        "posted": posted or {},
    }
    return render(request, "enforcement/cases/detail.html", context, status=status)


@login_required
def case(request: HttpRequest, pk: int) -> HttpResponse:
    found, may_write = get_case_for_user(signed_in(request), pk)
    return _detail(request, found, may_write)


# ------------------------------------------------------------------ changes

Handler = Callable[[HttpRequest, Case], str]


def _party(case: Case, request: HttpRequest) -> Any:
    try:
        return case.parties.get(pk=int(request.POST.get("party", "")))
    except (ValueError, TypeError, case.parties.model.DoesNotExist):
        raise invalid(_("No such party."), "party") from None


def _party_fields(request: HttpRequest) -> dict[str, Any]:
    return {name: request.POST.get(name, "") for name in actions.PARTY_FIELDS}


def _do_edit(request: HttpRequest, case: Case) -> str:
    actions.edit_case(
        actor(request),
        case,
        title=request.POST.get("title", ""),
        summary=request.POST.get("summary", ""),
        online=request.POST.get("online") == "on",
    )
    return _("The case was saved.")


def _do_party_add(request: HttpRequest, case: Case) -> str:
    actions.add_party(
        actor(request), case, role=request.POST.get("role", ""), **_party_fields(request)
    )
    return _("The party was added.")


def _do_party_edit(request: HttpRequest, case: Case) -> str:
    actions.edit_party(
        actor(request),
        _party(case, request),
        role=request.POST.get("role", ""),
        **_party_fields(request),
    )
    return _("The party was saved.")


def _do_party_remove(request: HttpRequest, case: Case) -> str:
    actions.remove_party(actor(request), _party(case, request))
    return _("The party was removed.")


def _linked_object(request: HttpRequest, kind: str) -> Any:
    model: Any = {"hit": Hit, "work": Work, "evidence": Evidence}[kind]
    try:
        return model.objects.get(pk=int(request.POST.get(kind, "")))
    except (ValueError, TypeError, model.DoesNotExist):
        raise invalid(_("Choose what to add."), kind) from None


def _link_handler(kind: str, add: bool) -> Handler:
    def handle(request: HttpRequest, case: Case) -> str:
        obj = _linked_object(request, kind)
        function = getattr(actions, f"{'link' if add else 'unlink'}_{kind}")
        function(actor(request), case, obj)
        return _("The case was updated.")

    return handle


def _do_fact(request: HttpRequest, case: Case) -> str:
    actions.set_fact(
        actor(request),
        case,
        measure=request.POST.get("measure", ""),
        value=request.POST.get("value", ""),
        basis=request.POST.get("basis", ""),
    )
    return _("The figure was recorded and the thresholds checked again.")


def _do_fact_remove(request: HttpRequest, case: Case) -> str:
    actions.remove_fact(actor(request), case, measure=request.POST.get("measure", ""))
    return _("The figure was removed.")


def _do_reassess(request: HttpRequest, case: Case) -> str:
    actions.reassess_case(actor(request), case)
    return _("The thresholds were checked again against the table in force.")


def _user_choice(request: HttpRequest, field: str, candidates: list[User]) -> User:
    raw = request.POST.get(field, "")
    user = next((u for u in candidates if str(u.pk) == raw), None)
    if user is None:
        raise invalid(_("Choose an officer of the bureau handling the case."), field)
    return user


def _do_officer_add(request: HttpRequest, case: Case) -> str:
    user = _user_choice(request, "user", _officer_candidates(case))
    actions.add_officer(
        actor(request), case, user, role=request.POST.get("role", OfficerRole.ASSISTING)
    )
    return _("The officer was assigned.")


def _do_officer_remove(request: HttpRequest, case: Case) -> str:
    try:
        officer = case.officers.get(pk=int(request.POST.get("officer", "")))
    except (ValueError, TypeError, case.officers.model.DoesNotExist):
        raise invalid(_("No such officer."), "officer") from None
    actions.remove_officer(actor(request), officer)
    return _("The officer was taken off the case.")


def _due(raw: str) -> datetime:
    raw = (raw or "").strip()
    parsed = parse_datetime(raw) if "T" in raw or " " in raw else None
    if parsed is None:
        day = parse_date(raw) if raw else None
        if day is None:
            raise invalid(_("Enter when the task is due."), "due_at")
        parsed = datetime.combine(day, time(18, 0))
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _do_task_add(request: HttpRequest, case: Case) -> str:
    officers = [o.user for o in case.officers.filter(removed_at=None).select_related("user")]
    raw = request.POST.get("assignee", "")
    assignee = next((u for u in officers if str(u.pk) == raw), None) if raw else None
    if raw and assignee is None:
        raise invalid(_("Assign the task to an officer on the case."), "assignee")
    try:
        due = _due(request.POST.get("due_at", ""))
    except ValueError:
        raise invalid(_("Enter when the task is due."), "due_at") from None
    records.add_task(
        actor(request), case, title=request.POST.get("title", ""), due_at=due, assignee=assignee
    )
    return _("The task was added.")


def _task(case: Case, request: HttpRequest) -> Any:
    try:
        return case.tasks.get(pk=int(request.POST.get("task", "")))
    except (ValueError, TypeError, case.tasks.model.DoesNotExist):
        raise invalid(_("No such task."), "task") from None


def _do_task_done(request: HttpRequest, case: Case) -> str:
    records.complete_task(actor(request), _task(case, request))
    return _("The task is done.")


def _do_task_cancel(request: HttpRequest, case: Case) -> str:
    records.cancel_task(actor(request), _task(case, request))
    return _("The task was cancelled.")


def _do_propose(request: HttpRequest, case: Case) -> str:
    penalties = []
    for kind in request.POST.getlist("penalty"):
        penalties.append(
            {
                "kind": kind,
                "amount": request.POST.get(f"amount_{kind}", ""),
                "copies": request.POST.get(f"copies_{kind}", ""),
            }
        )
    records.propose_decision(
        actor(request), case, penalties=penalties, reasoning=request.POST.get("reasoning", "")
    )
    return _("The decision was proposed to the head of the bureau.")


def _do_approve(request: HttpRequest, case: Case) -> str:
    records.approve_decision(actor(request), case)
    return _("The decision was approved: the case is decided.")


def _do_reject(request: HttpRequest, case: Case) -> str:
    records.reject_decision(actor(request), case, reason=request.POST.get("reason", ""))
    return _("The proposal was sent back.")


def _do_document(request: HttpRequest, case: Case) -> str:
    from copyguard.enforcement.pdf import PdfUnavailable

    try:
        records.generate_document(actor(request), case, kind=request.POST.get("kind", ""))
    except PdfUnavailable as error:
        raise invalid(
            _("PDF documents cannot be generated on this server: %(error)s") % {"error": error},
            "kind",
        ) from None
    return _("The document was generated.")


def _do_close(request: HttpRequest, case: Case) -> str:
    actions.close_case(actor(request), case, reason=request.POST.get("reason", ""))
    return _("The case was closed.")


# what → (handler, section it belongs to, permission needed)
HANDLERS: dict[str, tuple[Handler, str, str]] = {
    "edit": (_do_edit, "overview", MANAGE),
    "party-add": (_do_party_add, "parties", MANAGE),
    "party-edit": (_do_party_edit, "parties", MANAGE),
    "party-remove": (_do_party_remove, "parties", MANAGE),
    "hit-link": (_link_handler("hit", True), "records", MANAGE),
    "hit-unlink": (_link_handler("hit", False), "records", MANAGE),
    "work-link": (_link_handler("work", True), "records", MANAGE),
    "work-unlink": (_link_handler("work", False), "records", MANAGE),
    "evidence-link": (_link_handler("evidence", True), "records", MANAGE),
    "evidence-unlink": (_link_handler("evidence", False), "records", MANAGE),
    "fact": (_do_fact, "facts", MANAGE),
    "fact-remove": (_do_fact_remove, "facts", MANAGE),
    "reassess": (_do_reassess, "facts", MANAGE),
    "officer-add": (_do_officer_add, "officers", MANAGE),
    "officer-remove": (_do_officer_remove, "officers", MANAGE),
    "task-add": (_do_task_add, "tasks", MANAGE),
    "task-done": (_do_task_done, "tasks", MANAGE),
    "task-cancel": (_do_task_cancel, "tasks", MANAGE),
    "propose": (_do_propose, "decisions", MANAGE),
    "approve": (_do_approve, "decisions", DECIDE),
    "reject": (_do_reject, "decisions", DECIDE),
    "document": (_do_document, "documents", MANAGE),
    "close": (_do_close, "decisions", MANAGE),
}


@login_required
def case_do(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    if what not in HANDLERS:
        raise Http404(_("No such change"))
    handler, section, permission = HANDLERS[what]
    found, _may = get_case_for_user(signed_in(request), pk, write=True, permission=permission)
    try:
        message = handler(request, found)
    except ActionError as error:
        found.refresh_from_db()
        _case, may_write = get_case_for_user(signed_in(request), pk)
        return _detail(
            request,
            found,
            may_write,
            errors={section: str(error.message), "field": error.field or ""},
            posted={"section": section, **request.POST.dict()},
            # htmx swaps only successful answers: the form and its error come back as 200.
            status=200 if is_htmx(request) else error.status,
        )
    if is_htmx(request):
        found.refresh_from_db()
        _case, may_write = get_case_for_user(signed_in(request), pk)
        return _detail(request, found, may_write, posted={"section": section, "done": message})
    messages.success(request, message)
    return redirect(reverse("enforcement:case", args=[found.pk]) + f"#{section}")


@login_required
def case_document(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    found, _may = get_case_for_user(signed_in(request), pk)
    try:
        document = found.documents.get(pk=document_pk)
    except (CaseDocument.DoesNotExist, ValueError):
        raise Http404(_("No such document")) from None
    location = records.case_document_path(document)
    if location is None:
        raise Http404(_("The document is missing from storage."))
    response = FileResponse(
        location.open("rb"),
        as_attachment=True,
        filename=f"{found.number}-{document.kind}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("cases/", cases, name="cases"),
    path("cases/new/", case_new, name="case_new"),
    path("cases/<int:pk>/", case, name="case"),
    path("cases/<int:pk>/do/<str:what>/", case_do, name="case_do"),
    path("cases/<int:pk>/documents/<int:document_pk>/", case_document, name="case_document"),
]
