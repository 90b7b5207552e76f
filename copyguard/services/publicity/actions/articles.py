"""Articles: written as drafts by the publisher's writers, published and archived by its
supervisors; attachments added and removed while the article is not archived."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor
from copyguard.accounts.models import Organisation
from copyguard.services.publicity import files
from copyguard.services.publicity.access import EDIT, PUBLISH
from copyguard.services.publicity.actions.common import (
    invalid,
    record,
    require,
    text,
    wrong_status,
)
from copyguard.services.publicity.enums import PUBLISHER_KINDS, ArticleKind, ArticleStatus
from copyguard.services.publicity.models import Article, ArticleAttachment

__all__ = [
    "BODY_LIMIT",
    "MAX_ATTACHMENTS",
    "SUMMARY_LIMIT",
    "TITLE_LIMIT",
    "add_attachment",
    "archive_article",
    "create_article",
    "edit_article",
    "publish_article",
    "remove_attachment",
]

TITLE_LIMIT = 300
SUMMARY_LIMIT = 1_000
BODY_LIMIT = 50_000
MAX_ATTACHMENTS = 20
TEXT_FIELDS = ("title", "title_en", "summary", "summary_en", "body", "body_en")
_LIMITS = {"title": TITLE_LIMIT, "summary": SUMMARY_LIMIT, "body": BODY_LIMIT}


def _clean(texts: Mapping[str, Any]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for name, value in texts.items():
        if name not in TEXT_FIELDS:
            raise invalid(_("Unknown field."), name)
        limit = _LIMITS[name.removesuffix("_en")]
        cleaned[name] = text(value, name, limit, lines=not name.startswith("title"))
    return cleaned


def _kind(kind: str) -> str:
    if kind not in ArticleKind.values:
        raise invalid(_("Choose news, material or policy."), "kind")
    return kind


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().select_related("publisher").get(pk=article.pk)


def create_article(
    actor: Actor,
    publisher: Organisation,
    *,
    kind: str = ArticleKind.NEWS,
    texts: Mapping[str, Any],
    now: datetime | None = None,
) -> Article:
    """A new draft of ``publisher`` (an administration or a service station)."""
    now = now or timezone.now()
    if publisher.kind not in PUBLISHER_KINDS or not publisher.is_active:
        raise invalid(_("Only administrations and service stations publish."), "publisher")
    user = require(actor, publisher.pk, EDIT)
    cleaned = _clean(texts)
    if not (cleaned.get("title") or cleaned.get("title_en")):
        raise invalid(_("Give a title in Chinese or in English."), "title")
    with transaction.atomic():
        article = Article.objects.create(
            publisher=publisher,
            kind=_kind(kind),
            region_code=publisher.region_code,
            created_by=user,
            created_at=now,
            updated_at=now,
            **cleaned,
        )
        record(actor, "article.create", article, publisher, kind=article.kind)
    return article


def edit_article(
    actor: Actor,
    article: Article,
    *,
    texts: Mapping[str, Any] | None = None,
    kind: str | None = None,
    now: datetime | None = None,
) -> Article:
    """Change the texts (any of them) or the kind; a published article changes in place."""
    require(actor, article.publisher_id, EDIT)
    cleaned = _clean(texts or {})
    with transaction.atomic():
        article = _locked(article)
        if not article.may_edit():
            raise wrong_status(article.get_status_display())
        for name, value in cleaned.items():
            setattr(article, name, value)
        if kind is not None:
            article.kind = _kind(kind)
        if not (article.title or article.title_en):
            raise invalid(_("Give a title in Chinese or in English."), "title")
        if (
            article.status == ArticleStatus.PUBLISHED
            and not (article.body or article.body_en)
            and not article.attachments.exists()
        ):
            raise invalid(_("Write the text or attach a file before publishing."), "body")
        article.updated_at = now or timezone.now()
        article.save()
        record(actor, "article.edit", article, article.publisher, fields=sorted(cleaned))
    return article


def publish_article(actor: Actor, article: Article, *, now: datetime | None = None) -> Article:
    """Put a draft (or an archived article again) on the public pages. It needs a text or
    an attachment to show."""
    user = require(actor, article.publisher_id, PUBLISH)
    now = now or timezone.now()
    with transaction.atomic():
        article = _locked(article)
        if not article.may_publish():
            raise wrong_status(article.get_status_display())
        if not (article.body or article.body_en or article.attachments.exists()):
            raise invalid(_("Write the text or attach a file before publishing."), "body")
        first = article.published_at is None
        article.status = ArticleStatus.PUBLISHED
        if first:
            article.published_at = now
            article.published_by = user
        article.archived_at = None
        article.updated_at = now
        article.save()
        record(actor, "article.publish", article, article.publisher, again=not first or None)
    return article


def archive_article(actor: Actor, article: Article, *, now: datetime | None = None) -> Article:
    """Take a published article off the lists; its address keeps working."""
    require(actor, article.publisher_id, PUBLISH)
    now = now or timezone.now()
    with transaction.atomic():
        article = _locked(article)
        if not article.may_archive():
            raise wrong_status(article.get_status_display())
        article.status = ArticleStatus.ARCHIVED
        article.archived_at = now
        article.updated_at = now
        article.save()
        record(actor, "article.archive", article, article.publisher)
    return article


def add_attachment(actor: Actor, article: Article, upload: files.Upload) -> ArticleAttachment:
    """Attach a PDF, a Word document or a picture (recognised by its bytes)."""
    user = require(actor, article.publisher_id, EDIT)
    if not article.may_edit():
        raise wrong_status(article.get_status_display())
    if article.attachments.count() >= MAX_ATTACHMENTS:
        raise invalid(
            _("An article may have at most %(count)d files.") % {"count": MAX_ATTACHMENTS},
            "file",
        )
    stored = files.store(upload)
    try:
        with transaction.atomic():
            article = _locked(article)
            if not article.may_edit():
                raise wrong_status(article.get_status_display())
            attachment = ArticleAttachment.objects.create(
                article=article,
                original_name=stored.name,
                storage_name=stored.storage_name,
                media_type=stored.media_type,
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by=user,
            )
            article.updated_at = timezone.now()
            article.save(update_fields=["updated_at"])
            record(
                actor,
                "article.attach",
                article,
                article.publisher,
                file=stored.name,
                sha256=stored.sha256,
                size=stored.size,
            )
    except BaseException:
        files.remove(stored.storage_name)
        raise
    return attachment


def remove_attachment(actor: Actor, attachment: ArticleAttachment) -> None:
    """Take a file off an article; its bytes are deleted once the removal is committed."""
    article = attachment.article
    require(actor, article.publisher_id, EDIT)
    with transaction.atomic():
        article = _locked(article)
        if not article.may_edit():
            raise wrong_status(article.get_status_display())
        if (
            article.status == ArticleStatus.PUBLISHED
            and not (article.body or article.body_en)
            and not article.attachments.exclude(pk=attachment.pk).exists()
        ):
            raise invalid(_("A published article without text must keep a file."), "file")
        storage_name = attachment.storage_name
        record(
            actor,
            "article.detach",
            article,
            article.publisher,
            file=attachment.original_name,
            sha256=attachment.sha256,
        )
        attachment.delete()
        transaction.on_commit(lambda: files.remove(storage_name))
