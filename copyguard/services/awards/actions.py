"""Every state change of model cities, units and parks: one transaction, one audit event.

The workflow: an organiser (a national or provincial administration) creates a round for
a year and a category and gives it criteria; opens it; lower administrations nominate
(cities themselves or the enterprises and parks of their region) and enterprises nominate
themselves, with a statement, supporting documents and values for the entered criteria;
the organiser closes nominations, reviews the entered values, evaluates (every criterion
scored with the regional assessment's scoring rules, every step kept), shortlists, decides
the awards and publishes them; an award can later be revoked with a reason.

Who may call which action is checked by the access helpers (views and API); the actions
check the rules of the workflow itself (statuses, eligibility, input).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.enums import AdministrationLevel, OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.insights.assessment import scoring
from copyguard.insights.assessment.actions.common import (
    clean_decimal,
    clean_text,
    invalid,
    mark_reviewed,
    mark_submitted,
    wrong_status,
)
from copyguard.insights.assessment.actions.rounds import rank_totals
from copyguard.insights.assessment.actions.systems import clean_rule
from copyguard.services.awards import documents as docs
from copyguard.services.awards.enums import (
    AwardErrorCode,
    Category,
    Metric,
    NominationStatus,
    RoundStatus,
    Source,
    ValueStatus,
)
from copyguard.services.awards.metrics import compute_metric
from copyguard.services.awards.models import (
    Award,
    AwardRound,
    Criterion,
    CriterionScore,
    EnteredValue,
    Nomination,
    NominationDocument,
)
from copyguard.services.awards.regions import (
    NOMINEE_KINDS,
    contains,
    is_lower_administration,
    is_organiser_kind,
)

__all__ = [
    "NOMINEE_KINDS",
    "add_criterion",
    "add_documents",
    "close_nominations",
    "create_round",
    "decide",
    "eligible_nominees",
    "evaluate",
    "nominate",
    "open_round",
    "publish_decisions",
    "remove_criterion",
    "review_value",
    "revoke_award",
    "shortlist",
    "submit_value",
    "withdraw",
]

MAX_CRITERIA = 40
_DECIDED = (NominationStatus.AWARDED, NominationStatus.NOT_AWARDED, NominationStatus.WITHDRAWN)


# ---------------------------------------------------------------- input helpers
# ``clean_text``, ``clean_decimal``, ``invalid`` and ``wrong_status`` are the regional
# assessment's (the same error codes and messages).


def not_eligible(message: str | Promise, field: str | None = None) -> ActionError:
    return ActionError(AwardErrorCode.NOT_ELIGIBLE, message, field=field)


def clean_date(value: Any, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise invalid(_("Enter a date as YYYY-MM-DD."), field) from None


def _choice(value: Any, choices: type, field: str) -> str:
    text = str(value or "")
    if text not in choices.values:  # type: ignore[attr-defined]
        raise invalid(_("Choose one of the listed options."), field)
    return text


# ---------------------------------------------------------------- rounds and criteria


def create_round(
    actor: Actor,
    organiser: Organisation,
    *,
    year: Any,
    category: Any,
    title: Any,
    title_en: Any = "",
    notes: Any = "",
    notes_en: Any = "",
    nominations_open: Any,
    nominations_close: Any,
) -> AwardRound:
    """A draft round of a national or provincial administration."""
    if not is_organiser_kind(organiser):
        raise not_eligible(_("Only a national or provincial administration organises rounds."))
    try:
        number = int(str(year).strip())
    except ValueError:
        raise invalid(_("Enter a year."), "year") from None
    if not 2000 <= number <= 2100:
        raise invalid(_("Enter a year between 2000 and 2100."), "year")
    kind = _choice(category, Category, "category")
    name = clean_text(title, "title", 200, required=True)
    name_en = clean_text(title_en, "title_en", 200)
    text = clean_text(notes, "notes", 20000)
    text_en = clean_text(notes_en, "notes_en", 20000)
    opens = clean_date(nominations_open, "nominations_open")
    closes = clean_date(nominations_close, "nominations_close")
    if closes < opens:
        raise invalid(
            _("Nominations must close on or after the day they open."), "nominations_close"
        )
    try:
        with transaction.atomic():
            round_ = AwardRound.objects.create(
                organiser=organiser,
                year=number,
                category=kind,
                title=name,
                title_en=name_en,
                notes=text,
                notes_en=text_en,
                nominations_open=opens,
                nominations_close=closes,
                created_by=actor.user,
            )
            record(
                actor,
                "awards.round.created",
                round_,
                organisation=organiser,
                params={"year": number, "category": kind, "title": name},
            )
    except IntegrityError:
        raise ActionError(
            AwardErrorCode.DUPLICATE,
            _("This organiser already has a round for that year and category."),
            field="category",
            status=409,
        ) from None
    return round_


def add_criterion(
    actor: Actor,
    round_: AwardRound,
    *,
    code: Any,
    name: Any,
    name_en: Any,
    weight: Any,
    source: Any,
    metric: Any = "",
    rule: Any,
    needs_documents: Any = False,
) -> Criterion:
    """Add a criterion to a draft round; its rule is checked by the assessment's rules."""
    key = clean_text(code, "code", 20, required=True)
    if not all(c.isalnum() or c in "._-" for c in key) or not key.isascii():
        raise invalid(_("A code has letters, digits, dots, dashes and underscores only."), "code")
    label = clean_text(name, "name", 200, required=True)
    label_en = clean_text(name_en, "name_en", 200, required=True)
    points = clean_decimal(weight, "weight", places=2, minimum=Decimal("0.01"))
    if points >= Decimal("1000000"):
        raise invalid(_("Enter a weight below 1,000,000."), "weight")
    kind = _choice(source, Source, "source")
    measure = str(metric or "")
    if kind == Source.COMPUTED:
        measure = _choice(measure, Metric, "metric")
    elif measure:
        raise invalid(_("Only a computed criterion has a metric."), "metric")
    rule = clean_rule(rule, source=kind)
    if kind == Source.COMPUTED and rule.get("kind") == "entered":
        raise ActionError(
            AwardErrorCode.INVALID_RULE,
            _("An entered rule scores reviewed values; choose the entered source."),
            field="rule",
        )
    with transaction.atomic():
        locked = AwardRound.objects.select_for_update().get(pk=round_.pk)
        if not locked.is_draft():
            raise wrong_status(locked.get_status_display())
        existing = locked.criteria.count()
        if existing >= MAX_CRITERIA:
            raise invalid(_("A round has at most %(count)d criteria.") % {"count": MAX_CRITERIA})
        if locked.criteria.filter(code=key).exists():
            raise ActionError(
                AwardErrorCode.DUPLICATE,
                _("The round already has a criterion %(code)s.") % {"code": key},
                field="code",
                status=409,
            )
        criterion = Criterion.objects.create(
            round=locked,
            code=key,
            name=label,
            name_en=label_en,
            weight=points,
            source=kind,
            metric=measure,
            rule=dict(rule),
            needs_documents=bool(needs_documents) and kind == Source.ENTERED,
            position=existing + 1,
        )
        record(
            actor,
            "awards.criterion.added",
            criterion,
            organisation=locked.organiser,
            params={
                "round": locked.pk,
                "code": key,
                "weight": str(points),
                "source": kind,
                "metric": measure,
                "rule": dict(rule),
            },
        )
    return criterion


def remove_criterion(actor: Actor, criterion: Criterion) -> None:
    with transaction.atomic():
        locked = AwardRound.objects.select_for_update().get(pk=criterion.round_id)
        if not locked.is_draft():
            raise wrong_status(locked.get_status_display())
        record(
            actor,
            "awards.criterion.removed",
            criterion,
            organisation=locked.organiser,
            params={"round": locked.pk, "code": criterion.code},
        )
        criterion.delete()


def open_round(actor: Actor, round_: AwardRound) -> AwardRound:
    """Draft → open for nominations (from the day nominations open)."""
    with transaction.atomic():
        locked = AwardRound.objects.select_for_update().get(pk=round_.pk)
        if not locked.is_draft():
            raise wrong_status(locked.get_status_display())
        if not locked.criteria.exists():
            raise invalid(_("Give the round at least one criterion before opening it."))
        locked.status = RoundStatus.OPEN
        locked.opened_at = timezone.now()
        locked.save(update_fields=["status", "opened_at"])
        record(actor, "awards.round.opened", locked, organisation=locked.organiser)
    return locked


def close_nominations(actor: Actor, round_: AwardRound) -> AwardRound:
    """Open → under evaluation: no more nominations; values are reviewed and scored."""
    with transaction.atomic():
        locked = AwardRound.objects.select_for_update().get(pk=round_.pk)
        if locked.status != RoundStatus.OPEN:
            raise wrong_status(locked.get_status_display())
        locked.status = RoundStatus.EVALUATING
        locked.evaluation_started_at = timezone.now()
        locked.save(update_fields=["status", "evaluation_started_at"])
        count = locked.nominations.exclude(status=NominationStatus.WITHDRAWN).count()
        record(
            actor,
            "awards.round.nominations_closed",
            locked,
            organisation=locked.organiser,
            params={"nominations": count},
        )
    return locked


# ---------------------------------------------------------------- nominations


def check_eligibility(
    round_: AwardRound, nominator: Organisation, nominee: Organisation, park_name: str
) -> None:
    """Raise unless ``nominator`` may nominate ``nominee`` in ``round_``."""
    organiser = round_.organiser
    if not contains(organiser, nominee) or nominee.pk == organiser.pk:
        raise not_eligible(_("The nominee is not within the organiser's region."), "nominee")
    if not nominee.is_active:
        raise not_eligible(_("The nominee is no longer active."), "nominee")
    if round_.category == Category.CITY:
        if not (
            nominee.kind == OrganisationKind.ADMINISTRATION
            and nominee.level == AdministrationLevel.MUNICIPAL
        ):
            raise not_eligible(
                _("A model city is nominated through its municipal administration."), "nominee"
            )
    else:
        if nominee.kind not in NOMINEE_KINDS:
            raise not_eligible(
                _("A model unit or park is an enterprise, publisher, platform or station."),
                "nominee",
            )
    if round_.category == Category.PARK and not park_name:
        raise invalid(_("Name the park or base."), "nominee_name")
    if round_.category != Category.PARK and park_name:
        raise invalid(_("Only a park nomination names a park."), "nominee_name")
    self_nomination = nominator.pk == nominee.pk
    if nominator.kind == OrganisationKind.ADMINISTRATION:
        if not is_lower_administration(organiser, nominator):
            raise not_eligible(
                _("Nominations come from administrations below the organiser."), "nominator"
            )
        if not contains(nominator, nominee):
            raise not_eligible(_("An administration nominates within its own region."), "nominee")
    elif not (self_nomination and nominator.kind in NOMINEE_KINDS):
        raise not_eligible(
            _("An enterprise may nominate only itself; others are nominated by an administration."),
            "nominator",
        )


def eligible_nominees(round_: AwardRound, nominator: Organisation) -> list[Organisation]:
    """The organisations ``nominator`` may nominate in the round (for the form)."""
    if nominator.kind != OrganisationKind.ADMINISTRATION:
        candidates = [nominator]
    elif round_.category == Category.CITY:
        candidates = list(
            Organisation.objects.filter(
                kind=OrganisationKind.ADMINISTRATION,
                level=AdministrationLevel.MUNICIPAL,
                is_active=True,
            ).order_by("region_code", "pk")
        )
    else:
        candidates = list(
            Organisation.objects.filter(kind__in=NOMINEE_KINDS, is_active=True).order_by(
                "region_code", "name", "pk"
            )
        )
    result = []
    for candidate in candidates:
        try:
            check_eligibility(
                round_, nominator, candidate, "park" if round_.category == Category.PARK else ""
            )
        except ActionError:
            continue
        result.append(candidate)
    return result


def nominate(
    actor: Actor,
    round_: AwardRound,
    *,
    nominator: Organisation,
    nominee: Organisation,
    statement: Any,
    statement_en: Any = "",
    nominee_name: Any = "",
    nominee_name_en: Any = "",
    documents: Sequence[docs.Upload] | None = None,
    today: datetime.date | None = None,
) -> Nomination:
    """Nominate an organisation (and for a park, the park it runs) with a statement."""
    uploads = list(documents or [])
    text = clean_text(statement, "statement", 20000, required=True)
    text_en = clean_text(statement_en, "statement_en", 20000)
    park = clean_text(nominee_name, "nominee_name", 200)
    park_en = clean_text(nominee_name_en, "nominee_name_en", 200)
    if not round_.accepts_nominations(today):
        raise ActionError(
            AwardErrorCode.WRONG_STATUS,
            _("The round does not accept nominations now (open %(open)s to %(close)s).")
            % {"open": round_.nominations_open, "close": round_.nominations_close},
            status=409,
        )
    check_eligibility(round_, nominator, nominee, park)
    if len(uploads) > docs.max_documents():
        raise invalid(
            _("Attach at most %(count)d documents.") % {"count": docs.max_documents()}, "documents"
        )
    stored: list[docs.Stored] = []
    try:
        for index, upload in enumerate(uploads, start=1):
            stored.append(docs.store(upload, index))
        with transaction.atomic():
            locked = AwardRound.objects.select_for_update().get(pk=round_.pk)
            if not locked.accepts_nominations(today):
                raise wrong_status(locked.get_status_display())
            if locked.nominations.filter(nominee=nominee, nominee_name=park).exists():
                raise ActionError(
                    AwardErrorCode.DUPLICATE,
                    _("%(name)s is already nominated in this round.")
                    % {"name": nominee.display_name()},
                    field="nominee",
                    status=409,
                )
            nomination = Nomination.objects.create(
                round=locked,
                nominee=nominee,
                nominee_name=park,
                nominee_name_en=park_en,
                nominator=nominator,
                statement=text,
                statement_en=text_en,
                nominated_by=actor.user,
            )
            _attach(actor, nomination, stored)
            record(
                actor,
                "awards.nomination.created",
                nomination,
                organisation=locked.organiser,
                params={
                    "round": locked.pk,
                    "nominee": nominee.pk,
                    "nominator": nominator.pk,
                    "park": park,
                    "documents": [item.sha256 for item in stored],
                },
            )
    except BaseException:
        docs.remove(stored)
        raise
    return nomination


def _attach(actor: Actor, nomination: Nomination, stored: list[docs.Stored]) -> None:
    NominationDocument.objects.bulk_create(
        NominationDocument(
            nomination=nomination,
            original_name=item.name,
            storage_name=item.storage_name,
            media_type=item.media_type,
            size=item.size,
            sha256=item.sha256,
            uploaded_by=actor.user,
        )
        for item in stored
    )


def add_documents(
    actor: Actor, nomination: Nomination, documents: Sequence[docs.Upload]
) -> list[NominationDocument]:
    """Add supporting documents to a nomination still being evaluated."""
    uploads = list(documents)
    if not uploads:
        raise invalid(_("Choose at least one document."), "documents")
    if len(uploads) > docs.max_documents():
        raise invalid(
            _("Attach at most %(count)d documents.") % {"count": docs.max_documents()}, "documents"
        )
    stored: list[docs.Stored] = []
    try:
        for index, upload in enumerate(uploads, start=1):
            stored.append(docs.store(upload, index))
        with transaction.atomic():
            locked = (
                Nomination.objects.select_for_update().select_related("round").get(pk=nomination.pk)
            )
            if not locked.is_open() or locked.round.is_decided():
                raise wrong_status(locked.get_status_display())
            if locked.documents.count() + len(stored) > docs.max_documents():
                raise invalid(
                    _("Attach at most %(count)d documents.") % {"count": docs.max_documents()},
                    "documents",
                )
            _attach(actor, locked, stored)
            record(
                actor,
                "awards.nomination.documents_added",
                locked,
                organisation=locked.round.organiser,
                params={"documents": [item.sha256 for item in stored]},
            )
    except BaseException:
        docs.remove(stored)
        raise
    return list(
        NominationDocument.objects.filter(storage_name__in=[s.storage_name for s in stored])
    )


def withdraw(actor: Actor, nomination: Nomination, *, reason: Any = "") -> Nomination:
    """The nominator withdraws a nomination not yet shortlisted."""
    explanation = clean_text(reason, "reason", 4000)
    with transaction.atomic():
        locked = (
            Nomination.objects.select_for_update().select_related("round").get(pk=nomination.pk)
        )
        if not locked.is_open():
            raise wrong_status(locked.get_status_display())
        locked.status = NominationStatus.WITHDRAWN
        locked.decision_reason = explanation
        locked.decided_at = timezone.now()
        locked.total = None
        locked.rank = None
        locked.save(update_fields=["status", "decision_reason", "decided_at", "total", "rank"])
        locked.scores.all().delete()
        record(
            actor,
            "awards.nomination.withdrawn",
            locked,
            organisation=locked.round.organiser,
            params={"reason": explanation},
        )
    return locked


def submit_value(
    actor: Actor, nomination: Nomination, *, criterion_code: Any, value: Any, note: Any = ""
) -> EnteredValue:
    """The nominator's value for an entered criterion (again after a rejection)."""
    code = clean_text(criterion_code, "criterion", 20, required=True)
    number = clean_decimal(value, "value", places=4, minimum=Decimal(0))
    explanation = clean_text(note, "note", 4000)
    with transaction.atomic():
        locked = (
            Nomination.objects.select_for_update().select_related("round").get(pk=nomination.pk)
        )
        if not locked.is_open() or locked.round.is_decided():
            raise wrong_status(locked.get_status_display())
        criterion = locked.round.criteria.filter(code=code, source=Source.ENTERED).first()
        if criterion is None:
            raise invalid(
                _("The round has no entered criterion %(code)s.") % {"code": code}, "criterion"
            )
        if criterion.needs_documents and not locked.documents.exists():
            raise invalid(
                _("This criterion needs supporting documents: attach them first."), "documents"
            )
        entered = (
            EnteredValue.objects.select_for_update()
            .filter(nomination=locked, criterion_code=code)
            .first()
        )
        if entered is not None and entered.status == ValueStatus.ACCEPTED:
            raise wrong_status(entered.get_status_display())
        again = entered is not None
        if entered is None:
            entered = EnteredValue(nomination=locked, criterion_code=code)
        mark_submitted(entered, ValueStatus.SUBMITTED, number, explanation, actor.user)
        record(
            actor,
            "awards.value.resubmitted" if again else "awards.value.submitted",
            entered,
            organisation=locked.round.organiser,
            params={"nomination": locked.pk, "criterion": code, "value": str(number)},
        )
    return entered


def review_value(
    actor: Actor, entered: EnteredValue, *, accept: bool, reason: Any = ""
) -> EnteredValue:
    """Accept an entered value (it scores) or reject it with a reason."""
    explanation = clean_text(reason, "reason", 4000, required=not accept)
    with transaction.atomic():
        locked = (
            EnteredValue.objects.select_for_update()
            .select_related("nomination__round")
            .get(pk=entered.pk)
        )
        nomination = locked.nomination
        if not nomination.is_open() or nomination.round.status not in (
            RoundStatus.OPEN,
            RoundStatus.EVALUATING,
        ):
            raise wrong_status(nomination.get_status_display())
        if locked.status != ValueStatus.SUBMITTED:
            raise wrong_status(locked.get_status_display())
        mark_reviewed(
            locked,
            ValueStatus.ACCEPTED if accept else ValueStatus.REJECTED,
            explanation,
            actor.user,
        )
        record(
            actor,
            "awards.value.accepted" if accept else "awards.value.rejected",
            locked,
            organisation=nomination.round.organiser,
            params={
                "nomination": nomination.pk,
                "criterion": locked.criterion_code,
                "value": str(locked.value),
                "reason": explanation,
            },
        )
    return locked


# ---------------------------------------------------------------- evaluation


def _value_for(
    criterion: Criterion, nomination: Nomination, year: int
) -> tuple[Decimal | None, dict[str, Any]]:
    if criterion.source == Source.COMPUTED:
        result = compute_metric(criterion.metric, nomination.nominee, year)
        return result.value, {"metric": criterion.metric, **result.inputs}
    entered = nomination.values.filter(criterion_code=criterion.code).first()
    if entered is None:
        return None, {"entered": "none"}
    inputs = {
        "entered": entered.status,
        "submitted": str(entered.value),
        "value_id": entered.pk,
        "documents": list(nomination.documents.values_list("sha256", flat=True)),
    }
    if entered.status != ValueStatus.ACCEPTED:
        return None, inputs
    return entered.value, inputs


def evaluate(actor: Actor, round_: AwardRound) -> list[Nomination]:
    """Score every nomination still in the running on every criterion, total and rank them.

    Comparative rules (ratio to best, rank) compare the nominations of the round. The
    evaluation may be repeated (e.g. after more values are accepted) until the first
    award is decided.
    """
    with transaction.atomic():
        locked = AwardRound.objects.select_for_update().get(pk=round_.pk)
        if locked.status != RoundStatus.EVALUATING:
            raise wrong_status(locked.get_status_display())
        if locked.nominations.filter(status=NominationStatus.AWARDED).exists():
            raise ActionError(
                AwardErrorCode.WRONG_STATUS,
                _("Awards have been decided: the evaluation can no longer change."),
                status=409,
            )
        criteria = list(locked.criteria.all())
        running = list(
            locked.nominations.select_for_update()
            .exclude(status=NominationStatus.WITHDRAWN)
            .select_related("nominee")
            .order_by("pk")
        )
        now = timezone.now()
        values: dict[tuple[int, int], tuple[Decimal | None, dict[str, Any]]] = {
            (c.pk, n.pk): _value_for(c, n, locked.year) for c in criteria for n in running
        }
        totals: dict[int, Decimal] = {n.pk: Decimal(0) for n in running}
        CriterionScore.objects.filter(nomination__in=running).delete()
        rows = []
        for criterion in criteria:
            peers = [values[(criterion.pk, n.pk)][0] for n in running]
            for nomination in running:
                value, inputs = values[(criterion.pk, nomination.pk)]
                result = scoring.score(criterion.rule, value, criterion.weight, peers)
                totals[nomination.pk] += result.points
                rows.append(
                    CriterionScore(
                        nomination=nomination,
                        criterion=criterion,
                        value=value,
                        points=result.points,
                        inputs=inputs,
                        steps=list(result.steps),
                        computed_at=now,
                    )
                )
        CriterionScore.objects.bulk_create(rows)
        ranks = rank_totals(totals)
        for nomination in running:
            nomination.total = totals[nomination.pk]
            nomination.rank = ranks[nomination.pk][0]
            if nomination.status == NominationStatus.NOMINATED:
                nomination.status = NominationStatus.EVALUATING
        Nomination.objects.bulk_update(running, ["total", "rank", "status"])
        locked.evaluated_at = now
        locked.evaluations += 1
        locked.save(update_fields=["evaluated_at", "evaluations"])
        record(
            actor,
            "awards.round.evaluated",
            locked,
            organisation=locked.organiser,
            params={
                "evaluation": locked.evaluations,
                "totals": {str(n.pk): str(totals[n.pk]) for n in running},
            },
        )
    return running


def shortlist(
    actor: Actor, nomination: Nomination, *, shortlisted: bool, reason: Any = ""
) -> Nomination:
    """After evaluation: shortlist a nomination, or end it as not awarded (with a reason)."""
    explanation = clean_text(reason, "reason", 4000, required=not shortlisted)
    with transaction.atomic():
        locked = (
            Nomination.objects.select_for_update().select_related("round").get(pk=nomination.pk)
        )
        if locked.round.status != RoundStatus.EVALUATING:
            raise wrong_status(locked.round.get_status_display())
        if locked.status != NominationStatus.EVALUATING:
            raise wrong_status(locked.get_status_display())
        locked.status = (
            NominationStatus.SHORTLISTED if shortlisted else NominationStatus.NOT_AWARDED
        )
        locked.decision_reason = explanation
        if not shortlisted:
            locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decision_reason", "decided_at"])
        record(
            actor,
            "awards.nomination.shortlisted" if shortlisted else "awards.nomination.not_shortlisted",
            locked,
            organisation=locked.round.organiser,
            params={"total": str(locked.total), "rank": locked.rank, "reason": explanation},
        )
    return locked


def decide(
    actor: Actor,
    nomination: Nomination,
    *,
    award: bool,
    citation: Any = "",
    citation_en: Any = "",
    reason: Any = "",
) -> Nomination:
    """The organiser's decision on a shortlisted nomination: an award with its citation
    (public once the round's decisions are published), or not awarded with a reason."""
    text = clean_text(citation, "citation", 4000, required=award)
    text_en = clean_text(citation_en, "citation_en", 4000)
    explanation = clean_text(reason, "reason", 4000, required=not award)
    with transaction.atomic():
        locked = (
            Nomination.objects.select_for_update().select_related("round").get(pk=nomination.pk)
        )
        if locked.round.status != RoundStatus.EVALUATING:
            raise wrong_status(locked.round.get_status_display())
        if locked.status != NominationStatus.SHORTLISTED:
            raise wrong_status(locked.get_status_display())
        now = timezone.now()
        locked.status = NominationStatus.AWARDED if award else NominationStatus.NOT_AWARDED
        locked.decision_reason = explanation
        locked.decided_at = now
        locked.save(update_fields=["status", "decision_reason", "decided_at"])
        if award:
            Award.objects.create(
                nomination=locked,
                round=locked.round,
                citation=text,
                citation_en=text_en,
                awarded_by=actor.user,
                awarded_at=now,
            )
        record(
            actor,
            "awards.nomination.awarded" if award else "awards.nomination.not_awarded",
            locked,
            organisation=locked.round.organiser,
            params={"total": str(locked.total), "rank": locked.rank, "reason": explanation},
        )
    return locked


def publish_decisions(actor: Actor, round_: AwardRound) -> AwardRound:
    """Evaluating → decided: every nomination decided; the awards become public."""
    with transaction.atomic():
        locked = AwardRound.objects.select_for_update().get(pk=round_.pk)
        if locked.status != RoundStatus.EVALUATING:
            raise wrong_status(locked.get_status_display())
        pending = locked.nominations.exclude(status__in=_DECIDED).count()
        if pending:
            raise ActionError(
                AwardErrorCode.WRONG_STATUS,
                _("%(count)d nominations are not decided yet.") % {"count": pending},
                status=409,
            )
        locked.status = RoundStatus.DECIDED
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        record(
            actor,
            "awards.round.decided",
            locked,
            organisation=locked.organiser,
            params={"awards": list(locked.awards.values_list("pk", flat=True))},
        )
    return locked


def revoke_award(actor: Actor, award: Award, *, reason: Any, reason_en: Any = "") -> Award:
    """Revoke an award with a reason; its public page says so and the list drops it."""
    explanation = clean_text(reason, "reason", 4000, required=True)
    explanation_en = clean_text(reason_en, "reason_en", 4000)
    with transaction.atomic():
        locked = Award.objects.select_for_update().select_related("round").get(pk=award.pk)
        if locked.is_revoked():
            raise ActionError(
                AwardErrorCode.WRONG_STATUS, _("The award is already revoked."), status=409
            )
        if not locked.round.is_decided():
            raise wrong_status(locked.round.get_status_display())
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor.user
        locked.revocation_reason = explanation
        locked.revocation_reason_en = explanation_en
        locked.save(
            update_fields=["revoked_at", "revoked_by", "revocation_reason", "revocation_reason_en"]
        )
        record(
            actor,
            "awards.award.revoked",
            locked,
            organisation=locked.round.organiser,
            params={"nomination": locked.nomination_id, "reason": explanation},
        )
    return locked
