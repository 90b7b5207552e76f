"""Pages of model cities, units and parks: rounds (criteria, nominations and their
ranking), a nomination (statement, documents, entered values and their review, the
scores with every step, the decisions), and the public list and page of the awards."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.front.pages import actor, page_of, signed_in
from copyguard.insights.assessment.scoring import describe_rule, render_step
from copyguard.services.awards import access, actions
from copyguard.services.awards.documents import document_path
from copyguard.services.awards.enums import Category, Metric, Source, ValueStatus
from copyguard.services.awards.models import AwardRound, Criterion, EnteredValue, Nomination

SESSION_ERROR = "awards_error"


def _fail(request: HttpRequest, error: ActionError) -> None:
    request.session[SESSION_ERROR] = str(error.message)


def _flash(request: HttpRequest) -> str:
    return str(request.session.pop(SESSION_ERROR, ""))


def _organisation(pk: Any, choices: list[Organisation]) -> Organisation:
    for organisation in choices:
        if str(organisation.pk) == str(pk):
            return organisation
    raise ActionError("invalid", _("Choose one of the listed organisations."), field="organisation")


# ---------------------------------------------------------------- back office


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    organisers = access.organisers_for(user)
    return render(
        request,
        "awards/index.html",
        {
            "rounds": access.visible_rounds(user).annotate(
                nomination_count=Count("nominations", distinct=True)
            ),
            "organisers": organisers,
            "categories": Category.choices,
            "this_year": timezone.localdate().year,
            "error": _flash(request),
        },
    )


@login_required
@require_POST
def round_create(request: HttpRequest) -> HttpResponse:
    organisers = access.organisers_for(signed_in(request))
    if not organisers:
        raise Http404(_("No such page"))
    try:
        organiser = _organisation(request.POST.get("organiser"), organisers)
        round_ = actions.create_round(
            actor(request),
            organiser,
            year=request.POST.get("year"),
            category=request.POST.get("category"),
            title=request.POST.get("title"),
            title_en=request.POST.get("title_en"),
            notes=request.POST.get("notes"),
            notes_en=request.POST.get("notes_en"),
            nominations_open=request.POST.get("nominations_open"),
            nominations_close=request.POST.get("nominations_close"),
        )
    except ActionError as error:
        _fail(request, error)
        return redirect("awards:index")
    return redirect("awards:round", pk=round_.pk)


def _criteria(round_: AwardRound) -> list[Criterion]:
    criteria = list(round_.criteria.all())
    for criterion in criteria:
        criterion.rule_text = describe_rule(criterion.rule)  # type: ignore[attr-defined]
    return criteria


@login_required
@require_safe
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ra = access.round_for_user(signed_in(request), pk)
    round_ = ra.round
    criteria = _criteria(round_)
    nominations = list(ra.nominations().order_by("rank", "pk"))
    nominate_as = ra.nominate_as if round_.accepts_nominations() else []
    return render(
        request,
        "awards/round.html",
        {
            "round": round_,
            "access": ra,
            "criteria": criteria,
            "total_weight": sum((c.weight for c in criteria), Decimal(0)),
            "nominations": nominations,
            "nominate_as": [(o, actions.eligible_nominees(round_, o)) for o in nominate_as],
            "sources": Source.choices,
            "metrics": Metric.choices,
            "english": (get_language() or "").startswith("en"),
            "error": _flash(request),
        },
    )


def _rule_from(request: HttpRequest) -> dict[str, Any]:
    """A scoring rule from the criterion form: a kind and its parameters."""
    kind = request.POST.get("rule_kind", "")
    lower = request.POST.get("lower_is_better") == "on"
    if kind == "linear":
        return {
            "kind": kind,
            "floor": request.POST.get("floor", ""),
            "target": request.POST.get("target", ""),
        }
    if kind == "ratio_to_best":
        return {"kind": kind, "lower_is_better": lower}
    if kind == "entered":
        return {"kind": kind, "out_of": request.POST.get("out_of", "")}
    if kind == "bands":
        bound = "at_most" if lower else "at_least"
        bands = []
        for line in request.POST.get("bands", "").splitlines()[:25]:
            if ":" in line:
                threshold, share = line.split(":", 1)
                bands.append({bound: threshold.strip(), "share": share.strip()})
        return {"kind": kind, "bands": bands, "lower_is_better": lower}
    return {"kind": kind}


@login_required
@require_POST
def criterion_add(request: HttpRequest, pk: int) -> HttpResponse:
    ra = access.round_for_user(signed_in(request), pk, manage=True)
    try:
        actions.add_criterion(
            actor(request),
            ra.round,
            code=request.POST.get("code"),
            name=request.POST.get("name"),
            name_en=request.POST.get("name_en"),
            weight=request.POST.get("weight"),
            source=request.POST.get("source"),
            metric=request.POST.get("metric") if request.POST.get("source") == "computed" else "",
            rule=_rule_from(request),
            needs_documents=request.POST.get("needs_documents") == "on",
        )
    except ActionError as error:
        _fail(request, error)
    return redirect(reverse("awards:round", args=[ra.round.pk]) + "#criteria")


@login_required
@require_POST
def criterion_remove(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = Criterion.objects.filter(pk=pk).first()
    if criterion is None:
        raise Http404(_("No such criterion"))
    ra = access.round_for_user(signed_in(request), criterion.round_id, manage=True)
    try:
        actions.remove_criterion(actor(request), criterion)
    except ActionError as error:
        _fail(request, error)
    return redirect(reverse("awards:round", args=[ra.round.pk]) + "#criteria")


_ROUND_VERBS = {
    "open": actions.open_round,
    "close": actions.close_nominations,
    "evaluate": actions.evaluate,
}


@login_required
@require_POST
def round_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    if verb not in (*_ROUND_VERBS, "publish"):
        raise Http404(_("No such action"))
    user = signed_in(request)
    ra = access.round_for_user(user, pk, manage=verb != "publish", decide=verb == "publish")
    try:
        if verb == "publish":
            actions.publish_decisions(actor(request), ra.round)
        else:
            _ROUND_VERBS[verb](actor(request), ra.round)
    except ActionError as error:
        _fail(request, error)
    return redirect("awards:round", pk=ra.round.pk)


@login_required
@require_POST
def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    ra = access.round_for_user(signed_in(request), pk)
    if not ra.nominate_as:
        raise PermissionDenied(_("Your role does not allow nominating"))
    try:
        nominator = _organisation(request.POST.get("nominator"), ra.nominate_as)
        nominee = Organisation.objects.filter(pk=_int(request.POST.get("nominee"))).first()
        if nominee is None:
            raise ActionError("invalid", _("Choose the nominee."), field="nominee")
        nomination = actions.nominate(
            actor(request),
            ra.round,
            nominator=nominator,
            nominee=nominee,
            nominee_name=request.POST.get("nominee_name"),
            nominee_name_en=request.POST.get("nominee_name_en"),
            statement=request.POST.get("statement"),
            statement_en=request.POST.get("statement_en"),
            documents=request.FILES.getlist("documents"),
        )
    except ActionError as error:
        _fail(request, error)
        return redirect(reverse("awards:round", args=[ra.round.pk]) + "#nominate")
    return redirect("awards:nomination", pk=nomination.pk)


def _int(value: Any) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def score_rows(nomination: Nomination) -> list[dict[str, Any]]:
    """Each criterion's value, points and steps as sentences in the active language."""
    rows = []
    for score in nomination.scores.select_related("criterion"):
        rows.append(
            {
                "score": score,
                "criterion": score.criterion,
                "rule": describe_rule(score.criterion.rule),
                "steps": [render_step(step, _) for step in score.steps],
            }
        )
    return rows


@login_required
@require_safe
def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    na = access.nomination_for_user(signed_in(request), pk)
    nomination = na.nomination
    round_ = nomination.round
    entered = list(round_.criteria.filter(source=Source.ENTERED))
    values = {v.criterion_code: v for v in nomination.values.all()}
    return render(
        request,
        "awards/nomination.html",
        {
            "nomination": nomination,
            "round": round_,
            "access": na,
            "documents": list(nomination.documents.all()),
            "entered": [(c, values.get(c.code)) for c in entered],
            "open_values": [
                c
                for c in entered
                if values.get(c.code) is None or values[c.code].status != ValueStatus.ACCEPTED
            ],
            "rows": score_rows(nomination),
            "running": nomination.is_open() and not round_.is_decided(),
            "award": getattr(nomination, "award", None),
            "error": _flash(request),
        },
    )


@login_required
@require_POST
def nomination_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    user = signed_in(request)
    post = request.POST
    try:
        if verb in ("documents", "value", "withdraw"):
            na = access.nomination_for_user(user, pk, nominate=True)
            if verb == "documents":
                actions.add_documents(
                    actor(request), na.nomination, request.FILES.getlist("documents")
                )
            elif verb == "value":
                actions.submit_value(
                    actor(request),
                    na.nomination,
                    criterion_code=post.get("criterion"),
                    value=post.get("value"),
                    note=post.get("note"),
                )
            else:
                actions.withdraw(actor(request), na.nomination, reason=post.get("reason"))
        elif verb in ("shortlist", "reject"):
            na = access.nomination_for_user(user, pk, manage=True)
            actions.shortlist(
                actor(request),
                na.nomination,
                shortlisted=verb == "shortlist",
                reason=post.get("reason"),
            )
        elif verb in ("award", "not-award"):
            na = access.nomination_for_user(user, pk, decide=True)
            actions.decide(
                actor(request),
                na.nomination,
                award=verb == "award",
                citation=post.get("citation"),
                citation_en=post.get("citation_en"),
                reason=post.get("reason"),
            )
        else:
            raise Http404(_("No such action"))
    except ActionError as error:
        _fail(request, error)
    return redirect("awards:nomination", pk=pk)


@login_required
@require_POST
def value_review(request: HttpRequest, pk: int) -> HttpResponse:
    entered: EnteredValue = access.value_for_user(signed_in(request), pk, review=True)
    decision = request.POST.get("decision")
    try:
        if decision not in ("accept", "reject"):
            raise ActionError("invalid", pgettext("awards", "Accept or reject."), field="decision")
        actions.review_value(
            actor(request), entered, accept=decision == "accept", reason=request.POST.get("reason")
        )
    except ActionError as error:
        _fail(request, error)
    return redirect(reverse("awards:nomination", args=[entered.nomination_id]) + "#values")


@login_required
@require_safe
def document(request: HttpRequest, pk: int) -> FileResponse:
    doc = access.document_for_user(signed_in(request), pk)
    try:
        handle = document_path(doc.storage_name).open("rb")
    except (OSError, ValueError):
        raise Http404(_("The document's file is missing")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=doc.original_name, content_type=doc.media_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- public


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    awards = access.public_awards().filter(revoked_at__isnull=True)
    years = sorted(set(awards.values_list("round__year", flat=True)), reverse=True)
    year = request.GET.get("year", "")
    category = request.GET.get("category", "")
    if 2000 <= _int(year) <= 2100:
        awards = awards.filter(round__year=_int(year))
    else:
        year = ""  # not a year: every year is shown
    if category in Category.values:
        awards = awards.filter(round__category=category)
    else:
        category = ""
    words = request.GET.get("q", "").strip()[:100].replace("\x00", "")
    if words:
        awards = awards.filter(
            Q(nomination__nominee__name__icontains=words)
            | Q(nomination__nominee__name_en__icontains=words)
            | Q(nomination__nominee_name__icontains=words)
            | Q(nomination__nominee_name_en__icontains=words)
        )
    awards = awards.order_by(
        "-round__year", "round__category", "round__organiser__region_code", "pk"
    )
    return render(
        request,
        "awards/public_list.html",
        {
            "page": page_of(request, awards, 50),
            "years": years,
            "year": year,
            "category": category,
            "categories": Category.choices,
            "q": words,
        },
    )


@require_safe
def public_award(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    award = access.award_for_user(user, pk)  # type: ignore[arg-type]
    may_revoke = False
    if user is not None and award.is_public() and not award.is_revoked():
        try:
            access.award_for_user(user, pk, revoke=True)  # type: ignore[arg-type]
            may_revoke = True
        except PermissionDenied:
            may_revoke = False
    return render(
        request,
        "awards/public_award.html",
        {
            "award": award,
            "nomination": award.nomination,
            "round": award.round,
            "may_revoke": may_revoke,
            "error": _flash(request),
        },
    )


@login_required
@require_POST
def award_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    award = access.award_for_user(signed_in(request), pk, revoke=True)
    try:
        actions.revoke_award(
            actor(request),
            award,
            reason=request.POST.get("reason"),
            reason_en=request.POST.get("reason_en"),
        )
    except ActionError as error:
        _fail(request, error)
    return redirect("awards:award", pk=award.pk)
