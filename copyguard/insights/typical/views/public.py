"""The public pages: published typical cases, searched by year, region, work category, tag
and words of the title and text; each case in the visitor's language, or in the other one
with a note when it has no text in theirs. No sign-in needed."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from copyguard.accounts.models import Organisation
from copyguard.enforcement.access.common import region_prefix
from copyguard.front.pages import page_of, query_without_page
from copyguard.insights.typical.access import get_published, published_cases
from copyguard.insights.typical.models import SECTIONS, TEXT_FIELDS, Tag, TypicalCase
from copyguard.works.enums import WorkCategory

__all__ = ["Filters", "public_detail", "public_list", "search"]

PAGE_SIZE = 20
QUERY_LIMIT = 200
WORD_LIMIT = 8


class Filters:
    """The search of the public list, read from the query string; what does not parse is
    ignored rather than refused (a visitor's hand-edited address still gives a page)."""

    def __init__(self, params: Any) -> None:
        self.q = str(params.get("q", ""))[:QUERY_LIMIT].replace("\x00", "").strip()
        year = str(params.get("year", "")).strip()
        self.year = int(year) if year.isdigit() and len(year) == 4 else None
        region = str(params.get("region", "")).strip()
        self.region = region if region.isdigit() and len(region) == 6 else ""
        category = str(params.get("category", "")).strip()
        self.category = category if category in WorkCategory.values else ""
        self.tag = str(params.get("tag", ""))[:60].strip()

    def words(self) -> list[str]:
        return self.q.split()[:WORD_LIMIT]

    def any(self) -> bool:
        return bool(self.q or self.year or self.region or self.category or self.tag)


def search(cases: QuerySet[TypicalCase], filters: Filters) -> QuerySet[TypicalCase]:
    """``cases`` narrowed by ``filters``: every word must appear in the title or the text
    (either language); a region takes in the regions inside it (a province, its cities)."""
    if filters.year:
        cases = cases.filter(year=filters.year)
    if filters.region:
        cases = cases.filter(region_code__startswith=region_prefix(filters.region))
    if filters.category:
        cases = cases.filter(work_category=filters.category)
    if filters.tag:
        cases = cases.filter(tags__slug=filters.tag)
    for word in filters.words():
        cases = cases.filter(
            reduce(or_, (Q(**{f"{name}__icontains": word}) for name in TEXT_FIELDS))
        )
    return cases.distinct()


def _regions(language: str) -> list[tuple[str, str]]:
    """The regions with published cases and the regions above them, by code."""
    codes = set(published_cases().values_list("region_code", flat=True))
    administrations = {
        o.region_code: o
        for o in Organisation.objects.filter(kind="administration", region_code__in=codes)
    }
    regions: dict[str, str] = {}
    for code in codes:
        organisation = administrations.get(code)
        if organisation is None:
            continue
        regions[code] = organisation.display_name(language)
        for ancestor in organisation.ancestors():
            if ancestor.region_code:
                regions[ancestor.region_code] = ancestor.display_name(language)
    return sorted(regions.items())


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    language = get_language() or "zh-hans"
    filters = Filters(request.GET)
    published = published_cases()
    cases = search(published, filters).select_related("administration").prefetch_related("tags")
    page = page_of(request, cases, PAGE_SIZE)
    for typical in page.object_list:
        typical.shown_title, typical.title_fell_back = typical.section("title", language)  # type: ignore[attr-defined]
        typical.shown_facts, _fell = typical.section("facts", language)  # type: ignore[attr-defined]
        typical.shown_administration = typical.administration.display_name(language)  # type: ignore[attr-defined]
        typical.shown_tags = [(t.slug, t.display_name(language)) for t in typical.tags.all()]  # type: ignore[attr-defined]
    used_tags = Tag.objects.filter(cases__in=published).distinct().order_by("name")
    context = {
        "page": page,
        "query": query_without_page(request),
        "filters": filters,
        "years": sorted(set(published.values_list("year", flat=True)), reverse=True),
        "regions": _regions(language),
        "categories": [
            (value, label)
            for value, label in WorkCategory.choices
            if published.filter(work_category=value).exists()
        ],
        "tags": [(tag.slug, tag.display_name(language)) for tag in used_tags],
        "language": language,
    }
    return render(request, "typical/public/list.html", context)


def sections_for(typical: TypicalCase, language: str) -> list[dict[str, Any]]:
    return [
        {"name": name, "text": text, "fell_back": fell_back}
        for name in SECTIONS
        for text, fell_back in [typical.section(name, language)]
    ]


@require_safe
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    language = get_language() or "zh-hans"
    typical = get_published(pk)
    sections = {s["name"]: s for s in sections_for(typical, language)}
    context = {
        "typical": typical,
        "sections": sections,
        "fell_back": any(s["fell_back"] for s in sections.values()),
        "english": language.startswith("en"),
        "administration": typical.administration.display_name(language),
        "tags": [(t.slug, t.display_name(language)) for t in typical.tags.all()],
    }
    return render(request, "typical/public/detail.html", context)
