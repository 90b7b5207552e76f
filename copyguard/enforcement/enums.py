"""Kinds, statuses, permissions and error codes of the enforcement domain (STYLE 5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Status words that mean something else elsewhere in the catalogue carry the context
# "enforcement status" (a literal: xgettext reads it from the source).


class Jurisdiction(models.TextChoices):
    """Whose law a notice or counter-notice follows; each is a package under ``jurisdictions/``."""

    CN = "cn", _("China (Regulation on the Right of Communication over Networks)")
    US = "us", _("United States (DMCA §512)")


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DeliveryChannel(models.TextChoices):
    PLATFORM = "platform", _("Platform's notice queue in copyguard")
    EMAIL = "email", _("E-mail")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    # Handed to the mail server and not yet recorded: if the worker dies here, whether the
    # e-mail went out is unknown, and it is not sent again by itself.
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class ItemAnswer(models.TextChoices):
    """What the platform did about one address named in a notice."""

    PENDING = "pending", _("Awaiting the platform")
    REMOVED = "removed", _("Removed")
    DISABLED = "disabled", _("Access disabled")
    REFUSED = "refused", pgettext_lazy("enforcement status", "Refused")
    FORWARDED = "forwarded", _("Forwarded to the uploader")


# Answers that say the content is gone (a re-check must confirm it).
TAKEN_DOWN_ANSWERS = frozenset({ItemAnswer.REMOVED, ItemAnswer.DISABLED})


class CheckTrigger(models.TextChoices):
    ANSWER = "answer", _("After the platform's answer")
    SCHEDULE = "schedule", _("Scheduled")
    MANUAL = "manual", _("By hand")
    RESTORATION = "restoration", _("After restoration")


class CheckOutcome(models.TextChoices):
    GONE = "gone", _("Gone")
    ONLINE = "online", _("Still online")
    ERROR = "error", _("Could not check")


class CounterNoticeStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    FORWARDED = "forwarded", _("Forwarded to the claimant")
    RESTORED = "restored", _("Material restored")
    ACTION_FILED = "action_filed", _("Claimant filed an action: not restored")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class TipOffStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("enforcement status", "Received")
    IN_REVIEW = "in_review", _("Being reviewed")
    HIT = "hit", _("Turned into a hit")
    CASE = "case", _("Turned into a case")
    DISMISSED = "dismissed", _("Dismissed")


class CaseOrigin(models.TextChoices):
    HIT = "hit", _("Monitoring hit")
    TIP_OFF = "tip_off", _("Public tip-off")
    COMPLAINT = "complaint", _("Complaint by a rights holder")
    TRANSFER = "transfer", _("Transferred by another bureau")
    INSPECTION = "inspection", _("Inspection")
    CAMPAIGN = "campaign", _("Special campaign")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open (investigating)")
    DECIDED = "decided", pgettext_lazy("enforcement status", "Decided")
    TRANSFERRED = "transferred", _("Transferred for criminal investigation")
    CLOSED = "closed", _("Closed")


class ThresholdState(models.TextChoices):
    """Where a case's facts stand against the criminal thresholds in force."""

    BELOW = "below", _("Below the thresholds")
    WARNING = "warning", _("Early warning (80 per cent of a threshold)")
    REACHED = "reached", _("Reaches a criminal threshold")


class PartyRole(models.TextChoices):
    INFRINGER = "infringer", _("Suspected infringer")
    SITE = "site", _("Website or app")
    PLATFORM = "platform", _("Platform")
    RIGHTS_HOLDER = "rights_holder", _("Rights holder")
    OTHER = "other", _("Other")


class Measure(models.TextChoices):
    """The facts the criminal thresholds are expressed in."""

    ILLEGAL_GAINS = "illegal_gains", _("Illegal gains (yuan)")
    BUSINESS_VOLUME = "business_volume", _("Illegal business volume (yuan)")
    COPIES = "copies", _("Copies")
    WORKS = "works", _("Works disseminated")
    CLICKS = "clicks", _("Actual clicks")
    PAYING_MEMBERS = "paying_members", _("Paying members")


class ThresholdScope(models.TextChoices):
    GENERAL = "general", _("All infringement (Criminal Law art. 217)")
    ONLINE = "online", _("Dissemination over information networks")


class ThresholdLevel(models.TextChoices):
    SERIOUS = "serious", _("Relatively large / serious")
    ESPECIALLY_SERIOUS = "especially_serious", _("Huge / especially serious")


class OfficerRole(models.TextChoices):
    LEAD = "lead", _("Lead officer")
    ASSISTING = "assisting", _("Assisting officer")


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("enforcement status", "Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class DocumentKind(models.TextChoices):
    FILING = "filing", _("Case filing record")
    PENALTY_NOTICE = "penalty_notice", _("Advance notice of administrative penalty")
    DECISION = "decision", _("Administrative penalty decision")
    CLOSING = "closing", _("Case closing report")
    TRANSFER_LETTER = "transfer_letter", _("Letter of transfer")
    OTHER = "other", _("Other document")


class DecisionKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    CONFISCATE_GAINS = "confiscate_gains", _("Confiscation of illegal gains")
    CONFISCATE_COPIES = "confiscate_copies", _("Confiscation of infringing copies")
    FINE = "fine", _("Fine")
    ORDER_TO_STOP = "order_to_stop", _("Order to stop the infringement")
    NO_PENALTY = "no_penalty", _("No penalty")


class TransferStage(models.TextChoices):
    """The agency a transfer goes to; the path is administration → police → procuratorate → court."""

    POLICE = "police", _("Public security")
    PROCURATORATE = "procuratorate", _("Procuratorate")
    COURT = "court", _("Court")


class TransferStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed: awaiting the head's decision")
    DECLINED = "declined", _("Head decided not to transfer")
    APPROVED = "approved", _("Approved: to be sent")
    SENT = "sent", pgettext_lazy("enforcement status", "Sent")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned with reasons")
    CONCLUDED = "concluded", _("Concluded")


class CooperationKind(models.TextChoices):
    CASE_TRANSFER = "case_transfer", _("Transfer of a case")
    CLUE = "clue", _("Shared clue")
    EVIDENCE = "evidence", _("Request for help collecting evidence")
    SERVICE = "service", _("Request for service of documents")
    JOINT_CASE = "joint_case", _("Joint case")


class CooperationStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("enforcement status", "Requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Under way")
    CLOSED = "closed", _("Closed")


class ClosureKind(models.TextChoices):
    SITE = "site", _("Website shut down")
    APP = "app", _("App taken down")


class DeadlineKind(models.TextChoices):
    NOTICE_ANSWER = "notice_answer", _("Platform to answer a notice")
    RESTORE = "restore", _("Platform to restore material after a counter-notice")
    CLAIMANT_ACTION = "claimant_action", _("Claimant may file an action before restoration")
    TRANSFER_DECISION = "transfer_decision", _("Head to decide on a transfer (3 days)")
    TRANSFER_SEND = "transfer_send", _("Transfer to be sent (24 hours)")
    TRANSFER_ANSWER = "transfer_answer", _("Receiving agency to accept or return")
    CASE_TASK = "case_task", _("Case task")
    CASE_CLOSE = "case_close", _("Case to be decided")
    COOPERATION_ANSWER = "cooperation_answer", _("Other bureau to answer a request")
    TIP_OFF_TRIAGE = "tip_off_triage", _("Tip-off to be triaged")
    SUPERVISION_ANSWER = (
        "supervision_answer",
        _("Administration to explain to the procuratorate why a case is not transferred"),
    )


class EnforcementPermission(models.TextChoices):
    VIEW = "enforcement.view", _("See notices, cases and campaigns")
    SEND_NOTICES = "enforcement.send_notices", _("Draft and send takedown notices")
    HANDLE_NOTICES = "enforcement.handle_notices", _("Answer notices and record counter-notices")
    TRIAGE_TIP_OFFS = "enforcement.triage_tip_offs", _("Triage public tip-offs")
    MANAGE_CASES = "enforcement.manage_cases", _("Open and handle administrative cases")
    DECIDE = "enforcement.decide", _("Approve decisions and transfers (head of agency)")
    RECEIVE_TRANSFERS = "enforcement.receive_transfers", _("Accept or return transferred cases")
    COOPERATE = "enforcement.cooperate", _("Request and answer cross-region cooperation")
    MANAGE_CAMPAIGNS = "enforcement.manage_campaigns", _("Run special campaigns")
    MANAGE_THRESHOLDS = "enforcement.manage_thresholds", _("Maintain the criminal threshold tables")


class EnforcementErrorCode(models.TextChoices):
    NOT_FOUND = "not_found", _("Not found")
    FORBIDDEN = "forbidden", _("Not allowed")
    INVALID = "invalid", _("Invalid input")
    MISSING_ELEMENT = "missing_element", _("A required element is missing")
    WRONG_STATUS = "wrong_status", _("Not possible in the current status")
    RENOTIFY_BARRED = (
        "renotify_barred",
        _("This material was restored after a counter-notice: it may not be notified again"),
    )
    OFFICERS_REQUIRED = "officers_required", _("At least two officers must handle the case")
    NOT_IN_PATH = "not_in_path", _("That agency is not next on the case's path")
    RATE_LIMITED = "rate_limited", _("Too many reports from this address; try again later")
    TOO_LARGE = "too_large", _("The file is too large")


_P = EnforcementPermission
_ADMIN_WRITER = frozenset(
    {
        _P.VIEW,
        _P.SEND_NOTICES,
        _P.TRIAGE_TIP_OFFS,
        _P.MANAGE_CASES,
        _P.COOPERATE,
        _P.MANAGE_CAMPAIGNS,
    }
)
_GRANTS: dict[tuple[str, str], frozenset[str]] = {
    ("administration", "supervisor"): _ADMIN_WRITER | {_P.DECIDE, _P.MANAGE_THRESHOLDS},
    ("administration", "enforcement_officer"): _ADMIN_WRITER,
    ("rights_holder", "owner"): frozenset({_P.VIEW, _P.SEND_NOTICES}),
    ("rights_holder", "staff"): frozenset({_P.VIEW, _P.SEND_NOTICES}),
    ("platform", "owner"): frozenset({_P.VIEW, _P.HANDLE_NOTICES}),
    ("platform", "notice_handler"): frozenset({_P.VIEW, _P.HANDLE_NOTICES}),
    ("police", "supervisor"): frozenset({_P.VIEW, _P.RECEIVE_TRANSFERS, _P.DECIDE}),
    ("police", "investigator"): frozenset({_P.VIEW, _P.RECEIVE_TRANSFERS}),
    ("procuratorate", "supervisor"): frozenset({_P.VIEW, _P.RECEIVE_TRANSFERS, _P.DECIDE}),
    ("procuratorate", "prosecutor"): frozenset({_P.VIEW, _P.RECEIVE_TRANSFERS}),
    ("court", "supervisor"): frozenset({_P.VIEW, _P.RECEIVE_TRANSFERS, _P.DECIDE}),
    ("court", "judge"): frozenset({_P.VIEW, _P.RECEIVE_TRANSFERS}),
    ("court", "clerk"): frozenset({_P.VIEW, _P.RECEIVE_TRANSFERS}),
}
_VIEWING_KINDS = frozenset(
    {"administration", "rights_holder", "platform", "police", "procuratorate", "court"}
)


def permissions_for_role(kind: str, role: str) -> frozenset[str]:
    """What a member with ``role`` in an organisation of ``kind`` may do in enforcement."""
    granted = _GRANTS.get((kind, role))
    if granted is not None:
        return frozenset(p.value if hasattr(p, "value") else p for p in granted)
    if kind in _VIEWING_KINDS:
        return frozenset({_P.VIEW.value})
    return frozenset()
