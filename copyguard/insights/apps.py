from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "copyguard.insights"
    label = "insights"
    verbose_name = _("Statistics and reports")

    def ready(self) -> None:
        from copyguard.insights.navigation import register_entries

        register_entries()
