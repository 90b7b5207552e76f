"""Pages of special support funds: the public list and page of each programme, publishing
and managing a programme, applying, an application's page (eligibility per rule,
documents, review, decision, disbursements and history) and a programme's totals with CSV.
Refusals of the actions are shown as messages on the page the form was on."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import User
from copyguard.front.pages import actor, page_of, signed_in
from copyguard.services.funds import access, actions, report
from copyguard.services.funds.enums import ApplicationStatus, ProgrammeStatus
from copyguard.services.funds.examples import CRITERIA, DOCUMENTS
from copyguard.services.funds.history import history
from copyguard.services.funds.models import FundProgramme

PAGE_SIZE = 25
EXAMPLE_RULES = [
    {"kind": "organisation_kind", "in": ["rights_holder"]},
    {"kind": "region_prefix", "value": "4407"},
    {"kind": "registered_works_at_least", "value": 3},
]


def _user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


@require_safe
def programme_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    programmes = access.programmes_visible_to(user).select_related("administration")
    status = request.GET.get("status", "")
    if status in ProgrammeStatus.values:
        programmes = programmes.filter(status=status)
    context: dict[str, Any] = {
        "page": page_of(request, programmes.order_by("-opens_at", "-pk"), PAGE_SIZE),
        "status": status,
        "statuses": ProgrammeStatus.choices,
        "now": timezone.now(),
    }
    if user is not None:
        visible = access.applications_visible_to(user).select_related("programme", "applicant")
        own_ids = access.organisations_with(user, access.VIEW)
        context["own"] = list(visible.filter(applicant_id__in=own_ids).order_by("-created_at")[:50])
        context["administrations"] = access.administrations_for(user)
    return render(request, "funds/list.html", context)


def _programme_data(request: HttpRequest) -> actions.ProgrammeData:
    def parsed(name: str) -> Any:
        text = request.POST.get(name, "").strip()
        if not text:
            return []
        if len(text) > 100_000:
            raise actions.invalid(_("This field is too long."), name)
        try:
            return json.loads(text)
        except ValueError:
            raise actions.invalid(_("This is not valid JSON."), name) from None

    def moment(name: str) -> Any:
        value = (
            parse_datetime(request.POST.get(name, "").strip()) if request.POST.get(name) else None
        )
        return value

    try:
        opens_at, closes_at = moment("opens_at"), moment("closes_at")
    except ValueError:
        raise actions.invalid(_("Enter a date and time."), "opens_at") from None
    return actions.ProgrammeData(
        title=request.POST.get("title", ""),
        title_en=request.POST.get("title_en", ""),
        description=request.POST.get("description", ""),
        description_en=request.POST.get("description_en", ""),
        total_budget=request.POST.get("total_budget", ""),
        max_award=request.POST.get("max_award", ""),
        opens_at=opens_at,  # type: ignore[arg-type]
        closes_at=closes_at,  # type: ignore[arg-type]
        eligibility_rules=parsed("eligibility_rules"),
        required_documents=parsed("required_documents"),
        scoring_criteria=parsed("scoring_criteria"),
    )


def _form_values(programme: FundProgramme | None, post: Any = None) -> dict[str, Any]:
    if post is not None:
        return {key: post.get(key, "") for key in post}
    if programme is None:
        now = timezone.localtime()
        return {
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M"),
            "eligibility_rules": json.dumps(EXAMPLE_RULES, ensure_ascii=False, indent=2),
            "required_documents": json.dumps(DOCUMENTS, ensure_ascii=False, indent=2),
            "scoring_criteria": json.dumps(CRITERIA, ensure_ascii=False, indent=2),
        }
    return {
        "title": programme.title,
        "title_en": programme.title_en,
        "description": programme.description,
        "description_en": programme.description_en,
        "total_budget": programme.total_budget,
        "max_award": programme.max_award,
        "opens_at": timezone.localtime(programme.opens_at).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": timezone.localtime(programme.closes_at).strftime("%Y-%m-%dT%H:%M"),
        "eligibility_rules": json.dumps(programme.eligibility_rules, ensure_ascii=False, indent=2),
        "required_documents": json.dumps(
            programme.required_documents, ensure_ascii=False, indent=2
        ),
        "scoring_criteria": json.dumps(programme.scoring_criteria, ensure_ascii=False, indent=2),
    }


@login_required
def programme_new(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    administrations = access.administrations_for(user)
    if not administrations:
        raise PermissionDenied(_("Your role does not allow this"))
    error = None
    if request.method == "POST":
        chosen = {str(o.pk): o for o in administrations}.get(request.POST.get("administration", ""))
        try:
            if chosen is None:
                raise actions.invalid(
                    _("Choose the administration publishing the programme."), "administration"
                )
            programme = actions.create_programme(actor(request), chosen, _programme_data(request))
        except ActionError as exc:
            error = exc
        else:
            messages.success(request, _("The programme has been saved as a draft."))
            return redirect("funds:programme", programme.pk)
    values = _form_values(None, request.POST if request.method == "POST" else None)
    return render(
        request,
        "funds/programme_form.html",
        {"administrations": administrations, "values": values, "error": error, "programme": None},
        status=400 if error else 200,
    )


@login_required
def programme_edit(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme, _granted = access.get_programme_for_user(
        signed_in(request), programme_id, access.MANAGE
    )
    if programme.status != ProgrammeStatus.DRAFT:
        messages.error(request, _("Only a draft programme can be changed."))
        return redirect("funds:programme", programme.pk)
    error = None
    if request.method == "POST":
        try:
            actions.update_programme(actor(request), programme, _programme_data(request))
        except ActionError as exc:
            error = exc
        else:
            messages.success(request, _("The programme has been saved."))
            return redirect("funds:programme", programme.pk)
    values = _form_values(programme, request.POST if request.method == "POST" else None)
    return render(
        request,
        "funds/programme_form.html",
        {"values": values, "error": error, "programme": programme},
        status=400 if error else 200,
    )


@require_safe
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    user = _user(request)
    programme, granted = access.get_programme_for_user(user, programme_id)
    context: dict[str, Any] = {
        "programme": programme,
        "granted": granted,
        "may_manage": access.MANAGE in granted,
    }
    if user is not None:
        context["applicants"] = (
            access.applicants_for(user) if programme.accepts_applications() else []
        )
        if access.VIEW in granted:
            applications = (
                access.applications_visible_to(user)
                .filter(programme=programme)
                .select_related("applicant")
                .order_by("-score", "submitted_at", "pk")
            )
            context["applications"] = page_of(request, applications, PAGE_SIZE)
            context["totals"] = report.totals(programme)
    context["accepts"] = programme.accepts_applications()
    return render(request, "funds/programme.html", context)


@login_required
@require_POST
def programme_status(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme, _granted = access.get_programme_for_user(
        signed_in(request), programme_id, access.MANAGE
    )
    step = {
        "open": actions.open_programme,
        "close": actions.close_programme,
        "finish": actions.finish_programme,
    }.get(request.POST.get("step", ""))
    if step is None:
        messages.error(request, _("Unknown step."))
    else:
        try:
            step(actor(request), programme)
        except ActionError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The programme's status has been changed."))
    return redirect("funds:programme", programme.pk)


@login_required
@require_safe
def programme_totals(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme, _granted = access.get_programme_for_user(
        signed_in(request), programme_id, access.VIEW
    )
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            report.csv_text([programme]), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="fund-{programme.pk}-totals.csv"'
        return response
    return render(
        request, "funds/totals.html", {"programme": programme, "totals": report.totals(programme)}
    )


@login_required
@require_POST
def apply(request: HttpRequest, programme_id: int) -> HttpResponse:
    user = signed_in(request)
    programme, _granted = access.get_programme_for_user(user, programme_id)
    applicant = {str(o.pk): o for o in access.applicants_for(user)}.get(
        request.POST.get("applicant", "")
    )
    if applicant is None:
        messages.error(request, _("Choose an enterprise you apply for."))
        return redirect("funds:programme", programme.pk)
    try:
        application = actions.start_application(
            actor(request),
            programme,
            applicant,
            request.POST.get("amount_requested", ""),
            request.POST.get("statement", ""),
        )
    except ActionError as exc:
        messages.error(request, str(exc.message))
        return redirect("funds:programme", programme.pk)
    messages.success(
        request, _("The application has been started. Attach the documents and submit it.")
    )
    return redirect("funds:application", application.pk)


@login_required
@require_safe
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    user = signed_in(request)
    application, granted = access.get_application_for_user(user, application_id)
    programme = application.programme
    documents = {d.requirement: d for d in application.documents.all()}
    sees_reviews = access.sees_reviews(user, application)
    reviews = list(application.reviews.select_related("reviewer")) if sees_reviews else []
    own_review = next((r for r in reviews if r.reviewer_id == user.pk), None)
    return render(
        request,
        "funds/application.html",
        {
            "application": application,
            "programme": programme,
            "granted": granted,
            "may_apply": access.APPLY in granted and application.status == ApplicationStatus.DRAFT,
            "may_withdraw": access.APPLY in granted
            and application.status
            in (
                ApplicationStatus.DRAFT,
                ApplicationStatus.SUBMITTED,
                ApplicationStatus.UNDER_REVIEW,
            ),
            "may_review": access.REVIEW in granted and application.status in access.OPEN_FOR_REVIEW,
            "may_decide": access.DECIDE in granted and application.status in access.OPEN_FOR_REVIEW,
            "may_disburse": access.DISBURSE in granted
            and application.status == ApplicationStatus.APPROVED,
            "requirements": [
                (spec, documents.get(spec["code"])) for spec in programme.required_documents
            ],
            "missing": actions.missing_documents(application),
            "sees_reviews": sees_reviews,
            "reviews": reviews,
            "own_review": own_review,
            "disbursements": list(application.disbursements.all()),
            "history": list(history(application)),
            "today": timezone.localdate().isoformat(),
            "left_to_pay": (application.amount_granted or Decimal(0)) - application.disbursed_total,
        },
    )


def _paid_on(text: str) -> date | str:
    try:
        return parse_date(text.strip()) or text
    except ValueError:
        return text


@login_required
@require_POST
def application_step(request: HttpRequest, application_id: int, step: str) -> HttpResponse:
    """One step on an application, by the name in its URL."""
    user = signed_in(request)
    needs = {
        "update": access.APPLY,
        "eligibility": access.APPLY,
        "submit": access.APPLY,
        "withdraw": access.APPLY,
        "review": access.REVIEW,
        "approve": access.DECIDE,
        "reject": access.DECIDE,
        "disburse": access.DISBURSE,
    }
    if step not in needs:
        raise Http404(_("No such step"))
    application, _granted = access.get_application_for_user(user, application_id, needs[step])
    post = request.POST
    who = actor(request)
    done = {
        "update": _("The application has been saved."),
        "eligibility": _("Eligibility has been checked again."),
        "submit": _("The application has been submitted."),
        "withdraw": _("The application has been withdrawn."),
        "review": _("Your scores have been saved."),
        "approve": _("The application has been approved."),
        "reject": _("The application has been rejected."),
        "disburse": _("The disbursement has been recorded."),
    }[step]
    try:
        if step == "update":
            actions.update_application(
                who, application, post.get("amount_requested", ""), post.get("statement", "")
            )
        elif step == "eligibility":
            actions.check_eligibility(who, application)
        elif step == "submit":
            actions.submit_application(who, application)
        elif step == "withdraw":
            actions.withdraw_application(who, application, post.get("reason", ""))
        elif step == "review":
            scores = {
                c["code"]: post.get(f"score-{c['code']}", "")
                for c in application.programme.scoring_criteria
            }
            actions.review_application(who, application, scores, post.get("comment", ""))
        elif step == "approve":
            actions.approve_application(
                who, application, post.get("amount_granted", ""), post.get("reason", "")
            )
        elif step == "reject":
            actions.reject_application(who, application, post.get("reason", ""))
        elif step == "disburse":
            actions.record_disbursement(
                who,
                application,
                post.get("amount", ""),
                _paid_on(post.get("paid_on", "")),
                post.get("reference", ""),
            )
    except ActionError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return redirect(reverse("funds:application", args=[application.pk]))


@login_required
@require_POST
def document_upload(request: HttpRequest, application_id: int, requirement: str) -> HttpResponse:
    application, _granted = access.get_application_for_user(
        signed_in(request), application_id, access.APPLY
    )
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise actions.invalid(_("Choose a file."), "file")
        actions.attach_document(actor(request), application, requirement, upload)
    except ActionError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The document has been attached."))
    return redirect("funds:application", application.pk)


@login_required
@require_POST
def document_remove(request: HttpRequest, application_id: int, requirement: str) -> HttpResponse:
    application, _granted = access.get_application_for_user(
        signed_in(request), application_id, access.APPLY
    )
    document = application.documents.filter(requirement=requirement).first()
    if document is None:
        raise Http404(_("No such document."))
    try:
        actions.remove_document(actor(request), document)
    except ActionError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The document has been removed."))
    return redirect("funds:application", application.pk)


@login_required
@require_safe
def document_download(request: HttpRequest, application_id: int, requirement: str) -> FileResponse:
    application, _granted = access.get_application_for_user(signed_in(request), application_id)
    document = application.documents.filter(requirement=requirement).first()
    if document is None:
        raise Http404(_("No such document."))
    return FileResponse(
        actions.document_path(document).open("rb"),
        as_attachment=True,
        filename=document.name,
        content_type=document.media_type,
    )
