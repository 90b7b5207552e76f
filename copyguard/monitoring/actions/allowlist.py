"""The rights holder's allow-list: licensees and domains whose copies are not hits."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.monitoring.actions.common import host_of
from copyguard.monitoring.enums import MonitoringErrorCode
from copyguard.monitoring.models import AllowListEntry
from copyguard.works.models import Work

__all__ = [
    "add_allow_list_entry",
    "clean_domain",
    "remove_allow_list_entry",
    "update_allow_list_entry",
]

_UNSET: Any = object()


def clean_domain(value: str) -> str:
    """A domain or host name from what was typed (an address is cut to its host)."""
    raw = (value or "").strip().lower()
    if "://" in raw:
        raw = host_of(raw)
    raw = raw.split("/")[0].rstrip(".")
    labels = raw.split(".")
    valid = (
        0 < len(raw) <= 253
        and all(labels)
        and all(
            len(label) <= 63 and label.replace("-", "").replace("_", "").isalnum()
            for label in labels
        )
    )
    if not valid:
        raise ActionError(
            MonitoringErrorCode.INVALID,
            _("Give a domain name such as example.com."),
            field="domain",
        )
    return raw


def _check_work(owner: Organisation, work: Work | None) -> None:
    if work is not None and work.owner_id != owner.pk:
        raise ActionError(
            MonitoringErrorCode.INVALID,
            _("The work must be one of the rights holder's own."),
            field="work",
        )


def _params(entry: AllowListEntry) -> dict[str, Any]:
    return {
        "domain": entry.domain,
        "work": entry.work_id,
        "licensee": entry.licensee,
        "valid_until": entry.valid_until.isoformat() if entry.valid_until else None,
    }


@transaction.atomic
def add_allow_list_entry(
    actor: Actor,
    owner: Organisation,
    *,
    domain: str,
    work: Work | None = None,
    licensee: str = "",
    note: str = "",
    valid_until: date | None = None,
) -> AllowListEntry:
    """Authorise ``domain`` (and the names under it) for one work of ``owner``, or for all
    of them when ``work`` is None."""
    if owner.kind != OrganisationKind.RIGHTS_HOLDER:
        raise ActionError(
            MonitoringErrorCode.INVALID,
            _("Only rights holders keep an allow-list."),
            status=403,
        )
    _check_work(owner, work)
    entry = AllowListEntry.objects.create(
        owner=owner,
        work=work,
        domain=clean_domain(domain),
        licensee=(licensee or "").strip()[:200],
        note=(note or "").strip(),
        valid_until=valid_until,
        created_by=actor.user,
    )
    record(actor, "monitoring.allow_list.add", entry, organisation=owner, params=_params(entry))
    return entry


@transaction.atomic
def update_allow_list_entry(
    actor: Actor,
    entry: AllowListEntry,
    *,
    domain: str | None = None,
    work: Work | None = _UNSET,
    licensee: str | None = None,
    note: str | None = None,
    valid_until: date | None = _UNSET,
) -> AllowListEntry:
    entry = (
        AllowListEntry.objects.select_for_update(of=("self",))
        .select_related("owner")
        .get(pk=entry.pk)
    )
    if domain is not None:
        entry.domain = clean_domain(domain)
    if work is not _UNSET:
        _check_work(entry.owner, work)
        entry.work = work
    if licensee is not None:
        entry.licensee = licensee.strip()[:200]
    if note is not None:
        entry.note = note.strip()
    if valid_until is not _UNSET:
        entry.valid_until = valid_until
    entry.save()
    record(
        actor,
        "monitoring.allow_list.update",
        entry,
        organisation=entry.owner,
        params=_params(entry),
    )
    return entry


@transaction.atomic
def remove_allow_list_entry(actor: Actor, entry: AllowListEntry) -> None:
    """Remove an entry: copies on its domain are hits again from the next scan on."""
    entry = (
        AllowListEntry.objects.select_for_update(of=("self",))
        .select_related("owner")
        .get(pk=entry.pk)
    )
    record(
        actor,
        "monitoring.allow_list.remove",
        entry,
        organisation=entry.owner,
        params=_params(entry),
    )
    entry.delete()
