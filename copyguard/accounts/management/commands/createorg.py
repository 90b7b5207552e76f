"""`copyguard createorg`: create an organisation from the command line."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, RightsHolderType
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.cli import OneLineErrorsMixin


def action_error_text(exc: ActionError) -> str:
    """One line for a refused action: the field it is about, then why."""
    if exc.field and exc.field != NON_FIELD_ERRORS:
        return f"{exc.field}: {exc.message}"
    return str(exc.message)


class Command(OneLineErrorsMixin, BaseCommand):
    # Django shows command help untranslated, like its own commands' output.
    help = (
        "Create an organisation: a copyright administration (with level and region), a "
        "public security bureau, procuratorate, court, rights holder, online platform or "
        "service station."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help=_("Name, usually in Chinese."))
        parser.add_argument(
            "--kind",
            required=True,
            choices=OrganisationKind.values,
            help=_("Kind of organisation."),
        )
        parser.add_argument(
            "--level",
            choices=AdministrationLevel.values,
            default="",
            help=_("Level of a copyright administration."),
        )
        parser.add_argument(
            "--region",
            default="",
            help=_("GB/T 2260 region code, six digits (e.g. 440700)."),
        )
        parent = parser.add_mutually_exclusive_group()
        parent.add_argument("--parent-id", type=int, help=_("Id of the parent organisation."))
        parent.add_argument(
            "--parent-region",
            help=_("Region code of the parent: the organisation of the same kind with that code."),
        )
        parser.add_argument("--name-en", default="", help=_("Name in English."))
        parser.add_argument(
            "--type",
            dest="rights_holder_type",
            choices=RightsHolderType.values,
            default="",
            help=_("Kind of rights holder (rights holders only)."),
        )
        parser.add_argument("--contact-email", default="", help=_("Contact e-mail address."))

    def _parent(self, kind: str, parent_id: int | None, parent_region: str | None) -> Any:
        if parent_id is not None:
            parent = Organisation.objects.filter(pk=parent_id).first()
            if parent is None:
                raise CommandError(
                    _("--parent-id: no organisation has id %(id)s.") % {"id": parent_id},
                    returncode=2,
                )
            return parent
        if parent_region:
            candidates = list(Organisation.objects.filter(kind=kind, region_code=parent_region))
            if len(candidates) != 1:
                raise CommandError(
                    _(
                        "--parent-region: %(count)d organisations of this kind have region "
                        "code %(code)s; use --parent-id."
                    )
                    % {"count": len(candidates), "code": parent_region},
                    returncode=2,
                )
            return candidates[0]
        return None

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        parent = self._parent(kind, options["parent_id"], options["parent_region"])
        try:
            organisation = actions.create_organisation(
                Actor.system(via="cli"),
                name=options["name"].strip(),
                name_en=options["name_en"].strip(),
                kind=kind,
                level=options["level"],
                region_code=options["region"].strip(),
                rights_holder_type=options["rights_holder_type"],
                parent=parent,
                contact_email=options["contact_email"].strip(),
            )
        except ActionError as exc:
            raise CommandError(action_error_text(exc), returncode=2) from exc
        details = ", ".join(
            part
            for part in (
                str(organisation.get_kind_display()),
                str(organisation.get_level_display()) if organisation.level else "",
                organisation.region_code,
                _("parent %(id)s") % {"id": parent.pk} if parent else "",
            )
            if part
        )
        self.stdout.write(
            _("Created organisation %(id)s: %(name)s (%(details)s)")
            % {"id": organisation.pk, "name": organisation.name, "details": details}
        )
