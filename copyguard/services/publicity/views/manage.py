"""The back office: the publisher's articles and events, writing and editing them,
attachments, publishing, archiving and cancelling, the registrations of an event with its
check-in list and attendance. Read-only members see the same pages without the forms;
members of other organisations get 404."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent, Organisation
from copyguard.front.pages import actor, page_of, query_without_page, signed_in
from copyguard.services.publicity.access import (
    EDIT,
    PUBLISH,
    VIEW,
    articles_visible_to,
    events_visible_to,
    get_article_for_user,
    get_attachment_for_user,
    get_event_for_user,
    get_registration_for_user,
    organisations_with,
    permissions_on,
    publisher_organisations,
)
from copyguard.services.publicity.actions import articles, events, registrations
from copyguard.services.publicity.checkin import checkin_rows
from copyguard.services.publicity.enums import ArticleStatus, EventStatus, RegistrationStatus
from copyguard.services.publicity.forms import (
    ArticleForm,
    AttachmentForm,
    CancelEventForm,
    EventForm,
)
from copyguard.services.publicity.markup import render as render_markup
from copyguard.services.publicity.models import Article, TrainingEvent
from copyguard.services.publicity.views.public import send_attachment

__all__ = [
    "article_action",
    "article_edit",
    "article_new",
    "attachment_add",
    "attachment_get",
    "attachment_remove",
    "attendance",
    "checkin_csv",
    "event_action",
    "event_edit",
    "event_new",
    "manage_list",
    "registration_cancel",
]

PAGE_SIZE = 25


def _member(request: HttpRequest) -> Any:
    user = signed_in(request)
    if not user.is_superuser and not organisations_with(user, VIEW):
        raise Http404(_("No such page"))
    return user


def _publisher(
    request: HttpRequest, permission: str = EDIT
) -> tuple[list[Organisation], Organisation]:
    """The organisations the user writes for, and the one chosen in the form (403 when the
    user writes for none; 404 for one they do not belong to)."""
    user = _member(request)
    choices = publisher_organisations(user, permission)
    if not choices:
        raise PermissionDenied(_("Your role does not allow writing articles or events"))
    wanted = request.POST.get("organisation") or request.GET.get("organisation")
    if not wanted:
        return choices, choices[0]
    chosen = next((o for o in choices if str(o.pk) == str(wanted)), None)
    if chosen is None:
        raise Http404(_("No such organisation"))
    return choices, chosen


def _carry_out(
    request: HttpRequest,
    form: Any,
    *,
    act: Callable[..., Any],
    target: Any,
    inputs: Callable[[dict[str, Any]], dict[str, Any]],
    saved: str,
    page: str,
) -> HttpResponse | int:
    """An article's or an event's form, when posted and valid: ``act(actor, target,
    **inputs(cleaned data))`` (create it for an organisation, or edit it), then say
    ``saved`` and go to ``page`` of what the action returns. Otherwise the status to show
    the page with: 200 when nothing was posted, 400 when the form is not valid, the
    action's when it refuses (the error goes on the form)."""
    if form is None or request.method != "POST":
        return 200
    if not form.is_valid():
        return 400
    try:
        done = act(actor(request), target, **inputs(form.cleaned_data))
    except ActionError as error:
        form.add_action_error(error)
        return error.status
    messages.success(request, saved)
    return redirect(page, pk=done.pk)


def _history(obj: Any) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).order_by("-created_at", "-pk")[:50]
    )


@login_required
@require_safe
def manage_list(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    status = request.GET.get("status", "")
    article_rows = articles_visible_to(user).select_related("publisher")
    if status in ArticleStatus.values:
        article_rows = article_rows.filter(status=status)
    event_rows = events_visible_to(user).select_related("organiser").order_by("-starts_at", "-pk")
    context = {
        "articles": page_of(request, article_rows.order_by("-updated_at", "-pk"), PAGE_SIZE),
        "events": list(event_rows[:100]),
        "query": query_without_page(request),
        "status": status,
        "statuses": ArticleStatus.choices,
        "may_write": bool(publisher_organisations(user, EDIT)),
    }
    return render(request, "publicity/manage/list.html", context)


# ------------------------------------------------------------------ articles


def _article_input(data: dict[str, Any]) -> dict[str, Any]:
    texts = dict(data)
    return {"kind": texts.pop("kind"), "texts": texts}


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    choices, chosen = _publisher(request)
    form = ArticleForm(request.POST or None)
    outcome = _carry_out(
        request,
        form,
        act=articles.create_article,
        target=chosen,
        inputs=_article_input,
        saved=_("The draft is saved."),
        page="publicity:article_manage",
    )
    if isinstance(outcome, HttpResponse):
        return outcome
    context = {"form": form, "organisations": choices, "chosen": chosen}
    return render(request, "publicity/manage/article_new.html", context, status=outcome)


def _article_page(
    request: HttpRequest, article: Article, may_write: bool, status: int = 200, **extra: Any
) -> HttpResponse:
    granted = permissions_on(signed_in(request), article.publisher_id)
    editable = may_write and article.may_edit()
    initial = {name: getattr(article, name) for name in ArticleForm.base_fields}
    context: dict[str, Any] = {
        "article": article,
        "may_write": may_write,
        "may_publish": PUBLISH in granted,
        "editable": editable,
        "form": ArticleForm(initial=initial) if editable else None,
        "attachment_form": AttachmentForm() if editable else None,
        "attachments": list(article.attachments.order_by("pk")),
        "preview": render_markup(article.body or article.body_en),
        "history": _history(article),
    }
    context.update({k: v for k, v in extra.items() if v is not None})
    return render(request, "publicity/manage/article.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article, may_write = get_article_for_user(
        signed_in(request), pk, write=request.method == "POST"
    )
    form = ArticleForm(request.POST) if request.method == "POST" else None
    outcome = _carry_out(
        request,
        form,
        act=articles.edit_article,
        target=article,
        inputs=_article_input,
        saved=_("The article is saved."),
        page="publicity:article_manage",
    )
    if isinstance(outcome, HttpResponse):
        return outcome
    return _article_page(request, article, may_write, outcome, form=form)


@login_required
@require_POST
def article_action(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    steps = {"publish": articles.publish_article, "archive": articles.archive_article}
    if what not in steps:
        raise Http404(_("No such page"))
    article, _may = get_article_for_user(signed_in(request), pk, write=True, permission=PUBLISH)
    try:
        steps[what](actor(request), article)
    except ActionError as error:
        return _article_page(request, article, True, error.status, error=str(error.message))
    done = {"publish": _("The article is published."), "archive": _("The article is archived.")}
    messages.success(request, done[what])
    return redirect("publicity:article_manage", pk=article.pk)


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    article, may_write = get_article_for_user(signed_in(request), pk, write=True)
    form = AttachmentForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            articles.add_attachment(actor(request), article, form.cleaned_data["file"])
        except ActionError as error:
            form.add_action_error(error)
            status = error.status
        else:
            messages.success(request, _("The file is attached."))
            return redirect("publicity:article_manage", pk=article.pk)
    return _article_page(request, article, may_write, status, attachment_form=form)


@login_required
@require_safe
def attachment_get(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    attachment, _may = get_attachment_for_user(signed_in(request), pk, file_pk)
    return send_attachment(attachment)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    attachment, _may = get_attachment_for_user(signed_in(request), pk, file_pk, write=True)
    try:
        articles.remove_attachment(actor(request), attachment)
    except ActionError as error:
        return _article_page(
            request, attachment.article, True, error.status, error=str(error.message)
        )
    messages.success(request, _("The file is removed."))
    return redirect("publicity:article_manage", pk=pk)


# ------------------------------------------------------------------ events


def _event_input(data: dict[str, Any]) -> dict[str, Any]:
    return {"fields": {name: data.get(name) for name in events.FIELDS}}


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    choices, chosen = _publisher(request)
    form = EventForm(request.POST or None, initial={"audience": "public"})
    outcome = _carry_out(
        request,
        form,
        act=events.create_event,
        target=chosen,
        inputs=_event_input,
        saved=_("The event is saved as a draft."),
        page="publicity:event_manage",
    )
    if isinstance(outcome, HttpResponse):
        return outcome
    context = {"form": form, "organisations": choices, "chosen": chosen}
    return render(request, "publicity/manage/event_new.html", context, status=outcome)


def _event_page(
    request: HttpRequest, event: TrainingEvent, may_write: bool, status: int = 200, **extra: Any
) -> HttpResponse:
    granted = permissions_on(signed_in(request), event.organiser_id)
    editable = may_write and event.may_edit()
    initial = {name: getattr(event, name) for name in events.FIELDS}
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        if initial[name] is not None:
            initial[name] = timezone.localtime(initial[name])
    rows = list(event.registrations.select_related("user").order_by("status", "created_at", "pk"))
    now = timezone.now()
    context: dict[str, Any] = {
        "event": event,
        "may_write": may_write,
        "may_publish": PUBLISH in granted,
        "editable": editable,
        "form": EventForm(initial=initial) if editable else None,
        "cancel_form": CancelEventForm()
        if PUBLISH in granted and event.status != EventStatus.CANCELLED
        else None,
        "figures": event.figures(),
        "confirmed": [r for r in rows if r.status == RegistrationStatus.CONFIRMED],
        "waiting": [r for r in rows if r.status == RegistrationStatus.WAITING],
        "cancelled": [r for r in rows if r.status == RegistrationStatus.CANCELLED],
        "attendance_open": may_write
        and event.status == EventStatus.PUBLISHED
        and now >= event.starts_at,
        "started": now >= event.starts_at,
        "history": _history(event),
    }
    context.update({k: v for k, v in extra.items() if v is not None})
    return render(request, "publicity/manage/event.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event, may_write = get_event_for_user(signed_in(request), pk, write=request.method == "POST")
    form = EventForm(request.POST) if request.method == "POST" else None
    outcome = _carry_out(
        request,
        form,
        act=events.edit_event,
        target=event,
        inputs=_event_input,
        saved=_("The event is saved."),
        page="publicity:event_manage",
    )
    if isinstance(outcome, HttpResponse):
        return outcome
    return _event_page(request, event, may_write, outcome, form=form)


@login_required
@require_POST
def event_action(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    if what not in ("publish", "cancel"):
        raise Http404(_("No such page"))
    event, _may = get_event_for_user(signed_in(request), pk, write=True, permission=PUBLISH)
    cancel_form = CancelEventForm(request.POST) if what == "cancel" else None
    try:
        if what == "publish":
            events.publish_event(actor(request), event)
        else:
            assert cancel_form is not None
            if not cancel_form.is_valid():
                return _event_page(request, event, True, 400, cancel_form=cancel_form)
            events.cancel_event(actor(request), event, reason=cancel_form.cleaned_data["reason"])
    except ActionError as error:
        return _event_page(
            request, event, True, error.status, error=str(error.message), cancel_form=cancel_form
        )
    messages.success(
        request, _("The event is published.") if what == "publish" else _("The event is cancelled.")
    )
    return redirect("publicity:event_manage", pk=event.pk)


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The check-in list sent back: for each confirmed registration ``attended-<id>`` is
    ``yes``, ``no`` or empty (not known)."""
    event, _may = get_event_for_user(signed_in(request), pk, write=True)
    marks: dict[int, bool | None] = {}
    for key, value in request.POST.items():
        if not key.startswith("attended-"):
            continue
        number = key.removeprefix("attended-")
        if not number.isdigit() or len(number) > 18 or value not in ("yes", "no", ""):
            return _event_page(
                request, event, True, 400, error=_("The check-in list could not be read.")
            )
        marks[int(number)] = {"yes": True, "no": False, "": None}[value]
    try:
        changed = events.record_attendance(actor(request), event, marks)
    except ActionError as error:
        return _event_page(request, event, True, error.status, error=str(error.message))
    messages.success(request, _("Attendance is saved (%(count)d changed).") % {"count": changed})
    return redirect("publicity:event_manage", pk=event.pk)


@login_required
@require_POST
def registration_cancel(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    registration, _may = get_registration_for_user(
        signed_in(request), pk, registration_pk, write=True
    )
    try:
        registrations.cancel_registration(actor(request), registration)
    except ActionError as error:
        return _event_page(
            request, registration.event, True, error.status, error=str(error.message)
        )
    messages.success(request, _("The registration is cancelled."))
    return redirect("publicity:event_manage", pk=pk)


@login_required
@require_safe
def checkin_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The check-in list as CSV (UTF-8 with a byte-order mark, for spreadsheets); filled in,
    it can be read back with ``copyguard publicity attendance``."""
    event, _may = get_event_for_user(signed_in(request), pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}-checkin.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in checkin_rows(event):
        writer.writerow(row)
    return response
