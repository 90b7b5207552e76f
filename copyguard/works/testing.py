# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""Test helpers of the works registry: a registrar persona and works ready to submit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from unittest.mock import patch

from django.test import TestCase

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, Role
from copyguard.accounts.models import Organisation, User
from copyguard.testing import make_member, make_organisation
from copyguard.works import actions
from copyguard.works.models import Registration, Work

__all__ = [
    "Registry",
    "after_commit",
    "make_registry",
    "registered_work",
    "submitted_work",
    "text_work",
]

SAMPLE_TEXT = (
    "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。床前明月光，疑是地上霜。举头望明月，"
    "低头思故乡。白日依山尽，黄河入海流。欲穷千里目，更上一层楼。千山鸟飞绝，万径人踪灭。"
    "孤舟蓑笠翁，独钓寒江雪。红豆生南国，春来发几枝。愿君多采撷，此物最相思。"
    "这是一部关于江南小镇的长篇小说，讲述了一个家族三代人在时代变迁中的悲欢离合，"
    "从民国初年的茶叶生意写到改革开放后的乡镇企业，人物众多，情节曲折，语言质朴而有力。"
) * 2


@contextmanager
def after_commit() -> Iterator[None]:
    """Run what the block queues for after commit (the check, the index update) at its end,
    as a real commit would; tests run inside one transaction that never commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield


@dataclass
class Registry:
    administration: Organisation
    registrar: User
    admin_viewer: User
    other_administration: Organisation
    other_registrar: User


def make_registry() -> Registry:
    administration = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="Foshan Copyright Bureau",
        level=AdministrationLevel.MUNICIPAL,
        region_code="440600",
    )
    other = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="Jiangmen Copyright Bureau",
        level=AdministrationLevel.MUNICIPAL,
        region_code="440700",
    )
    return Registry(
        administration=administration,
        registrar=make_member(administration, Role.REGISTRAR),
        admin_viewer=make_member(administration, Role.VIEWER),
        other_administration=other,
        other_registrar=make_member(other, Role.REGISTRAR),
    )


def text_work(
    owner: Organisation, text: str = SAMPLE_TEXT, *, title: str = "江南", name: str = "book.txt"
) -> Work:
    actor = Actor.system(via="test")
    work = actions.create_work(
        actor,
        owner,
        title=title,
        category="written",
        authors=[{"real_name": "张三", "pen_name": "江南客"}],
    )
    actions.add_file(actor, work, text.encode("utf-8"), name)
    return work


def submitted_work(owner: Organisation, text: str = SAMPLE_TEXT, **kw: str) -> Registration:
    work = text_work(owner, text, **kw)
    registration = work.current_registration
    assert registration is not None
    with after_commit():
        registration = actions.submit(Actor.system(via="test"), registration)
    registration.refresh_from_db()
    return registration


def registered_work(
    owner: Organisation,
    registry: Registry,
    text: str = SAMPLE_TEXT,
    *,
    certificate_pdf: bool = False,
    **kw: str,
) -> Registration:
    """A work submitted, examined and approved; its certificate is issued and signed.

    The certificate's PDF is rendered by a job after the approval commits; that takes a
    second or two per work, so it is skipped unless ``certificate_pdf`` (a test that reads
    the PDF can also call ``certificates.actions.ensure_pdf``)."""
    registration = submitted_work(owner, text, **kw)
    actor = Actor(user=registry.registrar)
    registration = actions.take_for_examination(actor, registration, registry.administration)
    reason = "test" if registration.approval_needs_reason() else ""
    skip_pdf = (
        nullcontext()
        if certificate_pdf
        else patch("copyguard.works.certificates.actions._render_after_commit")
    )
    with after_commit(), skip_pdf:
        registration = actions.approve(actor, registration, registry.administration, reason)
    return registration
