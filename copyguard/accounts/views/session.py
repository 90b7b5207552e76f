"""Signing in and out, and resetting a forgotten password (Django's views, our forms)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from copyguard.accounts import throttle
from copyguard.accounts.audit import Actor
from copyguard.accounts.forms import LoginForm, PasswordResetForm, SetPasswordForm
from copyguard.accounts.views._common import use_language


class _BadRequestWhenInvalid:
    """A form with errors answers 400, like every other refused input."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_invalid(form)  # type: ignore[misc]
        response.status_code = 400
        return response


class LoginView(_BadRequestWhenInvalid, auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        use_language(response, form.get_user().language)
        return response


# Past the failed sign-in limits a POST is answered 429 without checking the password.
login = throttle.guard_sign_in(LoginView.as_view())
# Django's LogoutView only accepts POST, so a link cannot sign anybody out.
logout = auth_views.LogoutView.as_view()


class PasswordResetView(_BadRequestWhenInvalid, auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset_email.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        # Counted whether or not an account has the address, so the answer tells nothing.
        email = form.cleaned_data["email"]
        address = getattr(self.request, "client_ip", None)
        wait = throttle.password_reset_wait(email, address)
        if wait:
            form.add_error(
                None,
                _(
                    "Too many password reset e-mails were asked for. Try again in "
                    "%(minutes)d minutes."
                )
                % {"minutes": throttle.minutes(wait)},
            )
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(wait)
            return response
        throttle.record_password_reset(email, address)
        return super().form_valid(form)

    @property  # type: ignore[override]
    def extra_email_context(self) -> dict[str, Any]:
        # Links in e-mails use the configured public address, like the other e-mails.
        return {"base_url": settings.BASE_URL}


class PasswordResetConfirmView(_BadRequestWhenInvalid, auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["actor"] = Actor(
            user=self.user, ip=getattr(self.request, "client_ip", None), via="web"
        )
        return kwargs

    def form_valid(self, form: Any) -> HttpResponse:
        # Whoever holds the mailbox is the owner: failed sign-ins stop holding them back.
        throttle.clear_sign_in_failures(self.user.email)
        return super().form_valid(form)


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
