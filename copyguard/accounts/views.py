from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

login_view = auth_views.LoginView.as_view(template_name="accounts/login.html")


def verify_email_view(request: HttpRequest, token: str) -> HttpResponse:
    raise NotImplementedError


def accept_invitation_view(request: HttpRequest, key: str) -> HttpResponse:
    raise NotImplementedError
