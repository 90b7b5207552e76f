"""A user's own profile: name, language and password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from copyguard.accounts import actions
from copyguard.accounts.errors import ActionError
from copyguard.accounts.forms import PasswordChangeForm, ProfileForm
from copyguard.accounts.models import User
from copyguard.accounts.views._common import actor, signed_in, use_language


def _profile_form(user: User, data: QueryDict | None = None) -> ProfileForm:
    return ProfileForm(data, initial={"full_name": user.full_name, "language": user.language})


def _page(
    request: HttpRequest,
    profile_form: ProfileForm,
    password_form: PasswordChangeForm,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "accounts/profile.html",
        {"profile_form": profile_form, "password_form": password_form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    password_form = PasswordChangeForm(user, actor=actor(request))
    if request.method != "POST":
        return _page(request, _profile_form(user), password_form)
    form = _profile_form(user, request.POST)
    if form.is_valid():
        try:
            actions.update_profile(
                actor(request),
                user,
                full_name=form.cleaned_data["full_name"],
                language=form.cleaned_data["language"],
            )
        except ActionError as error:
            form.add_action_error(error)
        else:
            response = redirect("accounts:profile")
            use_language(response, user.language)
            messages.success(request, _("Your profile is saved."))
            return response
    return _page(request, form, password_form, status=400)


@login_required
@require_POST
def password_change(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    form = PasswordChangeForm(user, request.POST, actor=actor(request))
    if form.is_valid():
        try:
            form.save()
        except ActionError as error:
            form.add_error("new_password1", str(error.message))
        else:
            # Keep this session signed in; other sessions of the user end.
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password is changed."))
            return redirect("accounts:profile")
    return _page(request, _profile_form(user), form, status=400)
