# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""Demo data of the regional assessment: Guangdong's indicator system, the nine cities'
populations, their entered values with documents, and two rounds.

Loaded after the enforcement demo (``load_demo_assessment(organisations, via)``):

- the demo indicator system (``data/demo_system.json``: data, not code), imported and
  activated by the Guangdong supervisor;
- the nine Pearl River Delta cities' resident populations from the seventh national census
  (广东省第七次全国人口普查公报, resident population on 1 November 2020), which the
  registrations-per-10,000-people indicator divides by;
- a round for last year, computed and published (the history, and what a city sees of a
  published round), and a round for this year — the year the demo's cases, transfer,
  cooperation, tip-off and registrations fall in — computed but not yet published;
- for each round, every city's entered values with a plain-text supporting document,
  submitted by the city's supervisor and accepted by the province, except this year's
  Zhaoqing inspection rate (rejected with a reason) and Huizhou's model units (awaiting
  review), so the review queue has something in it.

The entered figures and their documents are invented for the demo and say so; the
computed indicators come from whatever records the other demos made. Everything goes
through the assessment actions as the demo accounts; loading again creates nothing new.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import Role
from copyguard.accounts.models import Membership, Organisation, User
from copyguard.insights.assessment.actions import rounds, submissions, systems
from copyguard.insights.assessment.actions.common import cities_of
from copyguard.insights.assessment.enums import RoundStatus, Source, SystemStatus
from copyguard.insights.assessment.models import (
    AssessmentRound,
    IndicatorSystem,
    RegionPopulation,
    Submission,
)

__all__ = [
    "AWAITING",
    "CITIES",
    "DEMO_SYSTEM",
    "ENTERED",
    "POPULATIONS",
    "REJECTED",
    "load_demo_assessment",
]

DEMO_SYSTEM = Path(__file__).parent / "data" / "demo_system.json"
CITIES = ("gz", "sz", "zh", "fs", "hz", "dg", "zs", "jm", "zq")
POPULATION_YEAR = 2020
POPULATION_SOURCE = "广东省第七次全国人口普查公报（第二号），2020年11月1日零时常住人口"
# Resident population of each city in the 2020 census.
POPULATIONS: dict[str, int] = {
    "gz": 18_676_605,
    "sz": 17_560_061,
    "zh": 2_439_585,
    "fs": 9_498_863,
    "hz": 6_042_852,
    "dg": 10_466_625,
    "zs": 4_418_060,
    "jm": 4_798_090,
    "zq": 4_113_594,
}
# This year's entered values: stations, events, licensed-software %, in the government's
# assessment (1/0), plan tasks completed %, model units, mediation bodies. Invented.
ENTERED_CODES = ("B2.1", "C1.1", "C2.1", "D1.1", "D1.2", "D2.1", "D2.2")
ENTERED: dict[str, tuple[str, ...]] = {
    "gz": ("12", "28", "98", "1", "95", "9", "3"),
    "sz": ("14", "30", "99", "1", "92", "11", "3"),
    "zh": ("4", "12", "95", "1", "85", "2", "1"),
    "fs": ("8", "20", "96", "1", "90", "5", "2"),
    "hz": ("3", "10", "93", "0", "80", "2", "1"),
    "dg": ("7", "18", "97", "1", "88", "4", "2"),
    "zs": ("3", "9", "94", "0", "78", "1", "1"),
    "jm": ("9", "24", "97", "1", "96", "3", "2"),
    "zq": ("2", "6", "90", "0", "70", "1", "0"),
}
# Last year's figures were lower by these (never below 0).
LAST_YEAR_LESS = ("1", "4", "2", "0", "5", "1", "0")
REJECTED = ("zq", "C2.1", "检查报告只包括党政机关，请补充企业软件正版化检查结果后重新提交。")
AWAITING = ("hz", "D2.1")


def _member(organisation: Organisation, role: str) -> User | None:
    membership = (
        Membership.objects.filter(organisation=organisation, role=role, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _actor(organisation: Organisation, via: str) -> Actor:
    user = _member(organisation, Role.SUPERVISOR)
    return Actor(user=user, via=via) if user else Actor.system(via=via)


def _system(province: Organisation, actor: Actor) -> tuple[IndicatorSystem, int]:
    data = json.loads(DEMO_SYSTEM.read_text(encoding="utf-8"))
    found = (
        IndicatorSystem.objects.filter(province=province, name=data["name"])
        .order_by("version")
        .first()
    )
    if found is not None:
        return found, 0
    data["effective_year"] = timezone.localdate().year - 1
    system = systems.import_system(actor, province, data)
    return systems.activate_system(actor, system), 1


def _populations(organisations: dict[str, Organisation], actor: Actor) -> int:
    made = 0
    for key in CITIES:
        city = organisations[key]
        if RegionPopulation.objects.filter(
            region_code=city.region_code, year=POPULATION_YEAR
        ).exists():
            continue
        systems.set_population(
            actor,
            organisations["gd"],
            region_code=city.region_code,
            year=POPULATION_YEAR,
            population=POPULATIONS[key],
            source=POPULATION_SOURCE,
        )
        made += 1
    return made


def _document(city: Organisation, year: int, name: str, value: str) -> SimpleUploadedFile:
    text = (
        f"{city.name} {year}年 {name}：{value}\n"
        "本材料为 copyguard 演示数据，内容为虚构，仅用于展示考核流程。\n"
        "Demo material made up for copyguard; not a real report.\n"
    )
    return SimpleUploadedFile(f"{city.region_code}-{year}-{name}.txt", text.encode("utf-8"))


def _entered(
    round_: AssessmentRound,
    organisations: dict[str, Organisation],
    province_actor: Actor,
    via: str,
    *,
    last_year: bool,
) -> int:
    made = 0
    indicators = {i.code: i for i in round_.system.indicators().filter(source=Source.ENTERED)}
    # A city bureau made by hand without its province as parent is not assessed; skip it.
    assessed = {city.pk for city in cities_of(round_.province)}
    for key in CITIES:
        city = organisations[key]
        if city.pk not in assessed:
            continue
        city_actor = _actor(city, via)
        for position, code in enumerate(ENTERED_CODES):
            indicator = indicators.get(code)
            if indicator is None:
                continue
            if Submission.objects.filter(round=round_, city=city, indicator_code=code).exists():
                continue
            value = Decimal(ENTERED[key][position])
            if last_year:
                value = max(Decimal(0), value - Decimal(LAST_YEAR_LESS[position]))
            documents = (
                [_document(city, round_.year, indicator.name, str(value))]
                if indicator.needs_documents
                else []
            )
            submission = submissions.submit_value(
                city_actor,
                round_,
                city,
                indicator_code=code,
                value=value,
                note="演示数据 / demo figures",
                documents=documents,
            )
            made += 1
            if not last_year and (key, code) == AWAITING:
                continue
            if not last_year and (key, code) == REJECTED[:2]:
                submissions.review_submission(
                    province_actor, submission, accept=False, reason=REJECTED[2]
                )
                continue
            submissions.review_submission(province_actor, submission, accept=True)
    return made


def _round(
    province: Organisation,
    system: IndicatorSystem,
    year: int,
    organisations: dict[str, Organisation],
    actor: Actor,
    via: str,
    *,
    publish: bool,
) -> int:
    made = 0
    round_ = AssessmentRound.objects.filter(province=province, year=year).first()
    if round_ is None:
        if system.status != SystemStatus.ACTIVE:
            return 0
        round_ = rounds.open_round(actor, province, system, year)
        made += 1
    if round_.status == RoundStatus.OPEN:
        made += _entered(round_, organisations, actor, via, last_year=publish)
        round_ = rounds.compute_round(actor, round_)
    if publish and round_.status == RoundStatus.COMPUTED:
        rounds.publish_round(actor, round_)
    return made


def load_demo_assessment(organisations: dict[str, Organisation], via: str = "cli") -> int:
    """Load what is missing of the assessment demo; returns how many systems, populations,
    rounds and submissions it made."""
    province = organisations["gd"]
    actor = _actor(province, via)
    system, made = _system(province, actor)
    made += _populations(organisations, actor)
    this_year = timezone.localdate().year
    made += _round(province, system, this_year - 1, organisations, actor, via, publish=True)
    made += _round(province, system, this_year, organisations, actor, via, publish=False)
    return made
