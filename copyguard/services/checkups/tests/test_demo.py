"""The check-up demo: Qiaoxiang Digital's check-ups for last year and this year, submitted,
this year's commented on by Jiangmen's bureau; a second load creates nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, RightsHolderType, Role
from copyguard.services.checkups.demo import load_demo_checkups
from copyguard.services.checkups.models import CheckUp, Comment
from copyguard.services.checkups.report import build_report
from copyguard.testing import make_member, make_organisation

pytestmark = pytest.mark.django_db


def test_the_demo_gives_qiaoxiang_two_years_and_loads_once():
    qiaoxiang = make_organisation(
        OrganisationKind.RIGHTS_HOLDER, name="江门侨乡数字科技有限公司", region_code="440700",
        rights_holder_type=RightsHolderType.ENTERPRISE,
    )  # fmt: skip
    jm = make_organisation(
        OrganisationKind.ADMINISTRATION, name="江门市版权局", region_code="440700",
        level=AdministrationLevel.MUNICIPAL,
    )  # fmt: skip
    make_member(qiaoxiang, Role.OWNER)
    make_member(jm, Role.ENFORCEMENT_OFFICER)
    organisations = {"qiaoxiang": qiaoxiang, "jm": jm}
    assert load_demo_checkups(organisations) == 3
    year = timezone.localdate().year
    checkups = list(CheckUp.objects.filter(enterprise=qiaoxiang).order_by("year"))
    assert [c.year for c in checkups] == [year - 1, year]
    assert all(c.is_submitted() for c in checkups)
    last, this = checkups
    assert this.overall_score > last.overall_score
    report = build_report(this)
    assert (
        report.previous == last and report.overall_change == this.overall_score - last.overall_score
    )
    assert Comment.objects.get().organisation == jm
    assert load_demo_checkups(organisations) == 0
    assert CheckUp.objects.count() == 2 and Comment.objects.count() == 1
