"""The registry's demo data: registered works with certificates, the queue, ownership records."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from copyguard.accounts.models import AuditEvent, User
from copyguard.cli import main
from copyguard.demo import load_demo
from copyguard.ledger.models import LedgerEntry
from copyguard.works.certificates.models import Certificate
from copyguard.works.demo import ARCADE_RAIN
from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import Conflict, Registration, Work, WorkFile
from copyguard.works.ownership.enums import RecordKind, RecordStatus
from copyguard.works.ownership.models import OwnershipRecord

# Committed transactions: the jobs queued after commit (index, certificate PDFs) run.
pytestmark = pytest.mark.django_db(transaction=True)

REGISTRAR = "registrar@jm.demo.copyguard.test"


def snapshot() -> dict[str, int]:
    models = (Work, Registration, WorkFile, Conflict, Certificate, OwnershipRecord)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["audit"] = AuditEvent.objects.count()
    counts["ledger"] = LedgerEntry.objects.count()
    return counts


def statuses() -> list[tuple[str, str]]:
    return sorted(Registration.objects.values_list("work__owner__name_en", "status"))


def test_it_loads_registered_works_the_queue_and_ownership_records_once() -> None:
    first = load_demo()
    after_first = snapshot()

    second = load_demo()

    assert (first.works_created, second.works_created) == (10, 0)
    assert snapshot() == after_first
    registered = Registration.objects.filter(status=RegistrationStatus.REGISTERED)
    assert registered.count() == 7
    assert set(registered.values_list("administration__region_code", flat=True)) == {"440700"}
    assert all(r.number.startswith("440700-") for r in registered)
    assert Certificate.objects.count() == 7
    assert Certificate.objects.exclude(pdf_sha256="").count() == 7
    assert sorted(Registration.objects.values_list("status", flat=True)) == sorted(
        ["registered"] * 7 + ["submitted", "returned", "draft"]
    )
    returned = Registration.objects.get(status=RegistrationStatus.RETURNED)
    assert "委托创作合同" in returned.return_reasons
    software = Work.objects.get(category="software")
    assert software.software.has_deposit()
    records = OwnershipRecord.objects.filter(status=RecordStatus.APPROVED)
    assert sorted(records.values_list("kind", flat=True)) == [RecordKind.LICENCE, RecordKind.PLEDGE]
    # Everything went through the actions, as the demo accounts, from the command line.
    assert AuditEvent.objects.filter(action="works.registration.approve").count() == 7
    # A photograph and a tune, indexed by their engines for monitoring to find.
    media = dict(WorkFile.objects.values_list("original_name", "media"))
    assert media["changdi-chenwu.png"] == "image" and media["cailing-xiaodiao.wav"] == "audio"
    from copyguard.works import registry_index

    engines = registry_index.open_engines()
    assert engines.has("image") and engines.has("audio")
    # The monitoring demo's hits are recorded as a crawl records them (by the system, via
    # the crawl channel); everything else is done by the demo accounts from the command line.
    by_hand = AuditEvent.objects.exclude(action="monitoring.hits.record")
    assert set(by_hand.values_list("params__via", flat=True)) == {"cli"}
    assert main(["ledger", "check"]) == 0


def test_the_copy_waits_in_the_registrars_queue_with_its_conflict(client: Client) -> None:
    load_demo()

    copy = Registration.objects.get(status=RegistrationStatus.SUBMITTED)
    assert copy.work.owner.name_en == "Nanhu Book Garden Press"
    assert copy.has_conflicts
    conflict = Conflict.objects.get(registration=copy)
    assert conflict.other_work.title == "骑楼下的雨季"
    assert conflict.other_work.owner.name_en == "Pearl Tide Press"
    assert not conflict.resolved

    client.force_login(User.objects.get(email=REGISTRAR))
    client.cookies["django_language"] = "en"
    queue = client.get(reverse("works:queue"))
    assert queue.status_code == 200
    assert copy.work.title in queue.content.decode()
    assert copy.work.title != "骑楼下的雨季" and "騎樓" in copy.work.title
    page = client.get(reverse("works:conflict", args=[conflict.pk]))
    assert page.status_code == 200
    assert "骑楼下的雨季" in page.content.decode()

    anonymous = Client()
    anonymous.cookies["django_language"] = "en"
    essay = Registration.objects.get(work__title="骑楼下的雨季")
    verify = anonymous.get(reverse("front:verify_number", args=[essay.number]))
    assert verify.status_code == 200
    body = verify.content.decode()
    assert "Registered — certificate valid" in body
    assert "Bay Area Video Network" in body or "湾区视听网" in body
    assert ARCADE_RAIN.splitlines()[0] in body
