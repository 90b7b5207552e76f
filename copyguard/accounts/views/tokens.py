"""A user's own API tokens: list, create (the key is shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from copyguard.accounts import access, actions
from copyguard.accounts.errors import ActionError
from copyguard.accounts.forms import ApiTokenForm
from copyguard.accounts.views._common import actor, signed_in


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    form = ApiTokenForm(request.POST or None)
    context: dict[str, object] = {}
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                token, key = actions.create_api_token(
                    actor(request), user, form.cleaned_data["name"], form.cleaned_data["scope"]
                )
            except ActionError as error:
                form.add_action_error(error)
                status = error.status
            else:
                # Shown in this answer only: the key is not stored and cannot be shown again.
                context.update(new_token=token, new_key=key)
                form = ApiTokenForm()
                status = 200
    context.update(form=form, tokens=user.api_tokens.all())
    response = render(request, "accounts/tokens.html", context, status=status)
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = access.get_token_for_user(signed_in(request), token_id, write=True)[0]
    actions.revoke_api_token(actor(request), token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:tokens")
