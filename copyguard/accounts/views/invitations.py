"""Accepting an invitation: as the signed-in person, or by creating an account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from copyguard.accounts import actions
from copyguard.accounts.errors import ActionError
from copyguard.accounts.forms import AcceptInvitationForm
from copyguard.accounts.models import Membership, User
from copyguard.accounts.views._common import actor, signed_in, use_language

TEMPLATE = "accounts/accept_invitation.html"


def _welcome(request: HttpRequest, membership: Membership) -> HttpResponse:
    request.session["current_org_id"] = membership.organisation_id
    messages.success(
        request,
        _("Welcome to %(organisation)s.") % {"organisation": membership.organisation.name},
    )
    return redirect("front:dashboard")


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, key: str) -> HttpResponse:
    try:
        invitation = actions.find_open_invitation(key)
    except ActionError as error:
        return render(
            request, "accounts/invitation_invalid.html", {"error": error.message}, status=404
        )
    context: dict[str, object] = {"invitation": invitation, "organisation": invitation.organisation}

    if request.user.is_authenticated:
        user = signed_in(request)
        if user.email.lower() != invitation.email.lower():
            context["state"] = "other_user"
            return render(request, TEMPLATE, context, status=403)
        context["state"] = "confirm"
        if request.method == "POST":
            try:
                membership = actions.accept_invitation(actor(request), key, user=user)
            except ActionError as error:
                context["error"] = error.message
                return render(request, TEMPLATE, context, status=error.status)
            return _welcome(request, membership)
        return render(request, TEMPLATE, context)

    if User.objects.filter(email__iexact=invitation.email).exists():
        # The person has an account: sign in first, then come back to this page.
        context["state"] = "sign_in"
        return render(request, TEMPLATE, context)

    context["state"] = "new_account"
    form = AcceptInvitationForm(request.POST or None, initial={"language": get_language()})
    context["form"] = form
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                membership = actions.accept_invitation(
                    actor(request),
                    key,
                    password=form.cleaned_data["password1"],
                    full_name=form.cleaned_data["full_name"],
                    language=form.cleaned_data["language"],
                )
            except ActionError as error:
                form.add_action_error(error)
                status = error.status
            else:
                new_user = membership.user
                login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
                response = _welcome(request, membership)
                use_language(response, new_user.language)
                return response
    return render(request, TEMPLATE, context, status=status)
