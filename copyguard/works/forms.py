"""Forms of the works registry's pages. They validate input; the actions change state."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.errors import ActionError
from copyguard.works.enums import AuthorKind, RegistrationStatus, WorkCategory
from copyguard.works.models import SoftwareDetails, Work

__all__ = [
    "ApproveForm",
    "AuthorFormSet",
    "DepositForm",
    "QueueFilterForm",
    "ReasonForm",
    "ReturnForm",
    "ShareFormSet",
    "SoftwareForm",
    "UploadForm",
    "WorkFilterForm",
    "WorkForm",
    "shares_error",
]


class ActionErrorMixin:
    """Show an action's refusal next to the field it names (or above the form)."""

    def add_action_error(self, error: ActionError) -> None:
        form: forms.BaseForm = self  # type: ignore[assignment]
        field = (error.field or "").split(".")[-1]
        form.add_error(field if field in form.fields else None, str(error.message))


class WorkForm(ActionErrorMixin, forms.ModelForm):
    class Meta:
        model = Work
        fields = [
            "title",
            "category",
            "rights_obtained",
            "completed_on",
            "completed_place",
            "publication_status",
            "first_published_on",
            "first_published_place",
            "originality_statement",
        ]
        widgets = {
            "completed_on": forms.DateInput(attrs={"type": "date"}),
            "first_published_on": forms.DateInput(attrs={"type": "date"}),
            "originality_statement": forms.Textarea(attrs={"rows": 4}),
        }


class AuthorForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AuthorKind.choices, initial=AuthorKind.PERSON)
    real_name = forms.CharField(label=_("Real name"), max_length=200)
    pen_name = forms.CharField(label=_("Pen name"), max_length=200, required=False)


class ShareForm(forms.Form):
    holder_name = forms.CharField(label=_("Rights holder"), max_length=200)
    share = forms.DecimalField(
        label=_("Share (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
    )


class _SharesFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        total = sum(
            (
                f.cleaned_data["share"]
                for f in self.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ),
            Decimal(0),
        )
        if total != Decimal(100):
            raise forms.ValidationError(shares_error(total))


def shares_error(total: Decimal) -> str:
    return str(
        _("The rights holders' shares add up to %(total)s %%, not 100 %%.") % {"total": total}
    )


AuthorFormSet = forms.formset_factory(
    AuthorForm, extra=1, can_delete=True, max_num=200, validate_max=True
)
ShareFormSet = forms.formset_factory(
    ShareForm,
    formset=_SharesFormSet,
    extra=1,
    can_delete=True,
    min_num=1,
    validate_min=True,
    max_num=200,
    validate_max=True,
)


class SoftwareForm(ActionErrorMixin, forms.ModelForm):
    class Meta:
        model = SoftwareDetails
        fields = [
            "name",
            "version",
            "development_mode",
            "programming_language",
            "lines_of_code",
            "hardware_environment",
            "software_environment",
            "main_features",
        ]
        widgets = {
            "hardware_environment": forms.Textarea(attrs={"rows": 2}),
            "software_environment": forms.Textarea(attrs={"rows": 2}),
            "main_features": forms.Textarea(attrs={"rows": 3}),
        }


class UploadForm(ActionErrorMixin, forms.Form):
    file = forms.FileField(label=_("File"))


class DepositForm(ActionErrorMixin, forms.Form):
    """Which deposited pages to black out (the action enforces at most half)."""

    redact_pages = forms.TypedMultipleChoiceField(
        label=_("Pages to black out"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, pages: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["redact_pages"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(n, str(n)) for n in pages]


class ReasonForm(ActionErrorMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(ActionErrorMixin, forms.Form):
    reasons = forms.CharField(
        label=_("What the applicant must correct"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApproveForm(ActionErrorMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for approving despite conflicts"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WorkFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *RegistrationStatus.choices],
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=200)


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Waiting or under examination")), *RegistrationStatus.choices[1:]],
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("Any category")), *WorkCategory.choices],
    )
    region = forms.RegexField(
        label=_("Region code"), regex=r"^\d{2,6}$", required=False, max_length=6
    )
    conflict = forms.ChoiceField(
        label=_("Conflicts"),
        required=False,
        choices=[("", _("Either")), ("yes", _("With conflicts")), ("no", _("Without conflicts"))],
    )
    submitted_from = forms.DateField(
        label=_("Submitted from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    submitted_to = forms.DateField(
        label=_("Submitted until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
