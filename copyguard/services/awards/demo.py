# ruff: noqa: RUF001  (Chinese text uses full-width punctuation)
"""Demo data of model units: Guangdong's rounds for last year's copyright model units
(Pearl Tide Press nominated itself and was awarded) and model cities (Jiangmen nominated
itself; evaluated, awaiting the shortlist), after the national model cities, units and
parks awarded at the 2017 National Conference on Copyright Social Service."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import Role
from copyguard.accounts.models import Membership, Organisation, User
from copyguard.services.awards import actions
from copyguard.services.awards.enums import Category, Metric, NominationStatus, RoundStatus, Source
from copyguard.services.awards.models import AwardRound, Nomination

__all__ = ["load_demo_awards"]

UNIT_CRITERIA: list[dict[str, Any]] = [
    {
        "code": "U1",
        "name": "年度登记作品数",
        "name_en": "Works registered in the year",
        "weight": "40",
        "source": Source.COMPUTED,
        "metric": Metric.WORKS_REGISTERED,
        "rule": {"kind": "ratio_to_best"},
    },
    {
        "code": "U2",
        "name": "发出侵权通知数",
        "name_en": "Takedown notices sent",
        "weight": "20",
        "source": Source.COMPUTED,
        "metric": Metric.NOTICES_SENT,
        "rule": {
            "kind": "bands",
            "bands": [{"at_least": "5", "share": "1"}, {"at_least": "1", "share": "0.5"}],
        },
    },
    {
        "code": "U3",
        "name": "版权管理制度与培训（场次）",
        "name_en": "Copyright management and training (events)",
        "weight": "40",
        "source": Source.ENTERED,
        "rule": {"kind": "linear", "floor": "0", "target": "10"},
        "needs_documents": True,
    },
]
CITY_CRITERIA: list[dict[str, Any]] = [
    {
        "code": "M1",
        "name": "结案数",
        "name_en": "Cases closed",
        "weight": "40",
        "source": Source.COMPUTED,
        "metric": Metric.CASES_CLOSED,
        "rule": {"kind": "ratio_to_best"},
    },
    {
        "code": "M2",
        "name": "本地区作品登记数",
        "name_en": "Works registered in the region",
        "weight": "30",
        "source": Source.COMPUTED,
        "metric": Metric.REGION_REGISTRATIONS,
        "rule": {"kind": "ratio_to_best"},
    },
    {
        "code": "M3",
        "name": "版权宣传培训活动（场次）",
        "name_en": "Publicity and training events held",
        "weight": "30",
        "source": Source.ENTERED,
        "rule": {"kind": "linear", "floor": "0", "target": "12"},
        "needs_documents": True,
    },
]


def _member(organisation: Organisation, *roles: str) -> User | None:
    membership = (
        Membership.objects.filter(organisation=organisation, role__in=roles, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _actor(organisation: Organisation, via: str, *roles: str) -> Actor:
    user = _member(organisation, *roles)
    return Actor(user=user, via=via) if user else Actor.system(via=via)


def _round(
    organiser: Organisation,
    actor: Actor,
    year: int,
    category: str,
    title: tuple[str, str],
    criteria: list[dict[str, Any]],
) -> tuple[AwardRound, int]:
    existing = AwardRound.objects.filter(organiser=organiser, year=year, category=category).first()
    if existing is not None:
        return existing, 0
    round_ = actions.create_round(
        actor,
        organiser,
        year=year,
        category=category,
        title=title[0],
        title_en=title[1],
        notes="推荐材料包括申报书、年度版权工作总结及相关证明材料。",
        notes_en="Nominations include a statement, the year's copyright work report and supporting documents.",
        nominations_open=datetime.date(year, 3, 1),
        nominations_close=datetime.date(year, 6, 30),
    )
    for criterion in criteria:
        actions.add_criterion(actor, round_, **criterion)
    return actions.open_round(actor, round_), 1


def _document(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"))


def _nomination(
    round_: AwardRound,
    actor: Actor,
    nominator: Organisation,
    nominee: Organisation,
    statement: tuple[str, str],
    document: SimpleUploadedFile,
    value: tuple[str, str, str],
    reviewer: Actor,
) -> tuple[Nomination, int]:
    existing = round_.nominations.filter(nominee=nominee).first()
    if existing is not None:
        return existing, 0
    nomination = actions.nominate(
        actor,
        round_,
        nominator=nominator,
        nominee=nominee,
        statement=statement[0],
        statement_en=statement[1],
        documents=[document],
        today=datetime.date(round_.year, 4, 15),
    )
    entered = actions.submit_value(
        actor, nomination, criterion_code=value[0], value=value[1], note=value[2]
    )
    actions.review_value(reviewer, entered, accept=True)
    return nomination, 1


def load_demo_awards(organisations: dict[str, Organisation], via: str = "cli") -> int:
    """Load what is missing of the model-unit demo; returns how many rounds and
    nominations it made (0 on a second load)."""
    gd, jm, pearl = organisations["gd"], organisations["jm"], organisations["pearl-tide"]
    year = timezone.localdate().year - 1
    organiser = _actor(gd, via, Role.ANALYST, Role.SUPERVISOR)
    head = _actor(gd, via, Role.SUPERVISOR)
    created = 0

    units, made = _round(
        gd,
        organiser,
        year,
        Category.UNIT,
        (f"{year}年度广东省版权示范单位", f"Guangdong copyright model units {year}"),
        UNIT_CRITERIA,
    )
    created += made
    if units.status == RoundStatus.OPEN:
        pearl_tide, made = _nomination(
            units,
            _actor(pearl, via, Role.OWNER, Role.STAFF),
            pearl,
            pearl,
            (
                "珠江潮出版社建立了覆盖选题、签约、出版和网络传播的版权管理制度，"
                "全部出版物及时进行作品登记，并对网络侵权开展监测和通知删除。",
                "Pearl Tide Press manages copyright from commissioning to online "
                "distribution: every title is registered and infringing copies online "
                "are monitored and taken down.",
            ),
            _document(
                "版权管理制度及培训记录.txt", "珠江潮出版社版权管理制度；年度培训八场，签到表附后。"
            ),
            ("U3", "8", "全年举办版权培训8场"),
            organiser,
        )
        created += made
        actions.close_nominations(organiser, units)
        actions.evaluate(organiser, units)
        pearl_tide.refresh_from_db()
        actions.shortlist(organiser, pearl_tide, shortlisted=True)
        actions.decide(
            head,
            pearl_tide,
            award=True,
            citation="版权管理制度健全，作品登记和网络维权成效突出，授予广东省版权示范单位称号。",
            citation_en="Named a Guangdong copyright model unit for its thorough copyright "
            "management, registration of its works and protection online.",
        )
        actions.publish_decisions(head, units)

    cities, made = _round(
        gd,
        organiser,
        year,
        Category.CITY,
        (f"{year}年度广东省版权示范城市", f"Guangdong copyright model cities {year}"),
        CITY_CRITERIA,
    )
    created += made
    if cities.status == RoundStatus.OPEN:
        _jiangmen, made = _nomination(
            cities,
            _actor(jm, via, Role.SUPERVISOR, Role.ANALYST, Role.REGISTRAR),
            jm,
            jm,
            (
                "江门市建立版权工作联席会议制度，开展“4·26”版权保护培训和产业交流，"
                "参与珠三角九市跨区域知识产权保护协作。",
                "Jiangmen runs a joint copyright work conference, holds the 26 April "
                "copyright training and industry exchange meeting, and takes part in the "
                "Pearl River Delta nine cities' cross-regional protection cooperation.",
            ),
            _document(
                "江门市版权宣传培训活动清单.txt",
                "年度版权宣传培训活动：4·26培训及产业交流会等共九场。",
            ),
            ("M3", "9", "全年宣传培训活动9场"),
            organiser,
        )
        created += made
        actions.close_nominations(organiser, cities)
        actions.evaluate(organiser, cities)
    # the city round stays under evaluation: the organiser shortlists and decides
    assert not cities.nominations.filter(status=NominationStatus.AWARDED).exists()
    return created
