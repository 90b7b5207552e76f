"""What the publicity actions share: errors, text checks, the permission check, auditing."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from copyguard.accounts import audit
from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation, User
from copyguard.services.publicity.access import permissions_on
from copyguard.services.publicity.enums import PublicityErrorCode

__all__ = ["forbidden", "invalid", "record", "require", "text", "wrong_status"]


def invalid(message: str | Promise, field: str | None = None) -> ActionError:
    return ActionError(PublicityErrorCode.INVALID, message, field=field)


def forbidden(message: str | Promise) -> ActionError:
    return ActionError(PublicityErrorCode.FORBIDDEN, message, status=403)


def wrong_status(label: str | Promise) -> ActionError:
    return ActionError(
        PublicityErrorCode.WRONG_STATUS,
        _("Not possible while it is %(status)s.") % {"status": label},
        status=409,
    )


def text(
    value: Any, field: str, limit: int, *, required: str | Promise | None = None, lines: bool = True
) -> str:
    """``value`` trimmed, with Windows line ends made plain; refuses NUL characters, text
    over ``limit`` and (when ``required`` gives the message) an empty value."""
    result = "" if value is None else str(value)
    if "\x00" in result:
        raise invalid(_("Null characters are not allowed."), field)
    result = result.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not lines:
        result = " ".join(result.split())
    if required is not None and not result:
        raise invalid(required, field)
    if len(result) > limit:
        raise invalid(_("Use at most %(limit)s characters.") % {"limit": limit}, field)
    return result


def require(actor: Actor, organisation_id: int, permission: str) -> User:
    """The acting user, when they hold ``permission`` in the organisation; 403 otherwise."""
    user = actor.user
    if user is None or not user.is_active:
        raise forbidden(_("Sign in to do this."))
    if permission not in permissions_on(user, organisation_id):
        raise forbidden(_("Your role in this organisation does not allow this."))
    return user


def record(
    actor: Actor, action: str, obj: models.Model, organisation: Organisation, **params: Any
) -> None:
    audit.record(
        actor,
        f"publicity.{action}",
        obj,
        organisation=organisation,
        params={key: value for key, value in params.items() if value not in (None, "")},
    )
