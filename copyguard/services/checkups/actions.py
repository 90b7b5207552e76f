"""Every change to check-ups: importing a questionnaire version, starting a year's
check-up, saving answers, submitting (scores and automatic findings are fixed then) and
commenting. One transaction and one audit event each (STYLE 4).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from copyguard.accounts import audit
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.services.checkups import access, findings, scoring
from copyguard.services.checkups.enums import CheckupErrorCode, CheckUpStatus
from copyguard.services.checkups.models import AreaScore, CheckUp, Comment, Finding, Questionnaire
from copyguard.services.checkups.questionnaire import (
    QuestionnaireError,
    from_models,
    parse,
    store,
)

__all__ = [
    "FIRST_YEAR",
    "MAX_COMMENT",
    "MAX_DOMAINS",
    "add_comment",
    "clean_domains",
    "import_questionnaire",
    "save_answers",
    "start_checkup",
    "submit_checkup",
]

FIRST_YEAR = 2000
MAX_DOMAINS = 20
MAX_COMMENT = 5000
HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")


def _invalid(message: str | Promise, field: str | None = None) -> ActionError:
    return ActionError(CheckupErrorCode.INVALID, message, field=field)


def _forbidden(message: str | Promise) -> ActionError:
    return ActionError(CheckupErrorCode.FORBIDDEN, message, status=403)


def _wrong_status(checkup: CheckUp) -> ActionError:
    return ActionError(
        CheckupErrorCode.WRONG_STATUS,
        _("Not possible while the check-up is %(status)s.")
        % {"status": checkup.get_status_display()},
        status=409,
    )


def _require_fill(actor: Actor, enterprise: Organisation) -> None:
    user = actor.user
    if user is None or user.is_superuser:
        return
    if access.FILL not in access._ROLES.permissions_in(user, [enterprise.pk]):
        raise _forbidden(_("Only the enterprise's owner and staff may fill in its check-ups."))


# ------------------------------------------------------------------ questionnaire versions


def import_questionnaire(actor: Actor, document: Any) -> Questionnaire:
    """Enter a new questionnaire version from its JSON document (decoded). Platform staff
    and the command line only; the whole document is checked before anything is stored."""
    if actor.user is not None and not actor.user.is_superuser:
        raise _forbidden(_("Only platform staff import questionnaire versions."))
    try:
        spec = parse(document)
    except QuestionnaireError as exc:
        raise _invalid(exc.message, "document") from None
    if Questionnaire.objects.filter(version=spec.version).exists():
        raise ActionError(
            CheckupErrorCode.VERSION_EXISTS,
            _("Version %(version)s exists already; a change is a new version.")
            % {"version": spec.version},
            field="version",
            status=409,
        )
    try:
        with transaction.atomic():
            questionnaire = store(spec, Questionnaire, imported_by=actor.user)
            audit.record(
                actor,
                "checkups.questionnaire.imported",
                questionnaire,
                params={
                    "version": spec.version,
                    "areas": len(spec.areas),
                    "questions": len(spec.questions()),
                },
            )
    except IntegrityError:
        raise ActionError(
            CheckupErrorCode.VERSION_EXISTS,
            _("Version %(version)s exists already; a change is a new version.")
            % {"version": spec.version},
            field="version",
            status=409,
        ) from None
    return questionnaire


# ------------------------------------------------------------------ check-ups


def start_checkup(
    actor: Actor, enterprise: Organisation, year: int, *, now: datetime | None = None
) -> CheckUp:
    """The enterprise's check-up for ``year`` (this year or an earlier one), filled in with
    the current questionnaire version."""
    _require_fill(actor, enterprise)
    if enterprise.kind != OrganisationKind.RIGHTS_HOLDER:
        raise _invalid(_("Check-ups are for rights-holding enterprises."), "enterprise")
    now = now or timezone.now()
    this_year = timezone.localdate(now).year
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= this_year:
        raise _invalid(
            _("Choose a year from %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": this_year},
            "year",
        )
    questionnaire = Questionnaire.objects.current()
    if questionnaire is None:
        raise ActionError(
            CheckupErrorCode.NO_QUESTIONNAIRE, _("No questionnaire has been published.")
        )
    duplicate = ActionError(
        CheckupErrorCode.DUPLICATE,
        _("%(enterprise)s has a check-up for %(year)s already.")
        % {"enterprise": enterprise.name, "year": year},
        field="year",
        status=409,
    )
    if CheckUp.objects.filter(enterprise=enterprise, year=year).exists():
        raise duplicate
    previous = (
        CheckUp.objects.filter(enterprise=enterprise, year__lt=year).order_by("-year").first()
    )
    try:
        with transaction.atomic():
            checkup = CheckUp.objects.create(
                enterprise=enterprise,
                year=year,
                questionnaire=questionnaire,
                # Last year's websites are most likely this year's.
                own_domains=list(previous.own_domains) if previous else [],
                created_by=actor.user,
                created_at=now,
                updated_at=now,
            )
            audit.record(
                actor,
                "checkups.checkup.started",
                checkup,
                organisation=enterprise,
                params={"year": year, "questionnaire_version": questionnaire.version},
            )
    except IntegrityError:
        raise duplicate from None
    return checkup


def clean_domains(values: Iterable[str]) -> list[str]:
    """Host names from what was typed (addresses are cut down to their host), each once."""
    domains: list[str] = []
    for raw in values:
        text = (raw or "").strip().lower()
        if not text:
            continue
        if "://" in text:
            text = text.split("://", 1)[1]
        text = text.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rstrip(".")
        if text.startswith("www."):
            text = text[4:]
        if not HOST.match(text):
            raise _invalid(
                _("“%(value)s” is not a website's domain.") % {"value": raw.strip()[:100]},
                "own_domains",
            )
        if text not in domains:
            domains.append(text)
    if len(domains) > MAX_DOMAINS:
        raise _invalid(_("At most %(limit)s websites.") % {"limit": MAX_DOMAINS}, "own_domains")
    return domains


def save_answers(
    actor: Actor,
    checkup: CheckUp,
    answers: Mapping[str, Any],
    *,
    own_domains: Iterable[str] | None = None,
    now: datetime | None = None,
) -> CheckUp:
    """Save some or all answers of a draft (an empty answer clears it). Every answer is
    checked before any is stored; an unknown question or a wrong answer is refused with
    the question's code as the field."""
    _require_fill(actor, checkup.enterprise)
    spec = from_models(checkup.questionnaire)
    cleaned: dict[str, str | None] = {}
    for code, raw in answers.items():
        question = spec.question(str(code))
        if question is None:
            raise _invalid(
                _("There is no question “%(code)s”.") % {"code": str(code)[:60]}, str(code)[:60]
            )
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            cleaned[question.code] = None
            continue
        try:
            cleaned[question.code] = scoring.clean_answer(question, raw)
        except scoring.AnswerError as exc:
            raise _invalid(exc.message, question.code) from None
    domains = clean_domains(own_domains) if own_domains is not None else None
    with transaction.atomic():
        locked = CheckUp.objects.select_for_update().get(pk=checkup.pk)
        if not locked.is_draft():
            raise _wrong_status(locked)
        stored = dict(locked.answers)
        for code, value in cleaned.items():
            if value is None:
                stored.pop(code, None)
            else:
                stored[code] = value
        locked.answers = stored
        fields = ["answers", "updated_at"]
        if domains is not None:
            locked.own_domains = domains
            fields.append("own_domains")
        locked.updated_at = now or timezone.now()
        locked.save(update_fields=fields)
        audit.record(
            actor,
            "checkups.checkup.saved",
            locked,
            organisation=locked.enterprise,
            params={
                "answered": len(stored),
                "changed": sorted(cleaned),
                **({"own_domains": domains} if domains is not None else {}),
            },
        )
    checkup.refresh_from_db()
    return checkup


def submit_checkup(actor: Actor, checkup: CheckUp, *, now: datetime | None = None) -> CheckUp:
    """Submit a complete draft: the automatic findings of the day are collected, every
    area is scored, the risk level set; from then on the check-up does not change."""
    _require_fill(actor, checkup.enterprise)
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            CheckUp.objects.select_for_update()
            .select_related("enterprise", "questionnaire")
            .get(pk=checkup.pk)
        )
        if not locked.is_draft():
            raise _wrong_status(locked)
        spec = from_models(locked.questionnaire)
        missing = scoring.missing_answers(spec, locked.answers)
        if missing:
            raise ActionError(
                CheckupErrorCode.INCOMPLETE,
                _("Answer every question before submitting (%(count)s left).")
                % {"count": len(missing)},
                field=missing[0],
            )
        found, site_check = findings.collect(locked.enterprise, list(locked.own_domains), now)
        counts: dict[str, int] = {}
        for item in found:
            counts[item.kind] = counts.get(item.kind, 0) + 1
        result = scoring.score(spec, locked.answers, counts)
        for area_result in result.areas:
            area = spec.area(area_result.code)
            assert area is not None
            AreaScore.objects.create(
                checkup=locked,
                area=area_result.code,
                position=spec.areas.index(area) + 1,
                weight=area_result.weight,
                answered_score=area_result.answered_score,
                deduction=area_result.deduction,
                score=area_result.score,
            )
        Finding.objects.bulk_create(_finding_rows(locked, spec, found))
        locked.status = CheckUpStatus.SUBMITTED
        locked.questionnaire_score = result.questionnaire_score
        locked.overall_score = result.overall_score
        locked.risk_level = result.risk_level
        locked.site_check = site_check.as_json()
        locked.submitted_by = actor.user
        locked.submitted_at = now
        locked.updated_at = now
        locked.save()
        audit.record(
            actor,
            "checkups.checkup.submitted",
            locked,
            organisation=locked.enterprise,
            params={
                "year": locked.year,
                "overall_score": str(result.overall_score),
                "risk_level": result.risk_level,
                "findings": counts,
            },
        )
    checkup.refresh_from_db()
    return checkup


def _finding_rows(checkup: CheckUp, spec: Any, found: list[findings.FindingData]) -> list[Finding]:
    """The findings as rows, each carrying the points it deducted (the first ones of a kind
    carry ``points_each`` until the kind's cap is reached)."""
    left: dict[str, Decimal] = {}
    rows = []
    for item in found:
        rule = spec.rule(item.kind)
        if item.kind not in left:
            left[item.kind] = rule.max_points if rule else Decimal(0)
        points = min(rule.points_each, left[item.kind]) if rule else Decimal(0)
        left[item.kind] -= points
        rows.append(
            Finding(
                checkup=checkup,
                kind=item.kind,
                area=rule.area if rule else "",
                object_type=item.object_type,
                object_id=item.object_id,
                label=item.label[:500],
                url=item.url[:500],
                detail=item.detail,
                points=points,
            )
        )
    return rows


def add_comment(
    actor: Actor,
    checkup: CheckUp,
    organisation: Organisation,
    text: str,
    *,
    now: datetime | None = None,
) -> Comment:
    """A remark of an administration or station of the enterprise's region on a submitted
    check-up."""
    user = actor.user
    if user is None:
        raise _forbidden(_("Comments are written by a person."))
    if organisation not in access.commenting_organisations(user, checkup):
        if not checkup.is_submitted():
            raise _wrong_status(checkup)
        raise _forbidden(
            _("Only the administrations and service stations of the enterprise's region comment.")
        )
    body = (text or "").strip()
    if not body:
        raise _invalid(_("Write a comment."), "text")
    if "\x00" in body:
        raise _invalid(_("Null characters are not allowed."), "text")
    if len(body) > MAX_COMMENT:
        raise _invalid(_("At most %(limit)s characters.") % {"limit": MAX_COMMENT}, "text")
    with transaction.atomic():
        comment = Comment.objects.create(
            checkup=checkup,
            organisation=organisation,
            author=user,
            text=body,
            created_at=now or timezone.now(),
        )
        audit.record(
            actor,
            "checkups.comment.added",
            checkup,
            organisation=organisation,
            params={"comment_id": comment.pk, "enterprise_id": checkup.enterprise_id},
        )
    return comment
