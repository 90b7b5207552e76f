"""The review queue, a hit's page with its match drawn as the media needs, the review
decisions (confirm, dismiss with a reason, licensed, reopen) and the hit's evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent, User
from copyguard.front.current import active_memberships
from copyguard.monitoring import access, actions
from copyguard.monitoring.enums import HitStatus, MonitoringPermission
from copyguard.monitoring.evidence.actions import capture_evidence
from copyguard.monitoring.forms import HitFilterForm, ReasonForm
from copyguard.monitoring.models import Hit
from copyguard.monitoring.views import figures
from copyguard.monitoring.views._common import (
    actor,
    is_htmx,
    page_of,
    query_without_page,
    safe_next,
    signed_in,
)
from copyguard.works.enums import FileMedia, RegistrationStatus
from copyguard.works.models import Registration

DECISIONS = ("confirm", "dismiss", "license", "reopen")
REVIEW = MonitoringPermission.REVIEW_HITS.value
CAPTURE = MonitoringPermission.CAPTURE_EVIDENCE.value
MEDIA = [(m.value, m.label) for m in FileMedia if m != FileMedia.OTHER]


def _registered(queryset: QuerySet[Hit]) -> QuerySet[Hit]:
    return queryset.select_related("work", "site").prefetch_related(
        Prefetch(
            "work__registrations",
            queryset=Registration.objects.filter(status=RegistrationStatus.REGISTERED),
            to_attr="registered",
        )
    )


def registration_number(hit: Hit) -> str:
    registered = getattr(hit.work, "registered", None)
    if registered is None:
        registered = list(hit.work.registrations.filter(status=RegistrationStatus.REGISTERED))
    return next((r.number for r in registered if r.number), "")


def _filtered(request: HttpRequest, form: HitFilterForm) -> tuple[QuerySet[Hit], str]:
    """The visible hits the filters select (all but the status), and the status chosen."""
    hits = access.hits_visible_to(signed_in(request))
    status = HitStatus.NEW.value
    if form.is_valid():
        data = form.cleaned_data
        # No status parameter at all: the new hits. An empty one: every status.
        status = data["status"] if "status" in request.GET else HitStatus.NEW.value
        if data["medium"]:
            hits = hits.filter(media=data["medium"])
        if data["site"].strip():
            hits = hits.filter(site__domain__icontains=data["site"].strip())
        work = data["work"].strip()
        if work:
            hits = hits.filter(
                Q(work__title__icontains=work) | Q(work__registrations__number__iexact=work)
            ).distinct()
        if data["key_works"]:
            hits = hits.filter(priority=True)
    return hits, status


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    form = HitFilterForm(request.GET or None, media=MEDIA)
    hits, status = _filtered(request, form)
    counts = dict(hits.order_by().values_list("status").annotate(n=Count("pk", distinct=True)))
    if status:
        hits = hits.filter(status=status)
    hits = _registered(hits).order_by("-priority", "-first_seen_at", "-id")
    page = page_of(request, hits)
    user = signed_in(request)
    mine = access.monitoring_permissions(user)
    rows = [_row(user, hit, mine=mine) for hit in page.object_list]
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("status", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "status": status,
        "tabs": [
            {
                "value": value,
                "label": label,
                "count": counts.get(value, 0),
                "query": _with(params, status=value),
            }
            for value, label in HitStatus.choices
        ],
        "all_count": sum(counts.values()),
        "all_query": _with(params, status=""),
        "query": query_without_page(request),
        "next": request.get_full_path(),
    }
    return render(request, "monitoring/queue.html", context)


def _with(params: Any, **changes: str) -> str:
    copy = params.copy()
    for key, value in changes.items():
        copy[key] = value
    return str(copy.urlencode())


def may_license(user: User, hit: Hit) -> bool:
    """Licensing puts the site on the rights holder's allow-list: its reviewers only."""
    if user.is_superuser:
        return True
    return REVIEW in access.monitoring_permissions(user).get(hit.work.owner_id, frozenset())


def _row(
    user: User, hit: Hit, *, error: str = "", mine: dict[int, frozenset[str]] | None = None
) -> dict[str, Any]:
    mine = access.monitoring_permissions(user) if mine is None else mine
    holder = user.is_superuser or REVIEW in mine.get(hit.work.owner_id, frozenset())
    if holder:
        may_review = True  # the work's rights holder always acts on its hits
    elif not any(REVIEW in granted for granted in mine.values()):
        may_review = False  # a reviewer nowhere: no need to work out the hit's parties
    else:
        may_review = REVIEW in access.hit_permissions(user, hit)
    return {
        "hit": hit,
        "number": registration_number(hit),
        "may_review": may_review,
        "may_license": may_review and holder,
        "error": error,
    }


# ---------------------------------------------------------------- a hit's page


def _history(hit: Hit) -> list[AuditEvent]:
    """The hit's audit events, each review shown as "from → to" in status labels."""
    labels = dict(HitStatus.choices)
    events = list(
        AuditEvent.objects.filter(
            object_type=Hit._meta.label_lower, object_id=str(hit.pk)
        ).order_by("created_at", "pk")
    )
    for event in events:
        params = event.params if isinstance(event.params, dict) else {}
        before, after = params.get("from"), params.get("to")
        event.change = (  # type: ignore[attr-defined]
            (labels[before], labels[after]) if before in labels and after in labels else None
        )
        event.label = _EVENT_LABELS.get(event.action, "")  # type: ignore[attr-defined]
    return events


_EVENT_LABELS: dict[str, Any] = {
    "monitoring.hits.record": gettext_lazy("Found or seen again"),
    "monitoring.hit.recheck": gettext_lazy("Checked whether the copy is still online"),
}


def _may_open_work(request: HttpRequest, hit: Hit) -> bool:
    user = signed_in(request)
    return user.is_superuser or any(
        m.organisation_id == hit.work.owner_id for m in active_memberships(request)
    )


def _hit_page(
    request: HttpRequest,
    hit: Hit,
    *,
    dismiss_form: ReasonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in(request)
    permissions = access.hit_permissions(user, hit)
    hit = _registered(Hit.objects.filter(pk=hit.pk)).get()
    passages = [p for p in hit.passages or [] if isinstance(p, dict)]
    context = {
        "hit": hit,
        "number": registration_number(hit),
        "may_review": REVIEW in permissions,
        "may_license": REVIEW in permissions and may_license(user, hit),
        "may_capture": CAPTURE in permissions,
        "may_open_work": _may_open_work(request, hit),
        "passages": passages,
        "box": figures.box_figure(hit.box, hit.detail) if hit.media == "image" else None,
        "timeline": figures.timeline(hit.segments, hit.detail)
        if hit.media in ("audio", "video")
        else None,
        "evidence": hit.evidence.select_related("ledger_entry").order_by("-requested_at", "-id"),
        "history": _history(hit),
        "sources": hit.sources.all(),
        "dismiss_form": dismiss_form or ReasonForm(prefix="dismiss"),
        "license_form": ReasonForm(prefix="license"),
    }
    return render(request, "monitoring/hit.html", context, status=status)


@login_required
@require_safe
def hit_detail(request: HttpRequest, hit_id: int) -> HttpResponse:
    hit, _may = access.get_hit_for_user(signed_in(request), hit_id)
    return _hit_page(request, hit)


@login_required
@require_POST
def hit_decide(request: HttpRequest, hit_id: int, decision: str) -> HttpResponse:
    """Confirm, dismiss (a reason is required), mark as licensed or reopen a hit.

    From the queue (htmx) the answer is the hit's row again; otherwise a redirect, or the
    hit's page with the form's error."""
    if decision not in DECISIONS:
        raise Http404("No such decision")
    hit, _may = access.get_hit_for_user(signed_in(request), hit_id, write=True)
    form = ReasonForm(request.POST, prefix=decision)
    error = ""
    try:
        if decision == "confirm":
            # Confirmation is what evidence is for: it is captured at once.
            actions.confirm_hit(actor(request), hit, capture=True)
            done = _("The hit is confirmed as an infringement; evidence is being captured.")
        elif decision == "dismiss":
            if not form.is_valid():
                raise _FormInvalid
            actions.dismiss_hit(actor(request), hit, form.cleaned_data["reason"])
            done = _("The hit is dismissed.")
        elif decision == "license":
            licensee = request.POST.get(f"{decision}-reason", "").strip()[:200]
            actions.license_hit(actor(request), hit, licensee=licensee)
            done = _("The hit is marked as licensed.")
        else:
            actions.reopen_hit(actor(request), hit)
            done = _("The hit is open for review again.")
    except _FormInvalid:
        error = _("Give a reason for dismissing the hit.")
    except ActionError as exc:
        error = str(exc.message)
        form.add_action_error(exc)
    hit.refresh_from_db()
    if is_htmx(request):
        row = _row(
            signed_in(request), _registered(Hit.objects.filter(pk=hit.pk)).get(), error=error
        )
        row["done"] = "" if error else done
        return render(request, "monitoring/includes/queue_row.html", {"row": row})
    if error:
        if decision == "dismiss":
            return _hit_page(request, hit, dismiss_form=form, status=400)
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(safe_next(request, reverse("monitoring:hit", args=[hit.pk])))


class _FormInvalid(Exception):
    pass


@login_required
@require_POST
def hit_recheck(request: HttpRequest, hit_id: int) -> HttpResponse:
    """Fetch the copy again now and record whether it is still online."""
    from copyguard.monitoring.actions.recheck import RecheckOutcome

    hit, _may = access.get_hit_for_user(signed_in(request), hit_id, write=True)
    try:
        hit = actions.recheck_hit(actor(request), hit)
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        found = (hit.detail or {}).get("recheck") or {}
        outcome = found.get("outcome", "")
        if outcome in RecheckOutcome.values and outcome != RecheckOutcome.FAILED:
            messages.success(request, str(RecheckOutcome(outcome).label))
        else:
            messages.warning(
                request,
                _("The copy could not be checked: %(error)s") % {"error": found.get("error", "")},
            )
    return redirect("monitoring:hit", hit.pk)


# ---------------------------------------------------------------- evidence


@login_required
@require_POST
def evidence_capture(request: HttpRequest, hit_id: int) -> HttpResponse:
    hit, _may = access.get_hit_for_user(signed_in(request), hit_id, write=True, permission=CAPTURE)
    try:
        capture_evidence(actor(request), hit)
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Evidence is being captured; this takes a minute."))
    return redirect(reverse("monitoring:hit", args=[hit.pk]) + "#evidence")


def bundle_path(bundle_name: str) -> Path | None:
    """The bundle's file under the evidence directory, or None for a name that is not a
    plain file name (never a path outside the directory)."""
    if not bundle_name or Path(bundle_name).name != bundle_name or bundle_name.startswith("."):
        return None
    return Path(settings.DATA_DIR) / "monitoring" / "evidence" / bundle_name


@login_required
@require_safe
def evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence, _may = access.get_evidence_for_user(signed_in(request), evidence_id)
    path = bundle_path(evidence.bundle_name) if evidence.is_ready() else None
    if path is None or not path.is_file():
        raise Http404(_("The evidence bundle is not available."))
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"evidence-{evidence.pk}.zip",
        content_type="application/zip",
    )
