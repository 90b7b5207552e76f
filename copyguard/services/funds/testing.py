"""A small funds world for tests: Jiangmen's bureau with a supervisor, a registrar, two
analysts (the reviewers) and a read-only member; an eligible enterprise in Jiangmen with an
owner and a read-only member; an enterprise in Foshan (outside the region); an outsider."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, RightsHolderType, Role
from copyguard.accounts.models import Organisation, User
from copyguard.services.funds import actions
from copyguard.services.funds.examples import CRITERIA, DOCUMENTS, RULES
from copyguard.services.funds.models import FundApplication, FundProgramme
from copyguard.testing import make_member, make_organisation

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def register_works(owner: Organisation, count: int) -> None:
    """``count`` works of ``owner`` with an approved registration (rows only, no files)."""
    from copyguard.works.enums import RegistrationStatus
    from copyguard.works.models import Registration, Work

    for index in range(count):
        work = Work.objects.create(owner=owner, title=f"作品 {index + 1}", category="written")
        Registration.objects.create(
            work=work, status=RegistrationStatus.REGISTERED, registered_on=timezone.localdate()
        )


def upload(content: bytes = PDF, name: str = "licence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@dataclass
class FundsWorld:
    bureau: Organisation
    supervisor: User
    registrar: User
    analyst: User
    analyst2: User
    bureau_viewer: User
    enterprise: Organisation
    owner: User
    enterprise_viewer: User
    foshan_enterprise: Organisation
    foshan_owner: User
    other_bureau: Organisation
    outsider: User

    def actor(self, user: User) -> Actor:
        return Actor(user=user, via="test")

    def programme(self, *, open_now: bool = True, **overrides: Any) -> FundProgramme:
        now = timezone.now()
        data = actions.ProgrammeData(
            title="江门市知识产权专项资金",
            title_en="Jiangmen IP special support fund",
            description="支持版权登记与保护。",
            description_en="Support for registration and protection.",
            total_budget=overrides.pop("total_budget", Decimal("100000.00")),
            max_award=overrides.pop("max_award", Decimal("50000.00")),
            opens_at=overrides.pop("opens_at", now - timedelta(days=1)),
            closes_at=overrides.pop("closes_at", now + timedelta(days=30)),
            eligibility_rules=overrides.pop("eligibility_rules", RULES),
            required_documents=overrides.pop("required_documents", DOCUMENTS),
            scoring_criteria=overrides.pop("scoring_criteria", CRITERIA),
        )
        programme = actions.create_programme(self.actor(self.registrar), self.bureau, data)
        if open_now:
            programme = actions.open_programme(self.actor(self.registrar), programme)
        return programme

    def ready_application(
        self,
        programme: FundProgramme,
        amount: str = "30000",
        applicant: Organisation | None = None,
        owner: User | None = None,
    ) -> FundApplication:
        """A draft with both mandatory documents attached."""
        who = self.actor(owner or self.owner)
        application = actions.start_application(
            who, programme, applicant or self.enterprise, amount, "我们的计划"
        )
        actions.attach_document(who, application, "licence", upload(PDF, "licence.pdf"))
        actions.attach_document(who, application, "plan", upload("计划内容\n".encode(), "plan.txt"))
        return application

    def submitted(
        self, programme: FundProgramme, amount: str = "30000", **kw: Any
    ) -> FundApplication:
        application = self.ready_application(programme, amount, **kw)
        return actions.submit_application(self.actor(kw.get("owner") or self.owner), application)

    def reviewed(self, programme: FundProgramme, amount: str = "30000") -> FundApplication:
        application = self.submitted(programme, amount)
        actions.review_application(
            self.actor(self.analyst), application, {"innovation": "8", "benefit": "4"}
        )
        application.refresh_from_db()
        return application


def make_funds_world() -> FundsWorld:
    bureau = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="江门市版权局",
        name_en="Jiangmen Copyright Bureau",
        level=AdministrationLevel.MUNICIPAL,
        region_code="440700",
    )
    other_bureau = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="佛山市版权局",
        name_en="Foshan Copyright Bureau",
        level=AdministrationLevel.MUNICIPAL,
        region_code="440600",
    )
    enterprise = make_organisation(
        OrganisationKind.RIGHTS_HOLDER,
        name="江门侨乡数字科技有限公司",
        name_en="Qiaoxiang Digital",
        rights_holder_type=RightsHolderType.ENTERPRISE,
        region_code="440703",
    )
    foshan = make_organisation(
        OrganisationKind.RIGHTS_HOLDER,
        name="佛山影视有限公司",
        name_en="Foshan Film",
        rights_holder_type=RightsHolderType.ENTERPRISE,
        region_code="440604",
    )
    register_works(enterprise, 3)
    register_works(foshan, 5)
    return FundsWorld(
        bureau=bureau,
        supervisor=make_member(bureau, Role.SUPERVISOR, email="supervisor@jm.test"),
        registrar=make_member(bureau, Role.REGISTRAR, email="registrar@jm.test"),
        analyst=make_member(bureau, Role.ANALYST, email="analyst@jm.test"),
        analyst2=make_member(bureau, Role.ANALYST, email="analyst2@jm.test"),
        bureau_viewer=make_member(bureau, Role.VIEWER, email="viewer@jm.test"),
        enterprise=enterprise,
        owner=make_member(enterprise, Role.OWNER, email="owner@qiaoxiang.test"),
        enterprise_viewer=make_member(enterprise, Role.VIEWER, email="viewer@qiaoxiang.test"),
        foshan_enterprise=foshan,
        foshan_owner=make_member(foshan, Role.OWNER, email="owner@foshan.test"),
        other_bureau=other_bureau,
        outsider=make_member(other_bureau, Role.SUPERVISOR, email="outsider@fs.test"),
    )


__all__ = [
    "CRITERIA",
    "DOCUMENTS",
    "PDF",
    "PNG",
    "RULES",
    "FundsWorld",
    "make_funds_world",
    "register_works",
    "upload",
]
