from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "copyguard.services.awards"
    label = "awards"
    verbose_name = _("Model units")

    def ready(self) -> None:
        from copyguard.services.awards.navigation import register_entries

        register_entries()
