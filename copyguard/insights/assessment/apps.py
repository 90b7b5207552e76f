from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "copyguard.insights.assessment"
    label = "assessment"
    verbose_name = _("Regional assessment")

    def ready(self) -> None:
        from copyguard.insights.assessment.navigation import register_entries

        register_entries()
