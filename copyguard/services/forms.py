"""Forms of the service-request pages (the actions check everything again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation, User
from copyguard.services import files
from copyguard.services.actions import requests as actions
from copyguard.services.actions.routing import NOTE_MAX
from copyguard.services.enums import RequestKind, RequestStatus
from copyguard.uploads import MultipleFileField

__all__ = [
    "AssignForm",
    "CloseForm",
    "FilterForm",
    "MessageForm",
    "RateForm",
    "RequestForm",
    "RuleForm",
    "WithdrawForm",
]


class ActionErrorForm(forms.Form):
    FIELD_NAMES: dict[str, str] = {"files": "attachments"}

    def add_action_error(self, error: ActionError) -> None:
        field = (error.field or "").split(".")[-1]
        field = self.FIELD_NAMES.get(field, field)
        self.add_error(field if field in self.fields else None, str(error.message))


def _files_help() -> str:
    return str(
        _(
            "PDF, pictures, plain text, Word, Excel or PowerPoint: up to %(count)d files of "
            "%(mb)s MB each."
        )
    ) % {"count": files.max_files(), "mb": f"{files.max_bytes() / (1024 * 1024):.3g}"}


class RequestForm(ActionErrorForm):
    enterprise = forms.TypedChoiceField(label=_("Enterprise"), coerce=int)
    kind = forms.ChoiceField(label=_("What do you need?"), choices=RequestKind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=actions.SUBJECT_MAX)
    description = forms.CharField(
        label=_("Description"),
        max_length=actions.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, what you need, and any deadline you face."),
    )
    region_code = forms.CharField(
        label=_("Region code"),
        required=False,
        max_length=6,
        help_text=_("Only when the enterprise has no region on record: six digits, e.g. 440705."),
    )
    attachments = MultipleFileField(label=_("Files"), required=False)

    def __init__(self, *args: Any, enterprises: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["enterprise"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(o.pk, o.name) for o in enterprises]
        self.enterprises = {o.pk: o for o in enterprises}
        self.fields["attachments"].help_text = _files_help()
        if len(enterprises) == 1:
            field.widget = forms.HiddenInput()
            self.initial["enterprise"] = enterprises[0].pk


class MessageForm(ActionErrorForm):
    body = forms.CharField(
        label=_("Message"), max_length=actions.BODY_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = MultipleFileField(label=_("Files"), required=False)
    answer = forms.BooleanField(
        label=_("This is the answer to the request"),
        required=False,
        help_text=_("The request becomes answered; the enterprise may then close and rate it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _files_help()


class AssignForm(ActionErrorForm):
    officer = forms.TypedChoiceField(label=_("Liaison officer"), coerce=int, required=False)

    def __init__(self, *args: Any, officers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["officer"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("Automatic: the officer with the fewest open requests")),
            *((u.pk, f"{u} <{u.email}>" if u.full_name else u.email) for u in officers),
        ]
        self.officers = {u.pk: u for u in officers}


class CloseForm(ActionErrorForm):
    note = forms.CharField(
        label=_("Closing note"),
        required=False,
        max_length=actions.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WithdrawForm(ActionErrorForm):
    reason = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        max_length=actions.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RateForm(ActionErrorForm):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[
            (5, _("5 — excellent")),
            (4, _("4 — good")),
            (3, _("3 — fair")),
            (2, _("2 — poor")),
            (1, _("1 — very poor")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=actions.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("open", pgettext_lazy("services", "Open")),
            *RequestStatus.choices,
        ],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *RequestKind.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)


class RuleForm(ActionErrorForm):
    station = forms.TypedChoiceField(label=_("Receiving station"), coerce=int)
    region_prefix = forms.CharField(
        label=_("Region prefix"),
        max_length=6,
        help_text=_("The first 2 to 6 digits of the enterprises' region codes, e.g. 4407."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Request kinds"),
        required=False,
        choices=RequestKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind."),
    )
    priority = forms.IntegerField(
        label=_("Priority"),
        initial=100,
        min_value=0,
        max_value=1000,
        help_text=_("Among the rules that match, the highest priority wins."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX)

    def __init__(self, *args: Any, stations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["station"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (o.pk, f"{o.name} ({o.region_code})" if o.region_code else o.name) for o in stations
        ]
        self.stations = {o.pk: o for o in stations}
