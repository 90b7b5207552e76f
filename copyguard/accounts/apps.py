from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "copyguard.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from copyguard.accounts import throttle

        # Failed sign-ins count towards the limits whichever page they came from.
        user_login_failed.connect(throttle.on_login_failed, dispatch_uid="copyguard-throttle")
        user_logged_in.connect(throttle.on_logged_in, dispatch_uid="copyguard-throttle")
