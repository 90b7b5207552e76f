"""The demo loads Jiangmen's programme with Qiaoxiang's application taken through review,
approval and a first payment, and Pearl Tide's ineligible draft; a second load creates
nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from copyguard.accounts.enums import Role
from copyguard.services.funds import demo, report
from copyguard.services.funds.enums import ApplicationStatus
from copyguard.services.funds.models import FundApplication, FundProgramme
from copyguard.services.funds.testing import register_works
from copyguard.testing import make_member, make_organisation

pytestmark = pytest.mark.django_db


def test_demo_is_complete_and_idempotent():
    jm = make_organisation("administration", name="江门市版权局", region_code="440700")
    for role in (Role.SUPERVISOR, Role.REGISTRAR, Role.ANALYST):
        make_member(jm, role)
    qiaoxiang = make_organisation(
        "rights_holder", rights_holder_type="enterprise", region_code="440700"
    )
    pearl = make_organisation("rights_holder", region_code="440100")
    make_member(qiaoxiang, Role.OWNER)
    make_member(pearl, Role.OWNER)
    register_works(qiaoxiang, 1)
    register_works(pearl, 1)
    organisations = {"jm": jm, "qiaoxiang": qiaoxiang, "pearl-tide": pearl}
    assert demo.load_demo_funds(organisations) == 3
    assert demo.load_demo_funds(organisations) == 0
    programme = FundProgramme.objects.get()
    application = FundApplication.objects.get(applicant=qiaoxiang)
    # (100 * (40*.8 + 30*.7 + 30*.6)/100 = 71) and (40*.9 + 30*.7 + 30*.7 = 78) → 74.50
    assert application.status == ApplicationStatus.APPROVED and application.score == Decimal(
        "74.50"
    )
    draft = FundApplication.objects.get(applicant=pearl)
    assert draft.status == ApplicationStatus.DRAFT and draft.eligible is False
    totals = report.totals(programme)
    assert (totals.applied, totals.granted, totals.disbursed) == (
        1,
        Decimal("80000.00"),
        Decimal("40000.00"),
    )
