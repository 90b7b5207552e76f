"""Counter-notices: recorded by the platform for the uploader, forwarded to the claimant,
then restoration — or not, when the claimant files an action.

China (Regulation on the Protection of the Right of Communication through Information
Networks, art. 16 and 17): the counter-notice names the uploader, the material and preliminary
proof that it does not infringe; the platform restores the material at once and forwards the
counter-notice, and the claimant may not notify the same material again.

United States (17 U.S.C. §512(g)): the counter-notice carries a signature, the material and
where it was, a statement under penalty of perjury that it was removed by mistake, the
subscriber's name, address and telephone and consent to the federal court's jurisdiction;
the platform restores the material not earlier than 10 and not later than 14 business days
after receiving it, unless the claimant first tells it that it filed a court action.

Every function here is one transaction with one audit event; deadlines are opened and met
through :mod:`copyguard.enforcement.actions.common`; e-mail goes after commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.models import Membership, Organisation, User
from copyguard.enforcement import pdf
from copyguard.enforcement.actions.common import (
    cancel_deadlines,
    forbidden,
    invalid,
    meet_deadlines,
    missing_elements,
    next_number,
    open_deadline,
    wrong_status,
)
from copyguard.enforcement.actions.deadlines import notify_users
from copyguard.enforcement.enums import (
    CounterNoticeStatus,
    DeadlineKind,
    EnforcementPermission,
    ItemAnswer,
    NoticeStatus,
    permissions_for_role,
)
from copyguard.enforcement.jurisdictions import get_jurisdiction
from copyguard.enforcement.models import CounterNotice, Notice, NoticeItem
from copyguard.jobs.queue import enqueue_with_change
from copyguard.monitoring.enums import NotificationKind
from copyguard.storage_safety import write_atomic

__all__ = [
    "ANSWERS_OPEN_TO_COUNTER",
    "OPEN_STATUSES",
    "counter_notice_link",
    "counter_pdf_path",
    "items_open_to_counter",
    "record_action_filed",
    "record_counter_notice",
    "restore_material",
    "withdraw_counter_notice",
]

# A counter-notice answers material the platform took down or passed on to the uploader.
ANSWERS_OPEN_TO_COUNTER = (ItemAnswer.REMOVED, ItemAnswer.DISABLED, ItemAnswer.FORWARDED)
# Counter-notices still running (nothing restored, no action filed, not withdrawn).
OPEN_STATUSES = (CounterNoticeStatus.RECEIVED, CounterNoticeStatus.FORWARDED)
NOTICE_STATUSES = (NoticeStatus.SENT, NoticeStatus.ANSWERED, NoticeStatus.CLOSED)
PLATFORM = EnforcementPermission.HANDLE_NOTICES.value
CLAIMANT = EnforcementPermission.SEND_NOTICES.value
VIEW = EnforcementPermission.VIEW.value

TEXT_FIELDS = (
    "uploader_name",
    "uploader_address",
    "uploader_email",
    "uploader_phone",
    "material_description",
    "proof",
    "signature",
)


def counter_pdf_path(counter: CounterNotice) -> Path:
    return Path(settings.DATA_DIR) / "enforcement" / "counter-notices" / counter.pdf_name


def counter_notice_link(counter: CounterNotice) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("enforcement:counter_notice", args=[counter.pk])
    except NoReverseMatch:
        return f"/enforcement/counter-notices/{counter.pk}/"


def items_open_to_counter(notice: Notice) -> list[NoticeItem]:
    """The notice's items a counter-notice may name: taken down or forwarded to the
    uploader, not restored, not named by a counter-notice still running."""
    return list(
        notice.items.filter(answer__in=ANSWERS_OPEN_TO_COUNTER, restored_at=None)
        .exclude(counter_notices__status__in=OPEN_STATUSES)
        .select_related("work")
        .order_by("pk")
    )


def _require(actor: Actor, organisation: Organisation | None, permission: str) -> None:
    """The acting user holds ``permission`` in ``organisation`` (the system and superusers
    always do; the views and the API have checked this through the access helpers)."""
    user = actor.user
    if user is None or user.is_superuser:
        return
    membership = (
        Membership.objects.filter(
            user=user, organisation=organisation, is_active=True, organisation__is_active=True
        ).first()
        if organisation is not None
        else None
    )
    if membership is None or permission not in permissions_for_role(
        membership.organisation.kind, membership.role
    ):
        raise forbidden(_("Your role does not allow this."))


def _members(organisation: Organisation | None, permission: str) -> list[User]:
    if organisation is None:
        return []
    found: dict[int, User] = {}
    for membership in Membership.objects.filter(
        organisation=organisation,
        is_active=True,
        organisation__is_active=True,
        user__is_active=True,
    ).select_related("user", "organisation"):
        if permission in permissions_for_role(membership.organisation.kind, membership.role):
            found.setdefault(membership.user_id, membership.user)
    return list(found.values())


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


# ------------------------------------------------------------------ recording


def record_counter_notice(
    actor: Actor,
    notice: Notice,
    *,
    items: Iterable[NoticeItem],
    received_at: datetime | None = None,
    mistake_statement: bool = False,
    jurisdiction_consent: bool = False,
    **fields: str,
) -> CounterNotice:
    """Record the uploader's counter-notice to ``notice`` (by one of the platform's notice
    handlers), forward it to the claimant and start the restoration timers.

    Refused, with nothing written, when a required element of the notice's jurisdiction is
    missing (the error names each one with its citation), when an item is not one of the
    notice's items open to a counter-notice, or when the notice was not sent.
    """
    unknown = set(fields) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown counter-notice fields: {sorted(unknown)}")
    _require(actor, notice.platform, PLATFORM)
    if notice.status not in NOTICE_STATUSES or notice.platform_id is None:
        raise wrong_status(notice.get_status_display())
    now = timezone.now()
    received_at = received_at or now
    if received_at > now:
        raise invalid(_("A counter-notice cannot be received in the future."), "received_at")
    if notice.sent_at and received_at < notice.sent_at:
        raise invalid(
            _("A counter-notice cannot be received before the notice was sent."), "received_at"
        )
    chosen = list(items)
    open_ids = {item.pk for item in items_open_to_counter(notice)}
    if any(item.pk not in open_ids for item in chosen):
        raise invalid(
            _(
                "Choose material of this notice that the platform removed, disabled or "
                "forwarded to the uploader and that no running counter-notice names."
            ),
            "items",
        )
    jurisdiction = get_jurisdiction(notice.jurisdiction)
    not_before, restore_by = jurisdiction.restore_window(received_at)
    with transaction.atomic():
        counter = CounterNotice.objects.create(
            number=next_number(CounterNotice, "number", f"CN-{timezone.localdate(now).year}-"),
            notice=notice,
            jurisdiction=notice.jurisdiction,
            status=CounterNoticeStatus.FORWARDED,
            mistake_statement=bool(mistake_statement),
            jurisdiction_consent=bool(jurisdiction_consent),
            received_at=received_at,
            recorded_by=actor.user,
            forwarded_at=now,
            restore_not_before=not_before,
            restore_by=restore_by,
            **{name: (value or "").strip() for name, value in fields.items()},
        )
        counter.items.set(chosen)
        missing = jurisdiction.missing_counter_elements(counter)
        if missing:
            raise missing_elements(missing, jurisdiction.counter_law)
        open_deadline(DeadlineKind.RESTORE, notice.platform, restore_by, counter_notice=counter)
        if not_before > received_at:
            open_deadline(
                DeadlineKind.CLAIMANT_ACTION, notice.sender, not_before, counter_notice=counter
            )
        _store_pdf(counter)
        record(
            actor,
            "enforcement.counter_notice.record",
            counter,
            organisation=notice.platform,
            params={
                "notice": notice.number,
                "items": [item.pk for item in chosen],
                "jurisdiction": counter.jurisdiction,
                "restore_not_before": not_before.isoformat(),
                "restore_by": restore_by.isoformat(),
                "pdf_sha256": counter.pdf_sha256,
            },
        )
        _forward(counter)
    return counter


def _store_pdf(counter: CounterNotice) -> None:
    jurisdiction = get_jurisdiction(counter.jurisdiction)
    document = pdf.render_document(
        "enforcement/pdf/counter_notice.html",
        {
            "title": counter.number,
            "counter": counter,
            "notice": counter.notice,
            "items": list(counter.items.select_related("work").order_by("pk")),
            "jurisdiction": jurisdiction,
            "us": counter.jurisdiction == "us",
        },
    )
    counter.pdf_name = f"{counter.number}.pdf"
    write_atomic(counter_pdf_path(counter), document)  # whole or not at all (disk full)
    counter.pdf_sha256 = pdf.sha256(document)
    counter.save(update_fields=["pdf_name", "pdf_sha256"])


def _forward(counter: CounterNotice) -> None:
    """Tell the claimant: a notification to its members; the PDF to the notice's e-mail."""
    notice = counter.notice

    def subject() -> str:
        return gettext("Counter-notice %(number)s to your notice %(notice)s") % {
            "number": counter.number,
            "notice": notice.number,
        }

    def body() -> str:
        lines = [
            gettext("%(platform)s received a counter-notice from %(uploader)s.")
            % {
                "platform": notice.platform.name if notice.platform else "",
                "uploader": counter.uploader_name,
            }
        ]
        if counter.restore_not_before and counter.restore_not_before > counter.received_at:
            lines.append(
                gettext(
                    "The material will be restored between %(not_before)s and %(by)s unless "
                    "you tell the platform before then that you filed a court action."
                )
                % {
                    "not_before": _local(counter.restore_not_before),
                    "by": _local(counter.restore_by),
                }
            )
        else:
            lines.append(gettext("The material is restored at once."))
        return "\n".join(lines)

    notify_users(
        _members(notice.sender, VIEW),
        organisation=notice.sender,
        kind=NotificationKind.ENFORCEMENT,
        subject=subject,
        body=body,
        link=counter_notice_link(counter),
        email=False,
    )
    if notice.claimant_email:
        from copyguard.enforcement.tasks import send_counter_notice_email

        enqueue_with_change(send_counter_notice_email, counter.pk)


# ------------------------------------------------------------------ what follows


def _open(counter: CounterNotice) -> CounterNotice:
    """The counter-notice locked for the change, refused unless it is still running."""
    locked = (
        CounterNotice.objects.select_for_update(of=("self",))
        .select_related("notice", "notice__platform", "notice__sender")
        .get(pk=counter.pk)
    )
    if locked.status not in OPEN_STATUSES:
        raise wrong_status(locked.get_status_display())
    return locked


def record_action_filed(
    actor: Actor,
    counter: CounterNotice,
    *,
    reference: str,
    filed_at: datetime | None = None,
) -> CounterNotice:
    """The claimant tells the platform it filed a court action (DMCA §512(g)(2)(C)): the
    material is not restored and the restoration deadline is cancelled."""
    _require(actor, counter.notice.sender, CLAIMANT)
    reference = (reference or "").strip()
    if not reference:
        raise invalid(_("Give the court and the case reference of the action."), "reference")
    if len(reference) > 200:
        raise invalid(_("At most 200 characters."), "reference")
    now = timezone.now()
    filed_at = filed_at or now
    if filed_at > now:
        raise invalid(_("The action cannot be filed in the future."), "filed_at")
    with transaction.atomic():
        counter = _open(counter)
        if counter.restore_not_before is None or counter.restore_not_before <= counter.received_at:
            raise invalid(
                _(
                    "Under this jurisdiction's law the material is restored at once; a court "
                    "action does not hold the restoration back."
                )
            )
        counter.status = CounterNoticeStatus.ACTION_FILED
        counter.action_filed_at = filed_at
        counter.action_reference = reference
        counter.save(update_fields=["status", "action_filed_at", "action_reference"])
        cancel_deadlines(DeadlineKind.RESTORE, counter_notice=counter)
        meet_deadlines(DeadlineKind.CLAIMANT_ACTION, counter_notice=counter, at=now)
        record(
            actor,
            "enforcement.counter_notice.action_filed",
            counter,
            organisation=counter.notice.sender,
            params={"reference": reference, "filed_at": filed_at.isoformat()},
        )
        number = counter.number

        def subject() -> str:
            return gettext("Do not restore: the claimant filed an action (%(number)s)") % {
                "number": number
            }

        def body() -> str:
            return gettext(
                "The claimant of counter-notice %(number)s filed a court action: "
                "%(reference)s. The material stays down."
            ) % {"number": number, "reference": reference}

        notify_users(
            _members(counter.notice.platform, PLATFORM),
            organisation=counter.notice.platform,
            kind=NotificationKind.ENFORCEMENT,
            subject=subject,
            body=body,
            link=counter_notice_link(counter),
        )
    return counter


def restore_material(actor: Actor, counter: CounterNotice) -> CounterNotice:
    """The platform restored the material the counter-notice names. In the US not before
    the tenth business day after the counter-notice arrived."""
    _require(actor, counter.notice.platform, PLATFORM)
    now = timezone.now()
    with transaction.atomic():
        counter = _open(counter)
        if counter.restore_not_before and now < counter.restore_not_before:
            raise invalid(
                _(
                    "%(law)s: the material may be restored from %(date)s, when the claimant's "
                    "time to file an action has run out."
                )
                % {
                    "law": get_jurisdiction(counter.jurisdiction).counter_law,
                    "date": _local(counter.restore_not_before),
                }
            )
        counter.status = CounterNoticeStatus.RESTORED
        counter.restored_at = now
        counter.save(update_fields=["status", "restored_at"])
        counter.items.update(restored_at=now)
        meet_deadlines(DeadlineKind.RESTORE, counter_notice=counter, at=now)
        # The claimant's window ran out without an action: nothing left for it to do.
        cancel_deadlines(DeadlineKind.CLAIMANT_ACTION, counter_notice=counter)
        record(
            actor,
            "enforcement.counter_notice.restore",
            counter,
            organisation=counter.notice.platform,
            params={"items": list(counter.items.values_list("pk", flat=True))},
        )
        _tell_claimant(
            counter,
            lambda: (
                gettext("Material restored after counter-notice %(number)s")
                % {"number": counter.number}
            ),
            lambda: _restored_body(counter),
        )
    return counter


def _restored_body(counter: CounterNotice) -> str:
    lines = [
        gettext("The platform restored the material named in counter-notice %(number)s.")
        % {"number": counter.number}
    ]
    if get_jurisdiction(counter.jurisdiction).bars_renotification:
        lines.append(gettext("Under article 17 the same material may not be notified again."))
    return "\n".join(lines)


def withdraw_counter_notice(
    actor: Actor, counter: CounterNotice, *, reason: str = ""
) -> CounterNotice:
    """The uploader withdrew the counter-notice (recorded by the platform): the material
    stays down and the timers stop."""
    _require(actor, counter.notice.platform, PLATFORM)
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise invalid(_("At most 500 characters."), "reason")
    with transaction.atomic():
        counter = _open(counter)
        counter.status = CounterNoticeStatus.WITHDRAWN
        counter.save(update_fields=["status"])
        cancel_deadlines(counter_notice=counter)
        record(
            actor,
            "enforcement.counter_notice.withdraw",
            counter,
            organisation=counter.notice.platform,
            params={"reason": reason},
        )
        _tell_claimant(
            counter,
            lambda: gettext("Counter-notice %(number)s was withdrawn") % {"number": counter.number},
            lambda: gettext("The uploader withdrew the counter-notice; the material stays down."),
        )
    return counter


def _tell_claimant(counter: CounterNotice, subject: Any, body: Any) -> None:
    notify_users(
        _members(counter.notice.sender, VIEW),
        organisation=counter.notice.sender,
        kind=NotificationKind.ENFORCEMENT,
        subject=subject,
        body=body,
        link=counter_notice_link(counter),
    )
