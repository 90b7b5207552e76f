"""Pages of enterprise check-ups: the list (an enterprise's years, a region's submitted
check-ups), starting a year, the questionnaire (save a draft, submit), the report with its
PDF, and comments of the region's administrations and stations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.enforcement.pdf import PdfUnavailable, render_document
from copyguard.front.pages import actor, page_of, query_without_page, signed_in
from copyguard.services.checkups import access, actions
from copyguard.services.checkups.enums import CheckUpStatus, RiskLevel
from copyguard.services.checkups.models import CheckUp
from copyguard.services.checkups.questionnaire import from_models
from copyguard.services.checkups.report import build_report

PAGE_SIZE = 25
MAX_DOMAIN_TEXT = 5000


def _years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, max(actions.FIRST_YEAR, this_year - 9) - 1, -1))


@login_required
@require_safe
def checkup_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    visible = access.checkups_visible_to(user).select_related("enterprise")
    own_ids = set(access.organisations_with(user, access.VIEW))
    own = list(visible.filter(enterprise_id__in=own_ids).order_by("enterprise__name", "-year"))
    region = visible.filter(status=CheckUpStatus.SUBMITTED).exclude(enterprise_id__in=own_ids)
    year = request.GET.get("year", "")
    level = request.GET.get("risk", "")
    if year.isdigit():
        region = region.filter(year=int(year))
    if level in RiskLevel.values:
        region = region.filter(risk_level=level)
    reviewer = bool(access.organisations_with(user, access.REVIEW)) or user.is_superuser
    return render(
        request,
        "checkups/list.html",
        {
            "own": own,
            "enterprises": access.enterprises_for(user),
            "years": _years(),
            "reviewer": reviewer,
            "region_page": page_of(
                request, region.order_by("-year", "enterprise__name", "pk"), PAGE_SIZE
            )
            if reviewer
            else None,
            "query": query_without_page(request),
            "year": year,
            "risk": level,
            "risk_levels": RiskLevel.choices,
        },
    )


@login_required
@require_POST
def checkup_start(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    enterprises = {str(o.pk): o for o in access.enterprises_for(user)}
    enterprise = enterprises.get(request.POST.get("enterprise", ""))
    if enterprise is None:
        messages.error(request, _("Choose an enterprise you fill in check-ups for."))
        return redirect("checkups:list")
    raw_year = request.POST.get("year", "")
    try:
        checkup = actions.start_checkup(
            actor(request), enterprise, int(raw_year) if raw_year.isdigit() else -1
        )
    except ActionError as exc:
        existing = CheckUp.objects.filter(
            enterprise=enterprise, year=int(raw_year) if raw_year.isdigit() else -1
        ).first()
        if exc.code == "duplicate" and existing is not None:
            messages.info(request, str(exc.message))
            return redirect("checkups:checkup", existing.pk)
        messages.error(request, str(exc.message))
        return redirect("checkups:list")
    return redirect("checkups:checkup", checkup.pk)


def _form_context(
    checkup: CheckUp, *, answers: dict[str, str] | None = None, domains: str | None = None
) -> dict[str, Any]:
    spec = from_models(checkup.questionnaire)
    current = answers if answers is not None else dict(checkup.answers)
    return {
        "spec": spec,
        "answers": current,
        "domains_text": domains if domains is not None else "\n".join(checkup.own_domains),
        "answered": sum(1 for q in spec.questions() if current.get(q.code)),
        "total": len(spec.questions()),
    }


@login_required
@require_safe
def checkup_detail(request: HttpRequest, checkup_id: int) -> HttpResponse:
    user = signed_in(request)
    checkup, may_write = access.get_checkup_for_user(user, checkup_id)
    context: dict[str, Any] = {"checkup": checkup, "may_write": may_write}
    if checkup.is_draft():
        context.update(_form_context(checkup))
        context["report"] = build_report(checkup)
        return render(request, "checkups/form.html", context)
    context.update(
        report=build_report(checkup),
        comments=checkup.comments.select_related("organisation", "author"),
        commenting=access.commenting_organisations(user, checkup),
    )
    return render(request, "checkups/report.html", context)


@login_required
@require_POST
def checkup_save(request: HttpRequest, checkup_id: int) -> HttpResponse:
    user = signed_in(request)
    checkup, _may_write = access.get_checkup_for_user(user, checkup_id, write=True)
    if not checkup.is_draft():
        messages.error(request, _("This check-up has been submitted and no longer changes."))
        return redirect("checkups:checkup", checkup.pk)
    spec = from_models(checkup.questionnaire)
    answers = {q.code: request.POST.get(f"q-{q.code}", "")[:100] for q in spec.questions()}
    domains_text = request.POST.get("own_domains", "")[:MAX_DOMAIN_TEXT]
    submitting = "submit" in request.POST
    try:
        actions.save_answers(
            actor(request), checkup, answers, own_domains=domains_text.splitlines()
        )
        if submitting:
            actions.submit_checkup(actor(request), checkup)
    except ActionError as exc:
        context = {
            "checkup": checkup,
            "may_write": True,
            "error": exc.message,
            "error_field": exc.field,
            "report": build_report(checkup),
            **_form_context(
                checkup,
                answers={k: v.strip() for k, v in answers.items() if v.strip()},
                domains=domains_text,
            ),
        }
        return render(
            request, "checkups/form.html", context, status=exc.status if exc.status != 409 else 400
        )
    if submitting:
        messages.success(request, _("The check-up has been submitted. Here is its report."))
    else:
        messages.success(request, _("Your answers have been saved."))
    return redirect("checkups:checkup", checkup.pk)


@login_required
@require_safe
def checkup_pdf(request: HttpRequest, checkup_id: int) -> HttpResponse:
    checkup, _may_write = access.get_checkup_for_user(signed_in(request), checkup_id)
    if not checkup.is_submitted():
        messages.error(request, _("The report is ready once the check-up is submitted."))
        return redirect("checkups:checkup", checkup.pk)
    report = build_report(checkup)
    try:
        pdf = render_document(
            "checkups/pdf/report.html",
            {"report": report, "checkup": checkup, "title": str(checkup)},
        )
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="checkup-{checkup.pk}-{checkup.year}.pdf"'
    )
    return response


@login_required
@require_POST
def checkup_comment(request: HttpRequest, checkup_id: int) -> HttpResponse:
    user = signed_in(request)
    checkup, _may_write = access.get_checkup_for_user(user, checkup_id)
    bodies = {str(o.pk): o for o in access.commenting_organisations(user, checkup)}
    if not bodies:
        messages.error(request, _("Your role does not allow comments on this check-up."))
        return redirect("checkups:checkup", checkup.pk)
    organisation: Organisation | None = bodies.get(request.POST.get("organisation", ""))
    if organisation is None:
        organisation = next(iter(bodies.values())) if len(bodies) == 1 else None
    if organisation is None:
        messages.error(request, _("Choose the body you comment for."))
        return redirect("checkups:checkup", checkup.pk)
    try:
        actions.add_comment(
            actor(request), checkup, organisation, request.POST.get("text", "")[:10000]
        )
    except ActionError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your comment has been added."))
    return redirect(f"{checkup_url(checkup)}#comments")


def checkup_url(checkup: CheckUp) -> str:
    from django.urls import reverse

    return reverse("checkups:checkup", args=[checkup.pk])
