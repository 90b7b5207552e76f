# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""Demo data of service requests: routing rules and requests in every status.

Loaded by ``copyguard.demo.load_demo`` (the integrator calls ``load_demo_services``):

- Nanhu's service station (``nanhu-station``) receives every kind of request from
  enterprises in Nanhu district (330402); the Jiangmen bureau (``jm``) receives those from
  Jiangmen (4407), where there is no station — the arrangement the Guangdong reports
  describe, with the bureau's registrar as liaison officer.
- Nanhu Book Garden Press asks Nanhu's station: a legal consultation closed and rated 5,
  help with registration answered, a rights-protection request in progress, and a pledge
  financing request nobody has picked up, past its deadline.
- Qiaoxiang Digital asks the Jiangmen bureau: protection abroad, assigned to the registrar,
  and a legal consultation it withdrew.

Everything goes through the actions as the demo accounts, at times in the past so the
workload shows real durations; a request is found by its enterprise and subject, so
loading again creates nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import Role
from copyguard.accounts.models import Membership, Organisation, User
from copyguard.services.actions import requests as actions
from copyguard.services.actions.routing import create_rule
from copyguard.services.enums import RequestKind
from copyguard.services.models import RoutingRule, ServiceRequest

__all__ = ["load_demo_services"]


def _member(organisation: Organisation, role: str) -> User | None:
    membership = (
        Membership.objects.filter(organisation=organisation, role=role, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership is not None else None


def _rule(
    via: str, station: Organisation, prefix: str, note: str, kinds: tuple[str, ...] = ()
) -> int:
    if RoutingRule.objects.filter(station=station, region_prefix=prefix, is_active=True).exists():
        return 0
    create_rule(Actor.system(via=via), station, region_prefix=prefix, kinds=kinds, note=note)
    return 1


@dataclass(frozen=True)
class _Step:
    after_hours: float
    who: str  # "enterprise", "officer", "supervisor"
    verb: str  # "assign", "message", "answer", "close", "rate", "withdraw"
    text: str = ""


@dataclass(frozen=True)
class _Story:
    enterprise: str
    kind: str
    subject: str
    description: str
    days_ago: float
    steps: tuple[_Step, ...]


STORIES: tuple[_Story, ...] = (
    _Story(
        "nanhu-books", RequestKind.LEGAL_CONSULTATION, "教材海外授权合同条款咨询",
        "我社拟将《南湖史话》中学读本授权马来西亚一所华文学校使用，合同中的地域范围和期限"
        "应当如何约定？是否需要办理合同登记？",
        12, (
            _Step(2, "supervisor", "assign"),
            _Step(5, "officer", "message", "请提供对方学校拟使用的形式（纸质、电子）和期限。"),
            _Step(20, "enterprise", "message", "纸质印刷3000册，电子版在校内平台使用，期限三年。"),
            _Step(30, "officer", "answer",
                  "建议在合同中分别约定纸质和信息网络传播权的授权范围，地域限定为该校，期限三年；"
                  "可在省版权局办理著作权合同备案，附件为合同参考条款。"),
            _Step(40, "enterprise", "close", "问题已解决，谢谢！"),
            _Step(41, "enterprise", "rate", "5|答复及时、条理清楚。"),
        ),
    ),
    _Story(
        "nanhu-books", RequestKind.REGISTRATION_HELP, "电子书数字版权登记材料",
        "我社新出版的电子书系列共24册，想一次性办理作品登记，需要准备哪些材料？",
        5, (
            _Step(1, "supervisor", "assign"),
            _Step(26, "officer", "answer",
                  "可按系列作品申请登记：提交申请表、权属证明（出版合同）、样本及作者身份证明。"
                  "copyguard 的作品登记页面支持批量上传。"),
        ),
    ),
    _Story(
        "nanhu-books", RequestKind.RIGHTS_PROTECTION, "网店销售盗版教辅",
        "发现某电商平台店铺低价销售我社教辅的盗印本，已截图保存，请求协助维权。",
        3, (
            _Step(3, "supervisor", "assign"),
            _Step(8, "officer", "message", "已收到。请补充购买记录和与正版的比对照片，我们将协调平台处理。"),
        ),
    ),
    _Story(
        "nanhu-books", RequestKind.PLEDGE_FINANCING, "版权质押融资咨询",
        "我社希望以50种图书的著作权向银行质押融资，了解评估和登记流程。",
        20, (),
    ),
    _Story(
        "qiaoxiang", RequestKind.OVERSEAS_PROTECTION, "软件产品在东南亚的版权保护",
        "我司的侨乡文旅导览App将在新加坡、马来西亚上线，如何在当地保护软件著作权？",
        4, (_Step(6, "supervisor", "assign"),),
    ),
    _Story(
        "qiaoxiang", RequestKind.LEGAL_CONSULTATION, "员工离职带走源代码",
        "一名离职员工疑似带走了项目源代码，想咨询取证方式。",
        9, (_Step(30, "enterprise", "withdraw", "已与对方协商解决，撤回申请。"),),
    ),
)  # fmt: skip


def _play(story: _Story, organisations: dict[str, Organisation], via: str, now: datetime) -> bool:
    enterprise = organisations[story.enterprise]
    if ServiceRequest.objects.filter(enterprise=enterprise, subject=story.subject).exists():
        return False
    owner = _member(enterprise, Role.OWNER)
    start = now - timedelta(days=story.days_ago)
    request = actions.submit_request(
        Actor(owner, via=via),
        enterprise,
        kind=story.kind,
        subject=story.subject,
        description=story.description,
        now=start,
    )
    station = request.station
    supervisor = _member(station, Role.SUPERVISOR)
    officer = _member(station, Role.LIAISON_OFFICER) or _member(station, Role.REGISTRAR)
    people = {"enterprise": owner, "supervisor": supervisor, "officer": officer}
    for step in story.steps:
        at = start + timedelta(hours=step.after_hours)
        who = Actor(people[step.who], via=via)
        if step.verb == "assign":
            actions.assign_request(who, request, officer, now=at)
        elif step.verb in ("message", "answer"):
            actions.post_message(who, request, step.text, answer=step.verb == "answer", now=at)
        elif step.verb == "close":
            actions.close_request(who, request, note=step.text, now=at)
        elif step.verb == "rate":
            rating, comment = step.text.split("|", 1)
            actions.rate_request(who, request, rating=rating, comment=comment, now=at)
        elif step.verb == "withdraw":
            actions.withdraw_request(who, request, reason=step.text, now=at)
        request.refresh_from_db()
    return True


def load_demo_services(organisations: dict[str, Organisation], via: str = "cli") -> int:
    """Create what is missing of the demo routing rules and requests; returns how many
    rules and requests were created (0 on a second load)."""
    made = _rule(via, organisations["nanhu-station"], "330402", "南湖区企业，全部类型")
    made += _rule(via, organisations["jm"], "4407", "江门市暂无服务站，由市版权局受理")
    now = timezone.now()
    for story in STORIES:
        made += int(_play(story, organisations, via, now))
    return made
