from __future__ import annotations

import re

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


class ProjectFormRenderer(TemplatesSetting):
    form_template_name = "front/forms/form.html"
    field_template_name = "front/forms/field.html"


# <GB/T 2260 region>-<year>-<type letter>-<8 digits>, e.g. 440700-2026-A-00000123.
REGISTRATION_NUMBER_RE = re.compile(r"^\d{6}-\d{4}-[A-Z]-\d{8}$", re.ASCII)


class VerifyCertificateForm(forms.Form):
    number = forms.CharField(
        label=_("Registration number"),
        max_length=40,
        help_text=_("As printed on the certificate, for example 440700-2026-A-00000123."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "inputmode": "text",
                "placeholder": "440700-2026-A-00000123",
            }
        ),
    )

    def clean_number(self) -> str:
        # People copy numbers from PDFs: tolerate surrounding spaces and a lower-case letter.
        number = self.cleaned_data["number"].strip().upper()
        if not REGISTRATION_NUMBER_RE.fullmatch(number):
            raise forms.ValidationError(
                _(
                    "A registration number looks like 440700-2026-A-00000123: six digits of "
                    "region, four of year, one capital letter for the type of work and eight "
                    "digits."
                ),
                code="invalid",
            )
        return number


class SwitchOrganisationForm(forms.Form):
    org_id = forms.IntegerField(min_value=1)
