"""Cooperation counts for the regional assessment: requests a bureau sent and received in a
period, by kind and status, and its cooperative cases (joint or transferred)."""

from __future__ import annotations

from datetime import date

import pytest

from copyguard.accounts.audit import Actor
from copyguard.enforcement.actions import cooperation as actions
from copyguard.enforcement.enums import CooperationKind as K
from copyguard.enforcement.tallies import cooperation_counts
from copyguard.enforcement.tests.cooperation_campaign_helpers import at, make_case, world

pytestmark = pytest.mark.django_db
__all__ = ["world"]

START, END = date(2026, 1, 1), date(2026, 6, 30)


def _ask(world, kind, *, when, backwards=False, case=None, **fields):
    requester, partner = world.administration, world.other_administration
    officer = world.officer
    if backwards:
        requester, partner, officer = partner, requester, world.other_officer
    fields.setdefault("subject", "Request")
    fields.setdefault("details", "Details")
    return actions.request_cooperation(
        Actor(officer), requester, partner, kind=kind, case=case, now=at(when), **fields
    )


def test_requests_are_counted_by_side_kind_and_status_within_the_period(world):
    jiangmen = Actor(world.other_officer)
    evidence = _ask(world, K.EVIDENCE, when=date(2026, 2, 1))
    actions.accept_cooperation(jiangmen, evidence, now=at(date(2026, 2, 3)))
    _ask(world, K.EVIDENCE, when=date(2026, 3, 1))
    declined = _ask(world, K.SERVICE, when=date(2026, 4, 1))
    actions.decline_cooperation(jiangmen, declined, reason="No", now=at(date(2026, 4, 2)))
    clue = _ask(world, K.CLUE, when=date(2026, 5, 1), backwards=True, clue_url="https://x.example/")
    actions.withdraw_cooperation(jiangmen, clue)
    _ask(world, K.EVIDENCE, when=date(2025, 12, 31))  # before the period
    _ask(world, K.EVIDENCE, when=date(2026, 7, 1))  # after it
    counts = cooperation_counts(world.administration, START, END)
    assert counts.sent == {
        "evidence": {"accepted": 1, "requested": 1},
        "service": {"declined": 1},
    }
    assert counts.received == {"clue": {"withdrawn": 1}}
    assert (counts.sent_total, counts.received_total) == (3, 1)
    jiangmen_counts = cooperation_counts(world.other_administration, START, END)
    assert jiangmen_counts.received == counts.sent
    assert jiangmen_counts.sent == counts.received
    assert cooperation_counts(world.province, START, END).sent_total == 0


def test_cooperative_cases_are_joint_or_transferred_cases_accepted_in_the_period(world):
    jiangmen = Actor(world.other_officer)
    joint = make_case(world.administration)
    handed = make_case(world.administration)
    declined = make_case(world.administration)
    late = make_case(world.administration)
    assisted = make_case(world.administration)
    received = make_case(world.other_administration)
    for case, kind in ((joint, K.JOINT_CASE), (handed, K.CASE_TRANSFER)):
        request = _ask(world, kind, when=date(2026, 3, 1), case=case)
        actions.accept_cooperation(jiangmen, request, now=at(date(2026, 3, 5)))
    request = _ask(world, K.JOINT_CASE, when=date(2026, 3, 1), case=declined)
    actions.decline_cooperation(jiangmen, request, reason="No", now=at(date(2026, 3, 2)))
    request = _ask(world, K.JOINT_CASE, when=date(2026, 6, 25), case=late)
    actions.accept_cooperation(jiangmen, request, now=at(date(2026, 7, 2)))  # after the period
    request = _ask(world, K.EVIDENCE, when=date(2026, 3, 1), case=assisted)
    actions.accept_cooperation(jiangmen, request, now=at(date(2026, 3, 2)))  # not cooperative
    request = _ask(world, K.JOINT_CASE, when=date(2026, 4, 1), case=received, backwards=True)
    actions.accept_cooperation(Actor(world.officer), request, now=at(date(2026, 4, 2)))

    counts = cooperation_counts(world.administration, START, END)
    assert counts.cooperative_case_ids == sorted([joint.pk, handed.pk, received.pk])
    assert counts.cooperative_cases == 3
    assert cooperation_counts(world.other_administration, START, END).cooperative_cases == 3
    assert cooperation_counts(world.province, START, END).cooperative_cases == 0
