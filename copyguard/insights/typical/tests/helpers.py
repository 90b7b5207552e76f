# ruff: noqa: RUF001  (full-width CJK punctuation is what officers type)
"""The people of typical cases and a closed case with parties, facts and an approved
decision, built through the enforcement actions (STYLE 9)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, Role
from copyguard.accounts.models import Membership, Organisation, User
from copyguard.enforcement.actions.case_records import approve_decision, propose_decision
from copyguard.enforcement.actions.cases import (
    add_officer,
    add_party,
    close_case,
    open_case,
    set_fact,
)
from copyguard.enforcement.enums import CaseOrigin, DecisionKind, Measure, PartyRole
from copyguard.enforcement.models import Case
from copyguard.insights.typical import actions
from copyguard.insights.typical.models import TypicalCase
from copyguard.testing import make_member, make_organisation
from copyguard.works.enums import WorkCategory
from copyguard.works.models import Work

COMPANY = "佛山市顺德区星河文化传媒有限公司"
OPERATOR = "李明华"
SITE_NAME = "星河小说网"
DOMAIN = "xinghe-novel.example"
REASONING = (
    "当事人未经著作权人许可，通过信息网络向公众传播其作品，违反《中华人民共和国著作权法》"
    "第十条第一款第（十二）项，依据第五十三条第（一）项处罚。"
)


@dataclass
class TypicalWorld:
    """Guangdong's bureau over Foshan's (where the case is) and Jiangmen's, a rights holder
    whose owner is the outsider, and a member of each role that matters."""

    province: Organisation
    province_supervisor: User
    administration: Organisation
    officer: User
    second_officer: User
    supervisor: User
    second_supervisor: User
    analyst: User
    admin_viewer: User
    other_administration: Organisation
    other_officer: User
    other_supervisor: User
    holder: Organisation
    outsider: User


def make_typical_world() -> TypicalWorld:
    K = OrganisationKind
    province = make_organisation(
        K.ADMINISTRATION,
        name="广东省版权局",
        name_en="Guangdong Copyright Bureau",
        level=AdministrationLevel.PROVINCIAL,
        region_code="440000",
    )
    foshan = make_organisation(
        K.ADMINISTRATION,
        name="佛山市版权局",
        name_en="Foshan Copyright Bureau",
        region_code="440600",
        parent=province,
    )
    jiangmen = make_organisation(
        K.ADMINISTRATION,
        name="江门市版权局",
        name_en="Jiangmen Copyright Bureau",
        region_code="440700",
        parent=province,
    )
    holder = make_organisation(K.RIGHTS_HOLDER, name="南湖书苑出版社", name_en="Nanhu Books")
    return TypicalWorld(
        province=province,
        province_supervisor=make_member(province, Role.SUPERVISOR),
        administration=foshan,
        officer=make_member(foshan, Role.ENFORCEMENT_OFFICER),
        second_officer=make_member(foshan, Role.ENFORCEMENT_OFFICER),
        supervisor=make_member(foshan, Role.SUPERVISOR),
        second_supervisor=make_member(foshan, Role.SUPERVISOR),
        analyst=make_member(foshan, Role.ANALYST),
        admin_viewer=make_member(foshan, Role.VIEWER),
        other_administration=jiangmen,
        other_officer=make_member(jiangmen, Role.ENFORCEMENT_OFFICER),
        other_supervisor=make_member(jiangmen, Role.SUPERVISOR),
        holder=holder,
        outsider=make_member(make_organisation(K.RIGHTS_HOLDER, name="Beta Books"), Role.OWNER),
    )


def open_case_of(tw: TypicalWorld, administration: Organisation | None = None) -> Case:
    """An open case with its two officers (the Foshan officers, or the given bureau's)."""
    administration = administration or tw.administration
    if administration == tw.administration:
        lead, second = tw.officer, tw.second_officer
    else:
        lead = make_member(administration, Role.ENFORCEMENT_OFFICER)
        second = make_member(administration, Role.ENFORCEMENT_OFFICER)
    case = open_case(
        Actor(lead),
        administration,
        title=f"{SITE_NAME}未经许可传播网络小说案",
        origin=CaseOrigin.INSPECTION,
        summary=f"{SITE_NAME}（{DOMAIN}）未经许可提供 320 部网络小说在线阅读。",
    )
    add_officer(Actor(lead), case, second)
    return case


def closed_case(
    tw: TypicalWorld, administration: Organisation | None = None, *, decided: bool = True
) -> Case:
    """A case with a company (and its operator), its site and the rights holder as parties,
    two facts, a written work, an approved fine and confiscation, closed."""
    case = open_case_of(tw, administration)
    lead = Actor(case.officers.order_by("pk").first().user)  # type: ignore[union-attr]
    add_party(
        lead,
        case,
        role=PartyRole.INFRINGER,
        name=f"{COMPANY}（经营者{OPERATOR}）",
        address="广东省佛山市顺德区",
    )
    add_party(lead, case, role=PartyRole.SITE, name=SITE_NAME, domain=DOMAIN)
    add_party(lead, case, role=PartyRole.RIGHTS_HOLDER, name=tw.holder.name)
    set_fact(lead, case, measure=Measure.WORKS, value=Decimal("320"), basis="网站目录")
    set_fact(lead, case, measure=Measure.ILLEGAL_GAINS, value=Decimal("8600"), basis="流水")
    case.works.add(
        Work.objects.create(owner=tw.holder, title="星河纪事", category=WorkCategory.WRITTEN)
    )
    if decided:
        propose_decision(
            lead,
            case,
            penalties=[
                {"kind": DecisionKind.CONFISCATE_GAINS, "amount": "8600"},
                {"kind": DecisionKind.FINE, "amount": "30000"},
            ],
            reasoning=REASONING,
        )
        head = Membership.objects.filter(
            organisation=case.administration, role=Role.SUPERVISOR
        ).first()
        head_user = head.user if head else make_member(case.administration, Role.SUPERVISOR)
        approve_decision(Actor(head_user), case)
    close_case(lead, case, reason="当事人已履行处罚决定，网站已关闭。")
    case.refresh_from_db()
    return case


def _people(tw: TypicalWorld, case: Case) -> tuple[User, User]:
    """The officer who proposes and the supervisor who approves a case of its bureau."""
    if case.administration == tw.other_administration:
        return tw.other_officer, tw.other_supervisor
    return tw.officer, tw.supervisor


def proposed(tw: TypicalWorld, case: Case | None = None) -> TypicalCase:
    case = case or closed_case(tw)
    officer, _supervisor = _people(tw, case)
    return actions.propose(Actor(officer), case, note="首例小说网站全站传播案")


def published(tw: TypicalWorld, case: Case | None = None) -> TypicalCase:
    typical = proposed(tw, case)
    _officer, supervisor = _people(tw, typical.case)
    actions.edit(Actor(supervisor), typical, tags=["网络文学"])
    actions.approve(Actor(supervisor), typical)
    return actions.publish(Actor(supervisor), typical)
