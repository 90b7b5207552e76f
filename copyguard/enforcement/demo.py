# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""Demo data of enforcement: a tip-off, two cases, a transfer to the police, cooperation
between bureaus and a special campaign, so every enforcement page has something to show.

Loaded by ``copyguard.demo.load_demo`` after the demo hits of monitoring:

- a member of the public tells the Jiangmen bureau about a made-up novel site (eight days
  ago, so its triage deadline is overdue on the dashboard);
- the Jiangmen bureau runs "剑网2026" in Jiangmen with the campaign-wide source of the
  monitoring demo, with the Xinhui district bureau taking part, and records one site shut
  down;
- case A (below the criminal thresholds): a video on the made-up video site uses 采菱小调
  as its soundtrack. Handled jointly with Xinhui (two officers), with parties, facts, a
  task due within the day and the penalties proposed for the head's approval; the Foshan
  bureau is asked to help collect evidence of the uploader;
- case B (a threshold reached): the made-up picture and e-book site disseminating more
  than 500 works, complained of by Pearl Tide Press; proposed for transfer, approved by the
  head and sent to the Jiangmen public security bureau (its letter of transfer is rendered
  as a PDF: WeasyPrint and the CJK fonts must be installed, or the load fails), which has
  three days to accept it; the Jiangmen procuratorate supervises it.

Takedown notices and counter-notices are not loaded: a notice names confirmed hits with a
captured evidence bundle, and the demo hits have none (their ``.example`` sites do not
exist, so there is no page to capture; the demo never fabricates evidence).

Everything goes through the enforcement actions as the demo accounts; each object is
found by what names it (a case by its bureau and title, a tip-off by its address, …), so
loading again creates nothing new.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import Role
from copyguard.accounts.models import Membership, Organisation, User
from copyguard.enforcement.actions import campaigns, case_records, cases, cooperation, transfers
from copyguard.enforcement.actions import tipoffs as tipoff_actions
from copyguard.enforcement.enums import (
    CampaignStatus,
    CaseOrigin,
    ClosureKind,
    CooperationKind,
    CooperationStatus,
    DecisionKind,
    Measure,
    OfficerRole,
    PartyRole,
    ThresholdState,
    TransferStatus,
)
from copyguard.enforcement.models import (
    Campaign,
    Case,
    CaseTransfer,
    Cooperation,
    SiteClosure,
    TipOff,
)
from copyguard.monitoring.models import Hit, Source
from copyguard.works.models import Work

__all__ = ["CAMPAIGN_NAME", "CASE_A", "CASE_B", "TIP_OFF_URL", "load_demo_enforcement"]

CAMPAIGN_NAME = "“剑网2026”江门专项行动"
CAMPAIGN_SOURCE = "剑网行动：图片与视频分享站巡查"  # the monitoring demo's campaign source
CASE_A = "视频分享站用户擅自使用《采菱小调》作视频配乐案"
CASE_B = "“图享网”（pic-share.example）未经许可传播他人作品案"
TIP_OFF_URL = "https://cangshu-txt.example/book/qilou-yuji"
CLOSED_SITE = "wuyi-txt.example"
VIDEO_HIT = "https://video-share.example/v/88120"
PICTURE_HIT = "https://pic-share.example/img/2026/05/changdi-wm.jpg"


@dataclass
class _People:
    officer: Actor  # the Jiangmen bureau's enforcement officer (leads both cases)
    head: Actor  # its head: approves decisions and transfers
    partner: Actor  # the Xinhui district bureau's enforcement officer


def _member(organisation: Organisation, role: str) -> User | None:
    membership = (
        Membership.objects.filter(organisation=organisation, role=role, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _actor(organisation: Organisation, role: str, via: str) -> Actor:
    user = _member(organisation, role)
    return Actor(user=user, via=via) if user else Actor.system(via=via)


def _work(organisations: dict[str, Organisation], owner: str, title: str) -> Work | None:
    return Work.objects.filter(owner=organisations[owner], title=title).first()


def _hit(url: str) -> Hit | None:
    return Hit.objects.filter(url=url).order_by("pk").first()


def _tip_off(bureau: Organisation, via: str) -> int:
    if TipOff.objects.filter(administration=bureau, url=TIP_OFF_URL).exists():
        return 0
    # Received eight days ago and not yet triaged: its seven-day deadline is overdue. The
    # receipt code is the reporter's secret, shown once; the demo has no use for it.
    tipoff_actions.submit_tip_off(
        Actor.system(via=via),
        bureau,
        url=TIP_OFF_URL,
        description=(
            "该网站提供散文集《骑楼下的雨季》全文免费在线阅读和 TXT 下载，页面注明“网友上传”，"
            "没有任何授权说明，页面两侧还有大量博彩广告。我买过珠江潮出版社的正版书，"
            "对照过前两章，内容一字不差。"
        ),
        work_title="骑楼下的雨季",
        anonymous=True,
        source=tipoff_actions.source_hash(None),
        now=timezone.now() - datetime.timedelta(days=8),
    )
    return 1


def _campaign(
    organisations: dict[str, Organisation], people: _People
) -> tuple[Campaign | None, int]:
    bureau = organisations["jm"]
    campaign = Campaign.objects.filter(administration=bureau, name=CAMPAIGN_NAME).first()
    created = 0
    if campaign is None:
        today = timezone.localdate()
        works = [
            work
            for work in (
                _work(organisations, "pearl-tide", "骑楼下的雨季"),
                _work(organisations, "pearl-tide", "长堤晨雾"),
                _work(organisations, "nanhu-books", "采菱小调"),
            )
            if work is not None
        ]
        campaign = campaigns.create_campaign(
            people.officer,
            bureau,
            name=CAMPAIGN_NAME,
            name_en="Sword Net 2026: Jiangmen special campaign",
            description=(
                "按照国家版权局等四部门“剑网2026”专项行动部署，江门市版权局会同新会区版权局，"
                "重点整治图片、短视频分享平台和网络文学网站未经许可传播他人作品的行为，"
                "对重点作品开展全网巡查，对达到刑事追诉标准的案件及时移送公安机关。"
            ),
            starts_on=today - datetime.timedelta(days=30),
            ends_on=today + datetime.timedelta(days=60),
            works=works,
            sites=["pic-share.example", "video-share.example", CLOSED_SITE],
            sources=Source.objects.filter(owner=bureau, name=CAMPAIGN_SOURCE),
            participants=[organisations["xinhui"]],
        )
        created += 1
    if campaign.status == CampaignStatus.PLANNED:
        campaign = campaigns.start_campaign(people.officer, campaign)
    return campaign, created


def _joint(requester: Actor, partner: Actor, case: Case, partner_bureau: Organisation) -> None:
    """Share ``case`` with the Xinhui bureau (a joint case) and put its officer on it."""
    if not case.partners.filter(pk=partner_bureau.pk).exists():
        request = Cooperation.objects.filter(
            case=case, kind=CooperationKind.JOINT_CASE, partner=partner_bureau
        ).first()
        if request is None:
            request = cooperation.request_cooperation(
                requester,
                case.administration,
                partner_bureau,
                kind=CooperationKind.JOINT_CASE,
                subject=f"商请联合办理：{case.title}",
                details=(
                    "当事人住所地和经营场所位于新会区，请贵局指派执法人员参与联合办案，"
                    "共同开展调查取证和询问工作。"
                ),
                case=case,
            )
        if request.status == CooperationStatus.REQUESTED:
            cooperation.accept_cooperation(
                partner, request, answer="同意联合办理，已指派执法人员参与调查。"
            )
    user = partner.user
    if user is not None and not case.officers.filter(user=user, removed_at=None).exists():
        cases.add_officer(requester, case, user, role=OfficerRole.ASSISTING)


def _parties(actor: Actor, case: Case, parties: list[dict[str, str]]) -> None:
    for party in parties:
        if not case.parties.filter(name=party["name"]).exists():
            cases.add_party(actor, case, **party)


def _facts(actor: Actor, case: Case, facts: list[tuple[str, int, str]]) -> None:
    for measure, value, basis in facts:
        if not case.facts.filter(measure=measure).exists():
            cases.set_fact(actor, case, measure=measure, value=value, basis=basis)


def _case_a(
    organisations: dict[str, Organisation], people: _People, campaign: Campaign | None
) -> tuple[Case | None, int]:
    """Below the thresholds: handled as an administrative case."""
    bureau = organisations["jm"]
    case = Case.objects.filter(administration=bureau, title=CASE_A).first()
    created = 0
    if case is None:
        hit = _hit(VIDEO_HIT)
        if hit is None:
            return None, 0
        case = cases.open_case(
            people.officer,
            bureau,
            title=CASE_A,
            origin=CaseOrigin.CAMPAIGN,
            summary=(
                "专项行动巡查中发现，视频分享站用户“南湖游船日记”上传的《南湖游船 vlog》"
                "使用南湖书苑出版社登记的音乐作品《采菱小调》作为背景音乐（第 14 至 26 秒），"
                "未取得许可，也未署名。该视频开通了贴片广告分成。"
            ),
            online=True,
            hits=[hit],
        )
        created += 1
    _joint(people.officer, people.partner, case, organisations["xinhui"])
    _parties(
        people.officer,
        case,
        [
            {
                "role": PartyRole.INFRINGER,
                "name": "佛山市南海区某文化传媒工作室（经营者何某）",
                "address": "广东省佛山市南海区桂城街道",
            },
            {
                "role": PartyRole.SITE,
                "name": "视频分享站",
                "domain": "video-share.example",
            },
            {
                "role": PartyRole.RIGHTS_HOLDER,
                "name": organisations["nanhu-books"].name,
                "address": "浙江省嘉兴市南湖区",
            },
        ],
    )
    _facts(
        people.officer,
        case,
        [
            (Measure.WORKS, 1, "平台调取的账号作品列表：使用涉案配乐的视频 1 部。"),
            (Measure.CLICKS, 3460, "平台后台播放记录，截至立案之日。"),
            (Measure.BUSINESS_VOLUME, 1200, "平台出具的贴片广告分成结算单。"),
        ],
    )
    task_title = "调取上传账号的实名注册信息和广告分成结算记录"
    if not case.tasks.filter(title=task_title).exists():
        case_records.add_task(
            people.officer,
            case,
            title=task_title,
            due_at=timezone.now() + datetime.timedelta(hours=20),
            assignee=people.officer.user,
        )
    if not case_records.pending_decisions(case) and not case.decisions.exists():
        case_records.propose_decision(
            people.officer,
            case,
            penalties=[
                {"kind": DecisionKind.ORDER_TO_STOP},
                {"kind": DecisionKind.WARNING},
                {"kind": DecisionKind.CONFISCATE_GAINS, "amount": Decimal("1200.00")},
                {"kind": DecisionKind.FINE, "amount": Decimal("5000.00")},
            ],
            reasoning=(
                "当事人未经著作权人许可，通过信息网络向公众传播其作品，违反《中华人民共和国"
                "著作权法》第十条第一款第（十二）项，依据第五十三条第（一）项处罚。违法经营额"
                "不足五万元，依法可并处二十五万元以下罚款；当事人初次违法、配合调查并已删除"
                "视频，建议从轻处罚。"
            ),
        )
    if (
        campaign is not None
        and case.campaign_id is None
        and campaign.status == CampaignStatus.ACTIVE
    ):
        case = campaigns.attach_case(people.officer, campaign, case)
    if not Cooperation.objects.filter(case=case, kind=CooperationKind.EVIDENCE).exists():
        cooperation.request_cooperation(
            people.officer,
            bureau,
            organisations["fs"],
            kind=CooperationKind.EVIDENCE,
            subject="商请协助调取涉案工作室的经营场所证据并询问经营者",
            details=(
                "我局办理的视频配乐侵权案中，当事人为佛山市南海区桂城街道某文化传媒工作室。"
                "请贵局协助：一、核实工作室的营业执照和实际经营地址；二、对经营者何某制作询问"
                "笔录；三、提取其电脑中涉案视频的原始工程文件。相关材料请通过本系统回复。"
            ),
            case=case,
            clue_url=VIDEO_HIT,
        )
        created += 1
    return case, created


def _case_b(
    organisations: dict[str, Organisation], people: _People, campaign: Campaign | None
) -> tuple[Case | None, int]:
    """Over a threshold: transferred to public security."""
    bureau = organisations["jm"]
    case = Case.objects.filter(administration=bureau, title=CASE_B).first()
    created = 0
    if case is None:
        hit = _hit(PICTURE_HIT)
        if hit is None:
            return None, 0
        case = cases.open_case(
            people.officer,
            bureau,
            title=CASE_B,
            origin=CaseOrigin.COMPLAINT,
            complainant=organisations["pearl-tide"],
            summary=(
                "珠江潮出版社投诉：“图享网”未经许可提供其摄影作品《长堤晨雾》去水印版本的"
                "下载，并在壁纸合集中传播。经专项行动巡查和电子数据勘验，该网站以付费会员"
                "方式提供摄影作品和电子书下载，站内他人作品 612 部（幅）。网站经营者黄某某"
                "住所地在江门市新会区。"
            ),
            online=True,
            hits=[hit],
        )
        created += 1
    _joint(people.officer, people.partner, case, organisations["xinhui"])
    _parties(
        people.officer,
        case,
        [
            {
                "role": PartyRole.INFRINGER,
                "name": "黄某某",
                "identifier": "440705199003******",
                "address": "广东省江门市新会区会城街道",
            },
            {
                "role": PartyRole.SITE,
                "name": "图享网",
                "domain": "pic-share.example",
            },
            {
                "role": PartyRole.RIGHTS_HOLDER,
                "name": organisations["pearl-tide"].name,
                "address": "广东省广州市",
            },
        ],
    )
    _facts(
        people.officer,
        case,
        [
            (Measure.WORKS, 612, "电子数据勘验笔录：站内可下载的他人摄影作品和电子书合计 612 部（幅）。"),
            (Measure.CLICKS, 41800, "网站后台数据库导出的下载记录。"),
            (Measure.PAYING_MEMBERS, 230, "网站后台会员表中的付费会员。"),
        ],
    )  # fmt: skip
    if (
        campaign is not None
        and case.campaign_id is None
        and campaign.status == CampaignStatus.ACTIVE
    ):
        case = campaigns.attach_case(people.officer, campaign, case)
    case.refresh_from_db()  # the facts changed its threshold state
    transfer = CaseTransfer.objects.filter(case=case).order_by("pk").first()
    if transfer is None and case.threshold_state != ThresholdState.REACHED:
        # No threshold table in force (one was retired by hand): the grounds below would
        # not hold, so the case stays with the bureau.
        return case, created
    if transfer is None:
        police = organisations["jm-police"]
        transfer = transfers.propose_transfer(
            people.officer,
            case,
            to_agency=police,
            grounds=(
                "经查，当事人通过“图享网”传播他人作品 612 部（幅），达到《关于办理侵犯知识产权"
                "刑事案件适用法律若干问题的意见》第十三条第（二）项规定的“传播他人作品的数量合计"
                "在五百件（部）以上”，涉嫌侵犯著作权罪。依据《行政执法机关移送涉嫌犯罪案件的"
                "规定》第三条，建议移送江门市公安局。"
            ),
        )
        created += 1
    if transfer.status == TransferStatus.PROPOSED:
        transfer = transfers.decide_transfer(
            people.head, transfer, approve=True, note="同意移送，请于 24 小时内办理。"
        )
    if transfer.status == TransferStatus.APPROVED:
        transfer = transfers.send_transfer(people.officer, transfer)
    return case, created


def _closure(campaign: Campaign, people: _People) -> int:
    if SiteClosure.objects.filter(campaign=campaign, site__domain=CLOSED_SITE).exists():
        return 0
    campaigns.record_closure(
        people.officer,
        campaign,
        site=CLOSED_SITE,
        kind=ClosureKind.SITE,
        closed_on=max(campaign.starts_on, timezone.localdate() - datetime.timedelta(days=6)),
        note="网站经营者接受约谈后关停网站，并申请注销 ICP 备案。",
    )
    return 1


def load_demo_enforcement(organisations: dict[str, Organisation], via: str = "cli") -> int:
    """Load what is missing of the enforcement demo; returns how many tip-offs, cases,
    cooperation requests, transfers, campaigns and site closures it made."""
    bureau = organisations["jm"]
    people = _People(
        officer=_actor(bureau, Role.ENFORCEMENT_OFFICER, via),
        head=_actor(bureau, Role.SUPERVISOR, via),
        partner=_actor(organisations["xinhui"], Role.ENFORCEMENT_OFFICER, via),
    )
    created = _tip_off(bureau, via)
    campaign, made = _campaign(organisations, people)
    created += made
    for load_case in (_case_a, _case_b):
        _case, made = load_case(organisations, people, campaign)
        created += made
    if campaign is not None and campaign.status == CampaignStatus.ACTIVE:
        created += _closure(campaign, people)
    return created
