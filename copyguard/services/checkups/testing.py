"""Personas and helpers of the check-up tests (STYLE 9).

``make_checkup_world()`` extends monitoring's world (Alpha Press with a registered work,
Foshan's bureau under Guangdong's, Jiangmen's bureau, Beta Books whose owner is the
outsider): Alpha Press is placed in Foshan's Chancheng district (440604), Beta Books in
Jiangmen (440705), and service stations are added in Foshan (with a supervisor, a liaison
officer and a read-only member) and in Jiangmen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.accounts.models import Organisation, User
from copyguard.monitoring.tests.core_helpers import World, make_world
from copyguard.services.checkups import actions
from copyguard.services.checkups.models import CheckUp, Questionnaire
from copyguard.services.checkups.questionnaire import (
    QuestionnaireSpec,
    from_models,
    model_answers,
    parse,
    store,
)
from copyguard.testing import make_member, make_organisation

__all__ = [
    "FIRST_VERSION",
    "CheckupWorld",
    "answers_for",
    "ensure_questionnaire",
    "make_checkup_world",
    "submitted_checkup",
]

FIRST_VERSION = "copyguard/services/checkups/questionnaires/v1.json"


def ensure_questionnaire() -> Questionnaire:
    """Version 1 as the data migration loads it, loaded again when a transactional test (a
    live server's) flushed the database after the migrations ran."""
    from pathlib import Path

    current = Questionnaire.objects.filter(version=1).first()
    if current is not None:
        return current
    path = Path(__file__).resolve().parent / "questionnaires" / "v1.json"
    return store(parse(json.loads(path.read_text(encoding="utf-8"))), Questionnaire)  # type: ignore[no-any-return]


@dataclass
class CheckupWorld:
    base: World
    station: Organisation
    station_supervisor: User
    liaison: User
    station_viewer: User
    other_station: Organisation
    other_liaison: User

    def __getattr__(self, name: str) -> Any:
        return getattr(self.base, name)


def make_checkup_world() -> CheckupWorld:
    ensure_questionnaire()
    base = make_world()
    Organisation.objects.filter(pk=base.holder.pk).update(
        region_code="440604", name_en="Alpha Press", rights_holder_type="enterprise"
    )
    Organisation.objects.filter(pk=base.other_holder.pk).update(
        region_code="440705", name_en="Beta Books"
    )
    base.holder.refresh_from_db()
    base.other_holder.refresh_from_db()
    station = make_organisation(
        OrganisationKind.STATION, name="Foshan IP Service Station", region_code="440600"
    )
    other_station = make_organisation(
        OrganisationKind.STATION, name="Jiangmen IP Service Station", region_code="440700"
    )
    return CheckupWorld(
        base=base,
        station=station,
        station_supervisor=make_member(station, Role.SUPERVISOR),
        liaison=make_member(station, Role.LIAISON_OFFICER),
        station_viewer=make_member(station, Role.VIEWER),
        other_station=other_station,
        other_liaison=make_member(other_station, Role.LIAISON_OFFICER),
    )


def answers_for(spec: QuestionnaireSpec, *, best: bool = True) -> dict[str, str]:
    """An answer to every question: the best one (most points) or the worst one."""
    return model_answers(spec, best=best)


def submitted_checkup(
    enterprise: Organisation, year: int | None = None, *, best: bool = True, **answers: str
) -> CheckUp:
    """A check-up of ``enterprise`` filled in (best or worst answers, then ``answers``) and
    submitted by the command line's actor."""
    actor = Actor.system(via="test")
    checkup = actions.start_checkup(actor, enterprise, year or timezone.localdate().year)
    filled = answers_for(from_models(checkup.questionnaire), best=best)
    filled.update({code.replace("_", "-"): value for code, value in answers.items()})
    actions.save_answers(actor, checkup, filled)
    return actions.submit_checkup(actor, checkup)
