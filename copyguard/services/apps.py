from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "copyguard.services"
    label = "services"
    verbose_name = _("Service requests")

    def ready(self) -> None:
        from copyguard.services.navigation import register_entries

        register_entries()
