"""The world the permission matrix runs in: the demo data, its 24 role personas and
anonymous, and the objects that fill the routes' arguments.

The personas are the demo accounts of one *home* organisation per kind (the Jiangmen chain:
its copyright administration, police, procuratorate and court; Pearl Tide Press; the Bay
Area Video platform; the Nanhu service station). An object route is tried with an object
tied to a home organisation ("own") and, where the demo has one, with the same kind of
object of another organisation ("other"): the expectation says for each which personas get
in (see permissions.py). ``Variant.orgs`` names the organisations an object is tied to, by
relation (``owner``, ``examiner``, ``station`` …), as demo keys.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps

from copyguard.accounts.enums import ROLES_BY_KIND
from copyguard.accounts.models import Organisation, User
from copyguard.demo import ORGANISATIONS, demo_email

__all__ = ["HOME", "MISSING", "SAMPLERS", "Persona", "Variant", "World", "personas"]

# An id no object has.
MISSING = 999_999

# The organisation whose members are the personas, per kind.
HOME: dict[str, str] = {
    "administration": "jm",
    "police": "jm-police",
    "procuratorate": "jm-procuratorate",
    "court": "jm-court",
    "rights_holder": "pearl-tide",
    "platform": "bay-video",
    "station": "nanhu-station",
}


@dataclass(frozen=True)
class Persona:
    kind: str
    role: str
    org: str  # demo key of the persona's organisation

    @property
    def label(self) -> str:
        return f"{self.kind}/{self.role}"


ANONYMOUS = None


def personas() -> list[Persona]:
    """One persona per (organisation kind, role) pair of ROLES_BY_KIND: 24."""
    return [
        Persona(str(kind), str(role), HOME[str(kind)])
        for kind, roles in ROLES_BY_KIND.items()
        for role in roles
    ]


@dataclass(frozen=True)
class Variant:
    """One way to fill a route's arguments, and the organisations that object is tied to."""

    label: str
    kwargs: dict[str, object]
    orgs: dict[str, frozenset[str]] = field(default_factory=dict)


class World:
    """The demo organisations and users by key, loaded once per test module."""

    def __init__(self) -> None:
        self.org_by_key: dict[str, Organisation] = {}
        self.key_by_pk: dict[int, str] = {}
        for spec in ORGANISATIONS:
            organisation = Organisation.objects.get(name=spec.name, kind=spec.kind)
            self.org_by_key[spec.key] = organisation
            self.key_by_pk[organisation.pk] = spec.key
        specs = {spec.key: spec for spec in ORGANISATIONS}
        self.users: dict[Persona, User] = {
            p: User.objects.get(email__iexact=demo_email(specs[p.org], p.role)) for p in personas()
        }

    def prepare(self) -> None:
        """Add what the demo lacks and some routes need: invitations, a token, runs, a sent
        notice with its delivery and a counter-notice."""
        from copyguard.accounts import actions
        from copyguard.accounts.audit import Actor
        from copyguard.monitoring.models import CrawlRun, Source

        actor = Actor.system(via="test")
        for key in ("pearl-tide", "qiaoxiang"):
            actions.invite(actor, self.org(key), f"invited@{key}.example.test", "viewer")
        stranger = User.objects.get(email__istartswith="owner@qiaoxiang")
        actions.create_api_token(actor, stranger, "matrix")
        for source in Source.objects.all():
            CrawlRun.objects.create(source=source)
        self._notice_and_counter_notice()

    def user(self, kind: str, role: str) -> User:
        return next(u for p, u in self.users.items() if (p.kind, p.role) == (kind, role))

    def _notice_and_counter_notice(self) -> None:
        """A notice of Pearl Tide Press (home rights holder) to Bay Area Video (home
        platform), sent through the actions, its one address taken down by the platform, and
        the uploader's counter-notice recorded by the platform: the demo has none, and their
        routes would otherwise be tried with ids nothing has."""
        from copyguard.accounts.audit import Actor
        from copyguard.enforcement.actions import counter, notices
        from copyguard.enforcement.enums import ItemAnswer
        from copyguard.enforcement.testing import captured_hit
        from copyguard.enforcement.tests.test_counter_support import counter_fields
        from copyguard.monitoring.evidence.bundle import bundle_path
        from copyguard.works.models import Work

        holder, platform = self.org("pearl-tide"), self.org("bay-video")
        work = Work.objects.filter(owner=holder).order_by("pk").first()
        assert work is not None, "the demo has no work of Pearl Tide Press"
        # A confirmed copy with its evidence recorded (the demo's hits have none captured).
        hit = captured_hit(work, "https://bay-video.example.test/v/matrix")
        # Its bundle's file, so that the evidence's download answers those let in.
        path = bundle_path(hit.evidence.get())
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip archive
        sender = Actor(user=self.user("rights_holder", "owner"), via="test")
        notice = notices.draft_notice(sender, holder, [hit], jurisdiction="cn", platform=platform)
        notice = notices.update_notice(
            sender,
            notice,
            claimant_address="广州市天河区珠江新城 1 号",
            claimant_email="rights@pearl-tide.example.test",
            signature="Pearl Tide Press",
            responsibility_statement=True,
            good_faith_statement=True,
            accuracy_statement=True,
        )
        notice = notices.send_notice(sender, notice)
        handler = Actor(user=self.user("platform", "notice_handler"), via="test")
        item = notice.items.get()
        notices.answer_item(handler, item, ItemAnswer.REMOVED)
        counter.record_counter_notice(handler, notice, items=[item], **counter_fields("cn"))

    def org(self, key: str) -> Organisation:
        return self.org_by_key[key]

    def value(self, value: object, persona: Persona | None = None) -> object:
        """``"@key"``: the id of that demo organisation (``"@own"``: the persona's own, the
        home administration's for anonymous); ``"@first:app.Model"``: the id of the first
        object of that model (``MISSING`` if there is none); a list item by item; anything
        else as it is."""
        if isinstance(value, list):
            return [self.value(item, persona) for item in value]
        if isinstance(value, str) and value.startswith("@first:"):
            model = apps.get_model(value.removeprefix("@first:"))
            first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            return MISSING if first is None else first
        if value == "@own":
            return self.org(persona.org if persona else HOME["administration"]).pk
        if isinstance(value, str) and value.startswith("@"):
            return self.org(value[1:]).pk
        return value

    def keys(self, *pks: int | None) -> frozenset[str]:
        return frozenset(self.key_by_pk[pk] for pk in pks if pk is not None)


Sampler = Callable[[World], list[Variant]]
SAMPLERS: dict[str, Sampler] = {}


def sampler(name: str) -> Callable[[Sampler], Sampler]:
    def register(function: Sampler) -> Sampler:
        SAMPLERS[name] = function
        return function

    return register
