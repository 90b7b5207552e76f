"""Who may use a route, as rules a reviewer can check against the product (see permissions.py).

A rule answers, for a persona (or anonymous) and the object a route was called with, whether
the request must get in. Rules combine with ``|``. Role sets come from the apps'
``permissions_for_role`` functions, the declared policy, or are named outright.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from copyguard.accounts.enums import ROLES_BY_KIND
from tests.security.matrix_world import Persona

__all__ = [
    "LISTED",
    "NOBODY",
    "PUBLIC",
    "SIGNED_IN",
    "Entry",
    "Rule",
    "granted",
    "kinds",
    "roles",
]

Pairs = frozenset[tuple[str, str]]
ALL_PAIRS: Pairs = frozenset((str(k), str(r)) for k, rs in ROLES_BY_KIND.items() for r in rs)


@dataclass(frozen=True)
class Rule:
    text: str
    anonymous: bool = False
    pairs: Pairs = frozenset()
    # When set, the persona's organisation must be one of the object's organisations by
    # this relation (Variant.orgs); several clauses make a union.
    at: str | None = None
    alternatives: tuple[Rule, ...] = ()

    def allows(self, persona: Persona | None, orgs: dict[str, frozenset[str]]) -> bool:
        if self.alternatives:
            return any(rule.allows(persona, orgs) for rule in self.alternatives)
        if persona is None:
            return self.anonymous
        if (persona.kind, persona.role) not in self.pairs:
            return False
        if self.at is None:
            return True
        return persona.org in orgs.get(self.at, frozenset())

    def __or__(self, other: Rule) -> Rule:
        parts = (self.alternatives or (self,)) + (other.alternatives or (other,))
        return Rule(" | ".join(p.text for p in parts), alternatives=parts)

    def within(self, *kinds: str) -> Rule:
        """The same rule, for the roles of organisations of ``kinds`` only."""
        pairs = frozenset(p for p in self.pairs if p[0] in kinds)
        return Rule(f"{_label(pairs)} [{self.text.split(' (')[0]}]", self.anonymous, pairs, self.at)

    def of(self, relation: str) -> Rule:
        """The same roles, but only in the object's organisation by ``relation``."""
        if self.alternatives:
            parts = tuple(rule.of(relation) for rule in self.alternatives)
            return Rule(" | ".join(p.text for p in parts), alternatives=parts)
        return Rule(f"{self.text} of the object's {relation}", self.anonymous, self.pairs, relation)


PUBLIC = Rule("public", anonymous=True, pairs=ALL_PAIRS)
SIGNED_IN = Rule("signed in", pairs=ALL_PAIRS)
NOBODY = Rule("nobody (platform staff only)")
# Lists and dashboards answer every signed-in user with what that user may see (often
# nothing); who reaches each object is checked on the object's own routes.
LISTED = Rule("signed in (listed: only what the user may see)", pairs=ALL_PAIRS)


def _label(pairs: Iterable[tuple[str, str]]) -> str:
    by_kind: dict[str, list[str]] = {}
    for kind, role in sorted(pairs):
        by_kind.setdefault(kind, []).append(role)
    parts = []
    for kind, rs in by_kind.items():
        every = {str(r) for r in ROLES_BY_KIND[kind]}
        parts.append(kind if set(rs) == every else f"{kind} ({', '.join(rs)})")
    return "; ".join(parts) or "no role"


def roles(*specs: str) -> Rule:
    """Named roles: ``"administration"`` (every role) or ``"administration:supervisor"``."""
    pairs: set[tuple[str, str]] = set()
    for spec in specs:
        kind, _, role = spec.partition(":")
        assert kind in ROLES_BY_KIND, kind
        if role:
            assert role in ROLES_BY_KIND[kind], spec
            pairs.add((kind, role))
        else:
            pairs |= {(kind, str(r)) for r in ROLES_BY_KIND[kind]}
    return Rule(_label(pairs), pairs=frozenset(pairs))


kinds = roles


def granted(permissions_for_role: Callable[[str, str], frozenset[str]], *permissions: str) -> Rule:
    """The roles whose ``permissions_for_role`` grants any of ``permissions``."""
    pairs = frozenset(
        (k, r) for k, r in ALL_PAIRS if set(permissions) & set(permissions_for_role(k, r))
    )
    return Rule(f"{' or '.join(permissions)} ({_label(pairs)})", pairs=pairs)


@dataclass(frozen=True)
class Entry:
    """One route's expectation: who gets in, and what fills its arguments.

    ``sample`` names a matrix_samplers.SAMPLES entry (None: the route has no object, or the
    demo has none); ``args`` fixes other arguments (a decision's name, a format);
    ``method`` forces the method of a page (default: GET, then POST if GET is refused);
    ``body`` sets fields of the body sent."""

    rule: Rule
    sample: str | None = None
    args: dict[str, object] = field(default_factory=dict)
    method: str | None = None
    note: str = ""
    # Fields set over the generated API body, or the form posted to a page ("@key": the id
    # of that demo organisation).
    body: dict[str, object] = field(default_factory=dict)
    # Try only anonymous and the first role of each kind: for routes that treat every
    # non-staff user alike (the Django admin's) and the statistics report, whose PDF takes
    # seconds per persona. Saves most of their requests.
    few: bool = False
    # Query parameters ("@own" and "@key" as in ``body``).
    query: dict[str, object] = field(default_factory=dict)
    # The body names a second object the demo lacks: those let in may get its 404.
    partial: bool = False
