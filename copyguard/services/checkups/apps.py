from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckupsConfig(AppConfig):
    name = "copyguard.services.checkups"
    label = "checkups"
    verbose_name = _("Enterprise check-ups")

    def ready(self) -> None:
        from copyguard.services.checkups.navigation import register_entries

        register_entries()
