"""API of typical cases, mounted at /api/v1/typical-cases.

The public routes (``/published``, ``/published/{id}``, ``/tags``) answer anyone, signed in
or not, and show only published cases. The others need a caller and go through
``access.get_typical_for_user``: 404 for those who may not see a proposal (another
administration, an outsider), 403 for those who see it but may not change it (read-only
members, the province above the city, an officer asked to approve).
"""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from copyguard.apiutil import (
    PUBLIC,
    NoNulInput,
    ObjectId,
    PageNumberPagination,
    api_actor,
    api_user,
    responses,
)
from copyguard.enforcement.access.cases import get_case_for_user
from copyguard.insights.typical import actions
from copyguard.insights.typical.access import (
    get_published,
    get_typical_for_user,
    proposable_cases,
    published_cases,
    typicals_visible_to,
)
from copyguard.insights.typical.models import Tag, TypicalCase
from copyguard.insights.typical.views.public import Filters, search

router = Router(tags=["Typical cases"])

C = "/cases/{typical_id}"


# ------------------------------------------------------------------ schemas
class TagOut(Schema):
    slug: str
    name: str
    name_en: str


class PublishedOut(Schema):
    """A published typical case: the text in both languages, and in the caller's language
    (``shown``) with the sections that fell back to the other one."""

    id: int
    title: str
    title_en: str
    facts: str
    facts_en: str
    decision: str
    decision_en: str
    significance: str
    significance_en: str
    year: int
    region_code: str
    administration: str
    administration_en: str
    work_category: str
    tags: list[TagOut]
    published_at: datetime | None

    @staticmethod
    def resolve_administration(obj: TypicalCase) -> str:
        return obj.administration.name

    @staticmethod
    def resolve_administration_en(obj: TypicalCase) -> str:
        return obj.administration.name_en

    @staticmethod
    def resolve_tags(obj: TypicalCase) -> list[Any]:
        return list(obj.tags.order_by("name"))


class TermOut(Schema):
    id: int
    term: str
    kind: str
    label: str
    label_en: str
    source: str
    public_reason: str
    appears: bool

    @staticmethod
    def resolve_appears(obj: Any) -> bool:
        return obj.term.casefold() in obj.typical.public_text().casefold()


class TypicalOut(PublishedOut):
    case_id: int
    case_number: str
    administration_id: int
    status: str
    proposal_note: str
    proposed_by: str | None
    proposed_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    withdrawn_at: datetime | None
    withdrawal_reason: str
    names_remaining: list[str]
    terms: list[TermOut]
    may_write: bool = False

    @staticmethod
    def resolve_case_number(obj: TypicalCase) -> str:
        return obj.case.number

    @staticmethod
    def resolve_proposed_by(obj: TypicalCase) -> str | None:
        return obj.proposed_by.email if obj.proposed_by_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_approved_by(obj: TypicalCase) -> str | None:
        return obj.approved_by.email if obj.approved_by_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_names_remaining(obj: TypicalCase) -> list[str]:
        return actions.names_remaining(obj)

    @staticmethod
    def resolve_terms(obj: TypicalCase) -> list[Any]:
        return list(obj.terms.select_related("typical").order_by("pk"))


class TypicalRowOut(Schema):
    id: int
    case_id: int
    administration_id: int
    status: str
    title: str
    title_en: str
    year: int
    proposed_at: datetime
    published_at: datetime | None


class ProposableOut(Schema):
    id: int
    number: str
    title: str
    administration_id: int
    closed_at: datetime | None


class ProposeIn(NoNulInput):
    case_id: int = Field(ge=1, le=2**63 - 1)
    note: str = Field("", max_length=actions.NOTE_LIMIT)


class EditIn(NoNulInput):
    title: str | None = Field(None, max_length=actions.TITLE_LIMIT)
    title_en: str | None = Field(None, max_length=actions.TITLE_LIMIT)
    facts: str | None = Field(None, max_length=actions.SECTION_LIMIT)
    facts_en: str | None = Field(None, max_length=actions.SECTION_LIMIT)
    decision: str | None = Field(None, max_length=actions.SECTION_LIMIT)
    decision_en: str | None = Field(None, max_length=actions.SECTION_LIMIT)
    significance: str | None = Field(None, max_length=actions.SECTION_LIMIT)
    significance_en: str | None = Field(None, max_length=actions.SECTION_LIMIT)
    year: int | None = Field(None, ge=1990, le=2200)
    work_category: str | None = Field(None, max_length=20)
    tags: list[str] | None = Field(None, max_length=actions.TAG_LIMIT)


class TermIn(NoNulInput):
    term: str = Field(max_length=actions.TERM_LENGTH)
    kind: str = Field("other", max_length=10, description="company, person, site or other")
    label: str = Field("", max_length=actions.LABEL_LENGTH)
    label_en: str = Field("", max_length=actions.LABEL_LENGTH)


class ReasonIn(NoNulInput):
    reason: str = Field(max_length=actions.NOTE_LIMIT)


class SearchIn(Schema):
    q: str = Field("", max_length=200, description="Words that must all appear in the text.")
    year: int | None = Field(None, ge=1990, le=2200)
    region: str = Field("", max_length=6, description="A GB/T 2260 code; a province its cities.")
    category: str = Field("", max_length=20)
    tag: str = Field("", max_length=60, description="A tag's slug.")


# ------------------------------------------------------------------ helpers


def _typical(request: HttpRequest, typical_id: int, *, write: bool = False) -> TypicalCase:
    typical, may_write = get_typical_for_user(api_user(request), typical_id, write=write)
    typical.may_write = may_write  # type: ignore[attr-defined]
    return typical


def _out(request: HttpRequest, typical_id: int) -> TypicalCase:
    return _typical(request, typical_id)


# ------------------------------------------------------------------ public


@router.get(
    "/published",
    response=responses(200, list[PublishedOut]),
    auth=PUBLIC,
    summary="Published typical cases",
)
@paginate(PageNumberPagination)
def published_list(request: HttpRequest, filters: Query[SearchIn]) -> Any:
    """Published typical cases, newest first, searched like the public page: by year,
    region (a province includes its cities), work category, tag and words of the text."""
    found = Filters(
        {
            "q": filters.q,
            "year": str(filters.year or ""),
            "region": filters.region,
            "category": filters.category,
            "tag": filters.tag,
        }
    )
    return search(published_cases(), found).select_related("administration")


@router.get(
    "/published/{typical_id}",
    response=responses(200, PublishedOut),
    auth=PUBLIC,
    summary="A published typical case",
)
def published_detail(request: HttpRequest, typical_id: ObjectId) -> Any:
    """One published typical case; 404 for anything not published."""
    return get_published(typical_id)


@router.get("/tags", response=responses(200, list[TagOut]), auth=PUBLIC, summary="Tags")
def tag_list(request: HttpRequest) -> Any:
    """Every tag a typical case may carry (the public list searches by ``slug``)."""
    return list(Tag.objects.order_by("name"))


# ------------------------------------------------------------------ back office


@router.get("/cases", response=responses(200, list[TypicalRowOut]), summary="Typical cases")
@paginate(PageNumberPagination)
def typical_list(request: HttpRequest, status: str = "") -> Any:
    """The proposals and published cases the caller sees (their administration's, and
    read-only those of the administrations below theirs)."""
    query = typicals_visible_to(api_user(request)).order_by("-proposed_at", "-pk")
    if status:
        query = query.filter(status=status)
    return query


@router.get(
    "/proposable",
    response=responses(200, list[ProposableOut]),
    summary="Closed cases the caller may propose",
)
@paginate(PageNumberPagination)
def proposable_list(request: HttpRequest) -> Any:
    return proposable_cases(api_user(request))


@router.post("/cases", response=responses(201, TypicalOut, 409), summary="Propose a closed case")
def propose(request: HttpRequest, payload: ProposeIn) -> Any:
    """Propose a closed case as typical; the draft is written from its record with the
    parties' names redacted (404 for a case the caller cannot see)."""
    case, _may = get_case_for_user(api_user(request), payload.case_id)
    typical = actions.propose(api_actor(request), case, note=payload.note)
    return Status(201, _out(request, typical.pk))


@router.get(C, response=responses(200, TypicalOut), summary="A typical case")
def typical_detail(request: HttpRequest, typical_id: ObjectId) -> Any:
    return _out(request, typical_id)


@router.patch(C, response=responses(200, TypicalOut, 409), summary="Edit the public text")
def typical_edit(request: HttpRequest, typical_id: ObjectId, payload: EditIn) -> Any:
    """Change any of the text fields, the year, the work category or the tags (names of
    existing or new tags); the names on the list are replaced again."""
    typical = _typical(request, typical_id, write=True)
    data = payload.model_dump(exclude_unset=True)
    texts = {name: data.pop(name) for name in list(data) if name.startswith(
        ("title", "facts", "decision", "significance")
    )}  # fmt: skip
    actions.edit(
        api_actor(request),
        typical,
        texts={name: value or "" for name, value in texts.items()},
        year=data.get("year"),
        work_category=data.get("work_category"),
        tags=data.get("tags"),
    )
    return _out(request, typical_id)


@router.post(C + "/terms", response=responses(201, TypicalOut, 409), summary="Redact a name")
def term_add(request: HttpRequest, typical_id: ObjectId, payload: TermIn) -> Any:
    """Add a name to the redaction list; it is replaced in both languages at once."""
    typical = _typical(request, typical_id, write=True)
    actions.add_term(api_actor(request), typical, **payload.model_dump())
    return Status(201, _out(request, typical_id))


def _term(request: HttpRequest, typical_id: int, term_id: int) -> Any:
    typical = _typical(request, typical_id, write=True)
    term = typical.terms.filter(pk=term_id).first()
    if term is None:
        raise Http404(gettext_lazy("No such name"))
    return term


@router.delete(
    C + "/terms/{term_id}", response=responses(200, TypicalOut, 409), summary="Unlist a name"
)
def term_remove(request: HttpRequest, typical_id: ObjectId, term_id: ObjectId) -> Any:
    """Take a name the supervisor added off the list (a party's name stays on it)."""
    actions.remove_term(api_actor(request), _term(request, typical_id, term_id))
    return _out(request, typical_id)


@router.post(
    C + "/terms/{term_id}/public",
    response=responses(200, TypicalOut, 409),
    summary="Declare a name public",
)
def term_public(
    request: HttpRequest, typical_id: ObjectId, term_id: ObjectId, payload: ReasonIn
) -> Any:
    """Record why the name may appear (e.g. a published judgment names the party)."""
    actions.declare_public(
        api_actor(request), _term(request, typical_id, term_id), reason=payload.reason
    )
    return _out(request, typical_id)


@router.post(
    C + "/terms/{term_id}/redacted",
    response=responses(200, TypicalOut, 409),
    summary="Redact a public name again",
)
def term_redacted(request: HttpRequest, typical_id: ObjectId, term_id: ObjectId) -> Any:
    actions.revoke_public(api_actor(request), _term(request, typical_id, term_id))
    return _out(request, typical_id)


def _step(name: str, summary: str, doc: str) -> None:
    action = getattr(actions, name)

    def step(request: HttpRequest, typical_id: ObjectId) -> Any:
        action(api_actor(request), _typical(request, typical_id, write=True))
        return _out(request, typical_id)

    step.__name__ = f"typical_{name}"
    step.__doc__ = doc
    router.post(f"{C}/{name}", response=responses(200, TypicalOut, 409), summary=summary)(step)


_step("redact", "Replace the names again", "Replace every listed name not declared public.")
_step(
    "regenerate",
    "Write the draft again",
    "Write the text again from the case record (edits are lost), redacted.",
)
_step(
    "approve",
    "Approve",
    "Approve the public text (a supervisor other than the proposer; 409 while a party's "
    "name still appears).",
)
_step("publish", "Publish", "Put the approved case on the public pages (names checked again).")


@router.post(C + "/withdraw", response=responses(200, TypicalOut, 409), summary="Withdraw")
def typical_withdraw(request: HttpRequest, typical_id: ObjectId, payload: ReasonIn) -> Any:
    """Withdraw a proposal or take a published case off the public pages, with a reason."""
    actions.withdraw(
        api_actor(request), _typical(request, typical_id, write=True), reason=payload.reason
    )
    return _out(request, typical_id)
