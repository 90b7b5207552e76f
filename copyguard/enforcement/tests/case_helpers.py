"""A case ready for work, shared by the case tests."""

from __future__ import annotations

from copyguard.accounts.audit import Actor
from copyguard.enforcement.actions.cases import add_officer, open_case
from copyguard.enforcement.models import Case
from copyguard.enforcement.testing import EnforcementWorld, captured_hit
from copyguard.monitoring.models import Hit


def make_case(world: EnforcementWorld, *, officers: int = 1, online: bool = True) -> Case:
    """A case of Foshan's bureau opened from a confirmed hit by ``world.officer``; with
    ``officers=2`` the second officer assists."""
    number = Hit.objects.count() + 1
    hit = captured_hit(world.work, f"https://pirate.example/book-{number}.txt")
    case = open_case(
        Actor(world.officer),
        world.administration,
        title="Pirated novel on pirate.example",
        origin="hit",
        hits=[hit],
        online=online,
    )
    if officers >= 2:
        add_officer(Actor(world.officer), case, world.second_officer)
    return case
