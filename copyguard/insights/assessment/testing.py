"""Test helpers: a province with three cities, another province, members in each role, and
a small active indicator system (one indicator of each source)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, Role
from copyguard.accounts.models import Organisation, User
from copyguard.insights.assessment.actions import systems
from copyguard.insights.assessment.models import IndicatorSystem
from copyguard.testing import make_member, make_organisation

SMALL_SYSTEM: dict[str, Any] = {
    "name": "测试指标体系",
    "name_en": "Test indicator system",
    "effective_year": 2025,
    "grade_bands": [
        {"grade": "excellent", "min_total": "90"},
        {"grade": "good", "min_total": "75"},
        {"grade": "pass", "min_total": "60"},
        {"grade": "fail", "min_total": "0"},
    ],
    "aspects": [
        {
            "code": "A",
            "name": "执法",
            "name_en": "Enforcement",
            "tasks": [
                {
                    "code": "A1",
                    "name": "案件",
                    "name_en": "Cases",
                    "indicators": [
                        {
                            "code": "A1.1",
                            "name": "立案数",
                            "name_en": "Cases opened",
                            "weight": "60",
                            "source": "computed",
                            "metric": "cases_opened",
                            "rule": {"kind": "ratio_to_best"},
                        },
                        {
                            "code": "A1.2",
                            "name": "培训场次",
                            "name_en": "Training events",
                            "weight": "40",
                            "source": "entered",
                            "needs_documents": True,
                            "rule": {"kind": "linear", "floor": "0", "target": "20"},
                        },
                    ],
                }
            ],
        }
    ],
}


def small_system() -> dict[str, Any]:
    return copy.deepcopy(SMALL_SYSTEM)


@dataclass
class World:
    province: Organisation
    cities: list[Organisation]  # three cities, by region code
    district: Organisation
    other_province: Organisation
    other_city: Organisation
    supervisor: User  # the province's supervisor (manages)
    province_viewer: User
    city_supervisor: User  # of cities[0]
    city_viewer: User  # of cities[0]
    second_city_supervisor: User  # of cities[1]
    outsider: User  # supervisor of the other province
    rights_holder: User
    system: IndicatorSystem


def _admin(name: str, region: str, level: str, parent: Organisation | None = None) -> Organisation:
    return make_organisation(
        OrganisationKind.ADMINISTRATION,
        name=name,
        name_en=name,
        region_code=region,
        level=level,
        parent=parent,
    )


def make_world(*, active: bool = True) -> World:
    province = _admin("测试省版权局", "440000", AdministrationLevel.PROVINCIAL)
    cities = [
        _admin("甲市版权局", "440100", AdministrationLevel.MUNICIPAL, province),
        _admin("乙市版权局", "440300", AdministrationLevel.MUNICIPAL, province),
        _admin("丙市版权局", "440700", AdministrationLevel.MUNICIPAL, province),
    ]
    district = _admin("丙市某区版权局", "440705", AdministrationLevel.DISTRICT, cities[2])
    other_province = _admin("另一省版权局", "450000", AdministrationLevel.PROVINCIAL)
    other_city = _admin("另一省某市版权局", "450100", AdministrationLevel.MUNICIPAL, other_province)
    supervisor = make_member(province, Role.SUPERVISOR)
    system = systems.import_system(Actor(supervisor), province, small_system())
    if active:
        system = systems.activate_system(Actor(supervisor), system)
    return World(
        province=province,
        cities=cities,
        district=district,
        other_province=other_province,
        other_city=other_city,
        supervisor=supervisor,
        province_viewer=make_member(province, Role.VIEWER),
        city_supervisor=make_member(cities[0], Role.SUPERVISOR),
        city_viewer=make_member(cities[0], Role.VIEWER),
        second_city_supervisor=make_member(cities[1], Role.SUPERVISOR),
        outsider=make_member(other_province, Role.SUPERVISOR),
        rights_holder=make_member(make_organisation(OrganisationKind.RIGHTS_HOLDER), Role.OWNER),
        system=system,
    )
