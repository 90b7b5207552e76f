from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OwnershipConfig(AppConfig):
    name = "copyguard.works.ownership"
    label = "ownership"
    verbose_name = _("Ownership records")

    def ready(self) -> None:
        from copyguard.front import navigation as nav

        def sees_records(ctx: nav.NavContext) -> bool:
            return nav.rights_holder_member(ctx) or nav.examines_works(ctx)

        nav.register(
            nav.NavEntry(
                "ownership",
                "ownership:index",
                _("Ownership records"),
                sees_records,
                order=27,
                group=nav.REGISTRY,
            )
        )
