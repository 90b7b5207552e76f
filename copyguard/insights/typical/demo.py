# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""Demo data of typical cases: one published typical case from a closed case.

The enforcement demo leaves no case closed (case A waits for the head's approval, case B is
with the police), and closing one of them would change what its pages show. So this demo
handles a case of its own in the Foshan bureau from start to finish through the enforcement
actions — opened after an inspection, the supervisor assisting, three parties, the facts
(below the criminal thresholds), penalties proposed by the officer and approved by the
head, closed — then the officer proposes it as typical, and the supervisor tags it,
approves it and publishes it. The parties' names are redacted by the proposal itself.

Each step is taken only if it is missing (the case is found by its bureau and title, the
typical case by its case), so loading again creates nothing new.
"""

from __future__ import annotations

from decimal import Decimal

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import Role
from copyguard.accounts.models import Membership, Organisation, User
from copyguard.enforcement.actions import case_records, cases
from copyguard.enforcement.enums import CaseOrigin, CaseStatus, DecisionKind, Measure, PartyRole
from copyguard.enforcement.models import Case
from copyguard.insights.typical import actions
from copyguard.insights.typical.enums import ACTIVE_STATUSES, TypicalStatus

__all__ = ["DEMO_CASE", "load_demo_typical"]

DEMO_CASE = "“书香阁”小说网站未经许可传播网络小说案"
SITE = "书香阁小说网"
DOMAIN = "shuxiangge-novel.example"
COMPANY = "佛山市禅城区墨香网络科技有限公司（法定代表人陈志强）"
SUMMARY = (
    "佛山市版权局在网络文学版权专项检查中发现，书香阁小说网（shuxiangge-novel.example）"
    "未经许可提供南湖书苑出版社等权利人享有著作权的网络小说在线阅读和下载，并通过页面广告"
    "和付费会员获利。经调取服务器租用合同、广告联盟结算记录和网站后台数据，确认网站由"
    "佛山市禅城区墨香网络科技有限公司（法定代表人陈志强）经营。"
)
REASONING = (
    "当事人未经著作权人许可，通过信息网络向公众传播其作品，违反《中华人民共和国著作权法》"
    "第十条第一款第（十二）项的规定，依据第五十三条第（一）项，责令停止侵权行为，没收违法"
    "所得；违法经营额不足五万元的，可以并处二十五万元以下的罚款。当事人积极配合"
    "调查，已删除全部涉案作品并关闭网站，依法从轻处罚。"
)


def _member(organisation: Organisation, role: str) -> User | None:
    membership = (
        Membership.objects.filter(organisation=organisation, role=role, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _closed_case(bureau: Organisation, officer: Actor, head: Actor, holder: str) -> Case | None:
    case = Case.objects.filter(administration=bureau, title=DEMO_CASE).first()
    if case is None:
        case = cases.open_case(
            officer, bureau, title=DEMO_CASE, origin=CaseOrigin.INSPECTION, summary=SUMMARY
        )
    if case.status == CaseStatus.CLOSED:
        return case
    if case.status == CaseStatus.TRANSFERRED:
        return None
    assert head.user is not None
    if not case.officers.filter(user=head.user, removed_at=None).exists():
        cases.add_officer(officer, case, head.user)
    for party in (
        {"role": PartyRole.INFRINGER, "name": COMPANY, "address": "广东省佛山市禅城区"},
        {"role": PartyRole.SITE, "name": SITE, "domain": DOMAIN},
        {"role": PartyRole.RIGHTS_HOLDER, "name": holder, "address": "浙江省嘉兴市南湖区"},
    ):
        if not case.parties.filter(name=party["name"]).exists():
            cases.add_party(officer, case, **party)
    for measure, value, basis in (
        (Measure.WORKS, 180, "网站后台数据：提供在线阅读和下载的网络小说 180 部。"),
        (Measure.CLICKS, 12_400, "网站后台统计的涉案作品实际点击数。"),
        (Measure.BUSINESS_VOLUME, 20_000, "广告联盟结算记录和付费会员收入合计。"),
        (Measure.ILLEGAL_GAINS, 9_000, "违法经营额扣除服务器租用等直接成本。"),
    ):
        if not case.facts.filter(measure=measure).exists():
            cases.set_fact(officer, case, measure=measure, value=value, basis=basis)
    if case.status == CaseStatus.OPEN:
        if not case_records.pending_decisions(case):
            case_records.propose_decision(
                officer,
                case,
                penalties=[
                    {"kind": DecisionKind.ORDER_TO_STOP},
                    {"kind": DecisionKind.CONFISCATE_GAINS, "amount": Decimal("9000.00")},
                    {"kind": DecisionKind.FINE, "amount": Decimal("40000.00")},
                ],
                reasoning=REASONING,
            )
        case = case_records.approve_decision(head, case)
    return cases.close_case(
        officer, case, reason="当事人已缴纳罚没款，涉案网站已关闭并注销 ICP 备案。"
    )


def load_demo_typical(organisations: dict[str, Organisation], via: str = "cli") -> int:
    """Load what is missing of the typical-case demo; returns how many cases and typical
    cases it made (0 when everything is there, or when the Foshan bureau has no officer and
    supervisor to act)."""
    bureau = organisations["fs"]
    officer_user = _member(bureau, Role.ENFORCEMENT_OFFICER)
    head_user = _member(bureau, Role.SUPERVISOR)
    if officer_user is None or head_user is None:
        return 0
    officer, head = Actor(officer_user, via=via), Actor(head_user, via=via)
    created = 0
    if not Case.objects.filter(administration=bureau, title=DEMO_CASE).exists():
        created += 1
    case = _closed_case(bureau, officer, head, organisations["nanhu-books"].name)
    if case is None:
        return created
    typical = case.typical_cases.filter(status__in=ACTIVE_STATUSES).first()
    if typical is None:
        if case.typical_cases.exists():
            return created  # withdrawn by someone: leave it so
        typical = actions.propose(
            officer,
            case,
            note="全站传播网络小说的典型形态，证据链（服务器、广告结算、后台数据）完整，可供各地参考。",
        )
        created += 1
    if typical.status in (TypicalStatus.PROPOSED, TypicalStatus.EDITING):
        typical = actions.edit(
            head,
            typical,
            texts={
                "title": "某小说网站未经许可传播网络小说案",
                "title_en": "A novel website disseminating online novels without permission",
            },
            work_category="written",
            tags=["网络文学", "专项行动"],
        )
        typical = actions.approve(head, typical)
    if typical.status == TypicalStatus.APPROVED:
        actions.publish(head, typical)
    return created
