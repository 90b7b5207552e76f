from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "copyguard.enforcement"
    label = "enforcement"
    verbose_name = _("Enforcement")

    def ready(self) -> None:
        from copyguard.enforcement.navigation import register_entries

        register_entries()
