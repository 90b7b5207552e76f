"""`copyguard createtoken`: an API token for a user, with the scope it needs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import TokenScope
from copyguard.accounts.errors import ActionError
from copyguard.accounts.management.commands.createorg import action_error_text
from copyguard.accounts.models import User
from copyguard.cli import OneLineErrorsMixin


class Command(OneLineErrorsMixin, BaseCommand):
    # Django shows command help untranslated, like its own commands' output.
    help = (
        "Create an API token for a user and print it (once: only its hash is kept). "
        "The scope is read (safe methods only) unless --scope says scan or write."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help=_("E-mail address of the user."))
        parser.add_argument("--name", required=True, help=_("What the token is for."))
        parser.add_argument(
            "--scope",
            choices=TokenScope.values,
            default=TokenScope.READ,
            help=_(
                "read: safe methods only; scan: the scan API only; write: everything the "
                "user may do (default: %(default)s)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = str(options["email"]).strip().lower()
        user = User.objects.filter(email=email, is_active=True).first()
        if user is None:
            raise CommandError(
                _("--email: no active user has the address %(email)s.") % {"email": email},
                returncode=2,
            )
        try:
            token, key = actions.create_api_token(
                Actor.system(via="cli"), user, options["name"], options["scope"]
            )
        except ActionError as error:
            raise CommandError(action_error_text(error), returncode=2) from None
        self.stderr.write(
            _("Token “%(name)s” (%(scope)s) for %(email)s; it is not shown again:")
            % {"name": token.name, "scope": token.scope, "email": user.email}
        )
        self.stdout.write(key)
