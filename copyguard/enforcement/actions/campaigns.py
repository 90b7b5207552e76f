"""Special campaigns: an administration's action over a period against online piracy.

The organiser sets the period, the target works and sites, the monitoring sources crawled
for it and the bureaus taking part; it starts (planned → active) and closes it (active →
closed). Cases and notices are attached to it; sites and apps shut down are recorded as
closures. What it achieved is computed from those records (``copyguard.enforcement.tallies``):
nothing here stores a figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts import audit
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.models import Organisation
from copyguard.enforcement.access.cases import case_permissions
from copyguard.enforcement.access.common import permissions_in
from copyguard.enforcement.actions.common import case_event, forbidden, invalid, wrong_status
from copyguard.enforcement.enums import CampaignStatus, ClosureKind, EnforcementPermission
from copyguard.enforcement.models import Campaign, Case, Notice, SiteClosure
from copyguard.monitoring.access import sources_visible_to
from copyguard.monitoring.actions.common import registrable_domain
from copyguard.monitoring.models import Site, Source
from copyguard.works.models import Work

__all__ = [
    "attach_case",
    "attach_notice",
    "close_campaign",
    "create_campaign",
    "delete_closure",
    "detach_case",
    "detach_notice",
    "record_closure",
    "start_campaign",
    "update_campaign",
]

MANAGE_CAMPAIGNS = EnforcementPermission.MANAGE_CAMPAIGNS.value
MANAGE_CASES = EnforcementPermission.MANAGE_CASES.value
SEND_NOTICES = EnforcementPermission.SEND_NOTICES.value


def _require(actor: Actor, organisation: Organisation, permission: str = MANAGE_CAMPAIGNS) -> None:
    user = actor.user
    if user is None or user.is_superuser:
        return
    if permission not in permissions_in(user, [organisation.pk]):
        raise forbidden(
            _("Your role in %(organisation)s does not allow this.")
            % {"organisation": organisation.name}
        )


def _bureaus(campaign: Campaign) -> set[int]:
    return {campaign.administration_id, *campaign.participants.values_list("pk", flat=True)}


def _open(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.CLOSED:
        raise wrong_status(campaign.get_status_display())


# ------------------------------------------------------------------ the campaign itself


def _text(value: str | None, field: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise invalid(_("This field is required."), field)
    if len(value) > limit:
        raise invalid(
            _("At most %(limit)s characters.") % {"limit": limit},
            field,
        )
    return value


def _period(starts_on: Any, ends_on: Any) -> tuple[date, date]:
    if not isinstance(starts_on, date):
        raise invalid(_("Enter the first day."), "starts_on")
    if not isinstance(ends_on, date):
        raise invalid(_("Enter the last day."), "ends_on")
    if ends_on < starts_on:
        raise invalid(_("The campaign cannot end before it starts."), "ends_on")
    return starts_on, ends_on


def _sites(domains: Iterable[str | Site], field: str = "sites") -> list[Site]:
    sites: list[Site] = []
    for entry in domains:
        if isinstance(entry, Site):
            sites.append(entry)
            continue
        text = (entry or "").strip()
        if not text:
            continue
        domain = registrable_domain(text)
        if not domain or "." not in domain or len(domain) > 253 or " " in domain:
            raise invalid(_("“%(site)s” is not a web address or domain.") % {"site": text}, field)
        site, _created = Site.objects.get_or_create(domain=domain)
        sites.append(site)
    return sites


def _sources(actor: Actor, organiser: Organisation, sources: Iterable[Source]) -> list[Source]:
    chosen = list(sources)
    if not chosen:
        return chosen
    user = actor.user
    if user is not None:
        allowed = set(
            sources_visible_to(user)
            .filter(pk__in=[s.pk for s in chosen])
            .values_list("pk", flat=True)
        )
    else:
        allowed = {s.pk for s in chosen if s.owner_id == organiser.pk}
    for source in chosen:
        if source.pk not in allowed:
            raise invalid(
                _("You may not use the source “%(source)s”.") % {"source": source.name}, "sources"
            )
    return chosen


def _participants(organiser: Organisation, bureaus: Iterable[Organisation]) -> list[Organisation]:
    chosen = list(bureaus)
    for bureau in chosen:
        if bureau.kind != OrganisationKind.ADMINISTRATION or not bureau.is_active:
            raise invalid(
                _("“%(name)s” is not a copyright administration.") % {"name": bureau.name},
                "participants",
            )
        if bureau.pk == organiser.pk:
            raise invalid(_("The organiser takes part already."), "participants")
    return chosen


def _targets(
    actor: Actor,
    organiser: Organisation,
    *,
    works: Iterable[Work] | None,
    sites: Iterable[str | Site] | None,
    sources: Iterable[Source] | None,
    participants: Iterable[Organisation] | None,
) -> dict[str, list[Any]]:
    """Validated many-to-many targets (only those given)."""
    chosen: dict[str, list[Any]] = {}
    if works is not None:
        chosen["works"] = list(works)
    if sites is not None:
        chosen["sites"] = _sites(sites)
    if sources is not None:
        chosen["sources"] = _sources(actor, organiser, sources)
    if participants is not None:
        chosen["participants"] = _participants(organiser, participants)
    return chosen


def create_campaign(
    actor: Actor,
    administration: Organisation,
    *,
    name: str,
    starts_on: date,
    ends_on: date,
    name_en: str = "",
    description: str = "",
    works: Iterable[Work] = (),
    sites: Iterable[str | Site] = (),
    sources: Iterable[Source] = (),
    participants: Iterable[Organisation] = (),
) -> Campaign:
    _require(actor, administration)
    if administration.kind != OrganisationKind.ADMINISTRATION:
        raise invalid(_("Only a copyright administration runs a campaign."), "administration")
    fields = {
        "name": _text(name, "name", 200, required=True),
        "name_en": _text(name_en, "name_en", 200),
        "description": _text(description, "description", 20000),
    }
    starts_on, ends_on = _period(starts_on, ends_on)
    with transaction.atomic():
        targets = _targets(
            actor,
            administration,
            works=works,
            sites=sites,
            sources=sources,
            participants=participants,
        )
        campaign = Campaign.objects.create(
            administration=administration,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=actor.user,
            **fields,
        )
        for relation, objects in targets.items():
            getattr(campaign, relation).set(objects)
        audit.record(
            actor,
            "enforcement.campaign.create",
            campaign,
            organisation=administration,
            params={"starts_on": str(starts_on), "ends_on": str(ends_on)},
        )
    return campaign


def update_campaign(
    actor: Actor,
    campaign: Campaign,
    *,
    name: str | None = None,
    name_en: str | None = None,
    description: str | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    works: Iterable[Work] | None = None,
    sites: Iterable[str | Site] | None = None,
    sources: Iterable[Source] | None = None,
    participants: Iterable[Organisation] | None = None,
) -> Campaign:
    """Change what is given (None leaves a field as it is); not once closed."""
    _require(actor, campaign.administration)
    _open(campaign)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _text(name, "name", 200, required=True)
    if name_en is not None:
        changes["name_en"] = _text(name_en, "name_en", 200)
    if description is not None:
        changes["description"] = _text(description, "description", 20000)
    if starts_on is not None or ends_on is not None:
        changes["starts_on"], changes["ends_on"] = _period(
            starts_on if starts_on is not None else campaign.starts_on,
            ends_on if ends_on is not None else campaign.ends_on,
        )
    with transaction.atomic():
        targets = _targets(
            actor,
            campaign.administration,
            works=works,
            sites=sites,
            sources=sources,
            participants=participants,
        )
        for field, value in changes.items():
            setattr(campaign, field, value)
        if changes:
            campaign.save(update_fields=list(changes))
        for relation, objects in targets.items():
            getattr(campaign, relation).set(objects)
        audit.record(
            actor,
            "enforcement.campaign.update",
            campaign,
            organisation=campaign.administration,
            params={"fields": sorted([*changes, *targets])},
        )
    return campaign


def _set_status(actor: Actor, campaign: Campaign, new: str, allowed_from: str) -> Campaign:
    _require(actor, campaign.administration)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != allowed_from:
            raise wrong_status(campaign.get_status_display())
        campaign.status = new
        fields = ["status"]
        if new == CampaignStatus.CLOSED:
            campaign.closed_at = timezone.now()
            fields.append("closed_at")
        campaign.save(update_fields=fields)
        audit.record(
            actor,
            f"enforcement.campaign.{'start' if new == CampaignStatus.ACTIVE else 'close'}",
            campaign,
            organisation=campaign.administration,
        )
    return campaign


def start_campaign(actor: Actor, campaign: Campaign) -> Campaign:
    return _set_status(actor, campaign, CampaignStatus.ACTIVE, CampaignStatus.PLANNED)


def close_campaign(actor: Actor, campaign: Campaign) -> Campaign:
    return _set_status(actor, campaign, CampaignStatus.CLOSED, CampaignStatus.ACTIVE)


# ------------------------------------------------------------------ cases and notices


def _file(actor: Actor, campaign: Campaign, subject: Case | Notice, *, attach: bool) -> None:
    """Count ``subject`` (a case or a notice) in the campaign, or no longer: one audit event,
    and an entry on a case's timeline."""
    name = "case" if isinstance(subject, Case) else "notice"
    verb = "attach" if attach else "detach"
    with transaction.atomic():
        subject.campaign = campaign if attach else None
        subject.save(update_fields=["campaign"])
        if isinstance(subject, Case):
            case_event(
                subject,
                f"campaign_{verb}ed",
                actor,
                organisation=campaign.administration,
                campaign=campaign.pk,
                name=campaign.name,
            )
        audit.record(
            actor,
            f"enforcement.campaign.{verb}_{name}",
            campaign,
            organisation=campaign.administration,
            params={name: subject.pk},
        )


def _may_change_case(actor: Actor, campaign: Campaign, case: Case) -> None:
    user = actor.user
    if user is not None and MANAGE_CASES not in case_permissions(user, case):
        raise invalid(_("You may not change that case."), "case")
    handlers = {case.administration_id, *case.partners.values_list("pk", flat=True)}
    if not handlers & _bureaus(campaign):
        raise invalid(
            _("That case is handled by a bureau that does not take part in the campaign."),
            "case",
        )


def attach_case(actor: Actor, campaign: Campaign, case: Case) -> Case:
    """Count ``case`` in the campaign (a case belongs to at most one campaign)."""
    _open(campaign)
    _may_change_case(actor, campaign, case)
    if case.campaign_id == campaign.pk:
        return case
    if case.campaign_id is not None:
        raise invalid(_("That case already belongs to another campaign."), "case")
    _file(actor, campaign, case, attach=True)
    return case


def detach_case(actor: Actor, campaign: Campaign, case: Case) -> Case:
    _open(campaign)
    _may_change_case(actor, campaign, case)
    if case.campaign_id != campaign.pk:
        raise invalid(_("That case is not part of this campaign."), "case")
    _file(actor, campaign, case, attach=False)
    return case


def _may_change_notice(actor: Actor, campaign: Campaign, notice: Notice) -> None:
    user = actor.user
    if user is not None and SEND_NOTICES not in permissions_in(user, [notice.sender_id]):
        raise invalid(_("You may not change that notice."), "notice")
    if notice.sender_id not in _bureaus(campaign):
        raise invalid(
            _("That notice was sent by a bureau that does not take part in the campaign."),
            "notice",
        )


def attach_notice(actor: Actor, campaign: Campaign, notice: Notice) -> Notice:
    _open(campaign)
    _may_change_notice(actor, campaign, notice)
    if notice.campaign_id == campaign.pk:
        return notice
    if notice.campaign_id is not None:
        raise invalid(_("That notice already belongs to another campaign."), "notice")
    _file(actor, campaign, notice, attach=True)
    return notice


def detach_notice(actor: Actor, campaign: Campaign, notice: Notice) -> Notice:
    _open(campaign)
    _may_change_notice(actor, campaign, notice)
    if notice.campaign_id != campaign.pk:
        raise invalid(_("That notice is not part of this campaign."), "notice")
    _file(actor, campaign, notice, attach=False)
    return notice


# ------------------------------------------------------------------ closures


def record_closure(
    actor: Actor,
    campaign: Campaign,
    *,
    site: str | Site,
    kind: str,
    closed_on: date,
    app_name: str = "",
    case: Case | None = None,
    verified_offline: bool = False,
    note: str = "",
) -> SiteClosure:
    """A site or app shut down during the campaign (a fact about the site, entered by hand)."""
    _require(actor, campaign.administration)
    _open(campaign)
    if kind not in ClosureKind.values:
        raise invalid(_("Choose a website or an app."), "kind")
    app_name = _text(app_name, "app_name", 200)
    if kind == ClosureKind.APP and not app_name:
        raise invalid(_("Name the app taken down."), "app_name")
    note = _text(note, "note", 5000)
    if not isinstance(closed_on, date):
        raise invalid(_("Enter the day it was shut down."), "closed_on")
    if not campaign.starts_on <= closed_on <= campaign.ends_on:
        raise invalid(_("The day must fall within the campaign's period."), "closed_on")
    if closed_on > timezone.localdate():
        raise invalid(_("The day cannot be in the future."), "closed_on")
    if case is not None and case.campaign_id != campaign.pk:
        raise invalid(_("Attach the case to the campaign first."), "case")
    with transaction.atomic():
        found_sites = _sites([site], "site")
        if not found_sites:
            raise invalid(_("Enter the site's address or domain."), "site")
        found = found_sites[0]
        closure = SiteClosure.objects.create(
            campaign=campaign,
            kind=kind,
            site=found,
            app_name=app_name,
            case=case,
            closed_on=closed_on,
            verified_offline=bool(verified_offline),
            note=note,
            recorded_by=actor.user,
            administration=campaign.administration,
        )
        if case is not None:
            case_event(
                case,
                "site_closed",
                actor,
                organisation=campaign.administration,
                closure=closure.pk,
                site=found.domain,
                app=app_name,
            )
        audit.record(
            actor,
            "enforcement.campaign.closure",
            campaign,
            organisation=campaign.administration,
            params={"closure": closure.pk, "site": found.domain, "kind": kind},
        )
    return closure


def delete_closure(actor: Actor, closure: SiteClosure) -> None:
    """Remove a closure entered by mistake (not once the campaign is closed)."""
    campaign = closure.campaign
    if campaign is None:
        raise invalid(_("That closure belongs to no campaign."), "closure")
    _require(actor, campaign.administration)
    _open(campaign)
    with transaction.atomic():
        audit.record(
            actor,
            "enforcement.campaign.closure_delete",
            campaign,
            organisation=campaign.administration,
            params={"closure": closure.pk, "site": closure.site.domain},
        )
        closure.delete()
