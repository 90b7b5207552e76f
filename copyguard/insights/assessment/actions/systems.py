"""Indicator systems as data: import, new versions, edits of a draft, activation.

A system is edited only while it is a draft. Activating checks the whole of it (weights
add up to ``TOTAL_POINTS``, every rule valid, every computed indicator names a metric,
the grade bands well formed) and retires the province's previously active version. A
change to an active system is made in a new version derived from it; rounds keep the
version they were computed with.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.insights.assessment.actions.common import (
    clean_decimal,
    clean_text,
    invalid,
    is_province,
    wrong_status,
)
from copyguard.insights.assessment.enums import (
    AssessmentErrorCode,
    Grade,
    Metric,
    Source,
    SystemStatus,
)
from copyguard.insights.assessment.models import (
    Aspect,
    Indicator,
    IndicatorSystem,
    RegionPopulation,
    Task,
)
from copyguard.insights.assessment.scoring import RuleError, validate_rule

__all__ = [
    "TOTAL_POINTS",
    "activate_system",
    "clean_grade_bands",
    "clean_rule",
    "export_system",
    "import_system",
    "new_version",
    "retire_system",
    "set_population",
    "update_grade_bands",
    "update_indicator",
]

TOTAL_POINTS = Decimal(100)
MAX_INDICATORS = 200
_CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_")


def _rule_error(message: str, field: str = "rule") -> ActionError:
    return ActionError(AssessmentErrorCode.INVALID_RULE, message, field=field)


def clean_rule(rule: Any, *, source: str, field: str = "rule") -> dict[str, Any]:
    try:
        validate_rule(rule)
    except RuleError as error:
        raise _rule_error(str(error), field) from None
    return dict(rule)


def clean_grade_bands(bands: Any) -> list[dict[str, str]]:
    """[{"grade", "min_total"}…] with each grade once, fail at 0, higher grades higher."""
    if not isinstance(bands, list) or not bands:
        raise invalid(_("Give the grade bands as a list."), "grade_bands")
    order = [g.value for g in Grade]
    cleaned: dict[str, Decimal] = {}
    for band in bands:
        if not isinstance(band, dict) or set(band) != {"grade", "min_total"}:
            raise invalid(_("Each grade band needs a grade and a minimum total."), "grade_bands")
        grade = band["grade"]
        if grade not in order or grade in cleaned:
            raise invalid(
                _("Unknown or repeated grade %(grade)s.") % {"grade": str(grade)[:20]},
                "grade_bands",
            )
        cleaned[grade] = clean_decimal(
            band["min_total"], "grade_bands", places=2, minimum=Decimal(0)
        )
    if set(cleaned) != set(order):
        raise invalid(
            _("Give a minimum total for each grade: excellent, good, pass and fail."),
            "grade_bands",
        )
    if cleaned[Grade.FAIL] != 0:
        raise invalid(_("The fail grade starts at 0."), "grade_bands")
    minimums = [cleaned[g] for g in order]
    if any(lower >= higher for higher, lower in itertools.pairwise(minimums)):
        raise invalid(
            _("Each grade needs a higher minimum total than the grade below it."), "grade_bands"
        )
    if cleaned[Grade.EXCELLENT] > TOTAL_POINTS:
        raise invalid(_("No grade may need more than 100 points."), "grade_bands")
    return [{"grade": g, "min_total": str(cleaned[g])} for g in order]


def _code(value: Any, field: str) -> str:
    code = clean_text(value, field, 20, required=True)
    if not set(code) <= _CODE_CHARS:
        raise invalid(_("A code uses letters, digits, dots, hyphens and underscores."), field)
    return code


def _names(data: dict[str, Any], where: str) -> dict[str, str]:
    return {
        "name": clean_text(data.get("name"), f"{where}.name", 200, required=True),
        "name_en": clean_text(data.get("name_en"), f"{where}.name_en", 200),
    }


def _indicator_fields(data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise invalid(_("Each indicator must be an object."), where)
    source = data.get("source")
    if source not in Source.values:
        raise invalid(_("The source is computed or entered."), f"{where}.source")
    metric = str(data.get("metric") or "")
    if source == Source.COMPUTED and metric not in Metric.values:
        raise invalid(
            _("A computed indicator names one of the metrics: %(metrics)s.")
            % {"metrics": ", ".join(Metric.values)},
            f"{where}.metric",
        )
    if source == Source.ENTERED and metric:
        raise invalid(_("An entered indicator has no metric."), f"{where}.metric")
    needs_documents = data.get("needs_documents", source == Source.ENTERED)
    if not isinstance(needs_documents, bool):
        raise invalid(_("needs_documents is true or false."), f"{where}.needs_documents")
    return {
        "code": _code(data.get("code"), f"{where}.code"),
        **_names(data, where),
        "description": clean_text(data.get("description"), f"{where}.description", 2000),
        "description_en": clean_text(data.get("description_en"), f"{where}.description_en", 2000),
        "weight": clean_decimal(
            data.get("weight"), f"{where}.weight", places=2, minimum=Decimal("0.01")
        ),
        "source": source,
        "metric": metric,
        "rule": clean_rule(data.get("rule"), source=source, field=f"{where}.rule"),
        "needs_documents": needs_documents,
    }


def _next_version(province: Organisation) -> int:
    latest = IndicatorSystem.objects.filter(province=province).aggregate(v=Max("version"))["v"]
    return (latest or 0) + 1


def import_system(actor: Actor, province: Organisation, data: Any) -> IndicatorSystem:
    """A new draft version of the province's system from its JSON form (see the docs)."""
    if not is_province(province):
        raise invalid(_("Indicator systems belong to a provincial administration."))
    if not isinstance(data, dict):
        raise invalid(_("The indicator system must be a JSON object."))
    names = _names(data, "system")
    year = data.get("effective_year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise invalid(_("effective_year is a year between 2000 and 2100."), "effective_year")
    bands = clean_grade_bands(data.get("grade_bands"))
    aspects = data.get("aspects")
    if not isinstance(aspects, list) or not aspects:
        raise invalid(_("A system needs at least one aspect."), "aspects")
    planned: list[tuple[dict[str, Any], list[tuple[dict[str, Any], list[dict[str, Any]]]]]] = []
    codes: set[str] = set()
    count = 0
    for a, aspect in enumerate(aspects, start=1):
        if not isinstance(aspect, dict):
            raise invalid(_("Each aspect must be an object."), f"aspects.{a}")
        tasks = aspect.get("tasks")
        if not isinstance(tasks, list) or not tasks:
            raise invalid(_("Each aspect needs at least one task."), f"aspects.{a}.tasks")
        aspect_fields = {
            "code": _code(aspect.get("code"), f"aspects.{a}.code"),
            **_names(aspect, f"aspects.{a}"),
        }
        task_plans = []
        task_codes: set[str] = set()
        for t, task in enumerate(tasks, start=1):
            where = f"aspects.{a}.tasks.{t}"
            if not isinstance(task, dict):
                raise invalid(_("Each task must be an object."), where)
            indicators = task.get("indicators")
            if not isinstance(indicators, list) or not indicators:
                raise invalid(_("Each task needs at least one indicator."), f"{where}.indicators")
            task_fields = {"code": _code(task.get("code"), f"{where}.code"), **_names(task, where)}
            if task_fields["code"] in task_codes:
                raise invalid(
                    _("Two tasks share the code %(code)s.") % {"code": task_fields["code"]}, where
                )
            task_codes.add(task_fields["code"])
            cleaned = []
            for i, indicator in enumerate(indicators, start=1):
                count += 1
                if count > MAX_INDICATORS:
                    raise invalid(
                        _("A system has at most %(count)d indicators.") % {"count": MAX_INDICATORS}
                    )
                fields = _indicator_fields(indicator, f"{where}.indicators.{i}")
                if fields["code"] in codes:
                    raise invalid(
                        _("Two indicators share the code %(code)s.") % {"code": fields["code"]},
                        f"{where}.indicators.{i}.code",
                    )
                codes.add(fields["code"])
                cleaned.append(fields)
            task_plans.append((task_fields, cleaned))
        planned.append((aspect_fields, task_plans))
    if len({a["code"] for a, _ in planned}) != len(planned):
        raise invalid(_("Two aspects share a code."), "aspects")
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=province.pk).first()
        system = IndicatorSystem.objects.create(
            province=province,
            version=_next_version(province),
            effective_year=year,
            grade_bands=bands,
            notes=clean_text(data.get("notes"), "notes", 4000),
            created_by=actor.user,
            **names,
        )
        for a_pos, (aspect_fields, task_plans) in enumerate(planned, start=1):
            aspect_row = Aspect.objects.create(system=system, position=a_pos, **aspect_fields)
            for t_pos, (task_fields, indicators) in enumerate(task_plans, start=1):
                task_row = Task.objects.create(aspect=aspect_row, position=t_pos, **task_fields)
                Indicator.objects.bulk_create(
                    Indicator(task=task_row, position=i_pos, **fields)
                    for i_pos, fields in enumerate(indicators, start=1)
                )
        record(
            actor,
            "assessment.system.imported",
            system,
            organisation=province,
            params={"version": system.version, "indicators": count},
        )
    return system


def export_system(system: IndicatorSystem) -> dict[str, Any]:
    """The JSON form of a system (what ``import_system`` reads)."""
    aspects = []
    for aspect in system.aspects.prefetch_related("tasks__indicators").all():
        tasks = []
        for task in aspect.tasks.all():
            indicators = [
                {
                    "code": i.code,
                    "name": i.name,
                    "name_en": i.name_en,
                    "description": i.description,
                    "description_en": i.description_en,
                    "weight": str(i.weight),
                    "source": i.source,
                    **({"metric": i.metric} if i.metric else {}),
                    "rule": i.rule,
                    "needs_documents": i.needs_documents,
                }
                for i in task.indicators.all()
            ]
            tasks.append(
                {
                    "code": task.code,
                    "name": task.name,
                    "name_en": task.name_en,
                    "indicators": indicators,
                }
            )
        aspects.append(
            {"code": aspect.code, "name": aspect.name, "name_en": aspect.name_en, "tasks": tasks}
        )
    return {
        "name": system.name,
        "name_en": system.name_en,
        "effective_year": system.effective_year,
        "grade_bands": system.grade_bands,
        "notes": system.notes,
        "aspects": aspects,
    }


def new_version(
    actor: Actor, system: IndicatorSystem, *, effective_year: int | None = None
) -> IndicatorSystem:
    """A draft copy of ``system`` as the province's next version, derived from it."""
    data = export_system(system)
    if effective_year is not None:
        data["effective_year"] = effective_year
    with transaction.atomic():
        draft = import_system(actor, system.province, data)
        draft.derived_from = system
        draft.save(update_fields=["derived_from"])
        record(
            actor,
            "assessment.system.derived",
            draft,
            organisation=system.province,
            params={"from_version": system.version, "version": draft.version},
        )
    return draft


def _locked_draft(system: IndicatorSystem) -> IndicatorSystem:
    locked = IndicatorSystem.objects.select_for_update().get(pk=system.pk)
    if not locked.is_editable():
        raise wrong_status(locked.get_status_display())
    return locked


def update_indicator(
    actor: Actor,
    indicator: Indicator,
    *,
    weight: Any = None,
    rule: Any = None,
    needs_documents: bool | None = None,
) -> Indicator:
    """Change an indicator's weight, rule or document requirement in a draft system."""
    with transaction.atomic():
        system = _locked_draft(indicator.task.aspect.system)
        changes: dict[str, Any] = {}
        if weight is not None:
            indicator.weight = clean_decimal(weight, "weight", places=2, minimum=Decimal("0.01"))
            changes["weight"] = str(indicator.weight)
        if rule is not None:
            indicator.rule = clean_rule(rule, source=indicator.source)
            changes["rule"] = indicator.rule
        if needs_documents is not None:
            indicator.needs_documents = bool(needs_documents)
            changes["needs_documents"] = indicator.needs_documents
        if not changes:
            raise invalid(_("Nothing to change."))
        indicator.save()
        record(
            actor,
            "assessment.indicator.updated",
            indicator,
            organisation=system.province,
            params={"system": system.pk, "code": indicator.code, **changes},
        )
    return indicator


def update_grade_bands(actor: Actor, system: IndicatorSystem, bands: Any) -> IndicatorSystem:
    cleaned = clean_grade_bands(bands)
    with transaction.atomic():
        locked = _locked_draft(system)
        locked.grade_bands = cleaned
        locked.save(update_fields=["grade_bands"])
        record(
            actor,
            "assessment.system.grades_updated",
            locked,
            organisation=locked.province,
            params={"grade_bands": cleaned},
        )
    return locked


def activation_problems(system: IndicatorSystem) -> list[str]:
    """What keeps a system from being activated (empty when it may be)."""
    problems: list[str] = []
    indicators = list(system.indicators())
    if not indicators:
        problems.append(str(_("The system has no indicator.")))
    total = sum((i.weight for i in indicators), Decimal(0))
    if total != TOTAL_POINTS:
        problems.append(
            str(_("The weights add up to %(total)s, not %(expected)s."))
            % {"total": total, "expected": TOTAL_POINTS}
        )
    for indicator in indicators:
        try:
            validate_rule(indicator.rule)
        except RuleError as error:
            problems.append(f"{indicator.code}: {error}")
        if indicator.source == Source.COMPUTED and indicator.metric not in Metric.values:
            problems.append(str(_("%(code)s names no metric.")) % {"code": indicator.code})
    try:
        clean_grade_bands(system.grade_bands)
    except ActionError as error:
        problems.append(str(error.message))
    return problems


def activate_system(actor: Actor, system: IndicatorSystem) -> IndicatorSystem:
    with transaction.atomic():
        locked = _locked_draft(system)
        problems = activation_problems(locked)
        if problems:
            raise ActionError(
                AssessmentErrorCode.INVALID_SYSTEM,
                _("The system cannot be activated: %(problems)s")
                % {"problems": "; ".join(problems)},
            )
        now = timezone.now()
        previous = list(
            IndicatorSystem.objects.select_for_update().filter(
                province=locked.province, status=SystemStatus.ACTIVE
            )
        )
        for old in previous:
            old.status = SystemStatus.RETIRED
            old.retired_at = now
            old.save(update_fields=["status", "retired_at"])
        locked.status = SystemStatus.ACTIVE
        locked.activated_at = now
        locked.save(update_fields=["status", "activated_at"])
        record(
            actor,
            "assessment.system.activated",
            locked,
            organisation=locked.province,
            params={"version": locked.version, "retired": [s.version for s in previous]},
        )
    return locked


def retire_system(actor: Actor, system: IndicatorSystem) -> IndicatorSystem:
    with transaction.atomic():
        locked = IndicatorSystem.objects.select_for_update().get(pk=system.pk)
        if locked.status != SystemStatus.ACTIVE:
            raise wrong_status(locked.get_status_display())
        locked.status = SystemStatus.RETIRED
        locked.retired_at = timezone.now()
        locked.save(update_fields=["status", "retired_at"])
        record(actor, "assessment.system.retired", locked, organisation=locked.province)
    return locked


def set_population(
    actor: Actor,
    province: Organisation,
    *,
    region_code: Any,
    year: Any,
    population: Any,
    source: Any,
) -> RegionPopulation:
    """Enter (or correct) a region's population for a year, with its source."""
    code = clean_text(region_code, "region_code", 6, required=True)
    if not (len(code) == 6 and code.isdigit() and code.startswith(province.region_code[:2])):
        raise invalid(_("Give the six-digit code of a region in the province."), "region_code")
    try:
        year_number = int(str(year))
    except (TypeError, ValueError):
        raise invalid(_("Enter a year."), "year") from None
    if not 1950 <= year_number <= 2100:
        raise invalid(_("Enter a year between 1950 and 2100."), "year")
    try:
        people = int(str(population).replace(",", "").strip())
    except (TypeError, ValueError):
        raise invalid(_("Enter the population as a whole number."), "population") from None
    if not 1 <= people <= 2_000_000_000:
        raise invalid(_("Enter a population between 1 and 2,000,000,000."), "population")
    cited = clean_text(source, "source", 300, required=True)
    try:
        with transaction.atomic():
            row, created = RegionPopulation.objects.select_for_update().get_or_create(
                region_code=code,
                year=year_number,
                defaults={"population": people, "source": cited, "recorded_by": actor.user},
            )
            before = None if created else row.population
            if not created:
                row.population, row.source, row.recorded_by = people, cited, actor.user
                row.recorded_at = timezone.now()
                row.save()
            record(
                actor,
                "assessment.population.recorded",
                row,
                organisation=province,
                params={
                    "region_code": code,
                    "year": year_number,
                    "population": people,
                    "before": before,
                    "source": cited,
                },
            )
    except IntegrityError:
        raise invalid(_("Someone entered this population at the same moment; try again.")) from None
    return row
