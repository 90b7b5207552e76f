# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""The enforcement demo data: a tip-off, two cases (one sent to the police), cooperation and
a campaign, loaded once, and seen by the demo log-ins the path of a case reaches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from copyguard import demo
from copyguard.accounts.models import AuditEvent, User
from copyguard.demo import load_demo
from copyguard.enforcement.demo import CAMPAIGN_NAME, CASE_A, CASE_B, load_demo_enforcement
from copyguard.enforcement.enums import (
    CampaignStatus,
    CaseStatus,
    CooperationKind,
    CooperationStatus,
    DocumentKind,
    ThresholdState,
    TipOffStatus,
    TransferStatus,
)
from copyguard.enforcement.models import (
    Campaign,
    Case,
    CaseDecision,
    CaseDocument,
    CaseTransfer,
    Cooperation,
    Deadline,
    SiteClosure,
    TipOff,
)

# Committed transactions: the jobs queued after commit run, as in the demo. The seeded
# threshold table (a data migration) is restored before each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DOMAIN = "demo.copyguard.test"


@pytest.fixture(autouse=True)
def data_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir()
    return tmp_path


def counts() -> dict[str, int]:
    models = (TipOff, Case, CaseTransfer, Cooperation, Campaign, SiteClosure, Deadline)
    tally = {model.__name__: model.objects.count() for model in models}
    tally["decisions"] = CaseDecision.objects.count()
    tally["audit"] = AuditEvent.objects.count()
    return tally


def client_of(email: str) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(User.objects.get(email=email))
    return client


def test_it_loads_every_workflow_once(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> int:
        made.append(load_demo_enforcement(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(demo, "load_demo_enforcement", counted)
    load_demo()
    first = counts()

    load_demo()

    assert counts() == first
    # A tip-off, the campaign, two cases, the request to Foshan, the transfer, a closure.
    assert made == [7, 0]
    # (The typical-case demo adds a closed case of Foshan's own; it is not counted here.)
    jiangmen_cases = Case.objects.exclude(administration__region_code="440600").count()
    assert (first["TipOff"], jiangmen_cases, first["CaseTransfer"], first["Campaign"]) == (
        1,
        2,
        1,
        1,
    )
    # Two joint cases with Xinhui (accepted) and the evidence request to Foshan (waiting).
    kinds = sorted(Cooperation.objects.values_list("kind", "status", "partner__region_code"))
    assert kinds == [
        (CooperationKind.EVIDENCE, CooperationStatus.REQUESTED, "440600"),
        (CooperationKind.JOINT_CASE, CooperationStatus.ACCEPTED, "440705"),
        (CooperationKind.JOINT_CASE, CooperationStatus.ACCEPTED, "440705"),
    ]
    below = Case.objects.get(title=CASE_A)
    assert (below.status, below.threshold_state) == (CaseStatus.OPEN, ThresholdState.BELOW)
    assert below.officers.filter(removed_at=None).count() == 2
    assert below.parties.count() == 3 and below.facts.count() == 3
    assert below.tasks.count() == 1
    assert below.decisions.filter(approved_by=None).count() == 4  # proposed, not approved
    reached = Case.objects.get(title=CASE_B)
    assert reached.threshold_state == ThresholdState.REACHED
    assert reached.status == CaseStatus.TRANSFERRED
    transfer = CaseTransfer.objects.get()
    assert transfer.status == TransferStatus.SENT
    assert transfer.to_agency.name == "江门市公安局"
    assert CaseDocument.objects.filter(case=reached, kind=DocumentKind.TRANSFER_LETTER).exists()
    campaign = Campaign.objects.get(name=CAMPAIGN_NAME)
    assert campaign.status == CampaignStatus.ACTIVE
    assert set(campaign.cases.values_list("title", flat=True)) == {CASE_A, CASE_B}
    assert campaign.sources.get().name == "剑网行动：图片与视频分享站巡查"
    assert SiteClosure.objects.get().campaign == campaign
    assert TipOff.objects.get().status == TipOffStatus.RECEIVED
    # The deadline dashboard has something overdue (the tip-off) and something due soon.
    pending = [d for d in Deadline.objects.all() if d.is_pending()]
    assert any(deadline.is_overdue() for deadline in pending)
    assert len(pending) >= 4


def test_each_demo_log_in_sees_what_the_path_of_a_case_brings_it() -> None:
    load_demo()
    reached = Case.objects.get(title=CASE_B)
    transfer = CaseTransfer.objects.get()

    police = client_of(f"investigator@jm-police.{DOMAIN}")
    assert CASE_B in police.get(reverse("enforcement:cases")).content.decode()
    assert police.get(reverse("enforcement:case", args=[reached.pk])).status_code == 200
    assert reached.number in police.get(reverse("enforcement:transfers")).content.decode()
    assert police.get(reverse("enforcement:transfer", args=[transfer.pk])).status_code == 200
    # The Jiangmen procuratorate supervises the case (a threshold reached in its region).
    procuratorate = client_of(f"prosecutor@jm-procuratorate.{DOMAIN}")
    assert CASE_B in procuratorate.get(reverse("enforcement:cases")).content.decode()

    for email in (f"investigator@jx-police.{DOMAIN}", f"prosecutor@nanhu-procuratorate.{DOMAIN}"):
        outsider = client_of(email)
        assert CASE_B not in outsider.get(reverse("enforcement:cases")).content.decode()
        assert outsider.get(reverse("enforcement:case", args=[reached.pk])).status_code == 404

    # The Jiangmen bureau's pages.
    campaign = Campaign.objects.get()

    officer = client_of(f"enforcement-officer@jm.{DOMAIN}")
    cases_page = officer.get(reverse("enforcement:cases")).content.decode()
    assert CASE_A in cases_page and CASE_B in cases_page
    page = officer.get(reverse("enforcement:campaign", args=[campaign.pk]))
    assert page.status_code == 200 and CAMPAIGN_NAME in page.content.decode()
    assert officer.get(reverse("enforcement:deadlines")).status_code == 200
    assert "cangshu-txt.example" in officer.get(reverse("enforcement:tipoffs")).content.decode()
    # Xinhui handles both cases jointly; Foshan is asked for help with the evidence.
    partner = client_of(f"enforcement-officer@xinhui.{DOMAIN}")
    partner_cases = partner.get(reverse("enforcement:cases")).content.decode()
    assert CASE_A in partner_cases and CASE_B in partner_cases
    foshan = client_of(f"enforcement-officer@fs.{DOMAIN}")
    request = Cooperation.objects.get(kind=CooperationKind.EVIDENCE)
    assert request.subject in foshan.get(reverse("enforcement:cooperation")).content.decode()
