"""A programme's data — eligibility rules, required documents, scoring criteria — checked
when it is entered, and the two computations on it: the eligibility of an applicant and the
score of a review.

Eligibility rules are a list of small JSON objects; every rule must pass. They are
interpreted here, kind by kind, never evaluated as code:

- ``{"kind": "organisation_kind", "in": ["rights_holder"]}`` — the applicant's kind;
- ``{"kind": "rights_holder_type_in", "in": ["enterprise", "publisher"]}``;
- ``{"kind": "region_prefix", "value": "4407"}`` — the applicant's region code starts so;
- ``{"kind": "registered_works_at_least", "value": 3}`` — works of the applicant with an
  approved registration in copyguard's registry;
- ``{"kind": "any_of", "rules": [ … ]}`` — at least one of the inner rules (one level deep).

A review's score is on a 0-100 scale: each criterion's points divided by its maximum,
weighted by its weight, ``100 * Σ wᵢ·pᵢ/maxᵢ ÷ Σ wᵢ``; the application's score is the mean
of its reviewers' scores. Both are rounded half up to two places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import OrganisationKind, RightsHolderType
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.services.funds.enums import DocumentFormat, FundErrorCode, RuleKind

__all__ = [
    "MAX_CRITERIA",
    "MAX_DOCUMENTS",
    "MAX_RULES",
    "RuleResult",
    "application_score",
    "clean_criteria",
    "clean_documents",
    "clean_rules",
    "evaluate",
    "review_score",
]

MAX_RULES = 20
MAX_DOCUMENTS = 20
MAX_CRITERIA = 20
MAX_NAME = 200
_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_REGION_PREFIX = re.compile(r"^[0-9]{2,6}$")
TWO = Decimal("0.01")


def _bad(message: Any, field: str) -> ActionError:
    return ActionError(FundErrorCode.INVALID, message, field=field)


# ------------------------------------------------------------------ eligibility rules


def _choice_list(value: Any, allowed: set[str], field: str, where: str) -> list[str]:
    if not isinstance(value, list) or not value or len(value) > 20:
        raise _bad(_('%(where)s: "in" must be a non-empty list.') % {"where": where}, field)
    for item in value:
        if not isinstance(item, str) or item not in allowed:
            raise _bad(
                _("%(where)s: %(value)s is not one of %(allowed)s.")
                % {"where": where, "value": repr(item)[:40], "allowed": ", ".join(sorted(allowed))},
                field,
            )
    return list(dict.fromkeys(value))


def _clean_rule(rule: Any, where: str, *, nested: bool) -> dict[str, Any]:
    field = "eligibility_rules"
    if not isinstance(rule, dict):
        raise _bad(_("%(where)s is not an object.") % {"where": where}, field)
    kind = rule.get("kind")
    extra = set(rule) - {"kind", "in", "value", "rules"}
    if extra:
        raise _bad(
            _("%(where)s: unknown keys %(keys)s.")
            % {"where": where, "keys": ", ".join(sorted(extra))},
            field,
        )
    if kind == RuleKind.ORGANISATION_KIND:
        return {
            "kind": kind,
            "in": _choice_list(rule.get("in"), set(OrganisationKind.values), field, where),
        }
    if kind == RuleKind.RIGHTS_HOLDER_TYPE_IN:
        return {
            "kind": kind,
            "in": _choice_list(rule.get("in"), set(RightsHolderType.values), field, where),
        }
    if kind == RuleKind.REGION_PREFIX:
        value = rule.get("value")
        if not isinstance(value, str) or not _REGION_PREFIX.match(value):
            raise _bad(
                _('%(where)s: "value" must be the first 2 to 6 digits of a region code.')
                % {"where": where},
                field,
            )
        return {"kind": kind, "value": value}
    if kind == RuleKind.REGISTERED_WORKS_AT_LEAST:
        value = rule.get("value")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100000:
            raise _bad(
                _('%(where)s: "value" must be a whole number from 0 to 100000.') % {"where": where},
                field,
            )
        return {"kind": kind, "value": value}
    if kind == RuleKind.ANY_OF and not nested:
        inner = rule.get("rules")
        if not isinstance(inner, list) or not inner or len(inner) > MAX_RULES:
            raise _bad(
                _('%(where)s: "rules" must be a list of 1 to %(max)d rules.')
                % {"where": where, "max": MAX_RULES},
                field,
            )
        return {
            "kind": kind,
            "rules": [
                _clean_rule(item, f"{where}.{index}", nested=True)
                for index, item in enumerate(inner, start=1)
            ],
        }
    raise _bad(
        _("%(where)s: unknown rule kind %(kind)s.") % {"where": where, "kind": repr(kind)[:40]},
        field,
    )


def clean_rules(rules: Any) -> list[dict[str, Any]]:
    """The rules in their normal form, or the first problem as an ``ActionError``."""
    if rules is None:
        return []
    if not isinstance(rules, list) or len(rules) > MAX_RULES:
        raise _bad(
            _("Eligibility rules must be a list of at most %(max)d rules.") % {"max": MAX_RULES},
            "eligibility_rules",
        )
    where = str(_("Rule"))
    return [
        _clean_rule(rule, f"{where} {index}", nested=False)
        for index, rule in enumerate(rules, start=1)
    ]


@dataclass(frozen=True)
class RuleResult:
    kind: str
    rule: dict[str, Any]
    passed: bool
    actual: Any  # what the applicant has: its kind, type, region code, works count

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "rule": self.rule, "passed": self.passed, "actual": self.actual}


def registered_works(organisation: Organisation) -> int:
    from copyguard.works.enums import RegistrationStatus
    from copyguard.works.models import Work

    return (
        Work.objects.filter(owner=organisation, registrations__status=RegistrationStatus.REGISTERED)
        .distinct()
        .count()
    )


def _evaluate_one(
    rule: dict[str, Any], applicant: Organisation, cache: dict[str, Any]
) -> RuleResult:
    kind = rule["kind"]
    if kind == RuleKind.ORGANISATION_KIND:
        return RuleResult(kind, rule, applicant.kind in rule["in"], applicant.kind)
    if kind == RuleKind.RIGHTS_HOLDER_TYPE_IN:
        actual = applicant.rights_holder_type or ""
        return RuleResult(kind, rule, actual in rule["in"], actual)
    if kind == RuleKind.REGION_PREFIX:
        code = applicant.region_code or ""
        return RuleResult(kind, rule, code.startswith(rule["value"]), code)
    if kind == RuleKind.REGISTERED_WORKS_AT_LEAST:
        if "works" not in cache:
            cache["works"] = registered_works(applicant)
        return RuleResult(kind, rule, cache["works"] >= rule["value"], cache["works"])
    if kind == RuleKind.ANY_OF:
        inner = [_evaluate_one(item, applicant, cache) for item in rule["rules"]]
        return RuleResult(kind, rule, any(r.passed for r in inner), [r.as_json() for r in inner])
    raise ValueError(f"unknown rule kind {kind!r}")  # clean_rules refuses these


def evaluate(rules: list[dict[str, Any]], applicant: Organisation) -> list[RuleResult]:
    """Each rule with whether the applicant meets it and what the applicant has."""
    cache: dict[str, Any] = {}
    return [_evaluate_one(rule, applicant, cache) for rule in clean_rules(rules)]


# ------------------------------------------------------------------ documents and criteria


def _name_pair(item: dict[str, Any], field: str, where: str) -> tuple[str, str]:
    name = item.get("name")
    name_en = item.get("name_en", "")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        raise _bad(
            _("%(where)s: a name of 1 to 200 characters is needed.") % {"where": where}, field
        )
    if not isinstance(name_en, str) or len(name_en) > MAX_NAME:
        raise _bad(
            _("%(where)s: the English name has at most 200 characters.") % {"where": where}, field
        )
    return name.strip(), name_en.strip()


def _code(item: dict[str, Any], seen: set[str], field: str, where: str) -> str:
    code = item.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        raise _bad(
            _("%(where)s: the code must be lower-case letters, digits, - or _ (at most 40).")
            % {"where": where},
            field,
        )
    if code in seen:
        raise _bad(
            _("%(where)s: the code %(code)s is used twice.") % {"where": where, "code": code}, field
        )
    seen.add(code)
    return code


def clean_documents(documents: Any) -> list[dict[str, Any]]:
    field = "required_documents"
    if documents is None:
        return []
    if not isinstance(documents, list) or len(documents) > MAX_DOCUMENTS:
        raise _bad(
            _("Required documents must be a list of at most %(max)d.") % {"max": MAX_DOCUMENTS},
            field,
        )
    seen: set[str] = set()
    cleaned = []
    for index, item in enumerate(documents, start=1):
        where = f"{_('Document')} {index}"
        if not isinstance(item, dict):
            raise _bad(_("%(where)s is not an object.") % {"where": where}, field)
        code = _code(item, seen, field, where)
        name, name_en = _name_pair(item, field, where)
        mandatory = item.get("mandatory", True)
        if not isinstance(mandatory, bool):
            raise _bad(_('%(where)s: "mandatory" must be true or false.') % {"where": where}, field)
        formats = item.get("formats", [DocumentFormat.PDF.value])
        formats = _choice_list(formats, set(DocumentFormat.values), field, where)
        cleaned.append(
            {
                "code": code,
                "name": name,
                "name_en": name_en,
                "mandatory": mandatory,
                "formats": formats,
            }
        )
    return cleaned


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, str, float)):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def clean_criteria(criteria: Any) -> list[dict[str, Any]]:
    field = "scoring_criteria"
    if not isinstance(criteria, list) or not criteria or len(criteria) > MAX_CRITERIA:
        raise _bad(
            _("Scoring criteria must be a list of 1 to %(max)d criteria.") % {"max": MAX_CRITERIA},
            field,
        )
    seen: set[str] = set()
    cleaned = []
    for index, item in enumerate(criteria, start=1):
        where = f"{_('Criterion')} {index}"
        if not isinstance(item, dict):
            raise _bad(_("%(where)s is not an object.") % {"where": where}, field)
        code = _code(item, seen, field, where)
        name, name_en = _name_pair(item, field, where)
        weight = _decimal(item.get("weight"))
        if weight is None or not Decimal("0") < weight <= Decimal("1000"):
            raise _bad(
                _("%(where)s: the weight must be a number above 0 and at most 1000.")
                % {"where": where},
                field,
            )
        maximum = item.get("max")
        if isinstance(maximum, bool) or not isinstance(maximum, int) or not 1 <= maximum <= 1000:
            raise _bad(
                _('%(where)s: "max" must be a whole number from 1 to 1000.') % {"where": where},
                field,
            )
        cleaned.append(
            {
                "code": code,
                "name": name,
                "name_en": name_en,
                "weight": str(weight.quantize(TWO)),
                "max": maximum,
            }
        )
    return cleaned


def clean_scores(criteria: list[dict[str, Any]], scores: Any) -> dict[str, str]:
    """A reviewer's points for every criterion, each between 0 and the criterion's max."""
    field = "scores"
    if not isinstance(scores, dict):
        raise _bad(_("Give points for every criterion."), field)
    codes = {c["code"] for c in criteria}
    unknown = set(scores) - codes
    if unknown:
        raise _bad(
            _("Unknown criteria: %(codes)s.")
            % {"codes": ", ".join(sorted(map(str, unknown)))[:200]},
            field,
        )
    cleaned: dict[str, str] = {}
    for criterion in criteria:
        points = _decimal(scores.get(criterion["code"]))
        if points is None or not Decimal(0) <= points <= criterion["max"]:
            raise _bad(
                _("%(criterion)s: give points from 0 to %(max)d.")
                % {"criterion": criterion["name"], "max": criterion["max"]},
                f"scores.{criterion['code']}",
            )
        cleaned[criterion["code"]] = str(points.quantize(TWO, ROUND_HALF_UP))
    return cleaned


def review_score(criteria: list[dict[str, Any]], scores: dict[str, str]) -> Decimal:
    """``100 * Σ wᵢ·pᵢ/maxᵢ ÷ Σ wᵢ``, rounded half up to two places."""
    total_weight = sum((Decimal(c["weight"]) for c in criteria), Decimal(0))
    weighted = sum(
        (Decimal(c["weight"]) * Decimal(scores[c["code"]]) / Decimal(c["max"]) for c in criteria),
        Decimal(0),
    )
    return (Decimal(100) * weighted / total_weight).quantize(TWO, ROUND_HALF_UP)


def application_score(review_scores: list[Decimal]) -> Decimal | None:
    """The mean of the reviewers' scores (``None`` before the first review)."""
    if not review_scores:
        return None
    return (sum(review_scores, Decimal(0)) / len(review_scores)).quantize(TWO, ROUND_HALF_UP)
