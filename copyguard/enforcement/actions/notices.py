"""Takedown notices: draft from confirmed hits, edit while draft, send, withdraw; the
platform's answer to each address.

A notice speaks for one rights holder to one platform under one jurisdiction's law. It is
drafted from confirmed hits (each item carries the hit's latest captured evidence bundle)
and sent only when the jurisdiction's required elements are all there
(``get_jurisdiction(j).missing_notice_elements``). Sending numbers it, renders the PDF in
both languages, puts the PDF's SHA-256 on the ledger, delivers it (into the platform's
notice queue in copyguard and/or by e-mail) and opens the platform's answer deadline.

The platform answers address by address: removed, access disabled, refused (with a reason)
or forwarded to the uploader. An answer that says the material is gone schedules a re-check
(``actions/takedown.py``); when every address is answered the notice is ANSWERED and the
deadline met.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copyguard import faults
from copyguard.accounts.audit import Actor, record
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Membership, Organisation
from copyguard.enforcement.actions.common import (
    cancel_deadlines,
    invalid,
    meet_deadlines,
    missing_elements,
    next_number,
    open_deadline,
    wrong_status,
)
from copyguard.enforcement.enums import (
    DeadlineKind,
    DeliveryChannel,
    DeliveryStatus,
    EnforcementErrorCode,
    EnforcementPermission,
    ItemAnswer,
    Jurisdiction,
    NoticeStatus,
    permissions_for_role,
)
from copyguard.enforcement.jurisdictions import JURISDICTIONS, get_jurisdiction
from copyguard.enforcement.models import Notice, NoticeDelivery, NoticeItem
from copyguard.jobs.queue import enqueue_with_change
from copyguard.monitoring.enums import EvidenceStatus, HitStatus, NotificationKind
from copyguard.monitoring.models import Evidence, Hit, Notification
from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import Registration

__all__ = [
    "ANSWERS",
    "LEDGER_KIND",
    "MAX_ITEMS",
    "MAX_TEXT",
    "add_items",
    "answer_item",
    "claimant_defaults",
    "deliver_email",
    "draft_notice",
    "latest_evidence",
    "notice_pdf_path",
    "remove_item",
    "send_notice",
    "update_notice",
    "withdraw_notice",
]

logger = logging.getLogger(__name__)

LEDGER_KIND = "enforcement.notice"
# A notice names at most this many addresses (one page of the platform's queue per notice).
MAX_ITEMS = 200
# Longest remarks, reasons and descriptions accepted (characters).
MAX_TEXT = 5000
# What a platform may answer about one address (PENDING is no answer).
ANSWERS = (ItemAnswer.REMOVED, ItemAnswer.DISABLED, ItemAnswer.REFUSED, ItemAnswer.FORWARDED)
SENDER_KINDS = (OrganisationKind.RIGHTS_HOLDER, OrganisationKind.ADMINISTRATION)
# Fields of a draft that may be edited, with their longest length (model max_length).
EDITABLE = {
    "claimant_name": 200,
    "claimant_address": 300,
    "claimant_email": 254,
    "claimant_phone": 40,
    "agent_name": 200,
    "signature": 200,
    "remarks": MAX_TEXT,
}
STATEMENTS = ("good_faith_statement", "accuracy_statement", "responsibility_statement")


# ------------------------------------------------------------------ helpers


def latest_evidence(hit: Hit) -> Evidence | None:
    """The hit's most recent captured evidence bundle (None when there is none yet)."""
    return (
        hit.evidence.filter(status=EvidenceStatus.CAPTURED)
        .exclude(bundle_name="")
        .select_related("ledger_entry")
        .order_by("-captured_at", "-pk")
        .first()
    )


def _acting_administrations(hit: Hit) -> set[int]:
    """Administrations that may act on the hit: where the work is registered, that found
    it, or whose source found it (as monitoring's hit access has it)."""
    acting = set(
        Registration.objects.filter(
            work_id=hit.work_id, status=RegistrationStatus.REGISTERED
        ).values_list("administration_id", flat=True)
    )
    if hit.found_by_id is not None:
        acting.add(hit.found_by_id)
    acting |= set(hit.sources.values_list("owner_id", flat=True))
    return {pk for pk in acting if pk is not None}


def _check_hit(sender: Organisation, hit: Hit, holder_id: int | None) -> Evidence:
    """Refuse a hit the sender may not notify about; its latest evidence otherwise."""
    label = hit.url
    if hit.status != HitStatus.CONFIRMED:
        raise invalid(
            _("%(url)s is not a confirmed hit: only confirmed infringements are notified.")
            % {"url": label},
            "hits",
        )
    if sender.kind == OrganisationKind.RIGHTS_HOLDER:
        if hit.work.owner_id != sender.pk:
            raise invalid(
                _("%(url)s is a copy of another rights holder's work.") % {"url": label}, "hits"
            )
    elif sender.pk not in _acting_administrations(hit):
        raise invalid(
            _("%(organisation)s may not act on the hit at %(url)s.")
            % {"organisation": sender.name, "url": label},
            "hits",
        )
    if holder_id is not None and hit.work.owner_id != holder_id:
        raise invalid(
            _("A notice speaks for one rights holder: %(url)s is another one's work.")
            % {"url": label},
            "hits",
        )
    _check_not_barred(hit.url, hit.work_id)
    evidence = latest_evidence(hit)
    if evidence is None:
        raise invalid(
            _(
                "%(url)s has no captured evidence yet: capture evidence on the hit's page "
                "first (the notice needs it as preliminary proof)."
            )
            % {"url": label},
            "hits",
        )
    return evidence


def _check_not_barred(url: str, work_id: int) -> None:
    """Refuse material restored after a counter-notice under a law that bars notifying it
    again (China art. 17)."""
    barring = [code for code, j in JURISDICTIONS.items() if j.bars_renotification]
    restored = (
        NoticeItem.objects.filter(
            url=url, work_id=work_id, restored_at__isnull=False, notice__jurisdiction__in=barring
        )
        .select_related("notice")
        .first()
    )
    if restored is not None:
        raise ActionError(
            EnforcementErrorCode.RENOTIFY_BARRED,
            _(
                "%(url)s was restored after a counter-notice to notice %(number)s; the law "
                "(%(law)s) does not allow notifying the same material again."
            )
            % {
                "url": url,
                "number": restored.notice.number,
                "law": get_jurisdiction(restored.notice.jurisdiction).counter_law,
            },
            field="hits",
            status=409,
        )


def _platform(platform: Organisation | None) -> Organisation | None:
    if platform is None:
        return None
    if platform.kind != OrganisationKind.PLATFORM or not platform.is_active:
        raise invalid(_("Choose a platform registered in copyguard."), "platform")
    return platform


def _email(address: str) -> str:
    address = (address or "").strip()
    if not address:
        return ""
    try:
        validate_email(address)
    except ValidationError:
        raise invalid(_("Enter a valid e-mail address."), "external_email") from None
    if len(address) > 254:
        raise invalid(_("Enter a valid e-mail address."), "external_email")
    return address


def _text(field: str, value: Any) -> str:
    text = str(value or "").strip()
    limit = EDITABLE.get(field, MAX_TEXT)
    if len(text) > limit:
        raise invalid(
            _("Use at most %(count)s characters.") % {"count": limit},
            field,
        )
    if field == "claimant_email" and text:
        try:
            validate_email(text)
        except ValidationError:
            raise invalid(_("Enter a valid e-mail address."), field) from None
    return text


def claimant_defaults(sender: Organisation, holder: Organisation | None) -> dict[str, str]:
    """The claimant's particulars a draft starts with: the rights holder's (the sender's
    own, or the work's rights holder when an administration sends on its behalf)."""
    claimant = holder if holder is not None else sender
    defaults = {
        "claimant_name": claimant.name,
        "claimant_address": claimant.address,
        "claimant_email": claimant.contact_email,
        "claimant_phone": claimant.contact_phone,
        "agent_name": "",
    }
    if holder is not None and holder.pk != sender.pk:
        defaults["agent_name"] = sender.name
    return defaults


def _make_item(notice: Notice, hit: Hit, evidence: Evidence) -> NoticeItem:
    description = hit.page_title or ""
    if hit.page_url and hit.page_url != hit.url:
        description = (description + " · " if description else "") + hit.page_url
    return NoticeItem.objects.create(
        notice=notice,
        hit=hit,
        work=hit.work,
        url=hit.url,
        description=description[:MAX_TEXT],
        evidence=evidence,
    )


def _unique_hits(hits: Iterable[Hit]) -> list[Hit]:
    seen: dict[int, Hit] = {}
    for hit in hits:
        seen.setdefault(hit.pk, hit)
    return list(seen.values())


# ------------------------------------------------------------------ drafting


@transaction.atomic
def draft_notice(
    actor: Actor,
    sender: Organisation,
    hits: Iterable[Hit],
    *,
    jurisdiction: str = Jurisdiction.CN,
    platform: Organisation | None = None,
    external_email: str = "",
    remarks: str = "",
) -> Notice:
    """A draft notice from ``sender`` naming each of ``hits`` (confirmed, with evidence).

    The caller checked that the actor may send notices for ``sender`` and may see the hits.
    """
    if sender.kind not in SENDER_KINDS:
        raise invalid(_("Only rights holders and administrations send notices."), "sender")
    if jurisdiction not in Jurisdiction.values:
        raise invalid(_("Choose China or the United States."), "jurisdiction")
    hits = _unique_hits(hits)
    if not hits:
        raise invalid(_("Choose at least one confirmed hit."), "hits")
    if len(hits) > MAX_ITEMS:
        raise invalid(
            _("A notice names at most %(count)s addresses.") % {"count": MAX_ITEMS}, "hits"
        )
    platform = _platform(platform)
    external_email = _email(external_email)
    remarks = _text("remarks", remarks)
    holder_id = hits[0].work.owner_id
    checked = [(hit, _check_hit(sender, hit, holder_id)) for hit in hits]
    holder = Organisation.objects.get(pk=holder_id)
    notice = Notice.objects.create(
        number=next_number(Notice, "number", "DRAFT-"),
        jurisdiction=jurisdiction,
        sender=sender,
        platform=platform,
        external_email=external_email,
        remarks=remarks,
        created_by=actor.user,
        **claimant_defaults(sender, holder),
    )
    for hit, evidence in checked:
        _make_item(notice, hit, evidence)
    record(
        actor,
        "enforcement.notice.draft",
        notice,
        organisation=sender,
        params={
            "jurisdiction": jurisdiction,
            "platform": platform.pk if platform else None,
            "external_email": external_email,
            "hits": [hit.pk for hit in hits],
        },
    )
    return notice


def _locked_draft(notice: Notice) -> Notice:
    locked = (
        Notice.objects.select_for_update(of=("self",)).select_related("sender").get(pk=notice.pk)
    )
    if locked.status != NoticeStatus.DRAFT:
        raise wrong_status(locked.get_status_display())
    return locked


@transaction.atomic
def update_notice(actor: Actor, notice: Notice, **changes: Any) -> Notice:
    """Change a draft: the claimant's particulars, agent, signature, statements, remarks,
    jurisdiction, platform (an Organisation or None) and external e-mail address."""
    notice = _locked_draft(notice)
    changed: list[str] = []
    for field, value in changes.items():
        if field in EDITABLE:
            new: Any = _text(field, value)
        elif field in STATEMENTS:
            new = bool(value)
        elif field == "jurisdiction":
            if value not in Jurisdiction.values:
                raise invalid(_("Choose China or the United States."), "jurisdiction")
            new = value
        elif field == "platform":
            new = _platform(value)
            if (new.pk if new else None) != notice.platform_id:
                notice.platform = new
                changed.append("platform")
            continue
        elif field == "external_email":
            new = _email(value)
        else:
            raise invalid(_("This field cannot be changed."), field)
        if getattr(notice, field) != new:
            setattr(notice, field, new)
            changed.append(field)
    if changed:
        notice.save(update_fields=changed)
        record(
            actor,
            "enforcement.notice.update",
            notice,
            organisation=notice.sender,
            params={"fields": sorted(changed)},
        )
    return notice


@transaction.atomic
def add_items(actor: Actor, notice: Notice, hits: Iterable[Hit]) -> list[NoticeItem]:
    """Name more confirmed hits in a draft (an address already named is skipped)."""
    notice = _locked_draft(notice)
    hits = _unique_hits(hits)
    if not hits:
        raise invalid(_("Choose at least one confirmed hit."), "hits")
    items = list(notice.items.select_related("work"))
    holder_id = items[0].work.owner_id if items else hits[0].work.owner_id
    named = {(item.url, item.work_id) for item in items}
    fresh = [hit for hit in hits if (hit.url, hit.work_id) not in named]
    if len(items) + len(fresh) > MAX_ITEMS:
        raise invalid(
            _("A notice names at most %(count)s addresses.") % {"count": MAX_ITEMS}, "hits"
        )
    made = [_make_item(notice, hit, _check_hit(notice.sender, hit, holder_id)) for hit in fresh]
    if made:
        record(
            actor,
            "enforcement.notice.add_items",
            notice,
            organisation=notice.sender,
            params={"hits": [item.hit_id for item in made]},
        )
    return made


@transaction.atomic
def remove_item(actor: Actor, item: NoticeItem) -> Notice:
    notice = _locked_draft(item.notice)
    url = item.url
    NoticeItem.objects.filter(pk=item.pk, notice=notice).delete()
    record(
        actor,
        "enforcement.notice.remove_item",
        notice,
        organisation=notice.sender,
        params={"url": url},
    )
    return notice


@transaction.atomic
def withdraw_notice(actor: Actor, notice: Notice, reason: str = "") -> Notice:
    """Withdraw a draft or a sent notice not yet answered in full; the platform's deadline
    falls away and its queue shows the notice as withdrawn."""
    notice = (
        Notice.objects.select_for_update(of=("self",)).select_related("sender").get(pk=notice.pk)
    )
    if notice.status not in (NoticeStatus.DRAFT, NoticeStatus.SENT):
        raise wrong_status(notice.get_status_display())
    reason = _text("remarks", reason)
    was = notice.status
    notice.status = NoticeStatus.WITHDRAWN
    notice.closed_at = timezone.now()
    notice.save(update_fields=["status", "closed_at"])
    NoticeItem.objects.filter(notice=notice).update(next_check_at=None)
    cancel_deadlines(notice=notice)
    record(
        actor,
        "enforcement.notice.withdraw",
        notice,
        organisation=notice.sender,
        params={"from": was, "reason": reason},
    )
    return notice


# ------------------------------------------------------------------ sending


def notice_pdf_dir() -> Path:
    return Path(settings.DATA_DIR) / "enforcement" / "notices"


def notice_pdf_path(notice: Notice) -> Path | None:
    """The stored PDF of a sent notice (None before it is sent or for a bad name)."""
    name = notice.pdf_name
    if not name or Path(name).name != name or name.startswith("."):
        return None
    return notice_pdf_dir() / name


def _store_pdf(name: str, data: bytes) -> None:
    directory = notice_pdf_dir()
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f".{name}.{os.getpid()}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, directory / name)


def pdf_context(notice: Notice) -> dict[str, Any]:
    """What the notice's PDF shows (also used to preview a draft)."""
    law = get_jurisdiction(notice.jurisdiction)
    items = list(
        notice.items.select_related("work", "evidence", "evidence__ledger_entry").order_by("pk")
    )
    return {
        "notice": notice,
        "law": law,
        "items": items,
        "platform_name": notice.platform.name if notice.platform_id else "",
        "title": notice.number,
    }


def render_notice_pdf(notice: Notice) -> bytes:
    from copyguard.enforcement.pdf import render_document

    return render_document("enforcement/pdf/notice.html", pdf_context(notice))


def _recheck_barred(notice: Notice) -> None:
    for item in notice.items.all():
        _check_not_barred(item.url, item.work_id)


def _check_items_still_confirmed(notice: Notice) -> None:
    for item in notice.items.select_related("hit"):
        if item.hit is not None and item.hit.status != HitStatus.CONFIRMED:
            raise invalid(
                _(
                    "The hit at %(url)s is no longer confirmed (%(status)s): remove it from "
                    "the notice or confirm it again."
                )
                % {"url": item.url, "status": item.hit.get_status_display()},
                "hits",
            )


def send_notice(actor: Actor, notice: Notice, *, now: datetime | None = None) -> Notice:
    """Send a draft: check, number, render, ledger, deliver, open the answer deadline.

    One transaction; a race for the same number (two notices sent at once) is retried."""
    for attempt in range(3):
        try:
            return _send(actor, notice, now or timezone.now())
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _send(actor: Actor, notice: Notice, now: datetime) -> Notice:
    from copyguard.enforcement.pdf import sha256
    from copyguard.ledger.actions import append_entry

    notice = _locked_draft(notice)
    law = get_jurisdiction(notice.jurisdiction)
    if not notice.items.exists():
        raise invalid(_("The notice names no address yet."), "hits")
    if notice.platform_id is None and not notice.external_email:
        raise invalid(
            _("Choose the platform in copyguard or give its e-mail address for notices."),
            "platform",
        )
    _check_items_still_confirmed(notice)
    _recheck_barred(notice)
    missing = law.missing_notice_elements(notice)
    if missing:
        raise missing_elements(missing, law.notice_law)
    draft_number = notice.number
    local = timezone.localtime(now)
    notice.number = next_number(Notice, "number", f"NT-{local.year}-")
    notice.status = NoticeStatus.SENT
    notice.sent_at = now
    notice.sent_by = actor.user
    notice.answer_due_at = now + timedelta(hours=settings.NOTICE_ANSWER_HOURS)
    notice.save(update_fields=["number", "status", "sent_at", "sent_by", "answer_due_at"])
    data = render_notice_pdf(notice)
    digest = sha256(data)
    name = f"{notice.number}.pdf"
    _store_pdf(name, data)
    items = list(notice.items.select_related("evidence").order_by("pk"))
    entry = append_entry(
        LEDGER_KIND,
        {
            "number": notice.number,
            "jurisdiction": notice.jurisdiction,
            "pdf_sha256": digest,
            "sent_at": now.isoformat(),
            "items": [
                {
                    "url": item.url,
                    "work": item.work_id,
                    "evidence_sha256": item.evidence.bundle_sha256 if item.evidence else "",
                }
                for item in items
            ],
        },
        actor=actor,
    )
    notice.pdf_name = name
    notice.pdf_sha256 = digest
    notice.ledger_entry = entry
    notice.save(update_fields=["pdf_name", "pdf_sha256", "ledger_entry"])
    deliveries = _deliver(notice, now)
    open_deadline(
        DeadlineKind.NOTICE_ANSWER,
        notice.platform if notice.platform_id else notice.sender,
        notice.answer_due_at,
        notice=notice,
    )
    record(
        actor,
        "enforcement.notice.send",
        notice,
        organisation=notice.sender,
        params={
            "draft": draft_number,
            "number": notice.number,
            "items": len(items),
            "pdf_sha256": digest,
            "ledger_index": entry.leaf_index,
            "deliveries": [d.channel for d in deliveries],
        },
    )
    return notice


def _handlers(organisation: Organisation) -> list[Membership]:
    """Active members of the platform who answer notices."""
    return [
        m
        for m in Membership.objects.filter(
            organisation=organisation, is_active=True, user__is_active=True
        ).select_related("user")
        if EnforcementPermission.HANDLE_NOTICES.value
        in permissions_for_role(organisation.kind, m.role)
    ]


def _senders(organisation: Organisation) -> list[Membership]:
    return [
        m
        for m in Membership.objects.filter(
            organisation=organisation, is_active=True, user__is_active=True
        ).select_related("user")
        if EnforcementPermission.SEND_NOTICES.value
        in permissions_for_role(organisation.kind, m.role)
    ]


def _in_language(language: str, render: Any, separator: str) -> str:
    """``render()`` in the user's language, or in both when they chose none."""
    parts = []
    for code in (language,) if language else ("zh-hans", "en"):
        with translation.override(code):
            parts.append(str(render()))
    return separator.join(parts)


def _notify(
    memberships: list[Membership], kind: str, subject: Any, body: Any, link: str
) -> list[Notification]:
    from copyguard.accounts.tasks import send_email

    made = []
    for membership in memberships:
        user = membership.user
        language = (user.language or "").strip()
        subject_text = _in_language(language, subject, " / ")[:300]
        body_text = _in_language(language, body, "\n\n----\n\n")
        made.append(
            Notification.objects.create(
                user=user,
                organisation=membership.organisation,
                kind=kind,
                subject=subject_text,
                body=body_text,
                link=link,
            )
        )
        if user.email:
            enqueue_with_change(send_email, user.email, subject_text, body_text)
    return made


def _deliver(notice: Notice, now: datetime) -> list[NoticeDelivery]:
    deliveries = []
    if notice.platform_id is not None:
        platform = notice.platform
        assert platform is not None
        deliveries.append(
            NoticeDelivery.objects.create(
                notice=notice,
                channel=DeliveryChannel.PLATFORM,
                address=platform.name[:254],
                status=DeliveryStatus.DELIVERED,
                attempts=1,
                delivered_at=now,
            )
        )
        link = reverse("enforcement:platform_notice", args=[notice.pk])
        count = notice.items.count()
        _notify(
            _handlers(platform),
            NotificationKind.NOTICE_RECEIVED,
            lambda: (
                gettext("Takedown notice %(number)s from %(sender)s")
                % {"number": notice.number, "sender": notice.claimant_name or notice.sender.name}
            ),
            lambda: (
                gettext(
                    "Notice %(number)s names %(count)s address(es). Answer each one by "
                    "%(due)s: %(link)s"
                )
                % {
                    "number": notice.number,
                    "count": count,
                    "due": timezone.localtime(notice.answer_due_at).strftime("%Y-%m-%d %H:%M"),
                    "link": settings.BASE_URL.rstrip("/") + link,
                }
            ),
            link,
        )
    if notice.external_email:
        delivery = NoticeDelivery.objects.create(
            notice=notice,
            channel=DeliveryChannel.EMAIL,
            address=notice.external_email,
            status=DeliveryStatus.PENDING,
        )
        deliveries.append(delivery)
        from copyguard.enforcement.tasks import deliver_notice_email

        enqueue_with_change(deliver_notice_email, delivery.pk)
    return deliveries


def _email_body(notice: Notice) -> str:
    law = get_jurisdiction(notice.jurisdiction)
    lines = [
        gettext("Notice of infringement %(number)s under %(law)s.")
        % {"number": notice.number, "law": law.notice_law},
        gettext("From: %(claimant)s") % {"claimant": notice.claimant_name},
    ]
    if notice.agent_name:
        lines.append(
            gettext("Sent on behalf of the rights holder by %(agent)s")
            % {"agent": notice.agent_name}
        )
    lines.append(gettext("Please remove or disable access to these addresses:"))
    for item in notice.items.select_related("work").order_by("pk"):
        lines.append(f"- {item.url} ({item.work.title})")
    lines.append(gettext("The signed notice with the evidence of each address is attached (PDF)."))
    lines.append(
        gettext("Reply to %(email)s.")
        % {"email": notice.claimant_email or notice.sender.contact_email}
    )
    return "\n".join(lines)


# Recorded on a delivery whose sending was cut short (the worker died after handing the
# e-mail to the mail server, or while doing so): it is not sent again by itself.
INTERRUPTED_SENDING = (
    "The worker stopped while sending this e-mail: it may have been sent. Check with the "
    "recipient before sending it again."
)


def _claim_delivery(delivery_id: int) -> NoticeDelivery | None:
    """Mark a pending delivery as being sent (committed before the e-mail leaves), so that
    a job run again after its worker died cannot send the notice a second time. None when
    there is nothing to send: delivered, failed, or being sent by an attempt that died (then
    recorded as failed with :data:`INTERRUPTED_SENDING`, for a person to retry)."""
    with transaction.atomic():
        delivery = (
            NoticeDelivery.objects.select_for_update()
            .select_related("notice", "notice__sender")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status in (
            DeliveryStatus.DELIVERED,
            DeliveryStatus.FAILED,
        ):
            return None
        if delivery.status == DeliveryStatus.SENDING:
            delivery.status = DeliveryStatus.FAILED
            delivery.error = INTERRUPTED_SENDING
            delivery.attempts += 1
            delivery.save(update_fields=["status", "error", "attempts"])
            record(
                Actor.system(via="worker"),
                "enforcement.notice.deliver",
                delivery.notice,
                organisation=delivery.notice.sender,
                params={
                    "channel": delivery.channel,
                    "status": delivery.status,
                    "error": INTERRUPTED_SENDING,
                },
            )
            return None
        delivery.status = DeliveryStatus.SENDING
        delivery.save(update_fields=["status"])
    return delivery


def deliver_email(delivery_id: int) -> NoticeDelivery | None:
    """Send a notice by e-mail with its PDF attached and record the outcome (the body of
    the ``deliver_notice_email`` job). Only a pending delivery is sent, at most once: see
    :func:`_claim_delivery`."""
    from django.core.mail import EmailMessage

    delivery = _claim_delivery(delivery_id)
    if delivery is None:
        return NoticeDelivery.objects.filter(pk=delivery_id).first()
    notice = delivery.notice
    path = notice_pdf_path(notice)
    error = ""
    try:
        if path is None or not path.is_file():
            raise OSError("the notice's PDF is missing")
        subjects = []
        bodies = []
        for code in ("zh-hans", "en"):
            with translation.override(code):
                subjects.append(
                    gettext("Notice of infringement %(number)s") % {"number": notice.number}
                )
                bodies.append(_email_body(notice))
        message = EmailMessage(
            subject=" / ".join(subjects),
            body="\n\n----\n\n".join(bodies),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[delivery.address],
            reply_to=[notice.claimant_email] if notice.claimant_email else None,
        )
        message.attach(f"{notice.number}.pdf", path.read_bytes(), "application/pdf")
        message.send(fail_silently=False)
        faults.point("enforcement.notice.sent")
    except Exception as exc:  # any transport failure is recorded on the delivery
        logger.warning("Delivering notice %s to %s failed", notice.number, delivery.address)
        error = f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
    with transaction.atomic():
        delivery = NoticeDelivery.objects.select_for_update().get(pk=delivery_id)
        delivery.attempts += 1
        if error:
            delivery.status = DeliveryStatus.FAILED
            delivery.error = error
        else:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = timezone.now()
            delivery.error = ""
        delivery.save(update_fields=["attempts", "status", "error", "delivered_at"])
        record(
            Actor.system(via="worker"),
            "enforcement.notice.deliver",
            notice,
            organisation=notice.sender,
            params={"channel": delivery.channel, "status": delivery.status, "error": error},
        )
    return delivery


@transaction.atomic
def retry_delivery(actor: Actor, delivery: NoticeDelivery) -> NoticeDelivery:
    """Queue a failed e-mail delivery again."""
    delivery = NoticeDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.channel != DeliveryChannel.EMAIL or delivery.status != DeliveryStatus.FAILED:
        raise wrong_status(delivery.get_status_display())
    delivery.status = DeliveryStatus.PENDING
    delivery.save(update_fields=["status"])
    record(
        actor,
        "enforcement.notice.retry_delivery",
        delivery.notice,
        organisation=delivery.notice.sender,
        params={"address": delivery.address},
    )
    from copyguard.enforcement.tasks import deliver_notice_email

    enqueue_with_change(deliver_notice_email, delivery.pk)
    return delivery


# ------------------------------------------------------------------ the platform's answer


def answer_item(
    actor: Actor,
    item: NoticeItem,
    answer: str,
    reason: str = "",
    *,
    now: datetime | None = None,
) -> NoticeItem:
    """Record what the platform did about one address. The caller checked that the actor
    answers for the notice's platform (or, for a platform outside copyguard, records its
    answer for the sender)."""
    now = now or timezone.now()
    with transaction.atomic():
        return _answer(actor, item, answer, reason, now)


def _answer(actor: Actor, item: NoticeItem, answer: str, reason: str, now: datetime) -> NoticeItem:
    if answer not in [a.value for a in ANSWERS]:
        raise invalid(_("Choose removed, disabled, refused or forwarded."), "answer")
    reason = str(reason or "").strip()
    if len(reason) > MAX_TEXT:
        raise invalid(_("Use at most %(count)s characters.") % {"count": MAX_TEXT}, "reason")
    if answer == ItemAnswer.REFUSED and not reason:
        raise invalid(_("Give the reason for refusing."), "reason")
    notice = (
        Notice.objects.select_for_update(of=("self",))
        .select_related("sender")
        .get(pk=item.notice_id)
    )
    if notice.status != NoticeStatus.SENT:
        raise wrong_status(notice.get_status_display())
    item = NoticeItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    if item.is_answered():
        raise ActionError(
            EnforcementErrorCode.WRONG_STATUS,
            _("This address was answered already (%(answer)s).")
            % {"answer": item.get_answer_display()},
            status=409,
        )
    item.answer = answer
    item.answer_reason = reason
    item.answered_at = now
    item.answered_by = actor.user
    changed = ["answer", "answer_reason", "answered_at", "answered_by"]
    if item.platform_says_gone():
        item.next_check_at = now
        changed.append("next_check_at")
    item.save(update_fields=changed)
    complete = not notice.items.filter(answer=ItemAnswer.PENDING).exists()
    if complete:
        notice.status = NoticeStatus.ANSWERED
        notice.save(update_fields=["status"])
        meet_deadlines(DeadlineKind.NOTICE_ANSWER, at=now, notice=notice)
        _tell_sender_answered(notice)
    record(
        actor,
        "enforcement.notice.answer",
        notice,
        organisation=notice.platform if notice.platform_id else notice.sender,
        params={"item": item.pk, "url": item.url, "answer": answer, "reason": reason[:500]},
    )
    if item.platform_says_gone():
        from copyguard.enforcement.tasks import check_takedowns

        enqueue_with_change(check_takedowns, [item.pk], "answer")
    return item


def _tell_sender_answered(notice: Notice) -> None:
    link = reverse("enforcement:notice", args=[notice.pk])
    counts: dict[str, int] = {}
    for answer in notice.items.values_list("answer", flat=True):
        counts[answer] = counts.get(answer, 0) + 1

    def body() -> str:
        labels = dict(ItemAnswer.choices)
        parts = [f"{labels[a]}: {n}" for a, n in sorted(counts.items())]
        return gettext("The platform answered every address of notice %(number)s: %(parts)s.") % {
            "number": notice.number,
            "parts": ", ".join(parts),
        }

    _notify(
        _senders(notice.sender),
        NotificationKind.ENFORCEMENT,
        lambda: gettext("Notice %(number)s answered") % {"number": notice.number},
        body,
        link,
    )
