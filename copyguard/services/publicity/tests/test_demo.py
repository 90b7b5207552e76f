"""The demo: the "April 26" training with its figures, the news item, the material with its
leaflet, a coming training; loading twice creates nothing new."""

from __future__ import annotations

from typing import Any

import pytest

from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, Role
from copyguard.services.publicity.demo import EVENT_TITLE, MATERIAL_TITLE, load_demo_publicity
from copyguard.services.publicity.enums import ArticleStatus, EventStatus
from copyguard.services.publicity.models import Article, TrainingEvent
from copyguard.testing import make_member, make_organisation

pytestmark = pytest.mark.django_db


def _organisations() -> dict[str, Any]:
    jm = make_organisation(
        OrganisationKind.ADMINISTRATION, name="江门市版权局", region_code="440700"
    )
    xinhui = make_organisation(
        OrganisationKind.ADMINISTRATION, name="江门市新会区版权局", region_code="440705",
        level=AdministrationLevel.DISTRICT, parent=jm,
    )  # fmt: skip
    for organisation in (jm, xinhui):
        make_member(organisation, Role.SUPERVISOR)
        make_member(organisation, Role.ANALYST)
    return {"jm": jm, "xinhui": xinhui}


def test_the_demo_loads_once(settings: Any) -> None:
    organisations = _organisations()
    assert load_demo_publicity(organisations, via="cli") == 4
    assert load_demo_publicity(organisations, via="cli") == 0
    training = TrainingEvent.objects.get(title=EVENT_TITLE)
    assert training.status == EventStatus.PUBLISHED
    assert f"{training.starts_at:%Y-%m-%d}" == "2021-04-26"
    figures = training.figures()
    assert (figures.confirmed, figures.attended, figures.absent) == (5, 4, 1)
    assert figures.rate_percent == "80.0%"
    assert Article.objects.filter(status=ArticleStatus.PUBLISHED).count() == 2
    coming = TrainingEvent.objects.exclude(pk=training.pk).get()
    assert coming.registration_open() and coming.organiser == organisations["xinhui"]


def test_the_material_carries_its_leaflet_when_pdfs_can_be_made() -> None:
    pytest.importorskip("weasyprint")
    load_demo_publicity(_organisations(), via="cli")
    material = Article.objects.get(title=MATERIAL_TITLE)
    attachment = material.attachments.get()
    assert attachment.media_type == "application/pdf" and attachment.size > 1000
