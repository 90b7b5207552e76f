"""The public pages: news and materials (filtered by publisher, region, kind and year), an
article with its attachments, the Atom feed, training events with registration, and
cancelling a registration with its code. No sign-in needed; each text in the visitor's
language, or in the other one with a note."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.enforcement.access.common import region_prefix
from copyguard.front.pages import actor, page_of, query_without_page
from copyguard.services.publicity import files
from copyguard.services.publicity.access import (
    get_public_article,
    get_public_attachment,
    get_public_event,
    public_articles,
    public_events,
)
from copyguard.services.publicity.actions import registrations
from copyguard.services.publicity.enums import ArticleKind
from copyguard.services.publicity.forms import RegistrationForm
from copyguard.services.publicity.markup import plain_text
from copyguard.services.publicity.markup import render as render_markup
from copyguard.services.publicity.models import Article, ArticleAttachment, TrainingEvent

__all__ = [
    "ArticleFilters",
    "article_detail",
    "article_list",
    "attachment_download",
    "cancel",
    "event_detail",
    "event_list",
    "feed",
    "filter_articles",
]

PAGE_SIZE = 20
FEED_SIZE = 30


def language() -> str:
    return get_language() or "zh-hans"


class ArticleFilters:
    """The list's filters from the query string; what does not parse is ignored."""

    def __init__(self, params: Any) -> None:
        publisher = str(params.get("publisher", "")).strip()
        self.publisher = int(publisher) if publisher.isdigit() and len(publisher) < 12 else None
        region = str(params.get("region", "")).strip()
        self.region = region if region.isdigit() and len(region) == 6 else ""
        kind = str(params.get("kind", "")).strip()
        self.kind = kind if kind in ArticleKind.values else ""
        year = str(params.get("year", "")).strip()
        self.year = int(year) if year.isdigit() and len(year) == 4 else None

    def any(self) -> bool:
        return bool(self.publisher or self.region or self.kind or self.year)


def filter_articles(articles: QuerySet[Article], filters: ArticleFilters) -> QuerySet[Article]:
    """``articles`` narrowed by ``filters``; a region takes in the regions inside it."""
    if filters.publisher:
        articles = articles.filter(publisher_id=filters.publisher)
    if filters.region:
        articles = articles.filter(region_code__startswith=region_prefix(filters.region))
    if filters.kind:
        articles = articles.filter(kind=filters.kind)
    if filters.year:
        articles = articles.filter(published_at__year=filters.year)
    return articles


def _shown(article: Article, lang: str) -> Article:
    article.shown_title, article.title_fell_back = article.text("title", lang)  # type: ignore[attr-defined]
    summary, _fell = article.text("summary", lang)
    if not summary.strip():
        body, _fell = article.text("body", lang)
        summary = plain_text(body)
    article.shown_summary = summary  # type: ignore[attr-defined]
    article.shown_publisher = article.publisher.display_name(lang)  # type: ignore[attr-defined]
    return article


def _regions(lang: str) -> list[tuple[str, str]]:
    """Regions with published articles and the regions above them, named by their
    administration."""
    codes = set(public_articles().values_list("region_code", flat=True))
    regions: dict[str, str] = {}
    for organisation in Organisation.objects.filter(kind="administration", region_code__in=codes):
        regions[organisation.region_code] = organisation.display_name(lang)
        for ancestor in organisation.ancestors():
            if ancestor.region_code and ancestor.kind == "administration":
                regions[ancestor.region_code] = ancestor.display_name(lang)
    for code in codes:
        regions.setdefault(code, code)
    return sorted((code, name) for code, name in regions.items() if code)


@require_safe
def article_list(request: HttpRequest) -> HttpResponse:
    lang = language()
    filters = ArticleFilters(request.GET)
    published = public_articles()
    found = filter_articles(published, filters).select_related("publisher")
    page = page_of(request, found, PAGE_SIZE)
    for article in page.object_list:
        _shown(article, lang)
    publishers = Organisation.objects.filter(pk__in=published.values("publisher_id")).order_by(
        "region_code", "name"
    )
    years = sorted({d.year for d in published.dates("published_at", "year")}, reverse=True)
    upcoming = list(
        public_events()
        .filter(ends_at__gte=timezone.now(), status="published")
        .select_related("organiser")[:5]
    )
    for event in upcoming:
        event.shown_title, _fell = event.text("title", lang)  # type: ignore[attr-defined]
    context = {
        "page": page,
        "query": query_without_page(request),
        "filters": filters,
        "kinds": ArticleKind.choices,
        "publishers": [(o.pk, o.display_name(lang)) for o in publishers],
        "regions": _regions(lang),
        "years": years,
        "upcoming": upcoming,
    }
    return render(request, "publicity/public/articles.html", context)


@require_safe
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lang = language()
    article = _shown(get_public_article(pk), lang)
    body, body_fell_back = article.text("body", lang)
    summary, summary_fell_back = article.text("summary", lang)
    context = {
        "article": article,
        "body": render_markup(body),
        "summary": summary,
        "fell_back": body_fell_back or summary_fell_back or article.title_fell_back,  # type: ignore[attr-defined]
        "english": lang.startswith("en"),
        "attachments": list(article.attachments.order_by("pk")),
    }
    return render(request, "publicity/public/article.html", context)


def send_attachment(attachment: ArticleAttachment) -> FileResponse:
    """The file's bytes, as a download under its safe name, never rendered by the browser
    as a page."""
    try:
        path = files.attachment_path(attachment.storage_name)
        handle = path.open("rb")
    except (OSError, ValueError):
        raise Http404(_("The file is missing")) from None
    inline = (
        attachment.media_type.startswith("image/") or attachment.media_type == "application/pdf"
    )
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=attachment.media_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_safe
def attachment_download(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    return send_attachment(get_public_attachment(pk, file_pk))


@require_safe
def feed(request: HttpRequest) -> HttpResponse:
    """An Atom feed of the newest published articles, in the visitor's language."""
    lang = language()
    site = request.build_absolute_uri("/").rstrip("/")
    atom = Atom1Feed(
        title=_("Copyright news and materials"),
        link=site + reverse("publicity:articles"),
        description=_("News, materials and policies published by the copyright administrations."),
        language=lang,
        feed_url=site + reverse("publicity:feed"),
    )
    for article in public_articles().select_related("publisher")[:FEED_SIZE]:
        _shown(article, lang)
        link = site + reverse("publicity:article", args=[article.pk])
        atom.add_item(
            title=article.shown_title,  # type: ignore[attr-defined]
            link=link,
            description=article.shown_summary,  # type: ignore[attr-defined]
            unique_id=link,
            pubdate=article.published_at,
            updateddate=article.updated_at,
            author_name=article.shown_publisher,  # type: ignore[attr-defined]
            categories=[article.get_kind_display()],
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    atom.write(response, "utf-8")
    return response


# ------------------------------------------------------------------ events


def shown_event(event: TrainingEvent, lang: str) -> TrainingEvent:
    event.shown_title, event.title_fell_back = event.text("title", lang)  # type: ignore[attr-defined]
    event.shown_organiser = event.organiser.display_name(lang)  # type: ignore[attr-defined]
    return event


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    lang = language()
    now = timezone.now()
    events = public_events().select_related("organiser")
    upcoming = [shown_event(e, lang) for e in events.filter(ends_at__gte=now)]
    past = page_of(request, events.filter(ends_at__lt=now).order_by("-starts_at", "-pk"), PAGE_SIZE)
    for event in past.object_list:
        shown_event(event, lang)
    context = {"upcoming": upcoming, "past": past, "query": query_without_page(request), "now": now}
    return render(request, "publicity/public/events.html", context)


def client_source(request: HttpRequest) -> str:
    return registrations.source_hash(
        getattr(request, "client_ip", None) or request.META.get("REMOTE_ADDR")
    )


@require_http_methods(["GET", "POST"])
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lang = language()
    event = shown_event(get_public_event(pk), lang)
    description, description_fell_back = event.text("description", lang)
    status = 200
    user = request.user if request.user.is_authenticated else None
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = registrations.register(
                    actor(request),
                    event,
                    name=data["name"],
                    organisation_name=data["organisation_name"],
                    contact=data["contact"],
                    source=client_source(request),
                    form_token=data["form_token"] or "",
                    honeypot=data["website"],
                )
            except registrations.RateLimitedError as error:
                form.add_action_error(error)
                status = 429
            except ActionError as error:
                form.add_action_error(error)
                status = error.status
            else:
                context = {
                    "event": event,
                    "registration": done.registration,
                    "cancel_code": done.cancel_code,
                    "cancel_url": request.build_absolute_uri(reverse("publicity:cancel"))
                    + "?code="
                    + done.cancel_code,
                }
                return render(request, "publicity/public/registered.html", context, status=201)
        fresh = request.POST.copy()
        fresh["form_token"] = registrations.form_token()
        form.data = fresh
    else:
        initial: dict[str, Any] = {"form_token": registrations.form_token()}
        if user is not None:
            initial["name"] = getattr(user, "full_name", "") or ""
            initial["contact"] = user.email
        form = RegistrationForm(initial=initial)
    context = {
        "event": event,
        "description": render_markup(description),
        "fell_back": description_fell_back or event.title_fell_back,  # type: ignore[attr-defined]
        "english": lang.startswith("en"),
        "form": form,
        "open": event.registration_open(),
        "figures": event.figures(),
        "ended": event.has_ended(),
        "started": timezone.now() >= event.starts_at,
    }
    return render(request, "publicity/public/event.html", context, status=status)


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest) -> HttpResponse:
    """Cancel a registration with the code given when registering."""
    code = str(request.POST.get("code") or request.GET.get("code") or "")[:100].strip()
    registration = registrations.find_by_code(code) if code else None
    error = ""
    status = 200
    if request.method == "POST":
        try:
            registrations.cancel_by_code(actor(request), code)
        except ActionError as refused:
            error = str(refused.message)
            status = refused.status
        else:
            messages.success(request, _("Your registration is cancelled."))
            return redirect("publicity:event", pk=registration.event_id)  # type: ignore[union-attr]
    elif code and registration is None:
        error = _("No registration has this code.")
        status = 404
    context = {
        "code": code,
        "registration": registration,
        "event": shown_event(registration.event, language()) if registration else None,
        "error": error,
        "support": getattr(settings, "DEFAULT_FROM_EMAIL", ""),
    }
    return render(request, "publicity/public/cancel.html", context, status=status)
