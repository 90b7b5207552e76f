"""Sources and their runs: the list, a source's form and page, starting and cancelling a
run, and a run's page whose figures refresh while it runs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.monitoring import access, actions
from copyguard.monitoring.enums import MonitoringPermission, RunStatus, SourceKind
from copyguard.monitoring.forms import SourceForm, config_field
from copyguard.monitoring.models import CrawlRun, Source
from copyguard.monitoring.sources import SOURCE_KINDS, get_kind
from copyguard.monitoring.views._common import (
    actor,
    organisations_for,
    page_of,
    signed_in,
)

MONITORING_KINDS = (OrganisationKind.RIGHTS_HOLDER, OrganisationKind.ADMINISTRATION)
MANAGE = MonitoringPermission.MANAGE_SOURCES.value


def _managed_owners(request: HttpRequest) -> list[Any]:
    return organisations_for(request, MANAGE, kinds=MONITORING_KINDS)


@login_required
@require_safe
def source_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    latest = CrawlRun.objects.filter(source=OuterRef("pk")).order_by("-queued_at", "-id")
    sources = (
        access.sources_visible_to(user)
        .select_related("owner")
        .annotate(
            hit_count=Count("hits", distinct=True),
            last_status=Subquery(latest.values("status")[:1]),
            last_run_id=Subquery(latest.values("pk")[:1]),
            last_queued=Subquery(latest.values("queued_at")[:1]),
        )
        .order_by("owner__name", "owner_id", "name", "pk")
    )
    page = page_of(request, sources)
    groups: list[dict[str, Any]] = []
    labels = dict(RunStatus.choices)
    for source in page.object_list:
        source.last_status_label = labels.get(source.last_status, "")
        if not groups or groups[-1]["owner"].pk != source.owner_id:
            groups.append({"owner": source.owner, "sources": []})
        groups[-1]["sources"].append(source)
    context = {
        "page": page,
        "groups": groups,
        "may_create": bool(_managed_owners(request)),
    }
    return render(request, "monitoring/source_list.html", context)


def _kinds() -> list[dict[str, Any]]:
    return [
        {"name": name, "label": get_kind(name).label, "description": get_kind(name).description}
        for name in SOURCE_KINDS
    ]


@login_required
@require_safe
def source_kinds(request: HttpRequest) -> HttpResponse:
    if not _managed_owners(request):
        raise PermissionDenied(_("Your role does not allow creating sources."))
    return render(request, "monitoring/source_kinds.html", {"kinds": _kinds()})


def _form_page(
    request: HttpRequest, kind: str, source: Source | None, owners: list[Any]
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = SourceForm(data, kind=kind, owners=owners, source=source)
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            try:
                if source is None:
                    owner, _may = access.get_monitoring_organisation_for_user(
                        signed_in(request),
                        form.cleaned_data["owner"],
                        permission=MANAGE,
                        write=True,
                    )
                    with transaction.atomic():
                        source = actions.create_source(
                            actor(request), owner, kind=kind, **form.settings()
                        )
                        if not form.cleaned_data["enabled"]:
                            actions.set_source_enabled(actor(request), source, False)
                    messages.success(request, _("The source is saved."))
                else:
                    with transaction.atomic():
                        actions.update_source(actor(request), source, **form.settings())
                        actions.set_source_enabled(
                            actor(request), source, form.cleaned_data["enabled"]
                        )
                    messages.success(request, _("The source's settings are saved."))
            except ActionError as error:
                form.add_action_error(error)
                status = error.status
            else:
                return redirect("monitoring:source", source_id=source.pk)
    context = {
        "form": form,
        "source": source,
        "kind": get_kind(kind),
        "kind_name": kind,
    }
    return render(request, "monitoring/source_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def source_create(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in SOURCE_KINDS:
        raise Http404("No such kind of source")
    owners = _managed_owners(request)
    if not owners:
        raise PermissionDenied(_("Your role does not allow creating sources."))
    return _form_page(request, kind, None, owners)


@login_required
@require_http_methods(["GET", "POST"])
def source_edit(request: HttpRequest, source_id: int) -> HttpResponse:
    source, _may = access.get_source_for_user(signed_in(request), source_id, write=True)
    return _form_page(request, source.kind, source, [source.owner])


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


@login_required
@require_safe
def source_detail(request: HttpRequest, source_id: int) -> HttpResponse:
    source, may_write = access.get_source_for_user(signed_in(request), source_id)
    runs = source.runs.select_related("requested_by")
    active = source.active_run()
    kind = get_kind(source.kind)
    settings = [
        {"label": config_field(name).label, "value": _shown(source.config[name])}
        for name in kind.fields
        if source.config.get(name) not in (None, "", [])
    ]
    context = {
        "source": source,
        "kind": kind,
        "settings": settings,
        "may_write": may_write,
        "active": active,
        "may_start": may_write and source.is_crawlable() and source.enabled and active is None,
        "page": page_of(request, runs, 10),
        "hit_count": source.hits.count(),
        "is_upload": source.kind == SourceKind.UPLOAD,
    }
    return render(request, "monitoring/source.html", context)


@login_required
@require_POST
def source_start(request: HttpRequest, source_id: int) -> HttpResponse:
    source, _may = access.get_source_for_user(signed_in(request), source_id, write=True)
    try:
        run = actions.start_run(actor(request), source)
    except ActionError as error:
        messages.error(request, str(error.message))
        return redirect("monitoring:source", source_id=source.pk)
    messages.success(request, _("The run is queued."))
    return redirect("monitoring:run", run_id=run.pk)


# ---------------------------------------------------------------- runs


def _run_context(run: CrawlRun, may_write: bool) -> dict[str, Any]:
    return {
        "run": run,
        "source": run.source,
        "may_cancel": may_write and run.is_active(),
        "errors": list(run.error_log or [])[-50:],
        "hits": run.hits.select_related("work", "site").order_by("-score", "-id")[:20],
    }


@login_required
@require_safe
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run, may_write = access.get_run_for_user(signed_in(request), run_id)
    return render(request, "monitoring/run.html", _run_context(run, may_write))


@login_required
@require_safe
def run_status(request: HttpRequest, run_id: int) -> HttpResponse:
    """The run's figures as a fragment; it polls itself while the run is queued or running."""
    run, may_write = access.get_run_for_user(signed_in(request), run_id)
    return render(request, "monitoring/includes/run_status.html", _run_context(run, may_write))


@login_required
@require_POST
def run_cancel(request: HttpRequest, run_id: int) -> HttpResponse:
    run, _may = access.get_run_for_user(signed_in(request), run_id, write=True)
    try:
        actions.cancel_run(actor(request), run)
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The run is cancelled."))
    return redirect("monitoring:run", run_id=run.pk)
