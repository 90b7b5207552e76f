# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""Conflicts: the same or a substantially similar text registered by another rights holder."""

from __future__ import annotations

import opencc
import pytest
from django.utils import translation

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.works import actions
from copyguard.works.enums import ConflictKind, RegistrationStatus, WorkErrorCode
from copyguard.works.testing import SAMPLE_TEXT, registered_work, submitted_work


def examine(registration, registry):  # type: ignore[no-untyped-def]
    return actions.take_for_examination(
        Actor(user=registry.registrar), registration, registry.administration
    )


def test_the_same_text_under_another_rights_holder_raises_a_conflict(people, registry):
    first = registered_work(people.org, registry)
    copy = submitted_work(people.other_org, SAMPLE_TEXT, name="copy.txt")
    with translation.override("en"):
        assert copy.has_conflicts and "1 work registered by another" in copy.check_notice()
    conflict = copy.conflicts.get()
    assert conflict.kind == ConflictKind.IDENTICAL and conflict.score == 1.0
    assert conflict.other_work == first.work
    assert conflict.other_file == first.work.files.get()


def test_a_traditional_script_copy_raises_a_conflict_with_the_matched_passages(people, registry):
    registered_work(people.org, registry)
    traditional = opencc.OpenCC("s2t").convert(SAMPLE_TEXT)
    assert traditional != SAMPLE_TEXT
    copy = submitted_work(people.other_org, traditional, name="trad.txt")
    conflict = copy.conflicts.get()
    assert conflict.kind == ConflictKind.SIMILAR and conflict.score >= 0.5
    passage = conflict.segments[0]
    assert passage["query_text"].startswith("春眠不覺曉")
    assert passage["reference_text"].startswith("春眠不觉晓")


def test_an_excerpt_inside_other_text_raises_a_conflict(people, registry):
    registered_work(people.org, registry)
    page = "今天天气很好，我们去公园散步。" * 10 + SAMPLE_TEXT[:200] + "晚上回家吃饭。" * 10
    copy = submitted_work(people.other_org, page, name="page.txt")
    assert copy.conflicts.get().kind == ConflictKind.SIMILAR


def test_the_same_rights_holder_registering_again_is_no_conflict(people, registry):
    registered_work(people.org, registry)
    again = submitted_work(people.org, SAMPLE_TEXT, title="江南（修订版）")
    assert not again.has_conflicts and not again.conflicts.exists()


def test_unrelated_text_is_no_conflict(people, registry):
    registered_work(people.org, registry)
    other = submitted_work(
        people.other_org, "海风吹过渔村，老人坐在船头补网，孩子们在沙滩上奔跑。" * 12
    )
    assert not other.conflicts.exists()


def test_a_work_only_submitted_elsewhere_is_no_conflict(people, registry):
    submitted_work(people.org)  # not registered: not in the index
    other = submitted_work(people.other_org, SAMPLE_TEXT)
    assert not other.conflicts.exists()


def test_approval_is_refused_while_a_conflict_is_unresolved(people, registry):
    registered_work(people.org, registry)
    copy = examine(submitted_work(people.other_org, SAMPLE_TEXT), registry)
    registrar = Actor(user=registry.registrar)
    with pytest.raises(ActionError) as error:
        actions.approve(registrar, copy, registry.administration)
    assert error.value.code == WorkErrorCode.CONFLICT_UNRESOLVED
    copy.refresh_from_db()
    assert copy.status == RegistrationStatus.UNDER_EXAMINATION and copy.number is None
    assert not copy.can_approve() and copy.can_approve("licensed by the first holder")


def test_approval_with_a_reason_resolves_the_conflicts(people, registry):
    registered_work(people.org, registry)
    copy = examine(submitted_work(people.other_org, SAMPLE_TEXT), registry)
    approved = actions.approve(
        Actor(user=registry.registrar), copy, registry.administration, "已取得授权"
    )
    assert approved.status == RegistrationStatus.REGISTERED
    assert approved.approval_reason == "已取得授权"
    conflict = approved.conflicts.get()
    assert conflict.resolved and conflict.reason == "已取得授权"
    assert conflict.resolved_by == registry.registrar


def test_a_resolved_conflict_no_longer_blocks_approval(people, registry):
    registered_work(people.org, registry)
    copy = examine(submitted_work(people.other_org, SAMPLE_TEXT), registry)
    registrar = Actor(user=registry.registrar)
    with pytest.raises(ActionError):
        actions.resolve_conflict(registrar, copy.conflicts.get(), registry.administration, "")
    actions.resolve_conflict(registrar, copy.conflicts.get(), registry.administration, "公有领域")
    copy.refresh_from_db()
    assert actions.approve(registrar, copy, registry.administration).number


def test_the_applicants_viewer_cannot_resolve_a_conflict(people, registry):
    registered_work(people.org, registry)
    copy = examine(submitted_work(people.other_org, SAMPLE_TEXT), registry)
    with pytest.raises(ActionError):
        actions.resolve_conflict(
            Actor(user=people.outsider), copy.conflicts.get(), registry.administration, "mine"
        )


def test_two_holders_submitting_the_same_text_at_once_cannot_both_be_registered(people, registry):
    first = examine(submitted_work(people.org), registry)
    second = examine(submitted_work(people.other_org, SAMPLE_TEXT, name="same.txt"), registry)
    assert not first.conflicts.exists() and not second.conflicts.exists()  # nothing registered yet
    registrar = Actor(user=registry.registrar)
    from copyguard.works.testing import after_commit

    with after_commit():
        actions.approve(registrar, first, registry.administration)
    # The second's check ran before the first was registered; approval checks again.
    with pytest.raises(ActionError) as error:
        actions.approve(registrar, second, registry.administration)
    assert error.value.code == WorkErrorCode.CONFLICT_UNRESOLVED
    assert second.conflicts.get().other_work == first.work
