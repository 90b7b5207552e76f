"""The demo publishes one typical case from a closed case, and loading again adds nothing."""

from __future__ import annotations

import pytest

from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, Role
from copyguard.accounts.models import AuditEvent
from copyguard.enforcement.enums import CaseStatus, ThresholdState
from copyguard.enforcement.models import Case
from copyguard.insights.typical import demo
from copyguard.insights.typical.enums import TypicalStatus
from copyguard.insights.typical.models import TypicalCase
from copyguard.testing import make_member, make_organisation

pytestmark = pytest.mark.django_db


def _organisations() -> dict[str, object]:
    province = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="广东省版权局",
        level=AdministrationLevel.PROVINCIAL,
        region_code="440000",
    )
    foshan = make_organisation(
        OrganisationKind.ADMINISTRATION, name="佛山市版权局", region_code="440600", parent=province
    )
    for role in (Role.SUPERVISOR, Role.ENFORCEMENT_OFFICER, Role.VIEWER):
        make_member(foshan, role)
    holder = make_organisation(OrganisationKind.RIGHTS_HOLDER, name="南湖书苑出版社")
    return {"gd": province, "fs": foshan, "nanhu-books": holder}


def test_the_demo_publishes_one_typical_case_once() -> None:
    organisations = _organisations()
    assert demo.load_demo_typical(organisations, via="cli") == 2  # type: ignore[arg-type]
    case = Case.objects.get(title=demo.DEMO_CASE)
    assert case.status == CaseStatus.CLOSED
    assert case.threshold_state == ThresholdState.BELOW
    typical = TypicalCase.objects.get()
    assert typical.status == TypicalStatus.PUBLISHED
    assert set(typical.tags.values_list("slug", flat=True)) == {
        "online-literature",
        "special-campaign",
    }
    text = typical.public_text()
    for name in ("墨香网络科技", "陈志强", demo.SITE, demo.DOMAIN, "南湖书苑出版社"):
        assert name not in text
    assert "罚款 40,000.00 元" in typical.decision
    events = AuditEvent.objects.count()
    assert demo.load_demo_typical(organisations, via="cli") == 0  # type: ignore[arg-type]
    assert AuditEvent.objects.count() == events
    assert TypicalCase.objects.count() == 1 and Case.objects.count() == 1


def test_without_the_bureaus_people_the_demo_does_nothing() -> None:
    organisations = _organisations()
    foshan = organisations["fs"]
    foshan.memberships.all().delete()  # type: ignore[attr-defined]
    assert demo.load_demo_typical(organisations) == 0  # type: ignore[arg-type]
    assert not Case.objects.exists()
