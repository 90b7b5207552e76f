"""API of special campaigns: the campaigns, their status, the cases and notices attached,
the closures recorded, and the figures computed from those records.

Every route goes through ``access.campaigns``: 404 for anyone outside the organising and
participating bureaus, 403 for those who see the campaign but may not change it; the
actions in ``actions.campaigns`` do the work.
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.models import Organisation
from copyguard.apiutil import (
    ObjectId,
    PageNumberPagination,
    StrictInput,
    api_actor,
    api_user,
    invalid,
    responses,
)
from copyguard.enforcement.access import campaigns as access
from copyguard.enforcement.access.cases import get_case_for_user
from copyguard.enforcement.access.common import (
    VIEW,
    get_enforcement_organisation_for_user,
    get_object,
    permissions_in,
)
from copyguard.enforcement.actions import campaigns as actions
from copyguard.enforcement.enums import CampaignStatus, ClosureKind
from copyguard.enforcement.models import Campaign, Case, Notice, SiteClosure
from copyguard.enforcement.tallies import campaign_tallies
from copyguard.monitoring.models import Source
from copyguard.works.models import Work

router = Router(tags=["enforcement: campaigns"])

P = "/campaigns"
TEXT = 20000


class CampaignOut(Schema):
    id: int
    administration_id: int
    administration_name: str
    name: str
    name_en: str
    description: str
    starts_on: date
    ends_on: date
    status: str
    work_ids: list[int]
    sites: list[str]
    source_ids: list[int]
    participant_ids: list[int]
    created_by_id: int | None
    created_at: datetime
    closed_at: datetime | None

    @staticmethod
    def resolve_administration_name(obj: Campaign) -> str:
        return obj.administration.name

    @staticmethod
    def resolve_work_ids(obj: Campaign) -> list[int]:
        return sorted(obj.works.values_list("pk", flat=True))

    @staticmethod
    def resolve_sites(obj: Campaign) -> list[str]:
        return sorted(obj.sites.values_list("domain", flat=True))

    @staticmethod
    def resolve_source_ids(obj: Campaign) -> list[int]:
        return sorted(obj.sources.values_list("pk", flat=True))

    @staticmethod
    def resolve_participant_ids(obj: Campaign) -> list[int]:
        return sorted(obj.participants.values_list("pk", flat=True))


class CampaignIn(StrictInput):
    administration_id: int = Field(..., ge=1, description="The organising administration")
    name: str = Field(..., min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    description: str = Field("", max_length=TEXT)
    starts_on: date
    ends_on: date
    work_ids: list[int] = Field(default_factory=list, max_length=1000)
    sites: list[str] = Field(
        default_factory=list, max_length=1000, description="Domains or addresses"
    )
    source_ids: list[int] = Field(
        default_factory=list, max_length=200, description="Monitoring sources you may see"
    )
    participant_ids: list[int] = Field(
        default_factory=list, max_length=200, description="Other administrations taking part"
    )


class CampaignPatch(StrictInput):
    name: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=TEXT)
    starts_on: date | None = None
    ends_on: date | None = None
    work_ids: list[int] | None = Field(None, max_length=1000)
    sites: list[str] | None = Field(None, max_length=1000)
    source_ids: list[int] | None = Field(None, max_length=200)
    participant_ids: list[int] | None = Field(None, max_length=200)


class CaseIn(StrictInput):
    case_id: int = Field(..., ge=1)


class NoticeIn(StrictInput):
    notice_id: int = Field(..., ge=1)


class ClosureIn(StrictInput):
    site: str = Field(..., min_length=1, max_length=2000, description="Domain or address")
    kind: ClosureKind
    closed_on: date
    app_name: str = Field("", max_length=200)
    case_id: int | None = Field(None, ge=1, description="A case of the campaign")
    verified_offline: bool = False
    note: str = Field("", max_length=5000)


class ClosureOut(Schema):
    id: int
    campaign_id: int | None
    kind: str
    site: str
    app_name: str
    case_id: int | None
    closed_on: date
    verified_offline: bool
    note: str
    recorded_by_id: int | None
    recorded_at: datetime

    @staticmethod
    def resolve_site(obj: SiteClosure) -> str:
        return obj.site.domain


class AttachedOut(Schema):
    campaign_id: int
    case_ids: list[int]
    notice_ids: list[int]


class TalliesOut(Schema):
    campaign_id: int
    starts_on: date
    ends_on: date
    cases: int
    cases_by_status: dict[str, int]
    criminal_transfers: int
    links_removed: int
    links_confirmed_gone: int
    sites_shut: int
    apps_shut: int
    closures_checked_offline: int
    fines: Decimal
    confiscated_gains: Decimal
    hits_found: int


def _ids(model: Any, ids: list[int] | None, field: str) -> list[Any] | None:
    if ids is None:
        return None
    objects = list(model.objects.filter(pk__in=ids))
    if len(objects) != len(set(ids)):
        raise invalid(field, gettext("Some of these do not exist."))
    return objects


def _participants(ids: list[int] | None) -> list[Organisation] | None:
    return _ids(Organisation, ids, "participant_ids")


def _campaign(request: HttpRequest, campaign_id: int, *, write: bool = False) -> Campaign:
    campaign, _ = access.get_campaign_for_user(api_user(request), campaign_id, write=write)
    return campaign


def _fresh(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_related("administration").get(pk=campaign.pk)


def _contributor(request: HttpRequest, campaign_id: int) -> Campaign:
    campaign = _campaign(request, campaign_id)
    if not access.may_contribute(api_user(request), campaign):
        raise PermissionDenied(gettext("Your role does not allow attaching to this campaign."))
    return campaign


def _attached(campaign: Campaign) -> dict[str, Any]:
    return {
        "campaign_id": campaign.pk,
        "case_ids": sorted(campaign.cases.values_list("pk", flat=True)),
        "notice_ids": sorted(campaign.notices.values_list("pk", flat=True)),
    }


@router.get(P, response=responses(200, list[CampaignOut]), summary="Campaigns I may see")
@paginate(PageNumberPagination)
def list_campaigns(
    request: HttpRequest, status: CampaignStatus | None = None
) -> QuerySet[Campaign]:
    """Campaigns of my bureaus, as organiser or participant."""
    campaigns = access.campaigns_visible_to(api_user(request)).select_related("administration")
    if status:
        campaigns = campaigns.filter(status=status)
    return campaigns.order_by("-starts_on", "-id")


@router.post(P, response=responses(201, CampaignOut), summary="Create a campaign")
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Status[Campaign]:
    """Members of the organising administration who run campaigns. Figures are never
    entered: they are computed from the records (``GET …/tallies``)."""
    organiser, _ = get_enforcement_organisation_for_user(
        api_user(request),
        payload.administration_id,
        permission=access.MANAGE_CAMPAIGNS,
        write=True,
    )
    if organiser.kind != OrganisationKind.ADMINISTRATION:
        raise invalid("administration_id", gettext("Only a copyright administration runs one."))
    campaign = actions.create_campaign(
        api_actor(request),
        organiser,
        name=payload.name,
        name_en=payload.name_en,
        description=payload.description,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        works=_ids(Work, payload.work_ids, "work_ids") or [],
        sites=payload.sites,
        sources=_ids(Source, payload.source_ids, "source_ids") or [],
        participants=_participants(payload.participant_ids) or [],
    )
    return Status(201, _fresh(campaign))


@router.get(f"{P}/{{campaign_id}}", response=responses(200, CampaignOut), summary="One campaign")
def get_campaign(request: HttpRequest, campaign_id: ObjectId) -> Campaign:
    return _campaign(request, campaign_id)


@router.patch(
    f"{P}/{{campaign_id}}",
    response=responses(200, CampaignOut, 409),
    summary="Change a campaign (not once closed)",
)
def update_campaign(
    request: HttpRequest, campaign_id: ObjectId, payload: CampaignPatch
) -> Campaign:
    campaign = _campaign(request, campaign_id, write=True)
    changes = payload.model_dump(exclude_unset=True)
    for name in ("name", "starts_on", "ends_on"):
        if name in changes and changes[name] is None:
            raise invalid(name, gettext("This field may not be empty."))
    actions.update_campaign(
        api_actor(request),
        campaign,
        name=changes.get("name"),
        name_en=changes.get("name_en"),
        description=changes.get("description"),
        starts_on=changes.get("starts_on"),
        ends_on=changes.get("ends_on"),
        works=_ids(Work, changes.get("work_ids"), "work_ids"),
        sites=changes.get("sites"),
        sources=_ids(Source, changes.get("source_ids"), "source_ids"),
        participants=_participants(changes.get("participant_ids")),
    )
    return _fresh(campaign)


@router.post(
    f"{P}/{{campaign_id}}/start",
    response=responses(200, CampaignOut, 409),
    summary="Start a planned campaign",
)
def start(request: HttpRequest, campaign_id: ObjectId) -> Campaign:
    campaign = _campaign(request, campaign_id, write=True)
    return actions.start_campaign(api_actor(request), campaign)


@router.post(
    f"{P}/{{campaign_id}}/close",
    response=responses(200, CampaignOut, 409),
    summary="Close a campaign under way",
)
def close(request: HttpRequest, campaign_id: ObjectId) -> Campaign:
    campaign = _campaign(request, campaign_id, write=True)
    return actions.close_campaign(api_actor(request), campaign)


@router.get(
    f"{P}/{{campaign_id}}/tallies",
    response=responses(200, TalliesOut),
    summary="What the campaign achieved, computed from the records",
)
def tallies(request: HttpRequest, campaign_id: ObjectId) -> dict[str, Any]:
    campaign = _campaign(request, campaign_id)
    figures = campaign_tallies(campaign)
    return {
        "campaign_id": campaign.pk,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        **{
            name: getattr(figures, name)
            for name in TalliesOut.model_fields
            if hasattr(figures, name)
        },
    }


@router.get(
    f"{P}/{{campaign_id}}/attached",
    response=responses(200, AttachedOut),
    summary="Cases and notices attached to the campaign",
)
def attached(request: HttpRequest, campaign_id: ObjectId) -> dict[str, Any]:
    """Ids only; each case and notice is read through its own route and access rules."""
    return _attached(_campaign(request, campaign_id))


def _case(request: HttpRequest, case_id: int) -> Case:
    case, _ = get_case_for_user(api_user(request), case_id)
    return case


@router.post(
    f"{P}/{{campaign_id}}/cases",
    response=responses(200, AttachedOut, 409),
    summary="Attach a case",
)
def attach_case(request: HttpRequest, campaign_id: ObjectId, payload: CaseIn) -> dict[str, Any]:
    """A case of the organiser or a participating bureau that the caller handles."""
    campaign = _contributor(request, campaign_id)
    actions.attach_case(api_actor(request), campaign, _case(request, payload.case_id))
    return _attached(campaign)


@router.delete(
    f"{P}/{{campaign_id}}/cases/{{case_id}}",
    response=responses(200, AttachedOut, 409),
    summary="Detach a case",
)
def detach_case(request: HttpRequest, campaign_id: ObjectId, case_id: ObjectId) -> dict[str, Any]:
    campaign = _contributor(request, campaign_id)
    actions.detach_case(api_actor(request), campaign, _case(request, case_id))
    return _attached(campaign)


def _notice(request: HttpRequest, notice_id: int) -> Notice:
    notice = get_object(Notice, notice_id, gettext("No such notice"))
    if VIEW not in permissions_in(api_user(request), [notice.sender_id]):
        raise Http404(gettext("No such notice"))
    return notice


@router.post(
    f"{P}/{{campaign_id}}/notices",
    response=responses(200, AttachedOut, 409),
    summary="Attach a notice",
)
def attach_notice(request: HttpRequest, campaign_id: ObjectId, payload: NoticeIn) -> dict[str, Any]:
    """A notice sent by the organiser or a participating bureau."""
    campaign = _contributor(request, campaign_id)
    actions.attach_notice(api_actor(request), campaign, _notice(request, payload.notice_id))
    return _attached(campaign)


@router.delete(
    f"{P}/{{campaign_id}}/notices/{{notice_id}}",
    response=responses(200, AttachedOut, 409),
    summary="Detach a notice",
)
def detach_notice(
    request: HttpRequest, campaign_id: ObjectId, notice_id: ObjectId
) -> dict[str, Any]:
    campaign = _contributor(request, campaign_id)
    actions.detach_notice(api_actor(request), campaign, _notice(request, notice_id))
    return _attached(campaign)


@router.get(
    f"{P}/{{campaign_id}}/closures",
    response=responses(200, list[ClosureOut]),
    summary="Sites and apps shut down in the campaign",
)
def list_closures(request: HttpRequest, campaign_id: ObjectId) -> QuerySet[SiteClosure]:
    campaign = _campaign(request, campaign_id)
    return campaign.closures.select_related("site").order_by("closed_on", "id")


@router.post(
    f"{P}/{{campaign_id}}/closures",
    response=responses(201, ClosureOut, 409),
    summary="Record a site or app shut down",
)
def record_closure(
    request: HttpRequest, campaign_id: ObjectId, payload: ClosureIn
) -> Status[SiteClosure]:
    """A fact about a site, entered by hand: the day must fall within the campaign's period
    and the case, if any, must be attached to the campaign."""
    campaign = _campaign(request, campaign_id, write=True)
    case = None
    if payload.case_id is not None:
        case = Case.objects.filter(pk=payload.case_id, campaign=campaign).first()
        if case is None:
            raise invalid("case_id", gettext("Attach the case to the campaign first."))
    closure = actions.record_closure(
        api_actor(request),
        campaign,
        site=payload.site,
        kind=payload.kind,
        closed_on=payload.closed_on,
        app_name=payload.app_name,
        case=case,
        verified_offline=payload.verified_offline,
        note=payload.note,
    )
    return Status(201, closure)


@router.delete(
    f"{P}/{{campaign_id}}/closures/{{closure_id}}",
    response=responses(204, None, 409),
    summary="Remove a closure entered by mistake",
)
def delete_closure(
    request: HttpRequest, campaign_id: ObjectId, closure_id: ObjectId
) -> Status[None]:
    user = api_user(request)
    campaign = _campaign(request, campaign_id, write=True)
    closure, _ = access.get_closure_for_user(user, campaign, closure_id, write=True)
    actions.delete_closure(api_actor(request), closure)
    return Status(204, None)
