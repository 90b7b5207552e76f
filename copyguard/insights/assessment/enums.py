"""Choices, permissions and error codes of the regional assessment."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SystemStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class Source(models.TextChoices):
    COMPUTED = "computed", _("Computed from copyguard's records")
    ENTERED = "entered", _("Entered by the city and reviewed")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open for submissions")
    COMPUTED = "computed", _("Computed")
    PUBLISHED = "published", pgettext_lazy("assessment", "Published")


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting review")
    ACCEPTED = "accepted", pgettext_lazy("assessment", "Accepted")
    REJECTED = "rejected", pgettext_lazy("assessment", "Rejected")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class AssessmentPermission(models.TextChoices):
    VIEW = "assessment.view", _("See assessment systems and rounds")
    MANAGE = (
        "assessment.manage",
        _("Edit indicator systems, open, compute and publish rounds, review submissions"),
    )
    SUBMIT = "assessment.submit", _("Submit a city's entered values")


class AssessmentErrorCode(models.TextChoices):
    INVALID = "invalid", _("Invalid input")
    FORBIDDEN = "forbidden", _("Not allowed")
    WRONG_STATUS = "wrong_status", _("Not possible in this status")
    INVALID_RULE = "invalid_rule", _("Malformed scoring rule")
    INVALID_SYSTEM = "invalid_system", _("The indicator system cannot be activated")
    DUPLICATE = "duplicate", _("Already exists")
    TOO_LARGE = "too_large", _("File too large")
    UNSUPPORTED_FILE = "unsupported_file", _("Unsupported file")


class Metric(models.TextChoices):
    """What copyguard computes from its own records, per city (region prefix) and year."""

    CASE_CLOSURE_RATE = "case_closure_rate", _("Case closure rate (closed / opened cases)")
    MEDIAN_TAKEDOWN_DAYS = "median_takedown_days", _("Median days from notice to takedown")
    CROSS_REGION_COOPERATION = "cross_region_cooperation", _("Cross-region cooperation requests")
    REGISTRATIONS_PER_10K = "registrations_per_10k", _("Copyright registrations per 10,000 people")
    TIPOFFS_ON_TIME = "tipoffs_on_time", _("Share of tip-offs triaged on time")
    POLICE_TRANSFERS = "police_transfers", _("Cases transferred to the police")
    CASES_OPENED = "cases_opened", _("Administrative cases opened")
