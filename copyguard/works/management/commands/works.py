"""`copyguard works`: register works from the command line; rebuild the registry's index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.accounts.errors import ActionError
from copyguard.accounts.management.commands.createorg import action_error_text
from copyguard.accounts.models import Membership, Organisation, User
from copyguard.cli import OneLineErrorsMixin
from copyguard.works import actions, registry_index
from copyguard.works.actions.drafts import AuthorData
from copyguard.works.checks import run_check
from copyguard.works.enums import RegistrationStatus, WorkCategory
from copyguard.works.models import Registration, WorkFile


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(OneLineErrorsMixin, BaseCommand):
    help = (
        "Works registry: `register` creates a work from files and submits it (or, with "
        "--approve and --as-registrar, registers it at once); `reindex` rebuilds the index "
        "of registered works' files (texts, pictures, sound, video) from the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{register,reindex}")
        register = sub.add_parser("register", help=_("Register a work from one or more files."))
        register.add_argument("files", nargs="+", metavar="FILE", help=_("The work's files."))
        register.add_argument(
            "--owner",
            required=True,
            help=_("The rights holder: its id, or its exact name."),
        )
        register.add_argument("--title", required=True, help=_("Title of the work."))
        register.add_argument(
            "--category",
            choices=WorkCategory.values,
            default=WorkCategory.WRITTEN,
            help=_("Category of the work (default: written)."),
        )
        register.add_argument(
            "--author",
            action="append",
            default=[],
            help=_("An author's real name (repeat for several; default: the rights holder)."),
        )
        register.add_argument(
            "--approve",
            action="store_true",
            help=_("Examine and approve at once, as the registrar named by --as-registrar."),
        )
        register.add_argument(
            "--as-registrar",
            metavar="EMAIL",
            help=_("E-mail of a registrar of a copyright administration (with --approve)."),
        )
        register.add_argument(
            "--reason",
            default="",
            help=_("Reason for approving despite a conflict (with --approve)."),
        )
        register.add_argument(
            "--json", action="store_true", help=_("Print one JSON object instead of a line.")
        )
        sub.add_parser(
            "reindex",
            help=_(
                "Rebuild the index of registered works' files (texts, pictures, sound and video)."
            ),
        )
        for child in (register, *sub.choices.values()):
            # Argument errors of the subcommand are one line too (resolved when called).
            child.error = lambda message: parser.error(message)  # type: ignore[method-assign]

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "reindex":
            files = WorkFile.objects.filter(
                work__registrations__status=RegistrationStatus.REGISTERED
            ).distinct()
            count = registry_index.rebuild(files)
            self.stdout.write(_("Indexed %(count)d files of registered works.") % {"count": count})
            return
        self._register(options)

    def _owner(self, value: str) -> Organisation:
        query = Q(name=value) | Q(name_en=value)
        if value.isdigit():
            query |= Q(pk=int(value))
        found = list(Organisation.objects.filter(query, kind=OrganisationKind.RIGHTS_HOLDER)[:2])
        if len(found) != 1:
            raise _fail(
                _("--owner: no single rights holder has the id or name %(value)s.")
                % {"value": value}
            )
        return found[0]

    def _registrar(self, email: str | None) -> tuple[User, Organisation]:
        if not email:
            raise _fail(_("--approve needs --as-registrar EMAIL."))
        membership = (
            Membership.objects.filter(
                user__email__iexact=email.strip(),
                user__is_active=True,
                role=Role.REGISTRAR,
                is_active=True,
                organisation__kind=OrganisationKind.ADMINISTRATION,
                organisation__is_active=True,
            )
            .select_related("user", "organisation")
            .order_by("organisation_id")
            .first()
        )
        if membership is None:
            raise _fail(
                _("--as-registrar: %(email)s is not a registrar of a copyright administration.")
                % {"email": email}
            )
        return membership.user, membership.organisation

    def _read(self, paths: list[str]) -> list[tuple[str, bytes]]:
        out = []
        for name in paths:
            path = Path(name)
            try:
                out.append((path.name, path.read_bytes()))
            except OSError as exc:
                raise _fail(f"{name}: {exc.strerror or exc}") from exc
        return out

    def _register(self, options: dict[str, Any]) -> None:
        owner = self._owner(options["owner"].strip())
        registrar = self._registrar(options["as_registrar"]) if options["approve"] else None
        if options["as_registrar"] and not options["approve"]:
            raise _fail(_("--as-registrar is used only with --approve."))
        files = self._read(options["files"])
        applicant = Actor.system(via="cli")
        authors: list[AuthorData] = [
            {"real_name": a.strip()} for a in options["author"] if a.strip()
        ] or [{"real_name": owner.name, "kind": "organisation"}]
        try:
            with transaction.atomic():
                work = actions.create_work(
                    applicant,
                    owner,
                    title=options["title"],
                    category=options["category"],
                    authors=authors,
                )
                for name, data in files:
                    actions.add_file(applicant, work, data, name)
                registration = work.current_registration
                assert registration is not None
                registration = actions.submit(applicant, registration, enqueue=registrar is None)
                if registrar is not None:
                    user, administration = registrar
                    run_check(registration.pk)
                    examiner = Actor(user=user, via="cli")
                    registration.refresh_from_db()
                    registration = actions.take_for_examination(
                        examiner, registration, administration
                    )
                    registration = actions.approve(
                        examiner, registration, administration, options["reason"]
                    )
        except ActionError as exc:
            raise _fail(action_error_text(exc)) from exc
        if registrar is not None:
            # The worker would do it too; done here so a script's next command sees it.
            registry_index.add_files(work.files.all())
        self._report(registration, options["json"])

    def _report(self, registration: Registration, as_json: bool) -> None:
        registration.refresh_from_db()
        work = registration.work
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "registration_number": registration.number,
                        "work_id": work.pk,
                        "registration_id": registration.pk,
                        "status": registration.status,
                        "owner_id": work.owner_id,
                        "title": work.title,
                        "conflicts": registration.conflicts.count(),
                        "files": [
                            {
                                "name": f.original_name,
                                "sha256": f.sha256,
                                "iscc": f.iscc_code,
                            }
                            for f in work.files.all()
                        ],
                    },
                    ensure_ascii=False,
                )
            )
            return
        if registration.number:
            self.stdout.write(
                _("Registered work %(id)s as %(number)s.")
                % {"id": work.pk, "number": registration.number}
            )
        else:
            self.stdout.write(
                _("Submitted work %(id)s (registration %(registration)s); a worker checks it.")
                % {"id": work.pk, "registration": registration.pk}
            )
