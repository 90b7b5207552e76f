"""The applicant's pages: the works list, a draft's form, its files, software deposit and
the registration page (submit, the check's progress, the registrar's reasons)."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from copyguard.accounts.errors import ActionError
from copyguard.works import access, actions, blobs, deposit
from copyguard.works.actions.drafts import AuthorData
from copyguard.works.enums import CheckStatus, FileMedia, RegistrationStatus, WorkCategory
from copyguard.works.forms import (
    AuthorFormSet,
    DepositForm,
    ShareFormSet,
    SoftwareForm,
    UploadForm,
    WorkFilterForm,
    WorkForm,
)
from copyguard.works.models import Registration, SoftwareDetails, Work
from copyguard.works.views._common import (
    actor,
    current_rights_holder,
    page_of,
    query_without_page,
    signed_in,
)


@login_required
@require_safe
def work_list(request: HttpRequest) -> HttpResponse:
    holder, may_write = current_rights_holder(request)
    works = Work.objects.filter(owner=holder).prefetch_related("registrations")
    form = WorkFilterForm(request.GET or None)
    if form.is_valid():
        status = form.cleaned_data["status"]
        q = form.cleaned_data["q"].strip()
        if status:
            # The status of the work's current registration cycle, not of an earlier one.
            current = Registration.objects.filter(work=OuterRef("pk")).order_by(
                "-created_at", "-id"
            )
            works = works.annotate(current_status=Subquery(current.values("status")[:1])).filter(
                current_status=status
            )
        if q:
            works = works.filter(
                Q(title__icontains=q)
                | Q(registrations__number__icontains=q)
                | Q(files__sha256__startswith=q.lower())
            )
        works = works.distinct()
    page = page_of(request, works)
    rows = [{"work": w, "registration": _latest(w)} for w in page.object_list]
    context = {
        "holder": holder,
        "may_write": may_write,
        "form": form,
        "page": page,
        "rows": rows,
        "query": query_without_page(request),
    }
    return render(request, "works/work_list.html", context)


def _latest(work: Work) -> Registration | None:
    registrations = sorted(work.registrations.all(), key=lambda r: (r.created_at, r.pk))
    return registrations[-1] if registrations else None


# ---------------------------------------------------------------- the draft's form


def _authors_initial(work: Work | None) -> list[dict[str, Any]]:
    if work is None:
        return []
    return [
        {"kind": a.kind, "real_name": a.real_name, "pen_name": a.pen_name}
        for a in work.authors.all()
    ]


def _shares_initial(work: Work | None, holder_name: str) -> list[dict[str, Any]]:
    if work is None:
        return [{"holder_name": holder_name, "share": 100}]
    return [{"holder_name": s.holder_name, "share": s.share} for s in work.shares.all()]


def _kept(formset: Any) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


def _work_form_page(
    request: HttpRequest, work: Work | None, holder_name: str, owner_id: int
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    if work is None:
        form = WorkForm(data, initial={"category": WorkCategory.WRITTEN})
    else:
        form = WorkForm(data, instance=Work.objects.get(pk=work.pk))
    authors = AuthorFormSet(data, initial=_authors_initial(work), prefix="authors")
    shares = ShareFormSet(data, initial=_shares_initial(work, holder_name), prefix="shares")
    status = 200
    if data is not None:
        status = 400
        if form.is_valid() and authors.is_valid() and shares.is_valid():
            fields = {name: form.cleaned_data[name] for name in WorkForm.Meta.fields}
            author_rows = cast(list[AuthorData], _kept(authors))
            share_rows = [
                {"holder_name": s["holder_name"], "share": s["share"]} for s in _kept(shares)
            ]
            for row in share_rows:
                if row["holder_name"] == holder_name:
                    row["organisation_id"] = owner_id
            try:
                with transaction.atomic():
                    if work is None:
                        organisation, _may = access.get_rights_holder_for_user(
                            signed_in(request), owner_id, write=True
                        )
                        work = actions.create_work(
                            actor(request),
                            organisation,
                            authors=author_rows,
                            shares=share_rows,  # type: ignore[arg-type]
                            **fields,
                        )
                        messages.success(request, _("The draft is saved. Now add its files."))
                    else:
                        actions.update_work(
                            actor(request),
                            work,
                            authors=author_rows,
                            shares=share_rows,  # type: ignore[arg-type]
                            **fields,
                        )
                        messages.success(request, _("The work's details are saved."))
            except ActionError as error:
                if (error.field or "").startswith("shares"):
                    shares.non_form_errors().append(str(error.message))
                elif (error.field or "").startswith("authors"):
                    authors.non_form_errors().append(str(error.message))
                else:
                    form.add_action_error(error)
                status = error.status
            else:
                return redirect("works:work", work_id=work.pk)
    context = {
        "work": work,
        "form": form,
        "authors": authors,
        "shares": shares,
        "holder_name": holder_name,
    }
    return render(request, "works/work_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def work_create(request: HttpRequest) -> HttpResponse:
    holder, _may = current_rights_holder(request, write=True)
    return _work_form_page(request, None, holder.name, holder.pk)


@login_required
@require_http_methods(["GET", "POST"])
def work_edit(request: HttpRequest, work_id: int) -> HttpResponse:
    work, _may = access.get_work_for_user(signed_in(request), work_id, write=True)
    if not work.is_editable():
        messages.error(request, _("The work cannot be changed while it is being examined."))
        return redirect("works:work", work_id=work.pk)
    return _work_form_page(request, work, work.owner.name, work.owner_id)


# ---------------------------------------------------------------- the registration page


def _work_page(
    request: HttpRequest,
    work_id: int,
    *,
    upload_form: UploadForm | None = None,
    status: int = 200,
) -> HttpResponse:
    work, may_write = access.get_work_for_user(signed_in(request), work_id)
    registration = work.current_registration
    is_holder = work.owner_id in _holder_ids(request) or signed_in(request).is_superuser
    software = SoftwareDetails.objects.filter(work=work).first()
    context = {
        "work": work,
        "registration": registration,
        "may_write": may_write and is_holder,
        "editable": work.is_editable(),
        "files": work.files.all(),
        "authors": work.authors.all(),
        "shares": work.shares.all(),
        "software": software,
        "is_software": work.category == WorkCategory.SOFTWARE,
        "upload_form": upload_form or UploadForm(),
        "running": registration is not None
        and registration.check_status in (CheckStatus.QUEUED, CheckStatus.RUNNING),
    }
    return render(request, "works/work.html", context, status=status)


def _holder_ids(request: HttpRequest) -> set[int]:
    from copyguard.front.current import active_memberships

    return {m.organisation_id for m in active_memberships(request)}


@login_required
@require_safe
def work_detail(request: HttpRequest, work_id: int) -> HttpResponse:
    return _work_page(request, work_id)


@login_required
@require_POST
def file_upload(request: HttpRequest, work_id: int) -> HttpResponse:
    work, _may = access.get_work_for_user(signed_in(request), work_id, write=True)
    form = UploadForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            # Refused before the file is read into memory; the action checks again.
            form.add_error(
                "file",
                _("%(name)s is larger than %(mb)d MB.")
                % {"name": upload.name, "mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
            return _work_page(request, work.pk, upload_form=form, status=413)
        try:
            file = actions.add_file(
                actor(request), work, upload.read(), upload.name, upload.content_type or ""
            )
        except ActionError as error:
            form.add_action_error(error)
            status = error.status
        else:
            messages.success(request, _("%(name)s is added.") % {"name": file.original_name})
            return redirect("works:work", work_id=work.pk)
    return _work_page(request, work.pk, upload_form=form, status=status)


@login_required
@require_POST
def file_remove(request: HttpRequest, work_id: int, file_id: int) -> HttpResponse:
    file, _may = access.get_file_for_user(signed_in(request), work_id, file_id, write=True)
    try:
        actions.remove_file(actor(request), file)
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(name)s is removed.") % {"name": file.original_name})
    return redirect("works:work", work_id=work_id)


@login_required
@require_POST
def submit(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration, _may = access.get_registration_for_user(
        signed_in(request), registration_id, write=True
    )
    if registration.work.owner_id not in _holder_ids(request) and not request.user.is_superuser:
        # A registrar may act on the registration, but only the applicant submits it.
        raise PermissionDenied(_("Only the rights holder's owner and staff submit a work."))
    try:
        if registration.status == RegistrationStatus.RETURNED:
            actions.resubmit(actor(request), registration)
        else:
            actions.submit(actor(request), registration)
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Submitted for registration. The conflict check is running."))
    return redirect("works:work", work_id=registration.work_id)


@login_required
@require_POST
def start_again(request: HttpRequest, work_id: int) -> HttpResponse:
    work, _may = access.get_work_for_user(signed_in(request), work_id, write=True)
    try:
        actions.start_new_registration(actor(request), work)
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("A new draft registration is started; correct the work."))
    return redirect("works:work", work_id=work.pk)


@login_required
@require_safe
def check_progress(request: HttpRequest, registration_id: int) -> HttpResponse:
    """The conflict check's progress as a fragment; it polls itself while the check runs."""
    registration, _may = access.get_registration_for_user(signed_in(request), registration_id)
    running = registration.check_status in (CheckStatus.QUEUED, CheckStatus.RUNNING)
    return render(
        request,
        "works/includes/check.html",
        {"registration": registration, "running": running},
    )


# ---------------------------------------------------------------- software


@login_required
@require_http_methods(["GET", "POST"])
def software(request: HttpRequest, work_id: int) -> HttpResponse:
    """Software details, and the source deposit with the pages to black out."""
    write = request.method == "POST"
    work, may_write = access.get_work_for_user(signed_in(request), work_id, write=write)
    details = SoftwareDetails.objects.filter(work=work).first()
    form = SoftwareForm(
        request.POST if write and "save_details" in request.POST else None,
        instance=SoftwareDetails.objects.filter(work=work).first(),
    )
    pages = _deposit_pages(work)
    deposit_form = DepositForm(
        request.POST if write and "make_deposit" in request.POST else None,
        pages=pages,
        initial={"redact_pages": _redacted(details)},
    )
    status = 200
    if write:
        status = 400
        try:
            if form.is_bound and form.is_valid():
                fields = {name: form.cleaned_data[name] for name in SoftwareForm.Meta.fields}
                actions.set_software_details(actor(request), work, **fields)
                messages.success(request, _("The software details are saved."))
                return redirect("works:software", work_id=work.pk)
            if deposit_form.is_bound and deposit_form.is_valid():
                actions.make_source_deposit(
                    actor(request), work, deposit_form.cleaned_data["redact_pages"]
                )
                messages.success(request, _("The source deposit is made."))
                return redirect("works:software", work_id=work.pk)
        except ActionError as error:
            (deposit_form if deposit_form.is_bound else form).add_action_error(error)
            status = error.status
    context = {
        "work": work,
        "may_write": may_write and work.is_editable(),
        "details": details,
        "form": form,
        "deposit_form": deposit_form,
        "pages": pages,
        "max_redacted": deposit.max_redacted(len(pages)),
        "deposit": details.deposit if details else {},
        "preview": _preview(details),
    }
    return render(request, "works/software.html", context, status=status)


def _deposit_pages(work: Work) -> list[int]:
    sources = [
        (f.original_name, blobs.read_text(f.text_storage_name))
        for f in work.files.filter(media=FileMedia.CODE)
        if f.text_storage_name
    ]
    if not sources:
        return []
    return deposit.page_numbers(len(deposit.all_lines(sources)))


def _redacted(details: SoftwareDetails | None) -> list[int]:
    if details is None:
        return []
    return [p["number"] for p in details.deposit.get("pages", []) if p.get("redacted")]


def _preview(details: SoftwareDetails | None) -> list[dict[str, Any]]:
    """The first and the last deposited page, as the registrar will see them."""
    if details is None or not details.has_deposit():
        return []
    pages = details.deposit["pages"]
    return [pages[0]] if len(pages) == 1 else [pages[0], pages[-1]]
