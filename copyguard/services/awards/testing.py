"""Test helpers: a province with two cities, an enterprise in one of them, another
province with its own enterprise, members in each role, and a round with one computed
and one entered criterion."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, RightsHolderType, Role
from copyguard.accounts.models import Organisation, User
from copyguard.services.awards import actions
from copyguard.services.awards.enums import Category, Metric, Source
from copyguard.services.awards.models import AwardRound, Nomination
from copyguard.testing import make_member, make_organisation

OPENS = datetime.date(2025, 3, 1)
CLOSES = datetime.date(2025, 6, 30)
DURING = datetime.date(2025, 4, 15)


@dataclass
class World:
    province: Organisation
    city: Organisation  # Jiangmen, nominates
    other_city: Organisation
    enterprise: Organisation  # in the city
    other_province: Organisation
    far_enterprise: Organisation  # in the other province
    supervisor: User  # province: decides
    analyst: User  # province: organises
    province_viewer: User
    city_supervisor: User
    city_viewer: User
    other_city_supervisor: User
    owner: User  # the enterprise
    enterprise_viewer: User
    outsider: User  # the other province's supervisor
    far_owner: User


def make_world() -> World:
    province = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="广东省版权局",
        name_en="Guangdong Copyright Administration",
        level=AdministrationLevel.PROVINCIAL,
        region_code="440000",
    )
    city = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="江门市版权局",
        name_en="Jiangmen Copyright Administration",
        level=AdministrationLevel.MUNICIPAL,
        region_code="440700",
        parent=province,
    )
    other_city = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="广州市版权局",
        name_en="Guangzhou Copyright Administration",
        level=AdministrationLevel.MUNICIPAL,
        region_code="440100",
        parent=province,
    )
    enterprise = make_organisation(
        OrganisationKind.RIGHTS_HOLDER,
        name="侨乡出版社",
        name_en="Qiaoxiang Press",
        region_code="440703",
        rights_holder_type=RightsHolderType.PUBLISHER,
    )
    other_province = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="浙江省版权局",
        name_en="Zhejiang Copyright Administration",
        level=AdministrationLevel.PROVINCIAL,
        region_code="330000",
    )
    far_enterprise = make_organisation(
        OrganisationKind.RIGHTS_HOLDER,
        name="南湖书苑",
        name_en="Nanhu Books",
        region_code="330402",
        rights_holder_type=RightsHolderType.PUBLISHER,
    )
    return World(
        province=province,
        city=city,
        other_city=other_city,
        enterprise=enterprise,
        other_province=other_province,
        far_enterprise=far_enterprise,
        supervisor=make_member(province, Role.SUPERVISOR, email="sup@gd.test"),
        analyst=make_member(province, Role.ANALYST, email="analyst@gd.test"),
        province_viewer=make_member(province, Role.VIEWER, email="viewer@gd.test"),
        city_supervisor=make_member(city, Role.SUPERVISOR, email="sup@jm.test"),
        city_viewer=make_member(city, Role.VIEWER, email="viewer@jm.test"),
        other_city_supervisor=make_member(other_city, Role.SUPERVISOR, email="sup@gz.test"),
        owner=make_member(enterprise, Role.OWNER, email="owner@qx.test"),
        enterprise_viewer=make_member(enterprise, Role.VIEWER, email="viewer@qx.test"),
        outsider=make_member(other_province, Role.SUPERVISOR, email="sup@zj.test"),
        far_owner=make_member(far_enterprise, Role.OWNER, email="owner@nh.test"),
    )


def act(user: User) -> Actor:
    return Actor(user=user, via="test")


def make_round(
    world: World, category: str = Category.UNIT, *, open_it: bool = True, year: int = 2025
) -> AwardRound:
    """A round with a computed criterion (works registered, 60 points, ratio to best) and
    an entered one (training events, 40 points, linear 0 → 10, documents needed)."""
    round_ = actions.create_round(
        act(world.analyst),
        world.province,
        year=year,
        category=category,
        title=f"{year}年广东省版权示范单位",
        title_en=f"Guangdong copyright model units {year}",
        nominations_open=OPENS.replace(year=year),
        nominations_close=CLOSES.replace(year=year),
    )
    metric = Metric.CASES_CLOSED if category == Category.CITY else Metric.WORKS_REGISTERED
    actions.add_criterion(
        act(world.analyst),
        round_,
        code="C1",
        name="登记作品数",
        name_en="Works registered",
        weight="60",
        source=Source.COMPUTED,
        metric=metric,
        rule={"kind": "ratio_to_best"},
    )
    actions.add_criterion(
        act(world.analyst),
        round_,
        code="C2",
        name="培训场次",
        name_en="Training events held",
        weight="40",
        source=Source.ENTERED,
        rule={"kind": "linear", "floor": "0", "target": "10"},
        needs_documents=True,
    )
    if open_it:
        round_ = actions.open_round(act(world.analyst), round_)
    return round_


def self_nomination(world: World, round_: AwardRound, **kw: object) -> Nomination:
    return actions.nominate(
        act(world.owner),
        round_,
        nominator=world.enterprise,
        nominee=world.enterprise,
        statement="本社坚持版权保护。",
        statement_en="We protect copyright.",
        today=DURING.replace(year=round_.year),
        **kw,  # type: ignore[arg-type]
    )
