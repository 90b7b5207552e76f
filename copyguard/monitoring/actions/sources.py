"""Creating, changing, disabling and enabling sources.

A source's settings are validated by its kind (``sources.get_kind(kind).clean_config``).
Only administrations run campaign-wide sources (scope ``all``) or override robots.txt,
and an override needs a reason, which is recorded with the source and in the audit log.
An upload feed names the platform that pushes into it and is never scheduled.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.monitoring.actions.common import invalid
from copyguard.monitoring.enums import (
    SCHEDULE_SECONDS,
    MonitoringErrorCode,
    Schedule,
    SourceKind,
    SourceScope,
)
from copyguard.monitoring.models import Source

__all__ = ["create_source", "next_run_after", "set_source_enabled", "update_source"]

SOURCE_OWNER_KINDS = frozenset({OrganisationKind.RIGHTS_HOLDER, OrganisationKind.ADMINISTRATION})
EDITABLE = (
    "name",
    "config",
    "scope",
    "schedule",
    "obey_robots",
    "robots_override_reason",
    "auto_evidence_score",
    "platform",
)


def next_run_after(schedule: str, now: datetime) -> datetime | None:
    """When a source on ``schedule`` runs next, counting from ``now`` (None: by hand)."""
    seconds = SCHEDULE_SECONDS.get(schedule)
    return None if seconds is None else now + timedelta(seconds=seconds)


def _clean(owner: Organisation, fields: dict[str, Any]) -> dict[str, Any]:
    """Validated and normalised source fields, or an ActionError naming the field."""
    from copyguard.monitoring.sources import SOURCE_KINDS, get_kind

    kind = fields["kind"]
    if kind not in SOURCE_KINDS:
        raise ActionError(MonitoringErrorCode.INVALID, _("Unknown kind of source."), field="kind")
    name = str(fields.get("name") or "").strip()
    if not name:
        raise ActionError(MonitoringErrorCode.INVALID, _("Give the source a name."), field="name")
    if len(name) > 200:
        raise ActionError(
            MonitoringErrorCode.INVALID, _("Keep the name under 200 characters."), field="name"
        )
    try:
        config = get_kind(kind).clean_config(fields.get("config") or {})
    except ValidationError as exc:
        raise invalid(exc, "config.", MonitoringErrorCode.INVALID_CONFIG) from exc
    is_administration = owner.kind == OrganisationKind.ADMINISTRATION
    scope = fields.get("scope") or SourceScope.OWN
    if scope not in SourceScope.values:
        raise ActionError(MonitoringErrorCode.INVALID, _("Unknown scope."), field="scope")
    if scope == SourceScope.ALL and not is_administration:
        raise ActionError(
            MonitoringErrorCode.SCOPE,
            _("Only an administration may run a campaign-wide source."),
            field="scope",
        )
    schedule = fields.get("schedule") or Schedule.MANUAL
    if schedule not in Schedule.values:
        raise ActionError(MonitoringErrorCode.INVALID, _("Unknown schedule."), field="schedule")
    obey_robots = bool(fields.get("obey_robots", True))
    reason = str(fields.get("robots_override_reason") or "").strip()
    if obey_robots:
        reason = ""
    else:
        if not is_administration:
            raise ActionError(
                MonitoringErrorCode.ROBOTS_OVERRIDE,
                _("Only an administration may override robots.txt."),
                field="obey_robots",
            )
        if not reason:
            raise ActionError(
                MonitoringErrorCode.REASON_REQUIRED,
                _("Say why this campaign ignores robots.txt."),
                field="robots_override_reason",
            )
    score = fields.get("auto_evidence_score")
    if score is not None:
        try:
            score = float(score)
        except (TypeError, ValueError):
            score = -1.0
        if not 0.0 <= score <= 1.0:
            raise ActionError(
                MonitoringErrorCode.INVALID,
                _("Give a score from 0 to 1, or leave it empty."),
                field="auto_evidence_score",
            )
    platform = fields.get("platform")
    if kind == SourceKind.UPLOAD:
        if not isinstance(platform, Organisation) or platform.kind != OrganisationKind.PLATFORM:
            raise ActionError(
                MonitoringErrorCode.INVALID,
                _("Name the platform that pushes uploads into this feed."),
                field="platform",
            )
        schedule = Schedule.MANUAL
    elif platform is not None:
        raise ActionError(
            MonitoringErrorCode.INVALID,
            _("Only upload feeds name a platform."),
            field="platform",
        )
    return {
        "name": name,
        "kind": kind,
        "config": config,
        "scope": scope,
        "schedule": schedule,
        "obey_robots": obey_robots,
        "robots_override_reason": reason,
        "auto_evidence_score": score,
        "platform": platform,
    }


def _summary(source: Source) -> dict[str, Any]:
    return {
        "kind": source.kind,
        "scope": source.scope,
        "schedule": source.schedule,
        "obey_robots": source.obey_robots,
        "robots_override_reason": source.robots_override_reason,
        "platform": source.platform_id,
    }


@transaction.atomic
def create_source(
    actor: Actor,
    owner: Organisation,
    *,
    name: str,
    kind: str,
    config: dict[str, Any] | None = None,
    scope: str = SourceScope.OWN,
    schedule: str = Schedule.MANUAL,
    obey_robots: bool = True,
    robots_override_reason: str = "",
    auto_evidence_score: float | None = None,
    platform: Organisation | None = None,
) -> Source:
    """A new source of ``owner`` (a rights holder or an administration). A scheduled
    source is due at once: the next scheduler tick queues its first run."""
    if owner.kind not in SOURCE_OWNER_KINDS or not owner.is_active:
        raise ActionError(
            MonitoringErrorCode.FORBIDDEN,
            _("Only rights holders and copyright administrations watch sources."),
            status=403,
        )
    cleaned = _clean(
        owner,
        {
            "name": name,
            "kind": kind,
            "config": config,
            "scope": scope,
            "schedule": schedule,
            "obey_robots": obey_robots,
            "robots_override_reason": robots_override_reason,
            "auto_evidence_score": auto_evidence_score,
            "platform": platform,
        },
    )
    now = timezone.now()
    source = Source.objects.create(
        owner=owner,
        created_by=actor.user,
        next_run_at=now if cleaned["schedule"] != Schedule.MANUAL else None,
        **cleaned,
    )
    record(actor, "monitoring.source.create", source, organisation=owner, params=_summary(source))
    return source


@transaction.atomic
def update_source(actor: Actor, source: Source, **changes: Any) -> Source:
    """Change a source's name, settings, scope, schedule, robots.txt override, automatic
    evidence score or platform. Its kind and owner stay."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ActionError(
            MonitoringErrorCode.INVALID, _("This cannot be changed."), field=unknown[0]
        )
    source = Source.objects.select_for_update().get(pk=source.pk)
    fields = {name: getattr(source, name) for name in EDITABLE}
    fields["kind"] = source.kind
    fields.update(changes)
    cleaned = _clean(source.owner, fields)
    changed = sorted(
        name for name in EDITABLE if name in changes and cleaned[name] != getattr(source, name)
    )
    schedule_changed = cleaned["schedule"] != source.schedule
    for name, value in cleaned.items():
        setattr(source, name, value)
    if schedule_changed:
        source.next_run_at = timezone.now() if source.schedule != Schedule.MANUAL else None
    source.save()
    record(
        actor,
        "monitoring.source.update",
        source,
        organisation=source.owner,
        params={**_summary(source), "changed": changed},
    )
    return source


@transaction.atomic
def set_source_enabled(actor: Actor, source: Source, enabled: bool) -> Source:
    """Disable a source (its schedule pauses; a queued or running run is left to finish
    or be cancelled) or enable it again (a scheduled source is then due at once)."""
    source = Source.objects.select_for_update().get(pk=source.pk)
    if source.enabled == enabled:
        return source
    source.enabled = enabled
    source.next_run_at = timezone.now() if enabled and source.schedule != Schedule.MANUAL else None
    source.save(update_fields=["enabled", "next_run_at", "updated_at"])
    record(
        actor,
        "monitoring.source.enable" if enabled else "monitoring.source.disable",
        source,
        organisation=source.owner,
    )
    return source
