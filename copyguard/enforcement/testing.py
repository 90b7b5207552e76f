"""Personas and objects shared by the enforcement tests (STYLE 9).

``make_enforcement_world()`` extends monitoring's world (Alpha Press and its registered work,
Foshan's bureau under Guangdong's, Jiangmen's bureau, Beta Books whose owner is the outsider,
a platform) with the criminal-justice agencies of two regions — Foshan (440600) and Jiangmen
(440700) each have a public security bureau, a procuratorate and a court — and with a second
Foshan officer, so a case can have the two officers the law requires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import import_module
from typing import Any

from django.apps import apps as django_apps
from django.utils import timezone

from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.accounts.models import Organisation, User
from copyguard.monitoring.enums import EvidenceStatus, HitStatus
from copyguard.monitoring.models import Evidence, Hit
from copyguard.monitoring.tests.core_helpers import World, make_hit, make_world
from copyguard.testing import make_member, make_organisation
from copyguard.works.models import Work

SEEDED_TABLE_DATE = date(2011, 1, 10)

__all__ = [
    "Agency",
    "EnforcementWorld",
    "QueuedTakedownChecks",
    "captured_hit",
    "email_notice_ready_to_send",
    "ensure_seeded_thresholds",
    "make_agency",
    "make_enforcement_world",
]


@dataclass
class Agency:
    """A criminal-justice agency with its head, a case handler and a read-only member."""

    organisation: Organisation
    head: User
    handler: User
    viewer: User


def make_agency(kind: str, name: str, region_code: str) -> Agency:
    organisation = make_organisation(kind, name=name, name_en=name, region_code=region_code)
    handler_roles: dict[str, Role] = {
        OrganisationKind.POLICE: Role.INVESTIGATOR,
        OrganisationKind.PROCURATORATE: Role.PROSECUTOR,
        OrganisationKind.COURT: Role.JUDGE,
    }
    handler_role = handler_roles[kind]
    return Agency(
        organisation=organisation,
        head=make_member(organisation, Role.SUPERVISOR),
        handler=make_member(organisation, handler_role),
        viewer=make_member(organisation, Role.VIEWER),
    )


@dataclass
class EnforcementWorld:
    base: World
    second_officer: User
    notice_handler: User
    police: Agency
    procuratorate: Agency
    court: Agency
    other_police: Agency
    other_procuratorate: Agency
    other_court: Agency
    province_procuratorate: Agency

    def __getattr__(self, name: str) -> Any:
        # The monitoring world's people and organisations: world.owner, world.work, …
        return getattr(self.base, name)

    def all_agency_kinds(self) -> dict[str, Agency]:
        return {
            "police": self.police,
            "procuratorate": self.procuratorate,
            "court": self.court,
        }


def ensure_seeded_thresholds() -> None:
    """The threshold table the data migration seeds, loaded again if a transactional test
    (a live server's) flushed the database after the migrations ran."""
    from copyguard.enforcement.models import ThresholdTable

    seed = import_module("copyguard.enforcement.migrations.0002_threshold_table_2011")
    if not ThresholdTable.objects.filter(effective_from=SEEDED_TABLE_DATE).exists():
        seed.load(django_apps, None)


def make_enforcement_world() -> EnforcementWorld:
    ensure_seeded_thresholds()
    # The works' certificates are issued without their PDFs (see registered_work).
    base = make_world()
    K = OrganisationKind
    return EnforcementWorld(
        base=base,
        second_officer=make_member(base.administration, Role.ENFORCEMENT_OFFICER),
        notice_handler=make_member(base.platform, Role.NOTICE_HANDLER),
        police=make_agency(K.POLICE, "Foshan Public Security Bureau", "440600"),
        procuratorate=make_agency(K.PROCURATORATE, "Foshan People's Procuratorate", "440600"),
        court=make_agency(K.COURT, "Foshan Intermediate People's Court", "440600"),
        other_police=make_agency(K.POLICE, "Jiangmen Public Security Bureau", "440700"),
        other_procuratorate=make_agency(
            K.PROCURATORATE, "Jiangmen People's Procuratorate", "440700"
        ),
        other_court=make_agency(K.COURT, "Jiangmen Intermediate People's Court", "440700"),
        province_procuratorate=make_agency(
            K.PROCURATORATE, "Guangdong Provincial People's Procuratorate", "440000"
        ),
    )


def captured_hit(work: Work, url: str = "https://pirate.example/book.txt", **fields: Any) -> Hit:
    """A confirmed hit with a captured evidence record (no bundle file: for workflow tests
    that do not open the bundle; tests of the evidence itself capture real pages)."""
    fields.setdefault("status", HitStatus.CONFIRMED)
    hit = make_hit(work, url, **fields)
    Evidence.objects.create(
        hit=hit,
        status=EvidenceStatus.CAPTURED,
        captured_at=timezone.now(),
        url=url,
        final_url=url,
        http_status=200,
        bundle_name=f"evidence-{hit.pk}.zip",
        bundle_sha256="0" * 64,
        bundle_size=1,
    )
    return hit


def email_notice_ready_to_send(world: EnforcementWorld) -> tuple[Any, Any]:
    """(actor, notice): the world's rights holder's notice of one captured hit to a host
    reached by e-mail (no platform of the system), complete and signed, not yet sent."""
    from copyguard.accounts.audit import Actor
    from copyguard.enforcement.actions import notices as actions

    world.holder.address = "1 Press Road, Foshan"
    world.holder.contact_email = "rights@alpha.example"
    world.holder.save()
    owner = Actor(user=world.owner, via="web")
    notice = actions.draft_notice(
        owner, world.holder, [captured_hit(world.work)], jurisdiction="cn", platform=None
    )
    notice = actions.update_notice(
        owner,
        notice,
        external_email="abuse@host.example",
        signature="Li Ming",
        responsibility_statement=True,
        good_faith_statement=True,
        accuracy_statement=True,
    )
    return owner, notice


class QueuedTakedownChecks(list[tuple[Any, ...]]):
    """Put in place of ``copyguard.enforcement.tasks.check_takedowns`` by tests that leave
    the re-check after a platform's answer to the takedown tests: the arguments of each job
    queued, which none runs. Queued after commit, as on any queue but the database's
    (``copyguard.jobs.queue.enqueue_with_change``)."""

    def enqueue(self, *args: Any) -> None:
        self.append(args)

    def get_backend(self) -> None:
        return None
