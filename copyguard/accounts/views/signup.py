"""Sign-up of rights holders and confirmation of e-mail addresses."""

from __future__ import annotations

import time

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from copyguard.accounts import actions, throttle
from copyguard.accounts.enums import AccountErrorCode
from copyguard.accounts.errors import ActionError
from copyguard.accounts.forms import ResendVerificationForm, SignUpForm
from copyguard.accounts.models import MailRequest
from copyguard.accounts.views._common import actor

# Confirmation e-mails a browser session may ask for within the window.
RESEND_LIMIT = 3
RESEND_WINDOW_SECONDS = 15 * 60
_RESEND_SESSION_KEY = "accounts_resend_times"


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("front:dashboard")
    form = SignUpForm(request.POST or None, initial={"language": get_language()})
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.sign_up_rights_holder(
                    actor(request),
                    organisation_name=data["organisation_name"],
                    rights_holder_type=data["rights_holder_type"],
                    region_code=data["region_code"],
                    full_name=data["full_name"],
                    email=data["email"],
                    password=data["password1"],
                    language=data["language"],
                )
            except ActionError as error:
                if error.code != AccountErrorCode.EMAIL_TAKEN:
                    form.add_action_error(error)
                    status = error.status
                else:
                    # Same answer as a new sign-up: the page must not reveal which
                    # addresses have accounts. The address's owner is told by e-mail, a
                    # few times an hour at most (the form must not mail-bomb them).
                    purpose = MailRequest.Purpose.SIGNUP_NOTICE
                    address = getattr(request, "client_ip", None)
                    if not throttle.mail_request_wait(purpose, data["email"], address):
                        throttle.record_mail_request(purpose, data["email"], address)
                        actions.notify_signup_for_existing_account(actor(request), data["email"])
                    request.session["signup_email"] = data["email"]
                    return redirect("accounts:signup_done")
            else:
                request.session["signup_email"] = data["email"]
                return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form}, status=status)


@require_safe
def signup_done(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/signup_done.html", {"email": request.session.get("signup_email", "")}
    )


@require_safe
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = actions.verify_email(actor(request), token)
    except ActionError as error:
        return render(
            request,
            "accounts/verify_email_invalid.html",
            {"error": error.message, "form": ResendVerificationForm()},
            status=400,
        )
    return render(request, "accounts/verify_email_done.html", {"verified_user": user})


def _resend_allowed(request: HttpRequest) -> bool:
    """Count this attempt against the session's allowance; False once it is used up."""
    now = time.time()
    recent = [
        t
        for t in request.session.get(_RESEND_SESSION_KEY, [])
        if isinstance(t, int | float) and now - t < RESEND_WINDOW_SECONDS
    ]
    allowed = len(recent) < RESEND_LIMIT
    if allowed:
        recent.append(now)
    request.session[_RESEND_SESSION_KEY] = recent
    return allowed


@require_http_methods(["GET", "POST"])
def resend_verification(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ResendVerificationForm(request.POST)
        if form.is_valid():
            # Per session, and per address asked for and client address (the session
            # allowance alone is dropped with the cookie). Counted whether or not an account
            # waits, so that the answer tells nothing.
            purpose = MailRequest.Purpose.CONFIRMATION
            email, address = form.cleaned_data["email"], getattr(request, "client_ip", None)
            if not _resend_allowed(request) or throttle.mail_request_wait(purpose, email, address):
                form.add_error(
                    None,
                    _(
                        "You asked for several links in a short time. Wait a few minutes, then try again."
                    ),
                )
                return render(
                    request, "accounts/resend_verification.html", {"form": form}, status=429
                )
            throttle.record_mail_request(purpose, email, address)
            actions.resend_verification(actor(request), email)
            # The same answer whether or not the address has an account waiting.
            messages.info(
                request,
                _(
                    "If an account with this address is waiting for confirmation, we have sent "
                    "it a new link. Check your mailbox."
                ),
            )
            return redirect("accounts:login")
        return render(request, "accounts/resend_verification.html", {"form": form}, status=400)
    initial = {}
    given = request.GET.get("email", "")
    if given and len(given) <= 254:
        initial["email"] = given
    form = ResendVerificationForm(initial=initial)
    return render(request, "accounts/resend_verification.html", {"form": form})
