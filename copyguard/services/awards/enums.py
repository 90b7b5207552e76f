"""Choices, permissions and error codes of model cities, units and parks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.TextChoices):
    CITY = "city", _("Model city")
    UNIT = "unit", _("Model unit")
    PARK = "park", _("Model park (base)")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("award round status", "Draft")
    OPEN = "open", _("Open for nominations")
    EVALUATING = "evaluating", _("Under evaluation")
    DECIDED = "decided", pgettext_lazy("awards", "Decided")


class Source(models.TextChoices):
    COMPUTED = "computed", _("Computed from copyguard's records")
    ENTERED = "entered", _("Entered with documents and reviewed")


class Metric(models.TextChoices):
    """What copyguard computes from its own records for a nominee and the round's year."""

    WORKS_REGISTERED = "works_registered", _("Works registered by the nominee")
    REGION_REGISTRATIONS = "region_registrations", _("Works registered in the nominee's region")
    CASES_CLOSED = "cases_closed", _("Cases closed by the administrations of the nominee's region")
    NOTICES_SENT = "notices_sent", _("Takedown notices sent by the nominee")
    TRAINING_EVENTS = "training_events", _("Training events held by the nominee or in its region")


class NominationStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    EVALUATING = "evaluating", _("Under evaluation")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    AWARDED = "awarded", _("Awarded")
    NOT_AWARDED = "not_awarded", _("Not awarded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ValueStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting review")
    ACCEPTED = "accepted", pgettext_lazy("awards", "Accepted")
    REJECTED = "rejected", pgettext_lazy("awards", "Rejected")


class AwardPermission(models.TextChoices):
    VIEW = "awards.view", _("See nomination rounds and nominations")
    MANAGE = "awards.manage", _("Organise rounds, evaluate nominations, review entered values")
    DECIDE = "awards.decide", _("Decide and revoke awards")
    NOMINATE = "awards.nominate", _("Nominate and submit entered values")


class AwardErrorCode(models.TextChoices):
    INVALID = "invalid", _("Invalid input")
    FORBIDDEN = "forbidden", _("Not allowed")
    WRONG_STATUS = "wrong_status", _("Not possible in this status")
    INVALID_RULE = "invalid_rule", _("Malformed scoring rule")
    DUPLICATE = "duplicate", _("Already exists")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    TOO_LARGE = "too_large", _("File too large")
    UNSUPPORTED_FILE = "unsupported_file", _("Unsupported file")
