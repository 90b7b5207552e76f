"""The monitoring API: sources and runs, hits and their review, evidence, the allow-list,
key works, notifications, and the platforms' push into upload feeds.

Thin on purpose: validate (schemas), check access (copyguard.monitoring.access), call an
action (copyguard.monitoring.actions). Errors, authentication and pagination come from
copyguard.apiutil.
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.models import Organisation
from copyguard.apiutil import (
    ERROR_RESPONSES,
    ApiError,
    ErrorOut,
    FilterId,
    IsoDate,
    ObjectId,
    PageNumberPagination,
    api_actor,
    api_user,
    invalid,
    responses,
)
from copyguard.monitoring import access, actions
from copyguard.monitoring.actions.uploads import push_upload
from copyguard.monitoring.enums import (
    HitStatus,
    MonitoringErrorCode,
    MonitoringPermission,
    RunStatus,
    RunTrigger,
)
from copyguard.monitoring.models import (
    AllowListEntry,
    CrawlRun,
    Evidence,
    Hit,
    KeyWork,
    Notification,
    Source,
)
from copyguard.monitoring.ratelimit import caller_token, enforce, lock_caller, sliding_window
from copyguard.monitoring.scanning_jobs import scan_rate
from copyguard.monitoring.schemas import (
    AllowListIn,
    AllowListOut,
    AllowListPatch,
    ConfirmIn,
    DismissIn,
    EvidenceOut,
    HitOut,
    KeyWorkIn,
    KeyWorkOut,
    KeyWorkPatch,
    LicenseIn,
    LicenseOut,
    NotificationOut,
    PushOut,
    RunOut,
    SourceIn,
    SourceOut,
    SourcePatch,
)
from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import Work

router = Router(tags=["monitoring"])

P = "/monitoring"
# Pushed uploads scanned while the platform waits (the rest go to the job).
SYNC_PUSH_MEDIA = ("text", "code", "image")


def _platform(platform_id: int | None) -> Organisation | None:
    if platform_id is None:
        return None
    platform = Organisation.objects.filter(
        pk=platform_id, kind=OrganisationKind.PLATFORM, is_active=True
    ).first()
    if platform is None:
        raise invalid("platform_id", gettext("No such platform."))
    return platform


def _hits(queryset: QuerySet[Hit]) -> QuerySet[Hit]:
    return queryset.select_related("work", "site").prefetch_related("sources")


# ------------------------------------------------------------------ sources


@router.get(f"{P}/sources", response=responses(200, list[SourceOut]), summary="Sources I may see")
@paginate(PageNumberPagination)
def list_sources(request: HttpRequest, owner: FilterId | None = None) -> QuerySet[Source]:
    """Sources of the caller's organisations (and upload feeds their platform pushes into)."""
    sources = access.sources_visible_to(api_user(request))
    if owner:
        sources = sources.filter(owner_id=owner)
    return sources.order_by("owner_id", "name", "pk")


@router.post(f"{P}/sources", response=responses(201, SourceOut), summary="Create a source")
def create_source(request: HttpRequest, payload: SourceIn) -> Status[Source]:
    """Members of the owner who may manage sources. ``config`` is checked by the kind;
    ``scope: all`` and ``obey_robots: false`` (with a reason) are for administrations."""
    owner, _ = access.get_monitoring_organisation_for_user(
        api_user(request),
        payload.owner_id,
        permission=MonitoringPermission.MANAGE_SOURCES,
        write=True,
    )
    source = actions.create_source(
        api_actor(request),
        owner,
        name=payload.name,
        kind=payload.kind,
        config=payload.config,
        scope=payload.scope,
        schedule=payload.schedule,
        obey_robots=payload.obey_robots,
        robots_override_reason=payload.robots_override_reason,
        auto_evidence_score=payload.auto_evidence_score,
        platform=_platform(payload.platform_id),
    )
    return Status(201, source)


@router.get(f"{P}/sources/{{source_id}}", response=responses(200, SourceOut), summary="One source")
def get_source(request: HttpRequest, source_id: ObjectId) -> Source:
    source, _ = access.get_source_for_user(api_user(request), source_id)
    return source


@router.patch(
    f"{P}/sources/{{source_id}}", response=responses(200, SourceOut), summary="Change a source"
)
def update_source(request: HttpRequest, source_id: ObjectId, payload: SourcePatch) -> Source:
    source, _ = access.get_source_for_user(api_user(request), source_id, write=True)
    changes = payload.model_dump(exclude_unset=True)
    if "platform_id" in changes:
        changes["platform"] = _platform(changes.pop("platform_id"))
    for name in ("name", "config", "scope", "schedule", "obey_robots"):
        if name in changes and changes[name] is None:
            raise invalid(name, gettext("This field may not be empty."))
    return actions.update_source(api_actor(request), source, **changes)


@router.post(
    f"{P}/sources/{{source_id}}/disable",
    response=responses(200, SourceOut),
    summary="Disable a source (its schedule pauses)",
)
def disable_source(request: HttpRequest, source_id: ObjectId) -> Source:
    source, _ = access.get_source_for_user(api_user(request), source_id, write=True)
    return actions.set_source_enabled(api_actor(request), source, False)


@router.post(
    f"{P}/sources/{{source_id}}/enable",
    response=responses(200, SourceOut),
    summary="Enable a source again",
)
def enable_source(request: HttpRequest, source_id: ObjectId) -> Source:
    source, _ = access.get_source_for_user(api_user(request), source_id, write=True)
    return actions.set_source_enabled(api_actor(request), source, True)


@router.post(
    f"{P}/sources/{{source_id}}/runs",
    response=responses(201, RunOut, 409),
    summary="Start a run of a source",
)
def start_run(request: HttpRequest, source_id: ObjectId) -> Status[CrawlRun]:
    """Queues a crawl; 409 while a run of the source is queued or running, and for upload
    feeds and disabled sources."""
    source, _ = access.get_source_for_user(api_user(request), source_id, write=True)
    return Status(201, actions.start_run(api_actor(request), source))


@router.post(
    f"{P}/sources/{{source_id}}/uploads",
    response={
        200: PushOut,
        202: PushOut,
        **ERROR_RESPONSES,
        409: ErrorOut,
        413: ErrorOut,
        429: ErrorOut,
    },
    summary="Push an upload into an upload feed (platforms)",
)
def push(
    request: HttpRequest,
    source_id: ObjectId,
    url: Form[str],
    file: File[UploadedFile | None] = None,
    page_url: Form[str] = "",
    title: Form[str] = "",
) -> Status[dict[str, Any]]:
    """Multipart form: ``url`` (where the upload is published on the platform), the
    ``file`` itself (optional: without it the address is fetched), ``page_url`` and
    ``title``. Small texts, code and pictures are scanned at once (200); the rest is queued
    (202): poll the run. Matches become hits with channel ``upload``. Pushes count against
    COPYGUARD_SCAN_RATE per user; over it, 429 with Retry-After."""
    feed = access.get_upload_feed_for_user(api_user(request), source_id)
    data: bytes | None = None
    name = ""
    content_type = ""
    if file is not None:
        if (file.size or 0) > settings.SCAN_MAX_BYTES:
            raise ApiError(
                413,
                MonitoringErrorCode.TOO_LARGE,
                gettext("The file is too large: at most %(mb)d MB can be pushed.")
                % {"mb": settings.SCAN_MAX_BYTES // (1024 * 1024)},
            )
        data = file.read()
        name = (file.name or "")[:255]
        content_type = file.content_type or ""
    sync = (
        data is not None and len(data) <= settings.SCAN_SYNC_MAX_BYTES and _sync_media(data, name)
    )
    user = api_user(request)
    with transaction.atomic():
        # Pushes count against the scan API's rate, per user, one request at a time.
        lock_caller(user, caller_token(request))
        pushed = CrawlRun.objects.filter(trigger=RunTrigger.PUSH, requested_by=user)
        enforce(
            sliding_window(pushed, field="queued_at", rate=scan_rate()),
            MonitoringErrorCode.RATE_LIMITED,
        )
        run = push_upload(
            api_actor(request),
            feed,
            url=url,
            data=data,
            name=name,
            content_type=content_type,
            page_url=page_url,
            title=title,
            enqueue=not sync,
        )
    if not sync:
        return Status(202, {"run": run, "scanned": False, "media": "", "hit_ids": [], "error": ""})
    from copyguard.monitoring.tasks import execute_push

    result = execute_push(run.pk, f"push-{run.pk}")
    run.refresh_from_db()
    return Status(
        200,
        {
            "run": run,
            "scanned": True,
            "media": result.get("media", ""),
            "hit_ids": result.get("hits", []),
            "error": result.get("error", ""),
        },
    )


def _sync_media(data: bytes, name: str) -> bool:
    from copyguard.fingerprint.extract import detect_media

    return detect_media(name, data[:65536]) in SYNC_PUSH_MEDIA


# ------------------------------------------------------------------ runs


@router.get(f"{P}/runs", response=responses(200, list[RunOut]), summary="Runs I may see")
@paginate(PageNumberPagination)
def list_runs(
    request: HttpRequest, source: FilterId | None = None, status: RunStatus | None = None
) -> QuerySet[CrawlRun]:
    """Newest first."""
    runs = access.runs_visible_to(api_user(request))
    if source:
        runs = runs.filter(source_id=source)
    if status:
        runs = runs.filter(status=status)
    return runs.order_by("-queued_at", "-pk")


@router.get(f"{P}/runs/{{run_id}}", response=responses(200, RunOut), summary="One run")
def get_run(request: HttpRequest, run_id: ObjectId) -> CrawlRun:
    run, _ = access.get_run_for_user(api_user(request), run_id)
    return run


@router.post(
    f"{P}/runs/{{run_id}}/cancel", response=responses(200, RunOut, 409), summary="Cancel a run"
)
def cancel_run(request: HttpRequest, run_id: ObjectId) -> CrawlRun:
    run, _ = access.get_run_for_user(api_user(request), run_id, write=True)
    return actions.cancel_run(api_actor(request), run)


# ------------------------------------------------------------------ hits


@router.get(f"{P}/hits", response=responses(200, list[HitOut]), summary="The review queue")
@paginate(PageNumberPagination)
def list_hits(
    request: HttpRequest,
    status: HitStatus | None = None,
    media: str | None = None,
    site: str | None = None,
    work: FilterId | None = None,
    priority: bool | None = None,
    source: FilterId | None = None,
    run: FilterId | None = None,
) -> QuerySet[Hit]:
    """Hits the caller may see, key works first, then newest first. ``site`` is a
    registrable domain (``example.com``)."""
    hits = access.hits_visible_to(api_user(request))
    if status:
        hits = hits.filter(status=status)
    if media:
        hits = hits.filter(media=media[:10])
    if site:
        hits = hits.filter(site__domain=site.strip().lower()[:253])
    if work:
        hits = hits.filter(work_id=work)
    if priority is not None:
        hits = hits.filter(priority=priority)
    if source:
        hits = hits.filter(sources__pk=source)
    if run:
        hits = hits.filter(first_run_id=run)
    return _hits(hits.distinct()).order_by("-priority", "-first_seen_at", "-pk")


@router.get(f"{P}/hits/{{hit_id}}", response=responses(200, HitOut), summary="One hit")
def get_hit(request: HttpRequest, hit_id: ObjectId) -> Hit:
    hit, _ = access.get_hit_for_user(api_user(request), hit_id)
    return hit


def _reviewable(request: HttpRequest, hit_id: int) -> Hit:
    hit, _ = access.get_hit_for_user(api_user(request), hit_id, write=True)
    return hit


def _fresh(hit: Hit) -> Hit:
    return _hits(Hit.objects.filter(pk=hit.pk)).get()


@router.post(
    f"{P}/hits/{{hit_id}}/confirm",
    response=responses(200, HitOut, 409),
    summary="Confirm a hit as an infringement",
)
def confirm_hit(request: HttpRequest, hit_id: ObjectId, payload: ConfirmIn) -> Hit:
    """With ``capture_evidence``, the caller also needs the permission to capture it."""
    user = api_user(request)
    hit = _reviewable(request, hit_id)
    if payload.capture_evidence:
        access.get_hit_for_user(
            user, hit_id, write=True, permission=MonitoringPermission.CAPTURE_EVIDENCE
        )
    return _fresh(actions.confirm_hit(api_actor(request), hit, capture=payload.capture_evidence))


@router.post(
    f"{P}/hits/{{hit_id}}/dismiss",
    response=responses(200, HitOut, 409),
    summary="Dismiss a hit, with a reason",
)
def dismiss_hit(request: HttpRequest, hit_id: ObjectId, payload: DismissIn) -> Hit:
    hit = _reviewable(request, hit_id)
    return _fresh(actions.dismiss_hit(api_actor(request), hit, payload.reason))


@router.post(
    f"{P}/hits/{{hit_id}}/license",
    response=responses(200, LicenseOut, 409),
    summary="Mark a hit licensed (its site goes on the allow-list)",
)
def license_hit(request: HttpRequest, hit_id: ObjectId, payload: LicenseIn) -> dict[str, Any]:
    """The rights holder's reviewers only: the site's domain is allow-listed for the work."""
    hit = _reviewable(request, hit_id)
    hit, entry = actions.license_hit(
        api_actor(request),
        hit,
        licensee=payload.licensee,
        note=payload.note,
        valid_until=payload.valid_until,
    )
    return {"hit": _fresh(hit), "allow_list_entry": entry}


@router.post(
    f"{P}/hits/{{hit_id}}/reopen",
    response=responses(200, HitOut, 409),
    summary="Put a reviewed hit back in the queue",
)
def reopen_hit(request: HttpRequest, hit_id: ObjectId) -> Hit:
    hit = _reviewable(request, hit_id)
    return _fresh(actions.reopen_hit(api_actor(request), hit))


@router.post(
    f"{P}/hits/{{hit_id}}/recheck",
    response=responses(200, HitOut),
    summary="Check again whether a hit's copy is still online",
)
def recheck_hit(request: HttpRequest, hit_id: ObjectId) -> Hit:
    """Fetches the copy's address now (through the network guard) and answers the hit with
    ``online``, ``last_checked_at`` and ``detail.recheck`` updated."""
    hit = _reviewable(request, hit_id)
    return _fresh(actions.recheck_hit(api_actor(request), hit))


# ------------------------------------------------------------------ evidence


@router.get(
    f"{P}/hits/{{hit_id}}/evidence",
    response=responses(200, list[EvidenceOut]),
    summary="A hit's evidence captures",
)
def list_evidence(request: HttpRequest, hit_id: ObjectId) -> list[Evidence]:
    hit, _ = access.get_hit_for_user(api_user(request), hit_id)
    return list(hit.evidence.order_by("-requested_at", "-pk"))


@router.post(
    f"{P}/hits/{{hit_id}}/evidence",
    response=responses(202, EvidenceOut, 409),
    summary="Capture evidence of a hit",
)
def request_evidence(request: HttpRequest, hit_id: ObjectId) -> Status[Evidence]:
    """Queued (202); a capture already pending is returned instead of a second one."""
    from copyguard.monitoring.evidence.actions import capture_evidence

    hit, _ = access.get_hit_for_user(
        api_user(request),
        hit_id,
        write=True,
        permission=MonitoringPermission.CAPTURE_EVIDENCE,
    )
    return Status(202, capture_evidence(api_actor(request), hit))


@router.get(
    f"{P}/evidence/{{evidence_id}}", response=responses(200, EvidenceOut), summary="One capture"
)
def get_evidence(request: HttpRequest, evidence_id: ObjectId) -> Evidence:
    evidence, _ = access.get_evidence_for_user(api_user(request), evidence_id)
    return evidence


@router.get(
    f"{P}/evidence/{{evidence_id}}/bundle",
    response={**ERROR_RESPONSES, 409: ErrorOut},
    summary="Download an evidence bundle (zip)",
    url_name="monitoring_evidence_bundle",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The bundle; verify it offline with copyguard ledger verify.",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_bundle(request: HttpRequest, evidence_id: ObjectId) -> FileResponse:
    from copyguard.monitoring.evidence.bundle import bundle_path

    evidence, _ = access.get_evidence_for_user(api_user(request), evidence_id)
    path = bundle_path(evidence)
    if not evidence.is_ready() or not path.is_file():
        raise ApiError(
            409,
            MonitoringErrorCode.WRONG_STATUS,
            gettext("The evidence has not been captured (yet)."),
        )
    response = FileResponse(path.open("rb"), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{path.name}"'
    if evidence.bundle_sha256:
        response["X-Content-SHA256"] = evidence.bundle_sha256
    return response


# ------------------------------------------------------------------ allow-list


@router.get(
    f"{P}/allow-list", response=responses(200, list[AllowListOut]), summary="Allow-list entries"
)
@paginate(PageNumberPagination)
def list_allow_list(
    request: HttpRequest, owner: FilterId | None = None
) -> QuerySet[AllowListEntry]:
    entries = access.allow_list_visible_to(api_user(request))
    if owner:
        entries = entries.filter(owner_id=owner)
    return entries.order_by("owner_id", "domain", "pk")


def _own_work(owner: Organisation, work_id: int | None) -> Work | None:
    if work_id is None:
        return None
    work = Work.objects.filter(pk=work_id, owner=owner).first()
    if work is None:
        raise invalid("work_id", gettext("The work must be one of the rights holder's own."))
    return work


@router.post(
    f"{P}/allow-list", response=responses(201, AllowListOut), summary="Add an allow-list entry"
)
def add_allow_list_entry(request: HttpRequest, payload: AllowListIn) -> Status[AllowListEntry]:
    """The rights holder's reviewers. Copies on the domain (and names under it) of the work,
    or of all its works, are not hits while the entry is valid."""
    owner, _ = access.get_monitoring_organisation_for_user(
        api_user(request),
        payload.owner_id,
        permission=MonitoringPermission.REVIEW_HITS,
        write=True,
    )
    entry = actions.add_allow_list_entry(
        api_actor(request),
        owner,
        domain=payload.domain,
        work=_own_work(owner, payload.work_id),
        licensee=payload.licensee,
        note=payload.note,
        valid_until=payload.valid_until,
    )
    return Status(201, entry)


@router.patch(
    f"{P}/allow-list/{{entry_id}}",
    response=responses(200, AllowListOut),
    summary="Change an allow-list entry",
)
def update_allow_list_entry(
    request: HttpRequest, entry_id: ObjectId, payload: AllowListPatch
) -> AllowListEntry:
    entry, _ = access.get_allow_list_entry_for_user(api_user(request), entry_id, write=True)
    changes = payload.model_dump(exclude_unset=True)
    return actions.update_allow_list_entry(api_actor(request), entry, **changes)


@router.delete(
    f"{P}/allow-list/{{entry_id}}",
    response=responses(204, None),
    summary="Remove an allow-list entry",
)
def remove_allow_list_entry(request: HttpRequest, entry_id: ObjectId) -> Status[None]:
    entry, _ = access.get_allow_list_entry_for_user(api_user(request), entry_id, write=True)
    actions.remove_allow_list_entry(api_actor(request), entry)
    return Status(204, None)


# ------------------------------------------------------------------ key works


@router.get(f"{P}/key-works", response=responses(200, list[KeyWorkOut]), summary="Key works")
@paginate(PageNumberPagination)
def list_key_works(
    request: HttpRequest, active_on: IsoDate | None = None, work: FilterId | None = None
) -> QuerySet[KeyWork]:
    """Administrations see their watchlist; rights holders see their works on any."""
    key_works = access.key_works_visible_to(api_user(request))
    if active_on:
        key_works = key_works.filter(starts_on__lte=active_on, ends_on__gte=active_on)
    if work:
        key_works = key_works.filter(work_id=work)
    return key_works.order_by("-starts_on", "-pk")


@router.post(f"{P}/key-works", response=responses(201, KeyWorkOut), summary="Mark a key work")
def add_key_work(request: HttpRequest, payload: KeyWorkIn) -> Status[KeyWork]:
    """Administrations' officers, for any registered work."""
    administration, _ = access.get_monitoring_organisation_for_user(
        api_user(request),
        payload.administration_id,
        permission=MonitoringPermission.MANAGE_WATCHLIST,
        write=True,
    )
    work = (
        Work.objects.filter(pk=payload.work_id, registrations__status=RegistrationStatus.REGISTERED)
        .distinct()
        .first()
    )
    if work is None:
        raise invalid("work_id", gettext("No registered work has this id."))
    key_work = actions.add_key_work(
        api_actor(request),
        administration,
        work,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        reason=payload.reason,
    )
    return Status(201, key_work)


@router.patch(
    f"{P}/key-works/{{key_work_id}}",
    response=responses(200, KeyWorkOut),
    summary="Change a key work's period or reason",
)
def update_key_work(request: HttpRequest, key_work_id: ObjectId, payload: KeyWorkPatch) -> KeyWork:
    key_work, _ = access.get_key_work_for_user(api_user(request), key_work_id, write=True)
    return actions.update_key_work(
        api_actor(request),
        key_work,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        reason=payload.reason,
    )


@router.delete(
    f"{P}/key-works/{{key_work_id}}", response=responses(204, None), summary="Remove a key work"
)
def remove_key_work(request: HttpRequest, key_work_id: ObjectId) -> Status[None]:
    key_work, _ = access.get_key_work_for_user(api_user(request), key_work_id, write=True)
    actions.remove_key_work(api_actor(request), key_work)
    return Status(204, None)


# ------------------------------------------------------------------ notifications


@router.get(
    f"{P}/notifications",
    response=responses(200, list[NotificationOut]),
    summary="My notifications",
)
@paginate(PageNumberPagination)
def list_notifications(request: HttpRequest, unread: bool = False) -> QuerySet[Notification]:
    notifications = access.notifications_visible_to(api_user(request))
    if unread:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-pk")


@router.post(
    f"{P}/notifications/{{notification_id}}/read",
    response=responses(200, NotificationOut),
    summary="Mark a notification read",
)
def read_notification(request: HttpRequest, notification_id: ObjectId) -> Notification:
    notification, _ = access.get_notification_for_user(api_user(request), notification_id)
    return actions.mark_read(notification)


@router.post(
    f"{P}/notifications/read-all",
    response=responses(200, dict[str, int]),
    summary="Mark all my notifications read",
)
def read_all_notifications(request: HttpRequest) -> dict[str, int]:
    return {"marked": actions.mark_all_read(api_user(request))}
