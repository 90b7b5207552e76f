"""Pages of public tip-offs: the report form and status look-up anyone may use, and the
administration's triage list and detail."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.enforcement.access import common as access_common
from copyguard.enforcement.access import tipoffs as access
from copyguard.enforcement.actions import tipoffs as actions
from copyguard.enforcement.actions.common import invalid
from copyguard.enforcement.downloads import tip_off_file_response
from copyguard.enforcement.enums import DeadlineKind, TipOffStatus
from copyguard.enforcement.models import Deadline, TipOff
from copyguard.enforcement.models.common import URL_LENGTH
from copyguard.enforcement.views._common import actor, page_of, query_without_page, signed_in
from copyguard.uploads import MultipleFileField

# Room for the multipart framing and the text fields around the files.
_ENVELOPE_BYTES = 256 * 1024
DECISIONS = ("review", "hit", "case", "dismiss")


# ------------------------------------------------------------------ forms


class ActionErrorForm(forms.Form):
    # The actions' field names that the form calls otherwise.
    FIELD_NAMES: dict[str, str] = {"files": "attachments", "work": "registration_number"}

    def add_action_error(self, error: ActionError) -> None:
        field = (error.field or "").split(".")[-1]
        field = self.FIELD_NAMES.get(field, field)
        self.add_error(field if field in self.fields else None, str(error.message))


class ReportForm(ActionErrorForm):
    administration = forms.TypedChoiceField(
        label=gettext_lazy("Administration"),
        coerce=int,
        help_text=gettext_lazy("The copyright administration your report goes to."),
    )
    url = forms.CharField(
        label=gettext_lazy("Address of the suspected copy"),
        max_length=URL_LENGTH,
        widget=forms.URLInput(attrs={"placeholder": "https://", "spellcheck": "false"}),
    )
    work_title = forms.CharField(
        label=gettext_lazy("Work concerned"),
        required=False,
        max_length=actions.WORK_TITLE_MAX,
        help_text=gettext_lazy("The book, film, song or program that is copied, if you know it."),
    )
    description = forms.CharField(
        label=gettext_lazy("What you found"),
        max_length=actions.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Where the copy is, what it copies and why you think it is unauthorised."
        ),
    )
    attachments = MultipleFileField(
        label=gettext_lazy("Files"),
        required=False,
        help_text=gettext_lazy(
            "Screenshots, PDF, plain text, sound or video: up to %(count)d files of %(mb)s MB each."
        ),
    )
    anonymous = forms.BooleanField(
        label=gettext_lazy("Report anonymously"),
        required=False,
        initial=True,
        help_text=gettext_lazy(
            "Untick to leave your name and a way to reach you, so the administration can ask "
            "you for more."
        ),
    )
    reporter_name = forms.CharField(
        label=gettext_lazy("Your name"), required=False, max_length=actions.NAME_MAX
    )
    reporter_contact = forms.CharField(
        label=gettext_lazy("How to reach you"),
        required=False,
        max_length=actions.CONTACT_MAX,
        help_text=gettext_lazy("An e-mail address or a telephone number."),
    )
    # A honeypot: hidden from people, filled in by form-filling robots.
    website = forms.CharField(
        label=gettext_lazy("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    form_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, data: Any = None, files: Any = None, *, administrations: list[Organisation]
    ) -> None:
        default = actions.default_administration(administrations)
        initial: dict[str, Any] = {"form_token": actions.form_token()}
        if default is not None:
            initial["administration"] = default.pk
        super().__init__(data, files, initial=initial)
        field = self.fields["administration"]
        assert isinstance(field, forms.ChoiceField)
        choices: list[tuple[Any, str]] = [
            (o.pk, f"{o.name} ({o.region_code})" if o.region_code else o.name)
            for o in administrations
        ]
        if default is None:
            choices.insert(0, ("", _("— choose —")))
        field.choices = choices
        self.administrations = {o.pk: o for o in administrations}
        files_field = self.fields["attachments"]
        files_field.help_text = str(files_field.help_text) % {
            "count": settings.TIP_OFF_MAX_FILES,
            "mb": f"{settings.TIP_OFF_MAX_BYTES / (1024 * 1024):.3g}",
        }

    def fresh_token(self) -> None:
        """Give the form a new render time (after the old one was refused)."""
        data = self.data.copy()  # type: ignore[attr-defined]
        data["form_token"] = actions.form_token()
        self.data = data


class StatusForm(ActionErrorForm):
    receipt_code = forms.CharField(
        label=gettext_lazy("Receipt code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "placeholder": "XXXX-XXXX-XXXX-XXXX",
            }
        ),
    )


class NotesForm(ActionErrorForm):
    public_note = forms.CharField(
        label=gettext_lazy("Note to the reporter"),
        required=False,
        max_length=actions.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Shown on the public status page: no personal or internal details."),
    )
    note = forms.CharField(
        label=gettext_lazy("Internal note"),
        required=False,
        max_length=actions.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HitForm(NotesForm):
    registration_number = forms.CharField(
        label=gettext_lazy("Registration number of the work"),
        max_length=64,
        help_text=gettext_lazy("The registered work the reported address copies."),
    )


class CaseForm(NotesForm):
    title = forms.CharField(label=gettext_lazy("Case title"), max_length=300)
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Empty: the reporter's description."),
    )


class DismissForm(ActionErrorForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason (internal)"),
        max_length=actions.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    public_note = NotesForm.base_fields["public_note"]


FORMS: dict[str, type[ActionErrorForm]] = {
    "review": NotesForm,
    "hit": HitForm,
    "case": CaseForm,
    "dismiss": DismissForm,
}


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All")), ("open", gettext_lazy("Open")), *TipOffStatus.choices],
    )
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)


# ------------------------------------------------------------------ public pages


def _public_actor(request: HttpRequest, via: str = "web") -> Actor:
    # The reporter's address is never recorded, not even in the audit log: only its keyed
    # hash on the tip-off, for the abuse limit.
    user = request.user if request.user.is_authenticated else None
    return Actor(user=user, ip=None, via=via)  # type: ignore[arg-type]


def _source(request: HttpRequest) -> str:
    return actions.source_hash(getattr(request, "client_ip", None))


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    limit = settings.TIP_OFF_MAX_FILES * settings.TIP_OFF_MAX_BYTES
    return length > limit + _ENVELOPE_BYTES


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """The public report form; on success the receipt, with the code shown this once."""
    administrations = actions.report_administrations()
    status = 200
    if request.method != "POST":
        form = ReportForm(administrations=administrations)
        return render(request, "enforcement/tipoffs/report.html", {"form": form})
    if _too_large(request):
        # Refused before the body is read: the form comes back empty.
        context = {
            "form": ReportForm(administrations=administrations),
            "refusal": _("The files together are too large. Send fewer or smaller files."),
        }
        return render(request, "enforcement/tipoffs/report.html", context, status=413)
    form = ReportForm(request.POST, request.FILES, administrations=administrations)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            submitted = actions.submit_tip_off(
                _public_actor(request),
                form.administrations.get(data["administration"]),
                url=data["url"],
                description=data["description"],
                work_title=data["work_title"],
                anonymous=data["anonymous"],
                reporter_name=data["reporter_name"],
                reporter_contact=data["reporter_contact"],
                files=data["attachments"],
                source=_source(request),
                form_token=data["form_token"] or "",
                honeypot=data["website"],
            )
        except ActionError as error:
            form.add_action_error(error)
            status = error.status
            if error.field == "form_token":
                form.fresh_token()
            response = render(
                request, "enforcement/tipoffs/report.html", {"form": form}, status=status
            )
            if isinstance(error, actions.RateLimitedError):
                response["Retry-After"] = str(error.retry_after)
            return response
        context = {
            "tip_off": submitted.tip_off,
            "receipt_code": submitted.receipt_code,
            "triage_days": settings.TIP_OFF_TRIAGE_DAYS,
        }
        return _private(render(request, "enforcement/tipoffs/receipt.html", context, status=201))
    return render(request, "enforcement/tipoffs/report.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_status(request: HttpRequest) -> HttpResponse:
    """Look a tip-off up by its receipt code (sent in the body, never in the address)."""
    if request.method != "POST":
        return render(request, "enforcement/tipoffs/status.html", {"form": StatusForm()})
    form = StatusForm(request.POST)
    try:
        actions.check_status_rate(_source(request))
    except actions.RateLimitedError as error:
        form.add_action_error(error)
        context: dict[str, Any] = {"form": form}
        response = render(request, "enforcement/tipoffs/status.html", context, status=429)
        response["Retry-After"] = str(error.retry_after)
        return response
    code = request.POST.get("receipt_code", "")[:40]
    tip_off = actions.find_by_receipt(code)
    # Whatever was wrong (a malformed code, an unknown one), the answer is the same.
    context = {"form": StatusForm(), "looked_up": True, "tip_off": tip_off}
    response = render(
        request, "enforcement/tipoffs/status.html", context, status=200 if tip_off else 404
    )
    return _private(response)


# ------------------------------------------------------------------ triage


def _overdue(query: QuerySet[TipOff]) -> QuerySet[TipOff]:
    late = Deadline.objects.filter(
        tip_off=OuterRef("pk"),
        kind=DeadlineKind.TIP_OFF_TRIAGE,
        met_at=None,
        cancelled_at=None,
        due_at__lt=timezone.now(),
    )
    return query.filter(Exists(late))


def _sees_tip_offs(request: HttpRequest) -> bool:
    user = signed_in(request)
    if user.is_superuser:
        return True
    return Organisation.objects.filter(
        pk__in=access_common.organisations_with(user), kind=OrganisationKind.ADMINISTRATION
    ).exists()


@login_required
@require_http_methods(["GET", "HEAD"])
def tipoffs(request: HttpRequest) -> HttpResponse:
    """The tip-offs of the user's administrations (and those below them), newest first."""
    if not _sees_tip_offs(request):
        raise PermissionDenied(_("Tip-offs are triaged by copyright administrations."))
    user = signed_in(request)
    query = access.tip_offs_visible_to(user).select_related("administration")
    filters = FilterForm(request.GET)
    if filters.is_valid():
        status = filters.cleaned_data["status"]
        if status == "open":
            query = query.filter(status__in=(TipOffStatus.RECEIVED, TipOffStatus.IN_REVIEW))
        elif status:
            query = query.filter(status=status)
        if filters.cleaned_data["overdue"]:
            query = _overdue(query)
    page = page_of(request, query.order_by("-created_at", "-pk"))
    page.object_list = list(page.object_list)
    due = {
        d.tip_off_id: d
        for d in Deadline.objects.filter(
            tip_off__in=[t.pk for t in page.object_list],
            kind=DeadlineKind.TIP_OFF_TRIAGE,
            met_at=None,
            cancelled_at=None,
        )
    }
    for item in page.object_list:
        item.triage_deadline = due.get(item.pk)
    context = {
        "page": page,
        "filters": filters,
        "query": query_without_page(request),
        "now": timezone.now(),
    }
    return render(request, "enforcement/tipoffs/list.html", context)


def _case_link(tip_off: TipOff) -> str | None:
    if tip_off.case_id is None:
        return None
    try:
        return reverse("enforcement:case", args=[tip_off.case_id])
    except NoReverseMatch:
        return None


def _detail(
    request: HttpRequest,
    tip_off: TipOff,
    may_write: bool,
    *,
    bound: tuple[str, ActionErrorForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    forms_by_name: dict[str, ActionErrorForm] = {
        name: cls(auto_id=f"{name}_%s") for name, cls in FORMS.items()
    }
    forms_by_name["case"].initial["title"] = _("Tip-off %(reference)s") % {
        "reference": tip_off.reference
    }
    if bound is not None:
        forms_by_name[bound[0]] = bound[1]
    deadline = (
        Deadline.objects.filter(tip_off=tip_off, kind=DeadlineKind.TIP_OFF_TRIAGE)
        .order_by("-pk")
        .first()
    )
    context = {
        "tip_off": tip_off,
        "may_write": may_write,
        "files": list(tip_off.files.all()),
        "forms": forms_by_name,
        "deadline": deadline,
        "now": timezone.now(),
        "case_link": _case_link(tip_off),
        "open": tip_off.is_open(),
        "may_open_case": may_write and (tip_off.is_open() or tip_off.status == TipOffStatus.HIT),
        "active": bound[0] if bound else "",
    }
    return render(request, "enforcement/tipoffs/detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def tipoff(request: HttpRequest, pk: int) -> HttpResponse:
    tip_off, may_write = access.get_tip_off_for_user(signed_in(request), pk)
    return _detail(request, tip_off, may_write)


@login_required
@require_POST
def tipoff_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in DECISIONS:
        raise Http404(_("No such decision"))
    tip_off, may_write = access.get_tip_off_for_user(signed_in(request), pk, write=True)
    form = FORMS[decision](request.POST, auto_id=f"{decision}_%s")
    if not form.is_valid():
        return _detail(request, tip_off, may_write, bound=(decision, form), status=400)
    data = form.cleaned_data
    try:
        if decision == "review":
            actions.review_tip_off(
                actor(request), tip_off, public_note=data["public_note"], note=data["note"]
            )
            message = _("The tip-off is under review.")
        elif decision == "hit":
            work = actions.registered_work(number=data["registration_number"])
            if work is None:
                raise invalid(_("No registered work has this number."), "registration_number")
            actions.tip_off_to_hit(
                actor(request),
                tip_off,
                work,
                public_note=data["public_note"],
                note=data["note"],
            )
            message = _("The address is recorded as a hit of %(title)s.") % {"title": work.title}
        elif decision == "case":
            actions.tip_off_to_case(
                actor(request),
                tip_off,
                title=data["title"],
                summary=data["summary"],
                public_note=data["public_note"],
                note=data["note"],
            )
            message = _("A case was opened from the tip-off.")
        else:
            actions.dismiss_tip_off(
                actor(request), tip_off, reason=data["reason"], public_note=data["public_note"]
            )
            message = _("The tip-off was dismissed.")
    except ActionError as error:
        form.add_action_error(error)
        tip_off.refresh_from_db()
        return _detail(request, tip_off, may_write, bound=(decision, form), status=error.status)
    messages.success(request, message)
    return redirect("enforcement:tipoff", pk=tip_off.pk)


@login_required
@require_http_methods(["GET", "HEAD"])
def tipoff_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """A file the reporter attached: always a download, never shown inline."""
    attachment, _may = access.get_tip_off_file_for_user(signed_in(request), pk, file_pk)
    return tip_off_file_response(attachment)


urlpatterns: list[URLPattern] = [
    path("report/", report, name="report"),
    path("report/status/", report_status, name="report_status"),
    path("tip-offs/", tipoffs, name="tipoffs"),
    path("tip-offs/<int:pk>/", tipoff, name="tipoff"),
    path("tip-offs/<int:pk>/files/<int:file_pk>/", tipoff_file, name="tipoff_file"),
    path("tip-offs/<int:pk>/<str:decision>/", tipoff_decide, name="tipoff_decide"),
]
