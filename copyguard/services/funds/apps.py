from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "copyguard.services.funds"
    label = "funds"
    verbose_name = _("Special support funds")

    def ready(self) -> None:
        from copyguard.services.funds.navigation import register_entries

        register_entries()
