# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""The conflict check job and the registry's index of registered texts."""

from __future__ import annotations

import inspect
import os
import re
import textwrap

import pytest
from django.core.files.storage import default_storage

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.works import actions, registry_index
from copyguard.works.checks import run_check
from copyguard.works.enums import CheckStatus, RegistrationStatus, WorkErrorCode
from copyguard.works.models import WorkFile
from copyguard.works.testing import SAMPLE_TEXT, registered_work, submitted_work, text_work


def test_a_check_that_cannot_read_a_file_fails_visibly_and_approval_needs_a_reason(
    people, registry
):
    work = text_work(people.org)
    default_storage.delete(work.files.get().text_storage_name)
    registration = actions.submit(Actor.system(), work.current_registration)
    assert run_check(registration.pk) == CheckStatus.FAILED
    registration.refresh_from_db()
    assert registration.check_status == CheckStatus.FAILED
    assert registration.check_message == "book.txt: the stored text of the file is missing"
    assert "book.txt" in registration.check_notice()
    registrar = Actor(user=registry.registrar)
    registration = actions.take_for_examination(registrar, registration, registry.administration)
    with pytest.raises(ActionError) as error:
        actions.approve(registrar, registration, registry.administration)
    assert error.value.code == WorkErrorCode.CONFLICT_UNRESOLVED
    assert actions.approve(registrar, registration, registry.administration, "人工核对").number


def test_running_the_check_again_keeps_resolved_conflicts_and_adds_none_twice(people, registry):
    registered_work(people.org, registry)
    copy = submitted_work(people.other_org, SAMPLE_TEXT)
    registrar = Actor(user=registry.registrar)
    copy = actions.take_for_examination(registrar, copy, registry.administration)
    actions.resolve_conflict(registrar, copy.conflicts.get(), registry.administration, "授权")
    assert run_check(copy.pk) == CheckStatus.DONE
    conflict = copy.conflicts.get()
    assert conflict.resolved and conflict.reason == "授权"
    copy.refresh_from_db()
    assert not copy.has_conflicts


def test_the_check_skips_a_registration_that_is_not_submitted(people):
    work = text_work(people.org)
    assert run_check(work.current_registration.pk) == "skipped"
    assert run_check(999999) == "skipped"


def test_approval_adds_the_texts_to_the_index_once(people, registry, settings):
    registration = registered_work(people.org, registry)
    file = registration.work.files.get()
    matcher = registry_index.open_matcher()
    assert file.pk in matcher.indexes["text"]
    assert (settings.DATA_DIR / "works-index" / "text" / "manifest.json").exists()
    assert registry_index.add_files([file]) == 0  # already there
    assert registry_index.open_matcher() is matcher  # unchanged: the same mapping is reused


def test_the_index_reopens_when_another_process_changes_it_and_rebuild_starts_afresh(
    people, registry, settings
):
    first = registered_work(people.org, registry)
    before = registry_index.open_matcher()
    second = registered_work(
        people.org, registry, "山中何所有，岭上多白云。只可自怡悦，不堪持赠君。" * 20
    )
    # This process wrote it: its copy was added to, not read again.
    assert registry_index.open_matcher() is before
    ids = {first.work.files.get().pk, second.work.files.get().pk}
    assert ids <= set(before.indexes["text"]._numbers)
    # Another process writing changes the files on disk: the index is opened again.
    manifest = settings.DATA_DIR / "works-index" / "text" / "manifest.json"
    os.utime(manifest, ns=(manifest.stat().st_atime_ns, manifest.stat().st_mtime_ns + 10**9))
    reopened = registry_index.open_matcher()
    assert reopened is not before and ids <= set(reopened.indexes["text"]._numbers)
    registered = WorkFile.objects.filter(work__registrations__status=RegistrationStatus.REGISTERED)
    assert registry_index.rebuild(registered) == 2


def test_code_files_are_fingerprinted_as_code(people, registry):
    source = inspect.getsource(textwrap)  # real code: a module of the standard library
    actor = Actor.system()

    def code_work(owner, name):  # type: ignore[no-untyped-def]
        work = actions.create_work(
            actor, owner, title="lib", category="other", authors=[{"real_name": "程序员"}]
        )
        actions.add_file(actor, work, source.encode(), name)
        return work

    work = code_work(people.org, "lib.py")
    assert work.files.get().media == "code"
    from copyguard.works.testing import after_commit

    with after_commit():
        registration = actions.submit(actor, work.current_registration)
    registrar = Actor(user=registry.registrar)
    registration = actions.take_for_examination(registrar, registration, registry.administration)
    with after_commit():
        actions.approve(registrar, registration, registry.administration)
    assert work.files.get().pk in registry_index.open_matcher().indexes["code"]
    renamed = re.sub(r"\bwidth\b", "line_len", source).replace("TextWrapper", "Wrapper")
    copy = actions.create_work(
        actor, people.other_org, title="copy", category="other", authors=[{"real_name": "x"}]
    )
    actions.add_file(actor, copy, renamed.encode(), "copy.py")
    with after_commit():
        registration = actions.submit(actor, copy.current_registration)
    registration.refresh_from_db()
    assert registration.conflicts.get().kind == "similar"
