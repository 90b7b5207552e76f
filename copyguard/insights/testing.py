"""Known records for the statistics tests: every figure of 2025 is stated in ``EXPECTED``.

``make_statistics_world()`` writes rows directly (the workflows have their own tests; here
the dates must be exact): Guangdong (440000) with Foshan (440600) and Jiangmen (440700),
Jiangmen with its Xinhui district (440705), and Hunan (430000) with Changsha as the region
nobody in Guangdong may count. Records dated 2024, drafts, submissions not yet registered and
Hunan's records are there to be left out.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, RightsHolderType, Role
from copyguard.accounts.models import Organisation, User
from copyguard.enforcement.enums import (
    CaseOrigin,
    CaseStatus,
    CounterNoticeStatus,
    DecisionKind,
    ItemAnswer,
    Jurisdiction,
    Measure,
    NoticeStatus,
    TipOffStatus,
    TransferStage,
    TransferStatus,
)
from copyguard.enforcement.models import (
    Campaign,
    Case,
    CaseDecision,
    CaseFact,
    CaseTransfer,
    CounterNotice,
    Notice,
    NoticeItem,
    TipOff,
)
from copyguard.monitoring.enums import HitChannel, HitStatus
from copyguard.monitoring.models import Hit, Site
from copyguard.testing import make_member, make_organisation
from copyguard.works.enums import RegistrationStatus, WorkCategory
from copyguard.works.models import Registration, Work, WorkFile

__all__ = ["EXPECTED", "StatisticsWorld", "at", "make_statistics_world"]

_serial = itertools.count(1)


def at(day: str, hour: int = 10) -> datetime:
    """An aware instant on ``day`` (YYYY-MM-DD) in the platform's time zone."""
    parsed = date.fromisoformat(day)
    return timezone.make_aware(datetime(parsed.year, parsed.month, parsed.day, hour))


@dataclass
class StatisticsWorld:
    gd: Organisation
    fs: Organisation
    jm: Organisation
    xinhui: Organisation
    hn: Organisation
    cs: Organisation
    gd_supervisor: User
    gd_analyst: User
    gd_viewer: User
    fs_analyst: User
    jm_viewer: User
    xinhui_viewer: User
    hn_supervisor: User
    holder_owner: User
    platform_owner: User
    publisher: Organisation
    enterprise: Organisation
    individual: Organisation
    platform: Organisation
    campaign: Campaign


def _admin(
    name: str, name_en: str, code: str, level: str, parent: Organisation | None
) -> Organisation:
    return make_organisation(
        OrganisationKind.ADMINISTRATION,
        name=name,
        name_en=name_en,
        region_code=code,
        level=level,
        parent=parent,
    )


def _work(owner: Organisation, category: str) -> Work:
    n = next(_serial)
    work = Work.objects.create(owner=owner, title=f"作品 {n}", category=category)
    WorkFile.objects.create(
        work=work,
        sha256=f"{n:064x}",
        size=1024,
        media="text",
        original_name=f"work-{n}.txt",
        storage_name=f"work-{n}",
    )
    return work


def _registration(
    owner: Organisation,
    category: str,
    administration: Organisation,
    registered_on: str | None,
    status: str = RegistrationStatus.REGISTERED,
) -> Work:
    work = _work(owner, category)
    n = next(_serial)
    Registration.objects.create(
        work=work,
        status=status,
        administration=administration,
        number=(
            f"{administration.region_code}-2025-A-{n:08d}"
            if status == RegistrationStatus.REGISTERED
            else None
        ),
        registered_on=date.fromisoformat(registered_on) if registered_on else None,
        submitted_at=at("2025-01-01"),
    )
    return work


def _hit(work: Work, domain: str, status: str, seen: str) -> Hit:
    site, _ = Site.objects.get_or_create(domain=domain)
    n = next(_serial)
    return Hit.objects.create(
        work=work,
        work_file=work.files.get(),
        url=f"https://{domain}/copy-{n}",
        site=site,
        media="text",
        score=0.9,
        channel=HitChannel.CRAWL,
        status=status,
        first_seen_at=at(seen),
        last_seen_at=at(seen),
    )


def _notice(sender: Organisation, platform: Organisation, sent: str | None, status: str) -> Notice:
    n = next(_serial)
    return Notice.objects.create(
        number=f"N-{n}",
        jurisdiction=Jurisdiction.CN,
        sender=sender,
        platform=platform,
        status=status,
        sent_at=at(sent) if sent else None,
        created_at=at(sent or "2025-01-01"),
    )


def _item(
    notice: Notice, work: Work, answer: str, gone_after_hours: int | None = None
) -> NoticeItem:
    n = next(_serial)
    assert notice.sent_at is not None
    return NoticeItem.objects.create(
        notice=notice,
        work=work,
        url=f"https://copies.example/{n}",
        answer=answer,
        answered_at=notice.sent_at + timedelta(hours=1) if answer != ItemAnswer.PENDING else None,
        gone=True if gone_after_hours is not None else None,
        gone_confirmed_at=(
            notice.sent_at + timedelta(hours=gone_after_hours)
            if gone_after_hours is not None
            else None
        ),
    )


def _case(
    administration: Organisation,
    opened: str,
    origin: str,
    status: str,
    closed: str | None = None,
) -> Case:
    n = next(_serial)
    return Case.objects.create(
        number=f"C-{n}",
        administration=administration,
        title=f"案件 {n}",
        origin=origin,
        status=status,
        opened_at=at(opened),
        closed_at=at(closed) if closed else None,
    )


def _tip_off(administration: Organisation, received: str, status: str) -> TipOff:
    n = next(_serial)
    return TipOff.objects.create(
        reference=f"T-{n}",
        receipt_hash=f"{n:064x}",
        administration=administration,
        url=f"https://tips.example/{n}",
        status=status,
        created_at=at(received),
    )


def make_statistics_world() -> StatisticsWorld:
    A = AdministrationLevel
    gd = _admin("广东省版权局", "Guangdong Copyright Bureau", "440000", A.PROVINCIAL, None)
    fs = _admin("佛山市版权局", "Foshan Copyright Bureau", "440600", A.MUNICIPAL, gd)
    jm = _admin("江门市版权局", "Jiangmen Copyright Bureau", "440700", A.MUNICIPAL, gd)
    xinhui = _admin("新会区版权局", "Xinhui Copyright Bureau", "440705", A.DISTRICT, jm)
    hn = _admin("湖南省版权局", "Hunan Copyright Bureau", "430000", A.PROVINCIAL, None)
    cs = _admin("长沙市版权局", "Changsha Copyright Bureau", "430100", A.MUNICIPAL, hn)
    K = OrganisationKind
    publisher = make_organisation(
        K.RIGHTS_HOLDER,
        name="珠江出版社",
        rights_holder_type=RightsHolderType.PUBLISHER,
        region_code="440600",
    )
    enterprise = make_organisation(
        K.RIGHTS_HOLDER,
        name="南湖软件",
        rights_holder_type=RightsHolderType.ENTERPRISE,
        region_code="440700",
    )
    individual = make_organisation(
        K.RIGHTS_HOLDER, name="侨乡作者", rights_holder_type=RightsHolderType.INDIVIDUAL
    )
    outsider_holder = make_organisation(
        K.RIGHTS_HOLDER,
        name="湘江出版",
        rights_holder_type=RightsHolderType.PUBLISHER,
        region_code="430100",
    )
    platform = make_organisation(K.PLATFORM, name="湾区视频")
    W = WorkCategory

    # Registrations of 2025: Foshan 4, Jiangmen 3 and Xinhui 1, Guangdong itself 1.
    fs_book = _registration(publisher, W.WRITTEN, fs, "2025-01-05")
    _registration(publisher, W.WRITTEN, fs, "2025-01-20")
    _registration(publisher, W.WRITTEN, fs, "2025-03-02")
    _registration(enterprise, W.SOFTWARE, fs, "2025-03-15")
    jm_song = _registration(individual, W.MUSIC, jm, "2025-02-11")
    _registration(individual, W.MUSIC, jm, "2025-06-30")
    jm_app = _registration(enterprise, W.SOFTWARE, jm, "2025-06-01")
    _registration(publisher, W.WRITTEN, xinhui, "2025-06-18")
    _registration(individual, W.PHOTOGRAPHY, gd, "2025-04-04")
    # Left out: another year, not yet registered, another province.
    _registration(publisher, W.WRITTEN, fs, "2024-12-31")
    _registration(publisher, W.WRITTEN, fs, None, RegistrationStatus.SUBMITTED)
    hn_book = _registration(outsider_holder, W.WRITTEN, cs, "2025-03-03")

    # Hits of 2025: 3 on Foshan's book, 2 on Jiangmen's song.
    _hit(fs_book, "a.example", HitStatus.CONFIRMED, "2025-02-01")
    _hit(fs_book, "b.example", HitStatus.CONFIRMED, "2025-02-15")
    _hit(fs_book, "a.example", HitStatus.DISMISSED, "2025-05-20")
    _hit(jm_song, "c.example", HitStatus.NEW, "2025-07-07")
    _hit(jm_song, "c.example", HitStatus.CONFIRMED, "2025-07-08")
    _hit(fs_book, "a.example", HitStatus.CONFIRMED, "2024-12-01")  # another year
    _hit(hn_book, "a.example", HitStatus.CONFIRMED, "2025-03-03")  # another province

    # Notices sent in 2025: one by the Foshan publisher (two addresses), one by the
    # Jiangmen enterprise (one address); a draft, and one about a Hunan work, left out.
    first = _notice(publisher, platform, "2025-02-01", NoticeStatus.ANSWERED)
    _item(first, fs_book, ItemAnswer.REMOVED, gone_after_hours=10)
    _item(first, fs_book, ItemAnswer.REFUSED)
    second = _notice(enterprise, platform, "2025-06-01", NoticeStatus.ANSWERED)
    _item(second, jm_app, ItemAnswer.DISABLED, gone_after_hours=30)
    _notice(publisher, platform, None, NoticeStatus.DRAFT)
    hunan = _notice(outsider_holder, platform, "2025-03-03", NoticeStatus.SENT)
    _item(hunan, hn_book, ItemAnswer.PENDING)
    CounterNotice.objects.create(
        number="CN-1",
        notice=first,
        jurisdiction=Jurisdiction.CN,
        status=CounterNoticeStatus.RESTORED,
        received_at=at("2025-03-01"),
    )
    CounterNotice.objects.create(
        number="CN-2",
        notice=hunan,
        jurisdiction=Jurisdiction.CN,
        status=CounterNoticeStatus.RECEIVED,
        received_at=at("2025-04-01"),
    )

    # Cases: three opened in 2025 (Foshan closed, Jiangmen transferred, Xinhui open); one
    # opened in 2024 and closed in 2025; one in Hunan.
    fs_case = _case(fs, "2025-02-10", CaseOrigin.HIT, CaseStatus.CLOSED, closed="2025-05-01")
    CaseDecision.objects.create(
        case=fs_case,
        kind=DecisionKind.FINE,
        amount=Decimal("5000.00"),
        reasoning="r",
        decided_at=at("2025-04-01"),
    )
    CaseDecision.objects.create(
        case=fs_case,
        kind=DecisionKind.CONFISCATE_GAINS,
        amount=Decimal("1200.50"),
        reasoning="r",
        decided_at=at("2025-04-01"),
    )
    CaseDecision.objects.create(
        case=fs_case,
        kind=DecisionKind.CONFISCATE_COPIES,
        copies=40,
        reasoning="r",
        decided_at=at("2025-04-01"),
    )
    CaseFact.objects.create(case=fs_case, measure=Measure.ILLEGAL_GAINS, value=Decimal("1200.50"))
    jm_case = _case(jm, "2025-03-05", CaseOrigin.TIP_OFF, CaseStatus.TRANSFERRED)
    police = make_organisation(K.POLICE, name="江门市公安局", region_code="440700")
    CaseTransfer.objects.create(
        case=jm_case,
        stage=TransferStage.POLICE,
        from_agency=jm,
        to_agency=police,
        status=TransferStatus.ACCEPTED,
        grounds="g",
        sent_at=at("2025-04-10"),
    )
    xinhui_case = _case(xinhui, "2025-07-01", CaseOrigin.CAMPAIGN, CaseStatus.OPEN)
    old = _case(fs, "2024-11-01", CaseOrigin.COMPLAINT, CaseStatus.CLOSED, closed="2025-01-15")
    CaseFact.objects.create(case=old, measure=Measure.ILLEGAL_GAINS, value=Decimal("999.00"))
    hn_case = _case(cs, "2025-03-03", CaseOrigin.HIT, CaseStatus.CLOSED, closed="2025-04-04")
    CaseDecision.objects.create(
        case=hn_case,
        kind=DecisionKind.FINE,
        amount=Decimal("777.00"),
        reasoning="r",
        decided_at=at("2025-04-04"),
    )

    campaign = Campaign.objects.create(
        administration=gd,
        name="剑网2025",
        name_en="Sword Net 2025",
        starts_on=date(2025, 6, 1),
        ends_on=date(2025, 10, 31),
    )
    xinhui_case.campaign = campaign
    xinhui_case.save(update_fields=["campaign"])
    Campaign.objects.create(
        administration=hn, name="湘江行动", starts_on=date(2025, 1, 1), ends_on=date(2025, 2, 1)
    )

    _tip_off(jm, "2025-03-01", TipOffStatus.CASE)
    _tip_off(jm, "2025-08-01", TipOffStatus.RECEIVED)
    _tip_off(fs, "2025-09-09", TipOffStatus.DISMISSED)
    _tip_off(cs, "2025-09-09", TipOffStatus.RECEIVED)
    _tip_off(fs, "2024-09-09", TipOffStatus.RECEIVED)

    return StatisticsWorld(
        gd=gd,
        fs=fs,
        jm=jm,
        xinhui=xinhui,
        hn=hn,
        cs=cs,
        gd_supervisor=make_member(gd, Role.SUPERVISOR),
        gd_analyst=make_member(gd, Role.ANALYST),
        gd_viewer=make_member(gd, Role.VIEWER),
        fs_analyst=make_member(fs, Role.ANALYST),
        jm_viewer=make_member(jm, Role.VIEWER),
        xinhui_viewer=make_member(xinhui, Role.VIEWER),
        hn_supervisor=make_member(hn, Role.SUPERVISOR),
        holder_owner=make_member(publisher, Role.OWNER),
        platform_owner=make_member(platform, Role.OWNER),
        publisher=publisher,
        enterprise=enterprise,
        individual=individual,
        platform=platform,
        campaign=campaign,
    )


# Guangdong, 2025: (table key, row key, column key) → value, each worked out by hand from the
# records above. Rows not listed are 0 where the table lists every choice.
EXPECTED: dict[tuple[str, str, str], Any] = {
    ("registrations.summary", "total", "count"): 9,
    ("registrations.by_category", "written", "count"): 4,
    ("registrations.by_category", "software", "count"): 2,
    ("registrations.by_category", "music", "count"): 2,
    ("registrations.by_category", "photography", "count"): 1,
    ("registrations.by_category", "audiovisual", "count"): 0,
    ("registrations.by_region", "440600", "count"): 4,
    ("registrations.by_region", "440700", "count"): 4,
    ("registrations.by_region", "440000", "count"): 1,
    ("registrations.by_month", "2025-01", "count"): 2,
    ("registrations.by_month", "2025-02", "count"): 1,
    ("registrations.by_month", "2025-03", "count"): 2,
    ("registrations.by_month", "2025-04", "count"): 1,
    ("registrations.by_month", "2025-06", "count"): 3,
    ("registrations.by_month", "2025-12", "count"): 0,
    ("registrations.by_holder_kind", "publisher", "count"): 4,
    ("registrations.by_holder_kind", "enterprise", "count"): 2,
    ("registrations.by_holder_kind", "individual", "count"): 3,
    ("monitoring.summary", "hits", "count"): 5,
    ("monitoring.summary", "sites", "count"): 3,
    ("monitoring.summary", "confirmed", "count"): 3,
    ("monitoring.summary", "reviewed", "count"): 4,
    ("monitoring.summary", "confirmation_rate", "count"): Decimal("75.0"),
    ("monitoring.by_status", "new", "count"): 1,
    ("monitoring.by_status", "confirmed", "count"): 3,
    ("monitoring.by_status", "dismissed", "count"): 1,
    ("monitoring.by_region", "440600", "hits"): 3,
    ("monitoring.by_region", "440600", "confirmed"): 2,
    ("monitoring.by_region", "440700", "hits"): 2,
    ("monitoring.by_region", "440700", "confirmed"): 1,
    ("monitoring.by_month", "2025-02", "hits"): 2,
    ("monitoring.by_month", "2025-05", "hits"): 1,
    ("monitoring.by_month", "2025-07", "hits"): 2,
    ("monitoring.by_month", "2025-07", "confirmed"): 1,
    ("monitoring.top_sites", "a.example", "hits"): 2,
    ("monitoring.top_sites", "c.example", "hits"): 2,
    ("monitoring.top_sites", "b.example", "hits"): 1,
    ("notices.summary", "sent", "count"): 2,
    ("notices.summary", "items", "count"): 3,
    ("notices.summary", "removed", "count"): 2,
    ("notices.summary", "refused", "count"): 1,
    ("notices.summary", "pending", "count"): 0,
    ("notices.summary", "gone", "count"): 2,
    ("notices.by_month", "2025-02", "count"): 1,
    ("notices.by_month", "2025-06", "count"): 1,
    ("notices.by_region", "440600", "count"): 1,
    ("notices.by_region", "440700", "count"): 1,
    ("counter_notices.summary", "received", "count"): 1,
    ("counter_notices.summary", "restored", "count"): 1,
    ("counter_notices.summary", "action_filed", "count"): 0,
    ("counter_notices.by_status", "restored", "count"): 1,
    ("cases.summary", "opened", "count"): 3,
    ("cases.summary", "decided", "count"): 1,
    ("cases.summary", "transferred", "count"): 1,
    ("cases.summary", "closed", "count"): 2,
    ("cases.summary", "copies", "count"): 40,
    ("cases.amounts", "fines", "amount"): Decimal("5000.00"),
    ("cases.amounts", "confiscated_gains", "amount"): Decimal("1200.50"),
    ("cases.amounts", "illegal_gains", "amount"): Decimal("1200.50"),
    ("cases.by_stage", "open", "count"): 1,
    ("cases.by_stage", "transferred", "count"): 1,
    ("cases.by_stage", "closed", "count"): 1,
    ("cases.by_stage", "decided", "count"): 0,
    ("cases.by_origin", "hit", "count"): 1,
    ("cases.by_origin", "tip_off", "count"): 1,
    ("cases.by_origin", "campaign", "count"): 1,
    ("cases.transfers", "police", "count"): 1,
    ("cases.transfers", "court", "count"): 0,
    ("cases.by_region", "440600", "opened"): 1,
    ("cases.by_region", "440600", "closed"): 2,
    ("cases.by_region", "440700", "opened"): 2,
    ("cases.by_region", "440700", "closed"): 0,
    ("cases.by_month", "2025-02", "count"): 1,
    ("cases.by_month", "2025-03", "count"): 1,
    ("cases.by_month", "2025-07", "count"): 1,
    ("tip_offs.summary", "received", "count"): 3,
    ("tip_offs.summary", "turned_into_cases", "count"): 1,
    ("tip_offs.by_status", "case", "count"): 1,
    ("tip_offs.by_status", "received", "count"): 1,
    ("tip_offs.by_status", "dismissed", "count"): 1,
    ("tip_offs.by_month", "2025-03", "count"): 1,
    ("tip_offs.by_month", "2025-08", "count"): 1,
    ("tip_offs.by_month", "2025-09", "count"): 1,
}

# The platform row and the campaign row (their keys are database ids).
EXPECTED_PLATFORM = {
    "notified": 3,
    "removed": 2,
    "confirmed_gone": 2,
    "median_hours": 20.0,
    "mean_hours": 20.0,
}
EXPECTED_CAMPAIGN = {
    "cases": 1,
    "criminal_transfers": 0,
    "links_removed": 0,
    "closures": 0,
    "fines": Decimal("0.00"),
    "confiscated_gains": Decimal("0.00"),
    "hits_found": 0,
}

# Jiangmen, 2025: its own region and its district.
EXPECTED_JIANGMEN: dict[tuple[str, str, str], Any] = {
    ("registrations.summary", "total", "count"): 4,
    ("registrations.by_region", "440705", "count"): 1,
    ("registrations.by_region", "440700", "count"): 3,
    ("cases.summary", "opened", "count"): 2,
    ("cases.by_region", "440705", "opened"): 1,
    ("tip_offs.summary", "received", "count"): 2,
    ("monitoring.summary", "hits", "count"): 2,
    ("notices.summary", "sent", "count"): 1,
}
