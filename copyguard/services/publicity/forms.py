"""Forms of the publicity pages; the actions check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copyguard.monitoring.forms import ActionErrorMixin
from copyguard.services.publicity.actions import articles, events, registrations
from copyguard.services.publicity.enums import ArticleKind, Audience

__all__ = ["ArticleForm", "AttachmentForm", "CancelEventForm", "EventForm", "RegistrationForm"]

MARKUP_HELP = _(
    "Paragraphs are separated by an empty line. ## starts a heading, - a list item; "
    "**bold**; [words](https://…) a link. HTML shows as typed."
)
MOMENT_FORMAT = "%Y-%m-%dT%H:%M"


def _moment(label: Any, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=[MOMENT_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=MOMENT_FORMAT),
    )


def _area(label: Any, limit: int, rows: int = 8, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        help_text=help_text,
        strip=False,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ArticleForm(ActionErrorMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ArticleKind.choices)
    title = forms.CharField(
        label=pgettext_lazy("publicity", "Title"), max_length=articles.TITLE_LIMIT, required=False
    )
    title_en = forms.CharField(
        label=_("Title in English"), max_length=articles.TITLE_LIMIT, required=False
    )
    summary = _area(pgettext_lazy("publicity", "Summary"), articles.SUMMARY_LIMIT, rows=3)
    summary_en = _area(_("Summary in English"), articles.SUMMARY_LIMIT, rows=3)
    body = _area(
        pgettext_lazy("publicity", "Text"), articles.BODY_LIMIT, rows=12, help_text=MARKUP_HELP
    )
    body_en = _area(_("Text in English"), articles.BODY_LIMIT, rows=12, help_text=MARKUP_HELP)


class AttachmentForm(ActionErrorMixin, forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word document (.docx) or picture (PNG, JPEG, GIF, WebP)."),
    )


class EventForm(ActionErrorMixin, forms.Form):
    title = forms.CharField(
        label=pgettext_lazy("publicity", "Title"), max_length=events.TITLE_LIMIT, required=False
    )
    title_en = forms.CharField(
        label=_("Title in English"), max_length=events.TITLE_LIMIT, required=False
    )
    description = _area(
        pgettext_lazy("publicity", "Description"), events.DESCRIPTION_LIMIT, help_text=MARKUP_HELP
    )
    description_en = _area(_("Description in English"), events.DESCRIPTION_LIMIT)
    starts_at = _moment(_("Starts"))
    ends_at = _moment(_("Ends"))
    place = forms.CharField(label=_("Place"), max_length=events.PLACE_LIMIT, required=False)
    online_url = forms.CharField(
        label=_("Online link"),
        max_length=500,
        required=False,
        help_text=_("For an online meeting; give the place, the link or both."),
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        required=False,
        min_value=1,
        max_value=events.CAPACITY_LIMIT,
        help_text=_("Empty: no limit. When the places are taken, people join a waiting list."),
    )
    registration_opens_at = _moment(_("Registration opens"), required=False)
    registration_closes_at = _moment(_("Registration closes"), required=False)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)


class CancelEventForm(ActionErrorMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"),
        max_length=events.REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RegistrationForm(ActionErrorMixin, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=registrations.NAME_LIMIT)
    organisation_name = forms.CharField(
        label=_("Organisation"), max_length=registrations.ORGANISATION_LIMIT, required=False
    )
    contact = forms.CharField(
        label=_("Phone or e-mail"),
        max_length=registrations.CONTACT_LIMIT,
        help_text=_("The organiser reaches you here if anything changes."),
    )
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    # Hidden from people; a bot filling every field fills it.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
