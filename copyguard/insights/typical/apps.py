from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TypicalCasesConfig(AppConfig):
    name = "copyguard.insights.typical"
    label = "typical"
    verbose_name = _("Typical cases")

    def ready(self) -> None:
        from copyguard.insights.typical.navigation import register_entries

        register_entries()
