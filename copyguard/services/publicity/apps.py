from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "copyguard.services.publicity"
    label = "publicity"
    verbose_name = _("Publicity and training")

    def ready(self) -> None:
        from copyguard.services.publicity.navigation import register_entries

        register_entries()
