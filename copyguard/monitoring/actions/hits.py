"""Hits: recording what a scan matched, and reviewing it.

``record_matches`` turns one scan outcome (a crawled page or file, a pushed upload, a
corpus record) into hits. It is idempotent: a copy is one hit per (work file, address),
seen again it is updated, never duplicated. It applies the source's scope, lets the
rights holder's allow-list suppress licensed copies (counted on the run), gives key works
priority and notifies at once, and asks for evidence automatically above the source's
score.

Review: a reviewer confirms a hit (optionally capturing evidence at once), dismisses it
with a reason, licenses it (the rights holder only: the site's domain goes on the
allow-list for the work) or reopens it.
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from typing import Any, TypedDict

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.monitoring.actions.common import (
    host_of,
    registrable_domain,
    require_permission,
    wrong_status,
)
from copyguard.monitoring.enums import (
    HitStatus,
    MonitoringErrorCode,
    MonitoringPermission,
    SourceScope,
)
from copyguard.monitoring.models import (
    URL_LENGTH,
    AllowListEntry,
    CorpusScan,
    CrawlRun,
    Hit,
    KeyWork,
    Site,
    Source,
)
from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import Registration, WorkFile

__all__ = [
    "RecordResult",
    "confirm_hit",
    "dismiss_hit",
    "license_hit",
    "record_matches",
    "reopen_hit",
    "site_for",
]


class RecordResult(TypedDict):
    created: list[int]  # ids of new hits
    seen_again: list[int]  # ids of hits updated
    suppressed: int  # matches the allow-list suppressed
    out_of_scope: int  # matches of works the source does not watch
    priority: list[int]  # ids of new (or newly prioritised) key-work hits


def site_for(url: str) -> Site:
    """The site of ``url`` by registrable domain, made on first sight."""
    domain = registrable_domain(url)[:253] or "unknown"
    site = Site.objects.filter(domain=domain).first()
    if site is not None:
        return site
    try:
        with transaction.atomic():
            return Site.objects.create(domain=domain)
    except IntegrityError:  # made meanwhile by another worker
        return Site.objects.get(domain=domain)


def _scope(
    source: Source | None, organisation: Organisation | None
) -> tuple[Organisation | None, str]:
    """Whose works are recorded: (the watching organisation, its scope)."""
    if source is not None:
        return source.owner, source.scope
    if organisation is None or organisation.kind != OrganisationKind.RIGHTS_HOLDER:
        # Administrations' corpus scans and platforms' scans look for every registered work.
        return organisation, SourceScope.ALL
    return organisation, SourceScope.OWN


def _in_scope(work_file: WorkFile, owner: Organisation | None, scope: str) -> bool:
    if scope == SourceScope.ALL or owner is None:
        return True
    if owner.kind == OrganisationKind.RIGHTS_HOLDER:
        return work_file.work.owner_id == owner.pk
    if owner.kind == OrganisationKind.ADMINISTRATION:
        return Registration.objects.filter(
            work_id=work_file.work_id, status=RegistrationStatus.REGISTERED, administration=owner
        ).exists()
    return False


def _allowed(work_file: WorkFile, hosts: list[str], on: date) -> bool:
    """Whether an active allow-list entry of the work's rights holder covers a host."""
    entries = AllowListEntry.objects.filter(
        Q(work__isnull=True) | Q(work_id=work_file.work_id),
        owner_id=work_file.work.owner_id,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
    return any(entry.covers_host(host) for entry in entries for host in hosts if host)


def _key_works(work_id: int, on: date) -> list[KeyWork]:
    return list(
        KeyWork.objects.filter(work_id=work_id, starts_on__lte=on, ends_on__gte=on)
        .select_related("administration")
        .order_by("pk")
    )


def _match_fields(match: dict[str, Any]) -> dict[str, Any]:
    return {
        "media": str(match.get("media") or "")[:10],
        "score": float(match.get("score") or 0.0),
        "segments": match.get("segments") or [],
        "box": match.get("box"),
        "passages": match.get("passages") or [],
        "detail": match.get("detail") or {},
    }


def _auto_evidence(hit: Hit, source: Source | None, via: str) -> None:
    if source is None or source.auto_evidence_score is None:
        return
    if hit.score < source.auto_evidence_score:
        return
    try:
        from copyguard.monitoring.evidence.actions import capture_evidence
    except ImportError:  # the evidence package is not installed: nothing to capture with
        return
    # A hit not capturable in its status is left alone; reviewers can still ask later.
    with contextlib.suppress(ActionError):
        capture_evidence(Actor.system(via=via), hit, automatic=True)


@transaction.atomic
def record_matches(
    *,
    url: str,
    page_url: str,
    page_title: str,
    outcome: Any,
    channel: str,
    source: Source | None = None,
    run: CrawlRun | None = None,
    corpus_scan: CorpusScan | None = None,
    organisation: Organisation | None = None,
    seen_at: datetime | None = None,
) -> RecordResult:
    """Record the matches of one scanned page or file (``outcome``: a ``ScanOutcome``)
    found at ``url`` (on the page ``page_url``). Safe to call again with the same input."""
    result = RecordResult(created=[], seen_again=[], suppressed=0, out_of_scope=0, priority=[])
    matches = [m for m in (outcome or {}).get("matches") or [] if m.get("match", True)]
    if not matches or not url or len(url) > URL_LENGTH:
        return result
    seen_at = seen_at or timezone.now()
    today = timezone.localdate(seen_at)
    if source is None and run is not None:
        source = run.source
    owner, scope = _scope(source, organisation)
    page_url = page_url if len(page_url) <= URL_LENGTH else ""
    hosts = [host_of(url), host_of(page_url)]
    files = {
        f.pk: f
        for f in WorkFile.objects.select_related("work", "work__owner").filter(
            pk__in=[m.get("work_file_id") for m in matches]
        )
    }
    site: Site | None = None
    for match in matches:
        work_file = files.get(match.get("work_file_id"))  # type: ignore[arg-type]
        if work_file is None:
            continue  # gone since the index was built
        if not _in_scope(work_file, owner, scope):
            result["out_of_scope"] += 1
            continue
        if _allowed(work_file, hosts, today):
            result["suppressed"] += 1
            continue
        site = site or site_for(url)
        fields = _match_fields(match)
        hit, created = _upsert(
            work_file,
            url=url,
            site=site,
            fields=fields,
            page_url=page_url,
            page_title=page_title[:500],
            channel=channel,
            run=run,
            corpus_scan=corpus_scan,
            found_by=organisation if source is None else None,
            seen_at=seen_at,
        )
        if source is not None:
            hit.sources.add(source)
        key_works = _key_works(work_file.work_id, today)
        if key_works and (created or not hit.priority):
            if not hit.priority:
                Hit.objects.filter(pk=hit.pk).update(priority=True)
                hit.priority = True
            from copyguard.monitoring.notify import notify_key_work_hit

            notify_key_work_hit(hit, key_works)
            result["priority"].append(hit.pk)
        if created:
            result["created"].append(hit.pk)
            _auto_evidence(hit, source, channel)
        else:
            result["seen_again"].append(hit.pk)
    if run is not None and (result["created"] or result["suppressed"]):
        CrawlRun.objects.filter(pk=run.pk).update(
            hits_found=F("hits_found") + len(result["created"]),
            suppressed=F("suppressed") + result["suppressed"],
        )
    if result["created"] or result["seen_again"] or result["suppressed"]:
        record(
            Actor.system(via=channel),
            "monitoring.hits.record",
            Hit.objects.get(pk=result["created"][0]) if result["created"] else None,
            organisation=owner,
            params={
                "url": url[:500],
                "channel": channel,
                "source": source.pk if source else None,
                "run": run.pk if run else None,
                "corpus_scan": corpus_scan.pk if corpus_scan else None,
                "created": result["created"],
                "seen_again": result["seen_again"],
                "suppressed": result["suppressed"],
                "priority": result["priority"],
            },
        )
    return result


def _upsert(
    work_file: WorkFile,
    *,
    url: str,
    site: Site,
    fields: dict[str, Any],
    page_url: str,
    page_title: str,
    channel: str,
    run: CrawlRun | None,
    corpus_scan: CorpusScan | None,
    found_by: Organisation | None,
    seen_at: datetime,
) -> tuple[Hit, bool]:
    """The hit of (work file, url): made, or updated as seen again."""
    existing = Hit.objects.select_for_update().filter(work_file=work_file, url=url).first()
    if existing is None:
        try:
            with transaction.atomic():
                hit = Hit.objects.create(
                    work_id=work_file.work_id,
                    work_file=work_file,
                    url=url,
                    page_url=page_url,
                    page_title=page_title,
                    site=site,
                    channel=channel,
                    first_seen_at=seen_at,
                    last_seen_at=seen_at,
                    last_checked_at=seen_at,
                    first_run=run,
                    corpus_scan=corpus_scan,
                    found_by=found_by,
                    **fields,
                )
            hit.work = work_file.work
            return hit, True
        except IntegrityError:  # recorded meanwhile by another worker
            existing = Hit.objects.select_for_update().get(work_file=work_file, url=url)
    hit = existing
    hit.work = work_file.work
    hit.last_seen_at = max(hit.last_seen_at, seen_at)
    hit.last_checked_at = seen_at
    hit.seen_count += 1
    hit.online = True
    changed = ["last_seen_at", "last_checked_at", "seen_count", "online"]
    if fields["score"] > hit.score:
        for name, value in fields.items():
            setattr(hit, name, value)
        changed += list(fields)
    if found_by is not None and hit.found_by_id is None:
        hit.found_by = found_by
        changed.append("found_by")
    if corpus_scan is not None and hit.corpus_scan_id is None:
        hit.corpus_scan = corpus_scan
        changed.append("corpus_scan")
    if not hit.page_title and page_title:
        hit.page_title = page_title
        changed.append("page_title")
    hit.save(update_fields=changed)
    return hit, False


# ------------------------------------------------------------------ review


def _locked(hit: Hit) -> Hit:
    return (
        Hit.objects.select_for_update(of=("self",))
        .select_related("work", "work__owner", "site")
        .get(pk=hit.pk)
    )


def _review(actor: Actor, hit: Hit, status: str, reason: str, action: str, **extra: Any) -> Hit:
    previous = hit.status
    hit.status = status
    hit.status_reason = reason
    hit.reviewed_by = actor.user
    hit.reviewed_at = timezone.now()
    changed = ["status", "status_reason", "reviewed_by", "reviewed_at"]
    # Back among the open hits while its work is a key work: it gets the priority the open
    # hits of the work have (watchlist._reprioritise).
    reopened = status in (HitStatus.NEW, HitStatus.CONFIRMED) and not hit.priority
    if reopened and _key_works(hit.work_id, timezone.localdate()):
        hit.priority = True
        changed.append("priority")
    hit.save(update_fields=changed)
    record(
        actor,
        action,
        hit,
        organisation=hit.work.owner,
        params={"from": previous, "to": status, "reason": reason[:500], **extra},
    )
    return hit


@transaction.atomic
def confirm_hit(actor: Actor, hit: Hit, *, capture: bool = False) -> Hit:
    """Confirm a new (or dismissed) hit as an infringement; with ``capture``, evidence is
    asked for at once."""
    hit = _locked(hit)
    if hit.status not in (HitStatus.NEW, HitStatus.DISMISSED):
        raise wrong_status(hit.get_status_display())
    hit = _review(actor, hit, HitStatus.CONFIRMED, "", "monitoring.hit.confirm")
    if capture:
        from copyguard.monitoring.evidence.actions import capture_evidence

        capture_evidence(actor, hit)
    return hit


@transaction.atomic
def dismiss_hit(actor: Actor, hit: Hit, reason: str) -> Hit:
    """Dismiss a new or confirmed hit (not a copy, a false match, …): a reason is needed."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(
            MonitoringErrorCode.REASON_REQUIRED,
            _("Say why the hit is dismissed."),
            field="reason",
        )
    hit = _locked(hit)
    if hit.status not in (HitStatus.NEW, HitStatus.CONFIRMED):
        raise wrong_status(hit.get_status_display())
    return _review(actor, hit, HitStatus.DISMISSED, reason, "monitoring.hit.dismiss")


@transaction.atomic
def license_hit(
    actor: Actor,
    hit: Hit,
    *,
    licensee: str = "",
    note: str = "",
    valid_until: date | None = None,
) -> tuple[Hit, AllowListEntry]:
    """Mark a hit as licensed and put its site's domain on the rights holder's allow-list
    for the work, so future copies there are not hits. Only the rights holder's reviewers
    may do this (the allow-list is theirs)."""
    hit = _locked(hit)
    require_permission(actor, hit.work.owner, MonitoringPermission.REVIEW_HITS.value)
    if not hit.can_review():
        raise wrong_status(hit.get_status_display())
    if valid_until is not None and valid_until < timezone.localdate():
        raise ActionError(
            MonitoringErrorCode.INVALID,
            _("The licence's end date has passed."),
            field="valid_until",
        )
    domain = registrable_domain(hit.url) or hit.site.domain
    entry = AllowListEntry.objects.create(
        owner=hit.work.owner,
        work=hit.work,
        domain=domain,
        licensee=licensee.strip()[:200],
        note=note.strip(),
        valid_until=valid_until,
        created_by=actor.user,
    )
    reason = licensee.strip() or note.strip()
    hit = _review(
        actor,
        hit,
        HitStatus.LICENSED,
        reason,
        "monitoring.hit.license",
        allow_list_entry=entry.pk,
        domain=domain,
    )
    return hit, entry


@transaction.atomic
def reopen_hit(actor: Actor, hit: Hit) -> Hit:
    """Put a reviewed hit back in the queue. An allow-list entry made when it was licensed
    stays (remove it from the allow-list if the licence is gone)."""
    hit = _locked(hit)
    if hit.status == HitStatus.NEW:
        raise wrong_status(hit.get_status_display())
    return _review(actor, hit, HitStatus.NEW, "", "monitoring.hit.reopen")
