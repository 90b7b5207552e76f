"""An organisation's page and its members: details, invitations, roles."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from copyguard.accounts import access, actions
from copyguard.accounts.errors import ActionError
from copyguard.accounts.forms import InviteForm, OrganisationForm, RoleForm
from copyguard.accounts.models import Membership, Organisation
from copyguard.accounts.views._common import actor, organisation_for_member_admin, signed_in


@login_required
@require_http_methods(["GET", "POST"])
def organisation(request: HttpRequest, org_id: int) -> HttpResponse:
    user = signed_in(request)
    org, can_write = access.get_organisation_for_user(user, org_id, write=request.method == "POST")
    form = None
    status = 200
    if can_write:
        # The form works on a copy, so the action sees the values from before the change.
        form = OrganisationForm(request.POST or None, instance=Organisation.objects.get(pk=org.pk))
    if form is not None and form.is_bound:
        status = 400
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            if not changes:
                messages.info(request, _("Nothing was changed."))
                return redirect("accounts:organisation", org_id=org.pk)
            try:
                actions.update_organisation(actor(request), org, **changes)
            except ActionError as error:
                form.add_action_error(error)
                status = error.status
            else:
                messages.success(request, _("The organisation's details are saved."))
                return redirect("accounts:organisation", org_id=org.pk)
    membership = access.membership_in(user, org)
    context = {
        "organisation": org,
        "organisation_name": org.display_name(get_language()),
        "can_write": can_write,
        "form": form,
        "my_membership": membership,
        "ancestors": org.ancestors(),
        "member_count": org.memberships.filter(is_active=True).count(),
    }
    return render(request, "accounts/organisation.html", context, status=status)


# ---------------------------------------------------------------- members


def _members_page(
    request: HttpRequest,
    organisation: Organisation,
    can_manage: bool,
    *,
    invite_form: InviteForm | None = None,
    error: str | None = None,
    status: int = 200,
) -> HttpResponse:
    memberships = (
        organisation.memberships.filter(is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    invitations = organisation.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")
    if can_manage and invite_form is None:
        invite_form = InviteForm(organisation=organisation)
    context: dict[str, Any] = {
        "organisation": organisation,
        "organisation_name": organisation.display_name(get_language()),
        "can_manage": can_manage,
        "rows": [_row(m, organisation, can_manage) for m in memberships],
        "invitations": invitations if can_manage else [],
        "invite_form": invite_form,
        "page_error": error,
    }
    return render(request, "accounts/members.html", context, status=status)


def _row(membership: Membership, organisation: Organisation, can_manage: bool) -> dict[str, Any]:
    form = None
    if can_manage:
        form = RoleForm(
            initial={"role": membership.role},
            organisation=organisation,
            auto_id=f"id_role_{membership.pk}_%s",
        )
        form.fields["role"].widget.attrs["aria-label"] = _("Role of %(person)s") % {
            "person": membership.user.email
        }
    return {"membership": membership, "role_form": form}


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, org_id: int) -> HttpResponse:
    """The member list; managers also invite people here (POST)."""
    user = signed_in(request)
    organisation, can_manage = organisation_for_member_admin(
        user, org_id, write=request.method == "POST"
    )
    if request.method != "POST":
        return _members_page(request, organisation, can_manage)
    form = InviteForm(request.POST, organisation=organisation)
    status = 400
    if form.is_valid():
        try:
            actions.invite(
                actor(request), organisation, form.cleaned_data["email"], form.cleaned_data["role"]
            )
        except ActionError as error:
            form.add_action_error(error)
            status = error.status
        else:
            messages.success(
                request,
                _("An invitation is on its way to %(email)s.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("accounts:members", org_id=organisation.pk)
    return _members_page(request, organisation, can_manage, invite_form=form, status=status)


def _target_membership(
    request: HttpRequest, organisation: Organisation, membership_id: int
) -> Membership:
    target = access.get_membership_for_user(signed_in(request), membership_id, write=True)[0]
    if target.organisation_id != organisation.pk or not target.is_active:
        raise Http404("No such member")
    return target


def _refused(
    request: HttpRequest, organisation: Organisation, message: str, status: int
) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        # htmx does not swap error answers: reload the page, which shows the message.
        messages.error(request, message)
        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
        response["HX-Refresh"] = "true"
        return response
    return _members_page(request, organisation, True, error=message, status=status)


@login_required
@require_POST
def member_role(request: HttpRequest, org_id: int, membership_id: int) -> HttpResponse:
    organisation = organisation_for_member_admin(signed_in(request), org_id, write=True)[0]
    target = _target_membership(request, organisation, membership_id)
    form = RoleForm(request.POST, organisation=organisation)
    if not form.is_valid():
        return _refused(request, organisation, _("Choose one of this organisation's roles."), 400)
    try:
        target = actions.change_role(actor(request), target, form.cleaned_data["role"])
    except ActionError as error:
        return _refused(request, organisation, str(error.message), error.status)
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "accounts/includes/member_row.html",
            {
                "row": _row(target, organisation, True),
                "organisation": organisation,
                "can_manage": True,
                "saved": True,
            },
        )
    messages.success(
        request,
        _("%(person)s is now: %(role)s.")
        % {"person": target.user, "role": target.get_role_display()},
    )
    return redirect("accounts:members", org_id=organisation.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, org_id: int, membership_id: int) -> HttpResponse:
    organisation = organisation_for_member_admin(signed_in(request), org_id, write=True)[0]
    target = _target_membership(request, organisation, membership_id)
    try:
        actions.remove_member(actor(request), target)
    except ActionError as error:
        return _refused(request, organisation, str(error.message), error.status)
    messages.success(request, _("%(person)s is no longer a member.") % {"person": target.user})
    if target.user_id == request.user.pk:
        # Whoever removed themselves can no longer see the list.
        return redirect("front:dashboard")
    return redirect("accounts:members", org_id=organisation.pk)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, org_id: int, invitation_id: int) -> HttpResponse:
    user = signed_in(request)
    organisation = organisation_for_member_admin(user, org_id, write=True)[0]
    invitation = access.get_invitation_for_user(user, invitation_id, write=True)[0]
    if invitation.organisation_id != organisation.pk:
        raise Http404("No such invitation")
    actions.revoke_invitation(actor(request), invitation)
    messages.success(
        request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
    )
    return redirect("accounts:members", org_id=organisation.pk)
