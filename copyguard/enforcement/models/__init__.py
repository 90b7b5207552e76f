"""Models of enforcement, one module per workflow; import them from here."""

from copyguard.enforcement.models.campaigns import Campaign, SiteClosure
from copyguard.enforcement.models.cases import (
    Case,
    CaseDecision,
    CaseDocument,
    CaseEvent,
    CaseFact,
    CaseOfficer,
    CaseParty,
    CaseTask,
)
from copyguard.enforcement.models.cooperation import Cooperation
from copyguard.enforcement.models.counter import CounterNotice
from copyguard.enforcement.models.deadlines import Deadline
from copyguard.enforcement.models.notices import Notice, NoticeDelivery, NoticeItem, TakedownCheck
from copyguard.enforcement.models.thresholds import ThresholdRule, ThresholdTable
from copyguard.enforcement.models.tipoffs import TipOff, TipOffFile, TipOffStatusLookup
from copyguard.enforcement.models.transfers import CaseTransfer

__all__ = [
    "Campaign",
    "Case",
    "CaseDecision",
    "CaseDocument",
    "CaseEvent",
    "CaseFact",
    "CaseOfficer",
    "CaseParty",
    "CaseTask",
    "CaseTransfer",
    "Cooperation",
    "CounterNotice",
    "Deadline",
    "Notice",
    "NoticeDelivery",
    "NoticeItem",
    "SiteClosure",
    "TakedownCheck",
    "ThresholdRule",
    "ThresholdTable",
    "TipOff",
    "TipOffFile",
    "TipOffStatusLookup",
]
