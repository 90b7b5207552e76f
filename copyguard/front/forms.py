from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class ProjectFormRenderer(TemplatesSetting):
    form_template_name = "front/forms/form.html"
    field_template_name = "front/forms/field.html"
