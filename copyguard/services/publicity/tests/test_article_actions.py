"""Writing, publishing and archiving articles, and their attachments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.services.publicity import files
from copyguard.services.publicity.actions import articles
from copyguard.services.publicity.enums import ArticleStatus
from copyguard.services.publicity.models import Article, ArticleAttachment
from copyguard.services.publicity.testing import (
    PublicityWorld,
    docx_bytes,
    draft_article,
    pdf_bytes,
    png_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


def _stored_files() -> list[Path]:
    root = Path(settings.DATA_DIR) / "publicity"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_an_analyst_writes_a_draft_with_an_audit_event(pw: PublicityWorld) -> None:
    article = draft_article(pw)
    assert article.status == ArticleStatus.DRAFT
    assert article.region_code == "440700"
    assert article.created_by == pw.analyst
    event = AuditEvent.objects.get(action="publicity.article.create")
    assert event.object_id == str(article.pk) and event.organisation == pw.city


@pytest.mark.parametrize("who", ["viewer", "officer", "outsider", "stranger"])
def test_readers_and_outsiders_cannot_write(pw: PublicityWorld, who: str) -> None:
    with pytest.raises(ActionError) as error:
        articles.create_article(Actor(getattr(pw, who)), pw.city, texts={"title": "x"})
    assert error.value.status == 403
    assert not Article.objects.exists()


def test_only_a_supervisor_publishes(pw: PublicityWorld) -> None:
    article = draft_article(pw)
    with pytest.raises(ActionError) as error:
        articles.publish_article(Actor(pw.analyst), article)
    assert error.value.status == 403
    articles.publish_article(Actor(pw.supervisor), article)
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.published_by == pw.supervisor
    assert article.published_at is not None


def test_a_title_is_required_and_limits_hold(pw: PublicityWorld) -> None:
    with pytest.raises(ActionError) as error:
        articles.create_article(Actor(pw.analyst), pw.city, texts={"title": "  ", "body": "x"})
    assert error.value.field == "title"
    with pytest.raises(ActionError) as error:
        articles.create_article(Actor(pw.analyst), pw.city, texts={"title": "t" * 301})
    assert error.value.field == "title"
    with pytest.raises(ActionError):
        articles.create_article(Actor(pw.analyst), pw.city, texts={"title": "a\x00b"})
    with pytest.raises(ActionError):
        articles.create_article(Actor(pw.analyst), pw.city, texts={"title": "t", "evil": "x"})
    with pytest.raises(ActionError) as error:
        articles.create_article(Actor(pw.analyst), pw.city, kind="blog", texts={"title": "t"})
    assert error.value.field == "kind"
    assert not Article.objects.exists()


def test_an_empty_article_cannot_be_published(pw: PublicityWorld) -> None:
    article = draft_article(pw, body="", body_en="")
    with pytest.raises(ActionError) as error:
        articles.publish_article(Actor(pw.supervisor), article)
    assert error.value.field == "body"
    articles.add_attachment(Actor(pw.analyst), article, upload("leaflet.pdf", pdf_bytes()))
    articles.publish_article(Actor(pw.supervisor), article)


def test_archive_and_publish_again_keeps_the_first_date(pw: PublicityWorld) -> None:
    article = articles.publish_article(Actor(pw.supervisor), draft_article(pw))
    first = article.published_at
    articles.archive_article(Actor(pw.supervisor), article)
    with pytest.raises(ActionError) as error:
        articles.archive_article(Actor(pw.supervisor), article)
    assert error.value.status == 409
    with pytest.raises(ActionError) as error:
        articles.edit_article(Actor(pw.analyst), article, texts={"title": "new"})
    assert error.value.status == 409
    again = articles.publish_article(Actor(pw.supervisor), article)
    assert again.published_at == first and again.archived_at is None


def test_editing_changes_only_the_given_fields(pw: PublicityWorld) -> None:
    article = draft_article(pw)
    articles.edit_article(
        Actor(pw.analyst), article, texts={"title_en": "New title"}, kind="policy"
    )
    article.refresh_from_db()
    assert article.title_en == "New title" and article.title == "版权保护宣传周启动"
    assert article.kind == "policy"
    with pytest.raises(ActionError):
        articles.edit_article(Actor(pw.analyst), article, texts={"title": "", "title_en": ""})
    article.refresh_from_db()
    assert article.title_en == "New title"


@pytest.mark.parametrize(
    ("name", "content", "media_type", "shown"),
    [
        ("指南.pdf", pdf_bytes(), "application/pdf", "指南.pdf"),
        ("photo.exe", png_bytes(), "image/png", "photo.png"),
        ("../../etc/guide.docx", docx_bytes(), files.DOCX, "guide.docx"),
    ],
)
def test_attachments_are_recognised_by_their_bytes(
    pw: PublicityWorld, name: str, content: bytes, media_type: str, shown: str
) -> None:
    article = draft_article(pw)
    attachment = articles.add_attachment(Actor(pw.analyst), article, upload(name, content))
    assert attachment.media_type == media_type
    assert attachment.original_name == shown
    assert len(attachment.sha256) == 64
    path = files.attachment_path(attachment.storage_name)
    assert path.read_bytes() == content
    assert AuditEvent.objects.filter(action="publicity.article.attach").count() == 1


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (b"<html><script>alert(1)</script></html>", 415),
        (b"MZ\x90\x00program", 415),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", 415),
        (b"PK\x03\x04not really a zip", 415),
        (b"", 400),
    ],
)
def test_other_files_are_refused_and_nothing_is_left(
    pw: PublicityWorld, content: bytes, status: int
) -> None:
    article = draft_article(pw)
    with pytest.raises(ActionError) as error:
        articles.add_attachment(Actor(pw.analyst), article, upload("file.pdf", content))
    assert error.value.status == status
    assert not ArticleAttachment.objects.exists()
    assert _stored_files() == []


def test_a_file_over_the_limit_is_refused(pw: PublicityWorld, settings: object) -> None:
    settings.PUBLICITY_MAX_ATTACHMENT_BYTES = 100  # type: ignore[attr-defined]
    article = draft_article(pw)
    with pytest.raises(ActionError) as error:
        articles.add_attachment(Actor(pw.analyst), article, upload("big.pdf", pdf_bytes() * 10))
    assert error.value.status == 413
    assert _stored_files() == []


def test_a_reader_cannot_attach_and_removal_deletes_the_bytes(
    pw: PublicityWorld, django_capture_on_commit_callbacks: Any
) -> None:
    article = draft_article(pw)
    with pytest.raises(ActionError):
        articles.add_attachment(Actor(pw.viewer), article, upload("a.pdf", pdf_bytes()))
    attachment = articles.add_attachment(Actor(pw.analyst), article, upload("a.pdf", pdf_bytes()))
    path = files.attachment_path(attachment.storage_name)
    with pytest.raises(ActionError):
        articles.remove_attachment(Actor(pw.outsider), attachment)
    with django_capture_on_commit_callbacks(execute=True):
        articles.remove_attachment(Actor(pw.analyst), attachment)
    assert not path.exists()
    assert not ArticleAttachment.objects.exists()


def test_a_published_article_without_text_keeps_its_last_file(pw: PublicityWorld) -> None:
    article = draft_article(pw, body="", body_en="")
    attachment = articles.add_attachment(Actor(pw.analyst), article, upload("a.pdf", pdf_bytes()))
    articles.publish_article(Actor(pw.supervisor), article)
    with pytest.raises(ActionError):
        articles.remove_attachment(Actor(pw.analyst), attachment)
    assert ArticleAttachment.objects.filter(pk=attachment.pk).exists()
    assert files.attachment_path(attachment.storage_name).exists()


def test_a_storage_name_cannot_leave_the_directory() -> None:
    with pytest.raises(ValueError):
        files.attachment_path("../../secret_key")


def test_a_published_article_cannot_lose_both_text_and_files(pw: PublicityWorld) -> None:
    article = articles.publish_article(Actor(pw.supervisor), draft_article(pw))
    with pytest.raises(ActionError) as error:
        articles.edit_article(Actor(pw.analyst), article, texts={"body": "", "body_en": ""})
    assert error.value.field == "body"
    article.refresh_from_db()
    assert article.body == "第一段。\n\n第二段。"
