"""A case of Foshan's bureau and the steps that take it along the criminal path, for the
transfer and case-access tests."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from copyguard.accounts.audit import Actor
from copyguard.enforcement.actions import transfers as actions
from copyguard.enforcement.actions.cases import open_case
from copyguard.enforcement.enums import (
    CaseOrigin,
    Measure,
    OfficerRole,
    ThresholdState,
)
from copyguard.enforcement.models import Case, CaseFact, CaseOfficer, CaseTransfer
from copyguard.enforcement.testing import EnforcementWorld, captured_hit
from copyguard.monitoring.tests.core_helpers import use_data_dir

__all__ = ["STAGES", "act", "advance", "data_dir", "make_case"]


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    """A private data directory: letters of transfer and the ledger's key are written there."""
    return use_data_dir(settings, tmp_path)


STAGES = ("police", "procuratorate", "court")


def act(user: Any) -> Actor:
    return Actor(user=user, via="web")


def make_case(
    world: EnforcementWorld,
    *,
    threshold: str = ThresholdState.BELOW,
    officers: int = 2,
    site: str = "pirate.example",
    complainant: Any = None,
) -> Case:
    """A case of Foshan's bureau opened (``open_case``: the officer leads it) from a
    confirmed hit of Alpha Press's work on ``site``, with its evidence and a party; with
    ``officers=2`` the second officer assists. The threshold state is set as given (the
    threshold check itself is the cases' tests' business)."""
    hit = captured_hit(world.work, f"https://{site}/book.txt")
    case = open_case(
        act(world.officer),
        world.administration,
        title=f"盗版小说网站 {site}",
        summary="A site offering the novel for paid download.",
        origin=CaseOrigin.HIT,
        hits=[hit],
        complainant=complainant,
    )
    Case.objects.filter(pk=case.pk).update(threshold_state=threshold)
    case.refresh_from_db()
    case.parties.create(role="site", name=site, domain=site)
    CaseFact.objects.create(
        case=case, measure=Measure.ILLEGAL_GAINS, value=Decimal("60000"), basis="Bank records"
    )
    if officers >= 2:
        CaseOfficer.objects.create(case=case, user=world.second_officer, role=OfficerRole.ASSISTING)
    return case


def advance(
    world: EnforcementWorld, case: Case, stage: str, *, until: str = "accepted"
) -> CaseTransfer:
    """Take the case through every stage before ``stage`` (each accepted), then to
    ``stage`` as far as ``until`` (proposed, approved, sent, accepted)."""
    senders = {
        "police": (world.officer, world.supervisor, world.police),
        "procuratorate": (world.police.handler, world.police.head, world.procuratorate),
        "court": (world.procuratorate.handler, world.procuratorate.head, world.court),
    }
    transfer: CaseTransfer | None = None
    for name in STAGES[: STAGES.index(stage) + 1]:
        proposer, head, receiver = senders[name]
        transfer = actions.propose_transfer(
            act(proposer),
            case,
            to_agency=receiver.organisation,
            grounds=f"Grounds for the {name}",
            suspicion=True,
        )
        last = name == stage
        if last and until == "proposed":
            break
        transfer = actions.decide_transfer(act(head), transfer, approve=True)
        if last and until == "approved":
            break
        transfer = actions.send_transfer(act(proposer), transfer)
        if last and until == "sent":
            break
        transfer = actions.accept_transfer(act(receiver.handler), transfer)
    assert transfer is not None
    return transfer
