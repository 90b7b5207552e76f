# ruff: noqa: RUF001  (full-width CJK punctuation in the Chinese texts)
"""Demo data of special support funds: Jiangmen's bureau (key "jm") publishes the city's
special funds for intellectual property support (the city issued about 24 million yuan of
such funds under its revised administrative measures; see ../shared/context/). Qiaoxiang
Digital (key "qiaoxiang", Jiangmen) applies with its documents, is scored by the bureau's
analyst, approved and paid a first tranche; Pearl Tide Press (key "pearl-tide", Guangzhou)
starts an application that the region rule shows it is not eligible for.

Idempotent: a second load creates nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import Role
from copyguard.accounts.models import Membership, Organisation
from copyguard.services.funds import actions
from copyguard.services.funds.enums import ApplicationStatus
from copyguard.services.funds.models import FundApplication, FundProgramme

__all__ = ["load_demo_funds"]

TITLE = "江门市知识产权专项资金（版权类）"
TITLE_EN = "Jiangmen special funds for intellectual property support (copyright)"
DESCRIPTION = (
    "依据《江门市知识产权专项资金管理办法》，对本市企业的作品登记、版权保护和版权运用项目给予资助。"
    "申请人须为注册地在江门市的权利人，并已在本平台完成至少一件作品登记。"
)
DESCRIPTION_EN = (
    "Under the Administrative Measures for Special Funds for Intellectual Property Support in "
    "Jiangmen City, support for the registration, protection and use of copyright by the city's "
    "enterprises. Applicants are rights holders registered in Jiangmen with at least one work "
    "registered on this platform."
)
RULES = [
    {"kind": "organisation_kind", "in": ["rights_holder"]},
    {"kind": "region_prefix", "value": "4407"},
    {"kind": "registered_works_at_least", "value": 1},
]
DOCUMENTS = [
    {
        "code": "licence",
        "name": "营业执照",
        "name_en": "Business licence",
        "mandatory": True,
        "formats": ["pdf", "image"],
    },
    {
        "code": "plan",
        "name": "项目申报书",
        "name_en": "Project application",
        "mandatory": True,
        "formats": ["pdf", "text"],
    },
    {
        "code": "certificates",
        "name": "作品登记证书",
        "name_en": "Registration certificates",
        "mandatory": False,
        "formats": ["pdf", "image"],
    },
]
CRITERIA = [
    {
        "code": "value",
        "name": "版权价值与创新性",
        "name_en": "Value and originality of the works",
        "weight": "40",
        "max": 10,
    },
    {
        "code": "protection",
        "name": "版权保护与管理",
        "name_en": "Protection and management",
        "weight": "30",
        "max": 10,
    },
    {
        "code": "benefit",
        "name": "经济与社会效益",
        "name_en": "Economic and social benefit",
        "weight": "30",
        "max": 10,
    },
]
PLAN = (
    "项目名称：五邑侨乡数字文化产品版权登记与保护\n"
    "一、计划登记侨批档案数字化成果及冷链监测软件后续版本。\n"
    "二、建立公司版权资产台账与监测机制。\n"
    "三、预算：登记与监测服务费 8 万元，培训 2 万元。\n"
)


def _pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` (ASCII), built by hand so the demo needs no renderer."""
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _actor(organisation: Organisation, role: str, via: str) -> Actor | None:
    membership = (
        Membership.objects.filter(organisation=organisation, role=role, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return Actor(user=membership.user, via=via) if membership else None


def _programme(bureau: Organisation, via: str) -> tuple[FundProgramme, int]:
    existing = FundProgramme.objects.filter(administration=bureau, title=TITLE).first()
    if existing is not None:
        return existing, 0
    registrar = _actor(bureau, Role.REGISTRAR, via) or Actor.system(via=via)
    now = timezone.now()
    programme = actions.create_programme(
        registrar,
        bureau,
        actions.ProgrammeData(
            title=TITLE,
            title_en=TITLE_EN,
            description=DESCRIPTION,
            description_en=DESCRIPTION_EN,
            total_budget=Decimal("2000000.00"),
            max_award=Decimal("100000.00"),
            opens_at=now - timedelta(days=30),
            closes_at=now + timedelta(days=60),
            eligibility_rules=RULES,
            required_documents=DOCUMENTS,
            scoring_criteria=CRITERIA,
        ),
    )
    return actions.open_programme(registrar, programme), 1


def _qiaoxiang(
    programme: FundProgramme, enterprise: Organisation, bureau: Organisation, via: str
) -> int:
    if FundApplication.objects.filter(programme=programme, applicant=enterprise).exists():
        return 0
    owner = _actor(enterprise, Role.OWNER, via) or Actor.system(via=via)
    application = actions.start_application(
        owner, programme, enterprise, "100000", PLAN.splitlines()[0]
    )
    actions.attach_document(
        owner,
        application,
        "licence",
        SimpleUploadedFile("营业执照.pdf", _pdf("Business licence - Qiaoxiang Digital")),
    )
    actions.attach_document(
        owner, application, "plan", SimpleUploadedFile("项目申报书.txt", PLAN.encode("utf-8"))
    )
    if not application.eligible:
        return 1  # without a registered work (works demo not loaded) it stays a draft
    application = actions.submit_application(owner, application)
    analyst = _actor(bureau, Role.ANALYST, via)
    supervisor = _actor(bureau, Role.SUPERVISOR, via)
    registrar = _actor(bureau, Role.REGISTRAR, via)
    if analyst is None or supervisor is None or registrar is None:
        return 1
    actions.review_application(
        analyst,
        application,
        {"value": "8", "protection": "7", "benefit": "6"},
        "登记计划具体，建议加强监测。",
    )
    actions.review_application(
        supervisor, application, {"value": "9", "protection": "7", "benefit": "7"}
    )
    application = actions.approve_application(
        supervisor, application, "80000", "按评审得分核定资助 8 万元，分两期拨付。"
    )
    actions.record_disbursement(
        registrar, application, "40000", timezone.localdate(), "JMCZ-2026-0412"
    )
    return 1


def _pearl_tide(programme: FundProgramme, enterprise: Organisation, via: str) -> int:
    if (
        FundApplication.objects.filter(programme=programme, applicant=enterprise)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .exists()
    ):
        return 0
    owner = _actor(enterprise, Role.OWNER, via) or Actor.system(via=via)
    actions.start_application(owner, programme, enterprise, "50000", "出版物数字版权保护项目")
    return 1


def load_demo_funds(organisations: dict[str, Organisation], via: str = "cli") -> int:
    """Load what is missing of the funds demo; returns how many programmes and applications
    it made."""
    bureau = organisations.get("jm")
    if bureau is None:
        return 0
    programme, created = _programme(bureau, via)
    if not programme.accepts_applications():
        return created
    if "qiaoxiang" in organisations:
        created += _qiaoxiang(programme, organisations["qiaoxiang"], bureau, via)
    if "pearl-tide" in organisations:
        created += _pearl_tide(programme, organisations["pearl-tide"], via)
    return created
