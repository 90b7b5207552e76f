"""Telling people about hits: in-app notifications and e-mail.

* A hit of a key work notifies at once the members of the work's rights holder and of
  the administrations watching it: a notification row each (in the same transaction as
  the hit) and an e-mail each, sent after commit.
* The daily digest: once a day each member gets one e-mail (and one notification) listing
  the new hits of the last day they may see, in their language (both languages when none
  is stored). The digest's notification row is also the record that today's was sent.

Messages are written in the recipient's language when they are created.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from copyguard.accounts.models import Membership, Organisation, User
from copyguard.jobs.queue import enqueue_with_change
from copyguard.monitoring.enums import HitStatus, NotificationKind, permissions_for_role
from copyguard.monitoring.models import Hit, KeyWork, Notification

__all__ = [
    "DIGEST_LIMIT",
    "digest_recipients",
    "hit_link",
    "notify_key_work_hit",
    "send_daily_digest",
    "send_daily_digests",
]

# A digest lists at most this many hits (priority first) and says how many more there are.
DIGEST_LIMIT = 50
BOTH_LANGUAGES = ("zh-hans", "en")


def hit_link(hit: Hit) -> str:
    """The path of the hit's page (the review page when the pages are installed)."""
    try:
        return reverse("monitoring:hit", args=[hit.pk])
    except NoReverseMatch:
        return f"/monitoring/hits/{hit.pk}/"


def _absolute(path: str) -> str:
    return settings.BASE_URL.rstrip("/") + path


def _languages(user: User) -> tuple[str, ...]:
    language = (user.language or "").strip()
    return (language,) if language else BOTH_LANGUAGES


def _in_languages(languages: Iterable[str], render: object) -> str:
    parts = []
    for language in languages:
        with translation.override(language):
            parts.append(render())  # type: ignore[operator]
    return "\n\n----\n\n".join(parts)


def _members(organisation_ids: Iterable[int]) -> list[tuple[User, Organisation]]:
    """Active members who may see monitoring in the organisations, each once (with the
    first organisation found for them)."""
    seen: dict[int, tuple[User, Organisation]] = {}
    for membership in (
        Membership.objects.filter(
            organisation_id__in=list(organisation_ids),
            is_active=True,
            organisation__is_active=True,
            user__is_active=True,
        )
        .select_related("user", "organisation")
        .order_by("organisation_id", "user_id")
    ):
        organisation = membership.organisation
        if not permissions_for_role(organisation.kind, membership.role):
            continue
        seen.setdefault(membership.user_id, (membership.user, organisation))
    return list(seen.values())


def _send_after_commit(to: str, subject: str, body: str) -> None:
    from copyguard.accounts.tasks import send_email

    enqueue_with_change(send_email, to, subject, body)


def notify_key_work_hit(hit: Hit, key_works: Iterable[KeyWork]) -> list[Notification]:
    """Notify the rights holder's and the watching administrations' members of a hit of a
    key work. Call inside the transaction that made the hit; e-mail goes after commit."""
    key_works = list(key_works)
    organisations = [hit.work.owner_id, *(k.administration_id for k in key_works)]
    link = hit_link(hit)
    reasons = "; ".join(k.reason for k in key_works if k.reason)
    made = []
    for user, organisation in _members(organisations):
        languages = _languages(user)

        def subject() -> str:
            return gettext("Key work found: %(title)s") % {"title": hit.work.title}

        def body() -> str:
            lines = [
                gettext("A copy of the key work %(title)s was found.") % {"title": hit.work.title},
                gettext("Address: %(url)s") % {"url": hit.url},
                gettext("Page: %(page)s") % {"page": hit.page_url or hit.url},
                gettext("Score: %(score).2f") % {"score": hit.score},
            ]
            if reasons:
                lines.append(gettext("Why it is watched: %(reason)s") % {"reason": reasons})
            lines.append(gettext("Review it: %(link)s") % {"link": _absolute(link)})
            return "\n".join(lines)

        subject_text = _in_languages(languages[:1], subject)
        if len(languages) > 1:
            subject_text = " / ".join(_in_languages([lang], subject) for lang in languages)
        body_text = _in_languages(languages, body)
        made.append(
            Notification.objects.create(
                user=user,
                organisation=organisation,
                kind=NotificationKind.KEY_WORK_HIT,
                subject=subject_text[:300],
                body=body_text,
                link=link,
            )
        )
        _send_after_commit(user.email, subject_text[:300], body_text)
    return made


# ------------------------------------------------------------------ the daily digest


def digest_recipients() -> list[User]:
    """Active users who are members of an organisation that sees monitoring."""
    return [user for user, _org in _members(_monitoring_organisations())]


def _monitoring_organisations() -> list[int]:
    return list(
        Organisation.objects.filter(
            is_active=True, kind__in=["rights_holder", "administration", "platform"]
        ).values_list("pk", flat=True)
    )


def _day_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


@transaction.atomic
def send_daily_digest(user: User, *, now: datetime | None = None) -> Notification | None:
    """Send ``user`` today's digest of new hits (of the last 24 hours) unless it was sent
    already today or there is nothing new. Safe to call from several workers at once: the
    user's row is locked while deciding."""
    from copyguard.monitoring.access import hits_visible_to

    now = now or timezone.now()
    user = User.objects.select_for_update().get(pk=user.pk)
    if Notification.objects.filter(
        user=user, kind=NotificationKind.HIT_DIGEST, created_at__gte=_day_start(now)
    ).exists():
        return None
    hits = list(
        hits_visible_to(user)
        .filter(status=HitStatus.NEW, first_seen_at__gte=now - timedelta(days=1))
        .select_related("work", "site")
        .order_by("-priority", "-score", "-id")[: DIGEST_LIMIT + 1]
    )
    if not hits:
        return None
    total = (
        hits_visible_to(user)
        .filter(status=HitStatus.NEW, first_seen_at__gte=now - timedelta(days=1))
        .count()
    )
    shown = hits[:DIGEST_LIMIT]
    languages = _languages(user)

    def subject() -> str:
        return ngettext(
            "%(count)d new hit in the last day", "%(count)d new hits in the last day", total
        ) % {"count": total}

    def body() -> str:
        lines = [gettext("New copies of registered works found in the last day:"), ""]
        for hit in shown:
            marker = gettext("[key work] ") if hit.priority else ""
            lines.append(f"- {marker}{hit.work.title} — {hit.site.domain} ({hit.score:.2f})")
            lines.append(f"  {hit.url}")
            lines.append(f"  {_absolute(hit_link(hit))}")
        if total > len(shown):
            lines.append(gettext("… and %(more)d more.") % {"more": total - len(shown)})
        return "\n".join(lines)

    subject_text = " / ".join(_in_languages([lang], subject) for lang in languages)[:300]
    body_text = _in_languages(languages, body)
    notification = Notification.objects.create(
        user=user,
        kind=NotificationKind.HIT_DIGEST,
        subject=subject_text,
        body=body_text,
        link=_hits_path(),
        created_at=now,
    )
    _send_after_commit(user.email, subject_text, body_text)
    return notification


def _hits_path() -> str:
    try:
        return reverse("monitoring:queue")
    except NoReverseMatch:
        return "/monitoring/hits/"


def send_daily_digests(*, now: datetime | None = None) -> int:
    """Send every member's digest for today (those not sent yet); how many were sent."""
    sent = 0
    for user in digest_recipients():
        if send_daily_digest(user, now=now) is not None:
            sent += 1
    return sent
