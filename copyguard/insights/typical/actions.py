"""Every change of a typical case: one function, one transaction, one audit event.

proposed → in editing → approved → published (→ withdrawn). An enforcement officer or a
supervisor of the administration that handled a closed case proposes it; the draft is
written from the case record (``drafting.draft_from_case``) and its parties' names are
redacted at once (``drafting.party_terms``). A supervisor of the same administration edits
the text, adds names to redact, may declare a name public with a reason (a judgment already
published, a company that named itself), approves — never their own proposal — publishes and
withdraws. Approving and publishing are refused while a name that is not declared public
still appears in the public text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copyguard.accounts import audit
from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Membership, User
from copyguard.enforcement.enums import CaseStatus
from copyguard.enforcement.models import Case
from copyguard.insights.typical import drafting
from copyguard.insights.typical.access import _ROLES, EDIT, PROPOSE
from copyguard.insights.typical.enums import (
    ACTIVE_STATUSES,
    TermKind,
    TermSource,
    TypicalErrorCode,
    TypicalStatus,
)
from copyguard.insights.typical.models import TEXT_FIELDS, RedactionTerm, Tag, TypicalCase
from copyguard.works.enums import WorkCategory

__all__ = [
    "add_term",
    "approve",
    "declare_public",
    "edit",
    "names_remaining",
    "propose",
    "publish",
    "redact",
    "regenerate",
    "remove_term",
    "revoke_public",
    "withdraw",
]

TITLE_LIMIT = 300
SECTION_LIMIT = 20_000
NOTE_LIMIT = 5_000
TAG_LIMIT = 12
TAG_LENGTH = 60
TERM_LENGTH = 253
LABEL_LENGTH = 60
FIRST_YEAR = 1990


# ------------------------------------------------------------------ errors and checks


def _error(
    code: str, message: str | Promise, field: str | None = None, status: int = 400
) -> ActionError:
    return ActionError(code, message, field=field, status=status)


def _forbidden(message: str | Promise) -> ActionError:
    return _error(TypicalErrorCode.FORBIDDEN, message, status=403)


def _wrong_status(typical: TypicalCase) -> ActionError:
    return _error(
        TypicalErrorCode.WRONG_STATUS,
        _("Not possible while the typical case is %(status)s.")
        % {"status": typical.get_status_display()},
        status=409,
    )


def _text(value: Any, field: str, limit: int, *, required: str | Promise | None = None) -> str:
    text = "" if value is None else str(value)
    if "\x00" in text:
        raise _error(TypicalErrorCode.INVALID, _("Null characters are not allowed."), field)
    text = text.replace("\r\n", "\n").strip()
    if required is not None and not text:
        raise _error(TypicalErrorCode.INVALID, required, field)
    if len(text) > limit:
        raise _error(
            TypicalErrorCode.INVALID,
            _("Use at most %(limit)s characters.") % {"limit": limit},
            field,
        )
    return text


def _require(actor: Actor, typical_or_case: TypicalCase | Case, permission: str) -> User:
    user = actor.user
    if user is None or not user.is_active:
        raise _forbidden(_("Sign in to do this."))
    granted = _ROLES.permissions_in(user, [typical_or_case.administration_id])
    if permission not in granted:
        if permission == PROPOSE:
            raise _forbidden(
                _(
                    "Only the enforcement officers and supervisors of the administration that "
                    "handled the case may propose it."
                )
            )
        raise _forbidden(_("Only the supervisors of the administration may do this."))
    return user


def _locked(typical: TypicalCase) -> TypicalCase:
    return TypicalCase.objects.select_for_update().get(pk=typical.pk)


def _record(actor: Actor, verb: str, typical: TypicalCase, **params: Any) -> None:
    audit.record(
        actor,
        f"typical.{verb}",
        typical,
        organisation=typical.administration,
        params={key: value for key, value in params.items() if value not in (None, "")},
    )


def _notify(users: Iterable[User], typical: TypicalCase, subject: Any, body: Any) -> None:
    from copyguard.enforcement.actions.deadlines import notify_users
    from copyguard.monitoring.enums import NotificationKind

    notify_users(
        users,
        organisation=typical.administration,
        kind=NotificationKind.ENFORCEMENT,
        subject=subject,
        body=body,
        link=f"/typical-cases/manage/{typical.pk}/",
        email=False,
    )


def _supervisors(typical: TypicalCase, *, besides: User | None) -> list[User]:
    members = Membership.objects.filter(
        organisation_id=typical.administration_id, is_active=True, user__is_active=True
    ).select_related("user", "organisation")
    return [
        m.user
        for m in members
        if EDIT in _ROLES.permissions_for_role(m.organisation.kind, m.role)
        and (besides is None or m.user_id != besides.pk)
    ]


# ------------------------------------------------------------------ names


def names_remaining(typical: TypicalCase) -> list[str]:
    """The names not declared public that still appear in the public text: those on the
    redaction list and the case's parties' names (in case one was never listed)."""
    public = {t.term.casefold() for t in typical.terms.all() if t.is_public}
    candidates = [t.term for t in typical.terms.all() if not t.is_public]
    for spec in drafting.party_terms(typical.case):
        if spec.term.casefold() not in public and spec.term not in candidates:
            candidates.append(spec.term)
    return drafting.names_in(typical.public_text(), candidates)


def _require_no_names(typical: TypicalCase) -> None:
    remaining = names_remaining(typical)
    if remaining:
        raise _error(
            TypicalErrorCode.NAMES_REMAIN,
            _(
                "These names still appear in the public text: %(names)s. Redact them, or record "
                "why a name is public."
            )
            % {"names": "、".join(remaining)},
            "terms",
            status=409,
        )


def _apply_terms(typical: TypicalCase) -> list[str]:
    """Replace every name not declared public by its label, in both languages; returns the
    fields changed."""
    terms = [t for t in typical.terms.all() if not t.is_public]
    chinese = [(t.term, t.label) for t in terms]
    english = [(t.term, t.label_en) for t in terms]
    changed = []
    for name in TEXT_FIELDS:
        before = str(getattr(typical, name))
        after = drafting.redact(before, english if name.endswith("_en") else chinese)
        if after != before:
            setattr(typical, name, after)
            changed.append(name)
    return changed


def _to_editing(typical: TypicalCase, user: User) -> str:
    """Any change of the text puts an approved case back in editing (to be approved again)."""
    previous = typical.status
    if typical.status in (TypicalStatus.PROPOSED, TypicalStatus.APPROVED):
        typical.status = TypicalStatus.EDITING
        typical.approved_by = None
        typical.approved_at = None
    typical.edited_by = user
    typical.edited_at = timezone.now()
    return previous


def _save_terms(typical: TypicalCase, specs: list[drafting.TermSpec], user: User | None) -> None:
    for spec in specs:
        RedactionTerm.objects.get_or_create(
            typical=typical,
            term=spec.term[:TERM_LENGTH],
            defaults={
                "kind": spec.kind,
                "label": spec.label[:LABEL_LENGTH],
                "label_en": spec.label_en[:LABEL_LENGTH],
                "source": TermSource.PARTY,
                "party": spec.party,
                "created_by": user,
            },
        )


# ------------------------------------------------------------------ proposing


def propose(actor: Actor, case: Case, *, note: str = "") -> TypicalCase:
    """Propose a closed ``case`` as typical: the draft is written from its record in both
    languages with its parties' names redacted; the administration's supervisors are told."""
    note = _text(note, "note", NOTE_LIMIT)
    try:
        with transaction.atomic():
            case = Case.objects.select_for_update().select_related("administration").get(pk=case.pk)
            user = _require(actor, case, PROPOSE)
            if case.status != CaseStatus.CLOSED:
                raise _error(
                    TypicalErrorCode.CASE_NOT_CLOSED,
                    _("Only a closed case can be proposed as typical; this one is %(status)s.")
                    % {"status": case.get_status_display()},
                    "case",
                    status=409,
                )
            if case.typical_cases.filter(status__in=ACTIVE_STATUSES).exists():
                raise _error(
                    TypicalErrorCode.ALREADY_PROPOSED,
                    _("This case is already proposed or published as typical."),
                    "case",
                    status=409,
                )
            draft = drafting.draft_from_case(case)
            typical = TypicalCase.objects.create(
                case=case,
                administration=case.administration,
                status=TypicalStatus.PROPOSED,
                year=draft.year,
                region_code=draft.region_code,
                work_category=draft.work_category,
                proposal_note=note,
                proposed_by=user,
                proposed_at=timezone.now(),
                **{
                    name: value[: TITLE_LIMIT if name.startswith("title") else None]
                    for name, value in draft.texts().items()
                },
            )
            specs = drafting.party_terms(case)
            _save_terms(typical, specs, user)
            _apply_terms(typical)
            typical.save()
            _record(actor, "case.propose", typical, case=case.number, names=len(specs))
            _notify(
                _supervisors(typical, besides=user),
                typical,
                lambda: (
                    gettext("Case %(number)s is proposed as a typical case")
                    % {"number": case.number}
                ),
                lambda: typical.title or typical.title_en,
            )
    except IntegrityError:
        # Two proposals of the same case at once: the unique constraint keeps one.
        raise _error(
            TypicalErrorCode.ALREADY_PROPOSED,
            _("This case is already proposed or published as typical."),
            "case",
            status=409,
        ) from None
    return typical


# ------------------------------------------------------------------ editing


def _tags(names: Iterable[str]) -> list[Tag]:
    tags: list[Tag] = []
    seen: set[str] = set()
    for raw in names:
        name = _text(raw, "tags", TAG_LENGTH)
        if not name or name.casefold() in seen:
            continue
        seen.add(name.casefold())
        tag = (
            Tag.objects.filter(name__iexact=name).first()
            or Tag.objects.filter(name_en__iexact=name).first()
            or Tag.objects.filter(slug=name.lower()).first()
        )
        if tag is None:
            slug = (
                slugify(name, allow_unicode=True)[:TAG_LENGTH] or f"tag-{Tag.objects.count() + 1}"
            )
            base, number = slug, 2
            while Tag.objects.filter(slug=slug).exists():
                slug = f"{base[: TAG_LENGTH - 4]}-{number}"
                number += 1
            tag = Tag.objects.create(slug=slug, name=name)
        if tag not in tags:
            tags.append(tag)
    if len(tags) > TAG_LIMIT:
        raise _error(
            TypicalErrorCode.INVALID,
            _("Give at most %(limit)s tags.") % {"limit": TAG_LIMIT},
            "tags",
        )
    return tags


def split_tags(text: str) -> list[str]:
    """Tags typed in one field: separated by commas (either width), semicolons or lines."""
    return [part.strip() for part in re.split(r"[,，;；、\n]+", text or "") if part.strip()]  # noqa: RUF001


def edit(
    actor: Actor,
    typical: TypicalCase,
    *,
    texts: dict[str, Any] | None = None,
    year: Any = None,
    work_category: str | None = None,
    tags: Iterable[str] | None = None,
) -> TypicalCase:
    """Change the public text (any of the eight fields), the year, the work category or the
    tags. The names on the redaction list are replaced again in what was typed, so a name
    typed back in does not slip through; an approved case goes back to editing."""
    values: dict[str, str] = {}
    for name, value in (texts or {}).items():
        if name not in TEXT_FIELDS:
            raise _error(TypicalErrorCode.INVALID, _("No such field."), name)
        limit = TITLE_LIMIT if name.startswith("title") else SECTION_LIMIT
        values[name] = _text(value, name, limit)
    new_year: int | None = None
    if year not in (None, ""):
        try:
            new_year = int(str(year))
        except ValueError:
            raise _error(
                TypicalErrorCode.INVALID, _("Enter the year as a number."), "year"
            ) from None
        if not FIRST_YEAR <= new_year <= timezone.localdate().year + 1:
            raise _error(
                TypicalErrorCode.INVALID, _("Enter a year from 1990 to next year."), "year"
            )
    if work_category is not None and work_category not in ("", *WorkCategory.values):
        raise _error(TypicalErrorCode.INVALID, _("Choose a work category."), "work_category")
    with transaction.atomic():
        typical = _locked(typical)
        user = _require(actor, typical, EDIT)
        if not typical.is_editable():
            raise _wrong_status(typical)
        changed = [name for name, value in values.items() if getattr(typical, name) != value]
        for name, value in values.items():
            setattr(typical, name, value)
        if not (typical.title or typical.title_en):
            raise _error(
                TypicalErrorCode.TEXT_MISSING,
                _("Give the title in at least one language."),
                "title",
            )
        if new_year is not None and new_year != typical.year:
            typical.year = new_year
            changed.append("year")
        if work_category is not None and work_category != typical.work_category:
            typical.work_category = work_category
            changed.append("work_category")
        tag_names: list[str] | None = None
        if tags is not None:
            chosen = _tags(tags)
            if {t.pk for t in chosen} != set(typical.tags.values_list("pk", flat=True)):
                typical.tags.set(chosen)
                changed.append("tags")
            tag_names = [t.name for t in chosen]
        redacted = _apply_terms(typical)
        previous = _to_editing(typical, user) if changed else typical.status
        typical.save()
        _record(
            actor,
            "case.edit",
            typical,
            fields=changed,
            redacted=redacted,
            tags=tag_names,
            previous=previous if previous != typical.status else None,
        )
    return typical


def regenerate(actor: Actor, typical: TypicalCase) -> TypicalCase:
    """Write the draft again from the case record (the edits are lost), redacted."""
    with transaction.atomic():
        typical = _locked(typical)
        user = _require(actor, typical, EDIT)
        if not typical.is_editable():
            raise _wrong_status(typical)
        draft = drafting.draft_from_case(typical.case)
        for name, value in draft.texts().items():
            setattr(typical, name, value[:TITLE_LIMIT] if name.startswith("title") else value)
        _save_terms(typical, drafting.party_terms(typical.case), user)
        _apply_terms(typical)
        previous = _to_editing(typical, user)
        typical.save()
        _record(actor, "case.regenerate", typical, previous=previous)
    return typical


def redact(actor: Actor, typical: TypicalCase) -> TypicalCase:
    """Replace again every name on the list not declared public (after edits by hand)."""
    with transaction.atomic():
        typical = _locked(typical)
        user = _require(actor, typical, EDIT)
        if not typical.is_editable():
            raise _wrong_status(typical)
        changed = _apply_terms(typical)
        previous = _to_editing(typical, user) if changed else typical.status
        typical.save()
        _record(actor, "case.redact", typical, fields=changed, previous=previous)
    return typical


def _default_labels(typical: TypicalCase, kind: str, term: str) -> tuple[str, str]:
    if kind == TermKind.PERSON:
        zh, en = drafting.surname_label(term)
        return zh, en or "Person"
    existing = typical.terms.filter(kind=kind).values("label").distinct().count()
    letter = drafting._SERIAL_EN[existing % len(drafting._SERIAL_EN)]
    serial = "某" if existing == 0 else drafting._SERIAL_ZH[existing % len(drafting._SERIAL_ZH)]
    if kind == TermKind.COMPANY:
        return f"{serial}公司", f"Company {letter}"
    if kind == TermKind.SITE:
        return f"{serial}网站", f"Website {letter}"
    return "某某", f"Party {letter}"


def add_term(
    actor: Actor,
    typical: TypicalCase,
    *,
    term: str,
    kind: str = TermKind.OTHER,
    label: str = "",
    label_en: str = "",
) -> RedactionTerm:
    """Add a name to redact (a person or a company the draft names that is not a party)
    and replace it in the text at once."""
    term = _text(term, "term", TERM_LENGTH, required=_("Give the name to redact."))
    if len(term) < 2:
        raise _error(
            TypicalErrorCode.INVALID, _("A name to redact has at least two characters."), "term"
        )
    if kind not in TermKind.values:
        raise _error(TypicalErrorCode.INVALID, _("Choose what the name is."), "kind")
    label = _text(label, "label", LABEL_LENGTH)
    label_en = _text(label_en, "label_en", LABEL_LENGTH)
    with transaction.atomic():
        typical = _locked(typical)
        user = _require(actor, typical, EDIT)
        if not typical.is_editable():
            raise _wrong_status(typical)
        if typical.terms.filter(term__iexact=term).exists():
            raise _error(TypicalErrorCode.INVALID, _("This name is already on the list."), "term")
        default_zh, default_en = _default_labels(typical, kind, term)
        label, label_en = label or default_zh, label_en or default_en
        for replacement in (label, label_en):
            if term.casefold() in replacement.casefold():
                raise _error(
                    TypicalErrorCode.INVALID,
                    _("The label may not contain the name itself."),
                    "label",
                )
        added = RedactionTerm.objects.create(
            typical=typical,
            term=term,
            kind=kind,
            label=label,
            label_en=label_en,
            source=TermSource.ADDED,
            created_by=user,
        )
        changed = _apply_terms(typical)
        previous = _to_editing(typical, user)
        typical.save()
        _record(
            actor,
            "term.add",
            typical,
            term=term,
            label=label,
            label_en=label_en,
            fields=changed,
            previous=previous,
        )
    return added


def _locked_term(term: RedactionTerm) -> tuple[TypicalCase, RedactionTerm]:
    typical = _locked(term.typical)
    return typical, RedactionTerm.objects.get(pk=term.pk)


def remove_term(actor: Actor, term: RedactionTerm) -> None:
    """Take an added name off the list (a party's name stays: declare it public instead).
    The text keeps its label; the supervisor writes the name back if it may be shown."""
    with transaction.atomic():
        typical, term = _locked_term(term)
        _require(actor, typical, EDIT)
        if not typical.is_editable():
            raise _wrong_status(typical)
        if term.source == TermSource.PARTY:
            raise _error(
                TypicalErrorCode.INVALID,
                _("A party's name cannot be taken off the list; record why it is public instead."),
                "term",
            )
        name = term.term
        term.delete()
        _record(actor, "term.remove", typical, term=name)


def declare_public(actor: Actor, term: RedactionTerm, *, reason: str) -> RedactionTerm:
    """Record why a name may appear (e.g. a court judgment naming the party is already
    public): it is no longer replaced, and the names check lets it through."""
    reason = _text(reason, "reason", NOTE_LIMIT, required=_("Say why the name is public."))
    with transaction.atomic():
        typical, term = _locked_term(term)
        user = _require(actor, typical, EDIT)
        if not typical.is_editable():
            raise _wrong_status(typical)
        term.public_reason = reason
        term.public_by = user
        term.public_at = timezone.now()
        term.save(update_fields=["public_reason", "public_by", "public_at"])
        previous = _to_editing(typical, user)
        typical.save()
        _record(
            actor, "term.public", typical, term=term.term, reason=reason[:500], previous=previous
        )
    return term


def revoke_public(actor: Actor, term: RedactionTerm) -> RedactionTerm:
    """The name is to be redacted again: it is replaced in the text at once."""
    with transaction.atomic():
        typical, term = _locked_term(term)
        user = _require(actor, typical, EDIT)
        if not typical.is_editable():
            raise _wrong_status(typical)
        if not term.is_public:
            raise _error(TypicalErrorCode.INVALID, _("This name is redacted already."), "term")
        term.public_reason = ""
        term.public_by = None
        term.public_at = None
        term.save(update_fields=["public_reason", "public_by", "public_at"])
        changed = _apply_terms(typical)
        previous = _to_editing(typical, user)
        typical.save()
        _record(actor, "term.redact", typical, term=term.term, fields=changed, previous=previous)
    return term


# ------------------------------------------------------------------ approving and publishing


def _require_text(typical: TypicalCase) -> None:
    missing = [
        section
        for section in ("title", "facts", "decision")
        if not (
            str(getattr(typical, section)).strip() or str(getattr(typical, f"{section}_en")).strip()
        )
    ]
    if missing:
        raise _error(
            TypicalErrorCode.TEXT_MISSING,
            _("Write the title, the facts and the decision (in at least one language) first."),
            missing[0],
            status=409,
        )


def approve(actor: Actor, typical: TypicalCase) -> TypicalCase:
    """A supervisor approves the public text; never the one who proposed the case."""
    with transaction.atomic():
        typical = _locked(typical)
        user = _require(actor, typical, EDIT)
        if not typical.may_approve():
            raise _wrong_status(typical)
        if typical.proposed_by_id == user.pk:
            raise _error(
                TypicalErrorCode.OWN_PROPOSAL,
                _("You proposed this case: another supervisor approves it."),
                status=403,
            )
        _require_text(typical)
        _require_no_names(typical)
        typical.status = TypicalStatus.APPROVED
        typical.approved_by = user
        typical.approved_at = timezone.now()
        typical.save(update_fields=["status", "approved_by", "approved_at"])
        _record(actor, "case.approve", typical)
    return typical


def publish(actor: Actor, typical: TypicalCase) -> TypicalCase:
    """Put the approved case on the public pages (the names are checked once more)."""
    with transaction.atomic():
        typical = _locked(typical)
        user = _require(actor, typical, EDIT)
        if not typical.may_publish():
            raise _wrong_status(typical)
        _require_text(typical)
        _require_no_names(typical)
        typical.status = TypicalStatus.PUBLISHED
        typical.published_by = user
        typical.published_at = timezone.now()
        typical.save(update_fields=["status", "published_by", "published_at"])
        public = [t.term for t in typical.terms.all() if t.is_public]
        _record(actor, "case.publish", typical, public_names=public)
        if typical.proposed_by is not None and typical.proposed_by_id != user.pk:
            _notify(
                [typical.proposed_by],
                typical,
                lambda: gettext("Your typical case proposal is published"),
                lambda: typical.title or typical.title_en,
            )
    return typical


def withdraw(actor: Actor, typical: TypicalCase, *, reason: str) -> TypicalCase:
    """Withdraw a proposal or take a published case off the public pages, with a reason.
    The case may be proposed again afterwards."""
    reason = _text(reason, "reason", NOTE_LIMIT, required=_("Say why it is withdrawn."))
    with transaction.atomic():
        typical = _locked(typical)
        user = _require(actor, typical, EDIT)
        if not typical.may_withdraw():
            raise _wrong_status(typical)
        previous = typical.status
        typical.status = TypicalStatus.WITHDRAWN
        typical.withdrawn_by = user
        typical.withdrawn_at = timezone.now()
        typical.withdrawal_reason = reason
        typical.save(update_fields=["status", "withdrawn_by", "withdrawn_at", "withdrawal_reason"])
        _record(actor, "case.withdraw", typical, previous=previous, reason=reason[:500])
        if typical.proposed_by is not None and typical.proposed_by_id != user.pk:
            _notify(
                [typical.proposed_by],
                typical,
                lambda: gettext("A typical case is withdrawn"),
                lambda: typical.title or typical.title_en,
            )
    return typical
