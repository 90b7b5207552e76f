"""`copyguard createuser`: create an account, a member of an organisation, or a superuser."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import Role
from copyguard.accounts.errors import ActionError
from copyguard.accounts.management.commands.createorg import action_error_text
from copyguard.accounts.models import Organisation
from copyguard.cli import OneLineErrorsMixin


class Command(OneLineErrorsMixin, BaseCommand):
    # Django shows command help untranslated, like its own commands' output.
    help = (
        "Create a user with a verified e-mail address, optionally as a member of an "
        "organisation with a role, or as a platform superuser."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help=_("E-mail address (log-in)."))
        secret = parser.add_mutually_exclusive_group()
        secret.add_argument(
            "--password",
            help=_(
                "Password. Visible to other users of the machine; prefer --password-file "
                "or the prompt."
            ),
        )
        secret.add_argument(
            "--password-file",
            type=Path,
            help=_("Read the password from the first line of this file."),
        )
        parser.add_argument("--name", default="", help=_("Full name."))
        parser.add_argument(
            "--language",
            choices=[code for code, _label in settings.LANGUAGES],
            default="zh-hans",
            help=_("Interface language (default: %(default)s)."),
        )
        parser.add_argument(
            "--org", type=int, help=_("Id of the organisation to join (with --role).")
        )
        parser.add_argument(
            "--role",
            choices=Role.values,
            help=_("Role in the organisation given with --org."),
        )
        parser.add_argument(
            "--superuser",
            action="store_true",
            help=_("Platform superuser: may use the back office (Django admin)."),
        )

    def _password(self, options: dict[str, Any]) -> str:
        if options["password"] is not None:
            return str(options["password"])
        path: Path | None = options["password_file"]
        if path is not None:
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise CommandError(
                    _("--password-file: cannot read %(path)s: %(reason)s")
                    % {"path": path, "reason": exc.strerror or exc},
                    returncode=2,
                ) from exc
            if not lines or not lines[0]:
                raise CommandError(
                    _("--password-file: %(path)s is empty.") % {"path": path}, returncode=2
                )
            return lines[0]
        if not sys.stdin.isatty():
            raise CommandError(
                _("Give --password or --password-file (no terminal to ask for one)."),
                returncode=2,
            )
        first = getpass.getpass(_("Password: "))
        if first != getpass.getpass(_("Password (again): ")):
            raise CommandError(_("The passwords do not match."), returncode=2)
        return first

    def handle(self, *args: Any, **options: Any) -> None:
        org_id, role = options["org"], options["role"]
        if (org_id is None) != (role is None):
            raise CommandError(_("--org and --role go together."), returncode=2)
        organisation = None
        if org_id is not None:
            organisation = Organisation.objects.filter(pk=org_id).first()
            if organisation is None:
                raise CommandError(
                    _("--org: no organisation has id %(id)s.") % {"id": org_id}, returncode=2
                )
            if not organisation.role_allowed(role):
                allowed = ", ".join(organisation.roles())
                raise CommandError(
                    _("--role: a %(kind)s has the roles %(roles)s.")
                    % {"kind": organisation.get_kind_display(), "roles": allowed},
                    returncode=2,
                )
        password = self._password(options)
        actor = Actor.system(via="cli")
        try:
            with transaction.atomic():
                user = actions.create_user(
                    actor,
                    email=options["email"],
                    password=password,
                    full_name=options["name"].strip(),
                    language=options["language"],
                    verified=True,
                    is_superuser=options["superuser"],
                )
                if organisation is not None:
                    actions.add_member(actor, organisation, user, role)
        except ActionError as exc:
            raise CommandError(action_error_text(exc), returncode=2) from exc
        where = (
            _(" as %(role)s of %(org)s") % {"role": role, "org": organisation.name}
            if organisation is not None
            else ""
        )
        kind = _("superuser") if options["superuser"] else _("user")
        self.stdout.write(
            _("Created %(kind)s %(id)s: %(email)s%(where)s")
            % {"kind": kind, "id": user.pk, "email": user.email, "where": where}
        )
