"""The objects that fill the routes' arguments, by sampler name (see matrix_world).

Each sampler gives its variants: "own" (an object tied to a home organisation) and, where
the demo has one, "other" (the same kind of object of an organisation no persona belongs
to). An object the demo lacks is "missing": an id nothing has, which everyone must get a
404 for (the matrix then checks only that nobody gets more than that, and no 500)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps

from tests.security.matrix_world import MISSING, Variant, World

__all__ = ["MISSING", "SAMPLES", "Sample", "variants_for"]


@dataclass(frozen=True)
class Sample:
    """Objects of ``model`` (app_label.Model) for a route's ``params``.

    ``own`` and ``other`` filter the model (organisation keys written ``@key`` become
    their ids); ``params`` maps each route parameter to the object's field that fills it;
    ``orgs`` maps a relation name to the field holding the organisation it names."""

    model: str
    params: dict[str, str]
    orgs: dict[str, str]
    own: dict[str, object] | None
    other: dict[str, object] | None = None
    fixed: dict[str, object] = field(default_factory=dict)
    # Relations the demo gives the chosen objects that no field holds (by demo key).
    extra: dict[str, str] = field(default_factory=dict)


def _resolve(world: World, filters: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, value in filters.items():
        if isinstance(value, str) and value.startswith("@"):
            out[name] = world.org(value[1:]).pk
        else:
            out[name] = value
    return out


def variants_for(world: World, sample: Sample | None, params: tuple[str, ...]) -> list[Variant]:
    if sample is None:
        if params:
            return [Variant("missing", dict.fromkeys(params, MISSING))]
        return [Variant("plain", {})]
    model = apps.get_model(sample.model)
    found: list[Variant] = []
    for label, filters in (("own", sample.own), ("other", sample.other)):
        if filters is None:
            continue
        obj = model._default_manager.filter(**_resolve(world, filters)).order_by("pk").first()
        if obj is None:
            continue
        values = model._default_manager.filter(pk=obj.pk).values(
            *sample.params.values(), *sample.orgs.values()
        )[0]
        kwargs = {param: values[f] for param, f in sample.params.items()}
        kwargs.update(sample.fixed)
        orgs = {rel: world.keys(values[f]) for rel, f in sample.orgs.items()}
        orgs.update({rel: frozenset({key}) for rel, key in sample.extra.items()})
        found.append(Variant(label, kwargs, orgs))
    if not found:
        return [Variant("missing", dict.fromkeys(params, MISSING) | dict(sample.fixed))]
    return found


def S(
    model: str,
    params: dict[str, str],
    orgs: dict[str, str],
    own: dict[str, object] | None,
    other: dict[str, object] | None = None,
    extra: dict[str, str] | None = None,
    **fixed: object,
) -> Sample:
    return Sample(model, params, orgs, own, other, fixed, extra or {})


_PT, _QX, _NB = "@pearl-tide", "@qiaoxiang", "@nanhu-books"
_JM, _FS = "@jm", "@fs"
# Where an organisation is tied to an object.
_WORK = {"owner": "owner_id", "examiner": "registrations__administration_id"}
_REG = {"owner": "work__owner_id", "examiner": "administration_id"}
_HIT = {"owner": "work__owner_id", "examiner": "work__registrations__administration_id"}
# The demo's transferred case (Jiangmen's, complained of by Pearl Tide Press, sent to the
# Jiangmen police): at early warning or above, so the procuratorate of its region sees it.
_CASE = {"owner": "administration_id", "complainant": "complainant_id"}
_TRANSFERRED = {"receiver": "jm-police", "region_procuratorate": "jm-procuratorate"}
# A notice's sender (owner) and the platform it was sent to.
_NOTICE = {"owner": "sender_id", "platform": "platform_id"}

SAMPLES: dict[str, Sample] = {
    # accounts
    "organisation": S("accounts.Organisation", {"org_id": "pk"}, {"org": "pk"}, {"pk": _PT}, {"pk": _QX}),
    "organisation_api": S("accounts.Organisation", {"organisation_id": "pk"}, {"org": "pk"}, {"pk": _PT}, {"pk": _QX}),
    "membership": S("accounts.Membership", {"org_id": "organisation_id", "membership_id": "pk"}, {"org": "organisation_id"}, {"organisation": _PT, "role": "viewer"}, {"organisation": _QX, "role": "viewer"}),
    "membership_api": S("accounts.Membership", {"membership_id": "pk"}, {"org": "organisation_id"}, {"organisation": _PT, "role": "viewer"}, {"organisation": _QX, "role": "viewer"}),
    "invitation": S("accounts.Invitation", {"org_id": "organisation_id", "invitation_id": "pk"}, {"org": "organisation_id"}, {"organisation": _PT}, {"organisation": _QX}),
    "invitation_api": S("accounts.Invitation", {"invitation_id": "pk"}, {"org": "organisation_id"}, {"organisation": _PT}, {"organisation": _QX}),
    # A token of a user who is no persona: only that user may revoke it.
    "token": S("accounts.ApiToken", {"token_id": "pk"}, {}, None, {"user__email__startswith": "owner@qiaoxiang"}),
    # works
    "work": S("works.Work", {"work_id": "pk"}, _WORK, {"owner": _PT}, {"owner": _QX}),
    "work_file": S("works.WorkFile", {"work_id": "work_id", "file_id": "pk"}, {"owner": "work__owner_id", "examiner": "work__registrations__administration_id"}, {"work__owner": _PT}, {"work__owner": _QX}),
    "registration": S("works.Registration", {"registration_id": "pk"}, _REG, {"work__owner": _PT, "status": "registered"}, {"work__owner": _QX, "status": "registered"}),
    # A submitted registration no administration has taken: every registrar may take it.
    "registration_submitted": S("works.Registration", {"registration_id": "pk"}, _REG, {"status": "submitted"}),
    "conflict": S("works.Conflict", {"conflict_id": "pk"}, {"owner": "registration__work__owner_id", "examiner": "registration__administration_id"}, {}),
    "certificate": S("certificates.Certificate", {"certificate_id": "pk"}, {"owner": "registration__work__owner_id", "examiner": "registration__administration_id"}, {"registration__work__owner": _PT}, {"registration__work__owner": _QX}),
    "ownership": S("ownership.OwnershipRecord", {"record_id": "pk"}, {"owner": "applicant_id", "counterparty": "counterparty_id", "examiner": "registration__administration_id"}, {"applicant": _PT}, {"applicant": _QX}),
    # monitoring
    "source": S("monitoring.Source", {"source_id": "pk"}, {"owner": "owner_id"}, {"owner": _PT}, {"owner": _JM}),
    "run": S("monitoring.CrawlRun", {"run_id": "pk"}, {"owner": "source__owner_id"}, {"source__owner": _PT}, {"source__owner": _JM}),
    "hit": S("monitoring.Hit", {"hit_id": "pk"}, _HIT, {"work__owner": _PT, "status": "new"}, {"work__owner": _NB}),
    "evidence": S("monitoring.Evidence", {"evidence_id": "pk"}, {"owner": "hit__work__owner_id", "examiner": "hit__work__registrations__administration_id"}, {"hit__work__owner": _PT}),
    "allow_entry": S("monitoring.AllowListEntry", {"entry_id": "pk"}, {"owner": "owner_id"}, {"owner": _PT}, {"owner": _QX}),
    "key_work": S("monitoring.KeyWork", {"key_work_id": "pk"}, {"owner": "administration_id", "holder": "work__owner_id"}, {"administration": _JM}, {"administration": _FS}),
    # Notifications are a user's own: one of a user who is no persona.
    "notification": S("monitoring.Notification", {"notification_id": "pk"}, {"owner": "organisation_id"}, None, {"organisation": _QX}),
    "scan": S("monitoring.UploadScan", {"scan_id": "pk"}, {"owner": "organisation_id"}, None),
    # enforcement: the notice of Pearl Tide Press to Bay Area Video that World.prepare sends,
    # its item, delivery and counter-notice (the demo has no tip-off file)
    "notice": S("enforcement.Notice", {"notice_id": "pk"}, _NOTICE, {"sender": _PT}),
    "notice_item": S("enforcement.NoticeItem", {"notice_id": "notice_id", "item_id": "pk"}, {"owner": "notice__sender_id", "platform": "notice__platform_id"}, {"notice__sender": _PT}),
    "delivery": S("enforcement.NoticeDelivery", {"notice_id": "notice_id", "delivery_id": "pk"}, {"owner": "notice__sender_id", "platform": "notice__platform_id"}, {"notice__sender": _PT}),
    "counter": S("enforcement.CounterNotice", {"counter_id": "pk"}, {"owner": "notice__sender_id", "platform": "notice__platform_id"}, {"notice__sender": _PT}),
    "tipoff": S("enforcement.TipOff", {"pk": "pk"}, {"owner": "administration_id"}, {"administration": _JM}),
    "tipoff_api": S("enforcement.TipOff", {"tip_off_id": "pk"}, {"owner": "administration_id"}, {"administration": _JM}),
    "tipoff_file": S("enforcement.TipOffFile", {"pk": "tip_off_id", "file_pk": "pk"}, {"owner": "tip_off__administration_id"}, None),
    # The open case of the home administration; another city's (Foshan's, closed).
    "case": S("enforcement.Case", {"pk": "pk"}, _CASE, {"administration": _JM, "status": "open"}, {"administration": _FS}),
    "case_id": S("enforcement.Case", {"case_id": "pk"}, _CASE, {"administration": _JM, "status": "open"}, {"administration": _FS}),
    "case_transferred": S("enforcement.Case", {"case_id": "pk"}, _CASE, {"administration": _JM, "status": "transferred"}, extra=_TRANSFERRED),
    "case_document": S("enforcement.CaseDocument", {"pk": "case_id", "document_pk": "pk"}, {"owner": "case__administration_id", "complainant": "case__complainant_id"}, {"case__administration": _JM, "case__status": "transferred"}, extra=_TRANSFERRED),
    "threshold": S("enforcement.ThresholdTable", {"pk": "pk"}, {}, {}),
    "threshold_api": S("enforcement.ThresholdTable", {"table_id": "pk"}, {}, {}),
    "transfer": S("enforcement.CaseTransfer", {"pk": "pk"}, {"owner": "from_agency_id", "receiver": "to_agency_id", "complainant": "case__complainant_id"}, {}, extra={"region_procuratorate": "jm-procuratorate"}),
    "transfer_api": S("enforcement.CaseTransfer", {"transfer_id": "pk"}, {"owner": "from_agency_id", "receiver": "to_agency_id", "complainant": "case__complainant_id"}, {}, extra={"region_procuratorate": "jm-procuratorate"}),
    # Two of Jiangmen's requests: to its district (Xinhui) and to Foshan.
    "cooperation": S("enforcement.Cooperation", {"pk": "pk"}, {"owner": "requester_id", "partner": "partner_id"}, {"requester": _JM, "partner": "@xinhui"}, {"requester": _JM, "partner": _FS}),
    "cooperation_api": S("enforcement.Cooperation", {"cooperation_id": "pk"}, {"owner": "requester_id", "partner": "partner_id"}, {"requester": _JM, "partner": "@xinhui"}, {"requester": _JM, "partner": _FS}),
    "campaign": S("enforcement.Campaign", {"pk": "pk"}, {"owner": "administration_id"}, {"administration": _JM}),
    "campaign_api": S("enforcement.Campaign", {"campaign_id": "pk"}, {"owner": "administration_id"}, {"administration": _JM}),
    "closure": S("enforcement.SiteClosure", {"pk": "campaign_id", "closure_pk": "pk"}, {"owner": "administration_id"}, {"administration": _JM}),
    # services (docs/services/): Nanhu Book Garden's requests to the Nanhu station; Qiaoxiang's
    # to the Jiangmen administration (which serves as station where none does).
    "request": S("services.ServiceRequest", {"pk": "pk"}, {"enterprise": "enterprise_id", "station": "station_id"}, {"station": "@nanhu-station"}, {"station": _JM}),
    "request_api": S("services.ServiceRequest", {"request_id": "pk"}, {"enterprise": "enterprise_id", "station": "station_id"}, {"station": "@nanhu-station"}, {"station": _JM}),
    "station_api": S("accounts.Organisation", {"station_id": "pk"}, {"station": "pk"}, {"pk": "@nanhu-station"}, {"pk": _JM}),
    "routing_rule": S("services.RoutingRule", {"pk": "pk"}, {"station": "station_id"}, {"station": "@nanhu-station"}, {"station": _JM}),
    "routing_rule_api": S("services.RoutingRule", {"rule_id": "pk"}, {"station": "station_id"}, {"station": "@nanhu-station"}, {"station": _JM}),
    # Qiaoxiang's check-ups: a submitted one is read by the administration of its region
    # (Jiangmen); a draft by the enterprise only.
    "checkup_submitted": S("checkups.CheckUp", {"checkup_id": "pk"}, {"enterprise": "enterprise_id"}, {"enterprise": _QX, "submitted_at__isnull": False}, extra={"region": "jm"}),
    "checkup_draft": S("checkups.CheckUp", {"checkup_id": "pk"}, {"enterprise": "enterprise_id"}, {"enterprise": _QX, "submitted_at__isnull": True}),
    # funds: Jiangmen's programme; Pearl Tide's and Qiaoxiang's applications to it.
    "programme": S("funds.FundProgramme", {"programme_id": "pk"}, {"administration": "administration_id"}, {"administration": _JM}),
    # Qiaoxiang's submitted application (its enterprise and the programme's administration
    # read it) and Pearl Tide's draft (the enterprise only: docs/services/funds.md).
    "application": S("funds.FundApplication", {"application_id": "pk"}, {"applicant": "applicant_id", "administration": "programme__administration_id"}, {"applicant": _QX}),
    "application_draft": S("funds.FundApplication", {"application_id": "pk"}, {"applicant": "applicant_id"}, {"applicant": _PT}),
    # publicity: Jiangmen's articles and event; Xinhui's event.
    "article": S("publicity.Article", {"pk": "pk"}, {"publisher": "publisher_id"}, {"publisher": _JM}),
    "article_api": S("publicity.Article", {"article_id": "pk"}, {"publisher": "publisher_id"}, {"publisher": _JM}),
    "attachment": S("publicity.ArticleAttachment", {"pk": "article_id", "file_pk": "pk"}, {"publisher": "article__publisher_id"}, {"article__publisher": _JM}),
    "attachment_api": S("publicity.ArticleAttachment", {"article_id": "article_id", "file_id": "pk"}, {"publisher": "article__publisher_id"}, {"article__publisher": _JM}),
    "event": S("publicity.TrainingEvent", {"pk": "pk"}, {"publisher": "organiser_id"}, {"organiser": _JM}, {"organiser": "@xinhui"}),
    "event_api": S("publicity.TrainingEvent", {"event_id": "pk"}, {"publisher": "organiser_id"}, {"organiser": _JM}, {"organiser": "@xinhui"}),
    "event_registration": S("publicity.EventRegistration", {"pk": "event_id", "registration_pk": "pk"}, {"publisher": "event__organiser_id"}, {"event__organiser": _JM}),
    "event_registration_api": S("publicity.EventRegistration", {"event_id": "event_id", "registration_id": "pk"}, {"publisher": "event__organiser_id"}, {"event__organiser": _JM}),
    # insights: Foshan's typical case (no home organisation's).
    "typical": S("typical.TypicalCase", {"pk": "pk"}, {"owner": "administration_id"}, None, {"administration": _FS}),
    "typical_api": S("typical.TypicalCase", {"typical_id": "pk"}, {"owner": "administration_id"}, None, {"administration": _FS}),
    # insights: a city's assessment report and history (Jiangmen's own; Foshan's), and the
    # model-unit nominations of Pearl Tide Press and of Jiangmen.
    "city_report": S("assessment.CityScore", {"pk": "round_id", "city": "city_id"}, {"city": "city_id"}, {"city": _JM}, {"city": _FS}),
    "city_report_api": S("assessment.CityScore", {"round_id": "round_id", "city_id": "city_id"}, {"city": "city_id"}, {"city": _JM}, {"city": _FS}),
    "city": S("accounts.Organisation", {"city": "pk"}, {"city": "pk"}, {"pk": _JM}, {"pk": _FS}),
    "nomination": S("awards.Nomination", {"pk": "pk"}, {"nominee": "nominee_id", "nominator": "nominator_id"}, {"nominee": _PT}, {"nominee": _JM}),
    "nomination_api": S("awards.Nomination", {"nomination_id": "pk"}, {"nominee": "nominee_id", "nominator": "nominator_id"}, {"nominee": _PT}, {"nominee": _JM}),
}  # fmt: skip
