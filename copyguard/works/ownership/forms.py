"""Forms of the ownership pages; the actions check the rules and name the wrong field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.forms import ActionErrorMixin
from copyguard.works.ownership.enums import CURRENCIES, AssignmentScope, EconomicRight, LicenceType

DATE = forms.DateInput(attrs={"type": "date"})


class AssignmentForm(ActionErrorMixin, forms.Form):
    assignee_name = forms.CharField(label=_("Assignee"), max_length=200, required=False)
    assignee_organisation_id = forms.IntegerField(
        label=_("Assignee's organisation number on this platform"),
        required=False,
        min_value=1,
        help_text=_("Needed when the applicant assigns everything it holds."),
    )
    scope = forms.ChoiceField(label=_("What is assigned"), choices=AssignmentScope.choices)
    share = forms.CharField(
        label=_("Share of the copyright (%)"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to assign all the applicant holds."),
    )
    rights = forms.MultipleChoiceField(
        label=_("Rights"),
        choices=EconomicRight.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only when the listed rights are assigned."),
    )
    pledgee_consent = forms.BooleanField(label=_("The pledgee consents"), required=False)
    pledgee_consent_note = forms.CharField(
        label=_("How the pledgee consented"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=_("Note"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LicenceForm(ActionErrorMixin, forms.Form):
    licensee_name = forms.CharField(label=_("Licensee"), max_length=200)
    licence_type = forms.ChoiceField(label=_("Type of licence"), choices=LicenceType.choices)
    territory = forms.CharField(
        label=_("Territory"),
        max_length=400,
        help_text=_("Country codes separated by commas (CN, HK, MO, …), or WORLD."),
    )
    starts_on = forms.DateField(label=_("Term starts"), widget=DATE)
    ends_on = forms.DateField(label=_("Term ends"), widget=DATE)
    rights = forms.MultipleChoiceField(
        label=_("Rights"), choices=EconomicRight.choices, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Note"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PledgeForm(ActionErrorMixin, forms.Form):
    pledgee_name = forms.CharField(label=_("Pledgee"), max_length=200)
    secured_amount = forms.CharField(label=_("Secured amount"), max_length=40)
    currency = forms.ChoiceField(label=_("Currency"), choices=[(c, c) for c in CURRENCIES])
    starts_on = forms.DateField(label=_("Term starts"), widget=DATE)
    ends_on = forms.DateField(label=_("Term ends"), widget=DATE)
    note = forms.CharField(
        label=_("Note"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(ActionErrorMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to refuse; the applicant reads it."),
    )


class ReleaseForm(ActionErrorMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
