"""The demo: Guangdong's model-unit round awards Pearl Tide Press (public), its model-city
round has Jiangmen evaluated with every step; loading again adds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, Role
from copyguard.accounts.models import AuditEvent, Organisation
from copyguard.services.awards import demo
from copyguard.services.awards.enums import Category, NominationStatus, RoundStatus
from copyguard.services.awards.models import Award, AwardRound, CriterionScore, Nomination
from copyguard.testing import make_member, make_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def _organisations() -> dict[str, Organisation]:
    gd = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="广东省版权局",
        name_en="Copyright Administration of Guangdong Province",
        level=AdministrationLevel.PROVINCIAL,
        region_code="440000",
    )
    jm = make_organisation(
        OrganisationKind.ADMINISTRATION, name="江门市版权局", region_code="440700", parent=gd
    )
    pearl = make_organisation(
        OrganisationKind.RIGHTS_HOLDER,
        name="珠江潮出版社",
        name_en="Pearl Tide Press",
        region_code="440100",
    )
    make_member(gd, Role.SUPERVISOR)
    make_member(gd, Role.ANALYST)
    make_member(jm, Role.SUPERVISOR)
    make_member(pearl, Role.OWNER)
    return {"gd": gd, "jm": jm, "pearl-tide": pearl}


def test_the_demo_loads_once() -> None:
    organisations = _organisations()
    assert demo.load_demo_awards(organisations, via="cli") == 4
    units = AwardRound.objects.get(category=Category.UNIT)
    assert units.status == RoundStatus.DECIDED
    award = Award.objects.get()
    assert award.nomination.nominee == organisations["pearl-tide"]
    cities = AwardRound.objects.get(category=Category.CITY)
    assert cities.status == RoundStatus.EVALUATING
    jiangmen = Nomination.objects.get(round=cities)
    assert jiangmen.nominee == organisations["jm"] and jiangmen.nominator == organisations["jm"]
    assert jiangmen.status == NominationStatus.EVALUATING
    # M3 linear 0 → 12 at 9 accepted events: 30 * 9 / 12 = 22.5; no records: M1, M2 score 0
    m3 = CriterionScore.objects.get(nomination=jiangmen, criterion__code="M3")
    assert m3.points == 22.5
    assert jiangmen.total == 22.5
    events = AuditEvent.objects.filter(action__startswith="awards.").count()
    assert demo.load_demo_awards(organisations, via="cli") == 0
    assert AuditEvent.objects.filter(action__startswith="awards.").count() == events
    assert AwardRound.objects.count() == 2 and Nomination.objects.count() == 2
    listing = Client().get("/model-units/awards/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Pearl Tide Press" in listing.text
