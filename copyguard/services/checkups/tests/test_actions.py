"""Check-up actions: starting a year's check-up, saving answers, submitting with the
automatic findings of the day, comments; each refused for the wrong people and input,
with nothing half-written, and each audited."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.enforcement.enums import NoticeStatus
from copyguard.enforcement.models import Notice, NoticeItem
from copyguard.monitoring.enums import HitStatus, ItemKind, RunStatus
from copyguard.monitoring.models import CrawlRun, FetchedItem
from copyguard.monitoring.tests.core_helpers import make_hit, make_source
from copyguard.services.checkups import actions
from copyguard.services.checkups.enums import CheckUpStatus, FindingKind
from copyguard.services.checkups.models import AreaScore, CheckUp, Comment, Finding
from copyguard.services.checkups.questionnaire import from_models
from copyguard.services.checkups.testing import answers_for, submitted_checkup
from copyguard.works.ownership.enums import LicenceType, RecordKind, RecordStatus
from copyguard.works.ownership.models import OwnershipRecord
from copyguard.works.testing import text_work

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def _owner(world):
    return Actor(user=world.owner)


def test_an_owner_starts_this_years_check_up_with_the_current_version(world):
    checkup = actions.start_checkup(_owner(world), world.holder, YEAR)
    assert checkup.status == CheckUpStatus.DRAFT
    assert checkup.questionnaire.version == 1
    event = AuditEvent.objects.get(action="checkups.checkup.started")
    assert event.object_id == str(checkup.pk) and event.organisation == world.holder


@pytest.mark.parametrize("year", [1999, YEAR + 1, "2020", True, None])
def test_a_year_out_of_range_is_refused(world, year):
    with pytest.raises(ActionError) as caught:
        actions.start_checkup(_owner(world), world.holder, year)
    assert caught.value.field == "year"
    assert not CheckUp.objects.exists()


def test_a_second_check_up_for_the_same_year_is_refused(world):
    actions.start_checkup(_owner(world), world.holder, YEAR)
    with pytest.raises(ActionError) as caught:
        actions.start_checkup(Actor(user=world.staff), world.holder, YEAR)
    assert caught.value.code == "duplicate" and caught.value.status == 409


def test_a_read_only_member_and_an_outsider_may_not_start_one(world):
    for user in (world.viewer, world.outsider, world.supervisor, world.liaison):
        with pytest.raises(ActionError) as caught:
            actions.start_checkup(Actor(user=user), world.holder, YEAR)
        assert caught.value.status == 403
    assert not CheckUp.objects.exists()


def test_only_rights_holders_have_check_ups(world):
    with pytest.raises(ActionError):
        actions.start_checkup(Actor.system(), world.administration, YEAR)


def test_answers_are_saved_checked_and_cleared(world):
    checkup = actions.start_checkup(_owner(world), world.holder, YEAR)
    actions.save_answers(
        _owner(world),
        checkup,
        {"own-inventory": "yes", "sw-unlicensed": " 3 "},
        own_domains=["https://www.Alpha-Press.example/about", "shop.alpha-press.example", ""],
    )
    assert checkup.answers == {"own-inventory": "yes", "sw-unlicensed": "3"}
    assert checkup.own_domains == ["alpha-press.example", "shop.alpha-press.example"]
    actions.save_answers(_owner(world), checkup, {"own-inventory": ""})
    assert checkup.answers == {"sw-unlicensed": "3"}
    assert AuditEvent.objects.filter(action="checkups.checkup.saved").count() == 2


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"own-inventory": "perhaps"}, "own-inventory"),
        ({"sw-unlicensed": "-2"}, "sw-unlicensed"),
        ({"sw-unlicensed": "many"}, "sw-unlicensed"),
        ({"no-such-question": "yes"}, "no-such-question"),
        ({"own-inventory": "yes", "ovs-disputes": "1" * 40}, "ovs-disputes"),
    ],
)
def test_a_wrong_answer_is_refused_and_nothing_is_saved(world, answers, field):
    checkup = actions.start_checkup(_owner(world), world.holder, YEAR)
    with pytest.raises(ActionError) as caught:
        actions.save_answers(_owner(world), checkup, answers)
    assert caught.value.field == field
    checkup.refresh_from_db()
    assert checkup.answers == {}


@pytest.mark.parametrize(
    "domains",
    [
        ["not a domain"],
        ["<script>.example"],
        ["a" * 300 + ".com"],
        [f"s{i}.example" for i in range(21)],
    ],
)
def test_bad_websites_are_refused(world, domains):
    checkup = actions.start_checkup(_owner(world), world.holder, YEAR)
    with pytest.raises(ActionError) as caught:
        actions.save_answers(_owner(world), checkup, {}, own_domains=domains)
    assert caught.value.field == "own_domains"


def test_a_read_only_member_may_not_save_answers(world):
    checkup = actions.start_checkup(_owner(world), world.holder, YEAR)
    with pytest.raises(ActionError) as caught:
        actions.save_answers(Actor(user=world.viewer), checkup, {"own-inventory": "yes"})
    assert caught.value.status == 403


def test_an_incomplete_check_up_cannot_be_submitted(world):
    checkup = actions.start_checkup(_owner(world), world.holder, YEAR)
    actions.save_answers(_owner(world), checkup, {"own-inventory": "yes"})
    with pytest.raises(ActionError) as caught:
        actions.submit_checkup(_owner(world), checkup)
    assert caught.value.code == "incomplete"
    assert caught.value.field == "own-commissioned"
    checkup.refresh_from_db()
    assert checkup.is_draft() and not AreaScore.objects.exists()


def _seed_findings(world, today):
    """One of each finding about Alpha Press, and the like about Beta Books (not counted)."""
    unregistered = text_work(world.holder, title="未登记的新产品")
    hit = make_hit(world.work, "https://pirate.example/copy.txt", status=HitStatus.NEW)
    make_hit(world.work, "https://pirate.example/done.txt", status=HitStatus.CONFIRMED)
    make_hit(world.other_work, "https://pirate.example/other.txt", status=HitStatus.NEW)
    notice = Notice.objects.create(
        number="NT-TEST-1", jurisdiction="cn", sender=world.holder, platform=world.platform,
        status=NoticeStatus.SENT, sent_at=timezone.now(),
    )  # fmt: skip
    NoticeItem.objects.create(notice=notice, work=world.work, url="https://pirate.example/copy.txt")
    Notice.objects.create(
        number="NT-TEST-2", jurisdiction="cn", sender=world.holder, platform=world.platform,
        status=NoticeStatus.ANSWERED, sent_at=timezone.now(),
    )  # fmt: skip
    registration = world.work.registrations.get(status="registered")
    licence = OwnershipRecord.objects.create(
        registration=registration, kind=RecordKind.LICENCE, status=RecordStatus.APPROVED,
        applicant=world.holder, applicant_name="Alpha Press", counterparty_name="Gamma Games",
        licence_type=LicenceType.NON_EXCLUSIVE, rights=["network"], territory=["CN"],
        starts_on=today - timedelta(days=300), ends_on=today + timedelta(days=30),
    )  # fmt: skip
    OwnershipRecord.objects.create(
        registration=registration, kind=RecordKind.LICENCE, status=RecordStatus.APPROVED,
        applicant=world.holder, applicant_name="Alpha Press", counterparty_name="Later Ltd",
        licence_type=LicenceType.NON_EXCLUSIVE, rights=["network"], territory=["CN"],
        starts_on=today, ends_on=today + timedelta(days=200),
    )  # fmt: skip
    return unregistered, hit, notice, licence


def test_submitting_fixes_findings_scores_and_the_risk_level(world):
    today = timezone.localdate()
    unregistered, hit, notice, licence = _seed_findings(world, today)
    checkup = submitted_checkup(world.holder)
    assert checkup.status == CheckUpStatus.SUBMITTED
    found = {(f.kind, f.object_id) for f in checkup.findings.all()}
    assert found == {
        (FindingKind.UNREGISTERED_WORK, unregistered.pk),
        (FindingKind.OPEN_HIT, hit.pk),
        (FindingKind.PENDING_NOTICE, notice.pk),
        (FindingKind.EXPIRING_LICENCE, licence.pk),
    }
    scores = {a.area: a for a in checkup.area_scores.all()}
    assert scores["registration"].deduction == Decimal("5.00")
    assert scores["registration"].score == Decimal("95.00")
    assert scores["monitoring"].deduction == Decimal("7.00")  # 4 for the hit + 3 for the notice
    assert scores["licensing"].score == Decimal("95.00")
    # (1.5*100 + 1.5*95 + 1*95 + 1*100 + 1*100 + 1*93 + 0.5*100) / 7.5 = 730.5 / 7.5
    assert checkup.overall_score == Decimal("97.40")
    assert checkup.questionnaire_score == Decimal("100.00")
    assert checkup.risk_level == "low"
    assert checkup.site_check["checked"] is False and checkup.site_check["reason"] == "no_domains"
    event = AuditEvent.objects.get(action="checkups.checkup.submitted")
    assert event.params["findings"] == {
        "unregistered_work": 1,
        "open_hit": 1,
        "pending_notice": 1,
        "expiring_licence": 1,
    }
    url = Finding.objects.get(kind=FindingKind.OPEN_HIT).url
    assert url == f"/monitoring/hits/{hit.pk}/"


def test_a_submitted_check_up_no_longer_changes(world):
    checkup = submitted_checkup(world.holder)
    with pytest.raises(ActionError) as caught:
        actions.save_answers(_owner(world), checkup, {"own-inventory": "no"})
    assert caught.value.status == 409
    with pytest.raises(ActionError):
        actions.submit_checkup(_owner(world), checkup)
    assert AreaScore.objects.filter(checkup=checkup).count() == 7


def test_files_on_the_own_website_that_match_no_registered_work_are_found(world):
    source = make_source(world.holder, config={"start_urls": ["https://alpha-press.example/"]})
    run = CrawlRun.objects.create(
        source=source, status=RunStatus.FINISHED, finished_at=timezone.now() - timedelta(hours=1)
    )
    registered_file = world.work.files.first()
    scanned = timezone.now() - timedelta(hours=1)
    own = FetchedItem.objects.create(
        run=run, url="https://alpha-press.example/files/brochure.pdf", kind=ItemKind.FILE,
        sha256="a" * 64, scanned_at=scanned,
    )  # fmt: skip
    FetchedItem.objects.create(  # the registered work itself: matched by its SHA-256
        run=run, url="https://alpha-press.example/files/book.txt", kind=ItemKind.FILE,
        sha256=registered_file.sha256, scanned_at=scanned,
    )  # fmt: skip
    make_hit(world.work, "https://shop.alpha-press.example/b.txt")  # matched by a hit
    FetchedItem.objects.create(
        run=run, url="https://shop.alpha-press.example/b.txt", kind=ItemKind.FILE,
        sha256="b" * 64, scanned_at=scanned,
    )  # fmt: skip
    FetchedItem.objects.create(  # not yet scanned: not judged
        run=run, url="https://alpha-press.example/files/new.zip", kind=ItemKind.FILE, sha256="c" * 64,
    )  # fmt: skip
    FetchedItem.objects.create(  # elsewhere: not the own site
        run=run, url="https://elsewhere.example/x.pdf", kind=ItemKind.FILE, sha256="d" * 64,
        scanned_at=scanned,
    )  # fmt: skip
    checkup = actions.start_checkup(_owner(world), world.holder, YEAR)
    filled = answers_for(from_models(checkup.questionnaire))
    actions.save_answers(_owner(world), checkup, filled, own_domains=["alpha-press.example"])
    checkup = actions.submit_checkup(_owner(world), checkup)
    site = checkup.findings.filter(kind=FindingKind.UNMATCHED_SITE_FILE)
    assert [f.object_id for f in site] == [own.pk]
    assert site[0].detail["address"] == own.url
    assert checkup.site_check == {
        "checked": True,
        "reason": "",
        "files": 4,
        "unscanned": 1,
        "runs": [run.pk],
    }


def test_without_a_crawl_of_the_own_site_the_report_says_it_could_not_check(world):
    checkup = actions.start_checkup(_owner(world), world.holder, YEAR)
    actions.save_answers(
        _owner(world), checkup, answers_for(from_models(checkup.questionnaire)),
        own_domains=["alpha-press.example"],
    )  # fmt: skip
    checkup = actions.submit_checkup(_owner(world), checkup)
    assert checkup.site_check["checked"] is False
    assert checkup.site_check["reason"] == "no_crawl"


def test_findings_are_counted_as_of_the_day_of_submission(world):
    text_work(world.holder, title="新作品")
    checkup = actions.start_checkup(Actor.system(), world.holder, YEAR - 1)
    actions.save_answers(Actor.system(), checkup, answers_for(from_models(checkup.questionnaire)))
    last_year = timezone.now() - timedelta(days=365)
    checkup = actions.submit_checkup(Actor.system(), checkup, now=last_year)
    assert not checkup.findings.exists()
    assert checkup.submitted_at == last_year


def test_the_next_year_starts_with_last_years_websites(world):
    checkup = actions.start_checkup(_owner(world), world.holder, YEAR - 1)
    actions.save_answers(_owner(world), checkup, {}, own_domains=["alpha-press.example"])
    assert actions.start_checkup(_owner(world), world.holder, YEAR).own_domains == [
        "alpha-press.example"
    ]


def test_a_station_of_the_region_comments_on_a_submitted_check_up(world):
    checkup = submitted_checkup(world.holder)
    comment = actions.add_comment(
        Actor(user=world.liaison), checkup, world.station, " 建议尽快登记。 "
    )
    assert comment.text == "建议尽快登记。"
    assert AuditEvent.objects.get(action="checkups.comment.added").organisation == world.station
    actions.add_comment(Actor(user=world.officer), checkup, world.administration, "Noted.")
    actions.add_comment(Actor(user=world.province_supervisor), checkup, world.province, "OK")
    assert Comment.objects.count() == 3


def test_others_may_not_comment(world):
    draft = actions.start_checkup(_owner(world), world.holder, YEAR - 1)
    checkup = submitted_checkup(world.holder)
    refused = [
        (world.station_viewer, world.station, checkup),
        (world.admin_viewer, world.administration, checkup),
        (world.other_liaison, world.other_station, checkup),
        (world.other_officer, world.other_administration, checkup),
        (world.owner, world.holder, checkup),
        (world.liaison, world.other_station, checkup),
        (world.liaison, world.station, draft),
    ]
    for user, organisation, target in refused:
        with pytest.raises(ActionError):
            actions.add_comment(Actor(user=user), target, organisation, "text")
    assert not Comment.objects.exists()


@pytest.mark.parametrize("text", ["", "   ", "x" * 5001, "a\x00b"])
def test_an_empty_huge_or_hostile_comment_is_refused(world, text):
    checkup = submitted_checkup(world.holder)
    with pytest.raises(ActionError) as caught:
        actions.add_comment(Actor(user=world.liaison), checkup, world.station, text)
    assert caught.value.field == "text"
