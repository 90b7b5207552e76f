"""What the monitoring actions share: error helpers, domains of addresses, who may act."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from tld import get_fld

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Membership, Organisation
from copyguard.monitoring.enums import MonitoringErrorCode, permissions_for_role

__all__ = [
    "forbidden",
    "host_of",
    "invalid",
    "registrable_domain",
    "require_permission",
    "wrong_status",
]


def invalid(
    exc: ValidationError, prefix: str = "", code: str = MonitoringErrorCode.INVALID
) -> ActionError:
    """The first message of a ValidationError as an ActionError on its field."""
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        name = prefix + field if field != "__all__" else prefix.rstrip(".") or None
        return ActionError(code, errors[0].messages[0], field=name)
    return ActionError(code, exc.messages[0], field=prefix.rstrip(".") or None)


def wrong_status(status_label: str | Promise) -> ActionError:
    return ActionError(
        MonitoringErrorCode.WRONG_STATUS,
        _("Not possible while it is %(status)s.") % {"status": status_label},
        status=409,
    )


def forbidden(message: str | Promise) -> ActionError:
    return ActionError(MonitoringErrorCode.FORBIDDEN, message, status=403)


def require_permission(actor: Actor, organisation: Organisation, permission: str) -> None:
    """The actor holds ``permission`` in ``organisation`` (platform staff and the system
    always do). Views check this through the access helpers already; actions whose rule
    is stricter than the object's access (licensing for the rights holder) check here."""
    user = actor.user
    if user is None or user.is_superuser:
        return
    membership = Membership.objects.filter(
        user=user, organisation=organisation, is_active=True, organisation__is_active=True
    ).first()
    if membership is None or permission not in permissions_for_role(
        organisation.kind, membership.role
    ):
        raise forbidden(
            _("Your role in %(organisation)s does not allow this.")
            % {"organisation": organisation.name}
        )


def host_of(url: str) -> str:
    """The lower-case host name of ``url`` without port ("" when there is none)."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.lower().rstrip(".")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def registrable_domain(url_or_host: str) -> str:
    """The registrable domain of an address or host name: ``example.co.uk`` for
    ``https://www.example.co.uk/x``. Hosts outside the public suffix list (``localhost``,
    ``pirate.test``) keep their last two labels; IP addresses stay as they are."""
    host = host_of(url_or_host) if "/" in url_or_host else url_or_host.strip().lower()
    host = host.rstrip(".").split(":")[0] if host.count(":") == 1 else host.rstrip(".")
    if not host or _is_ip(host):
        return host
    domain = get_fld(f"http://{host}/", fail_silently=True)
    if domain:
        return str(domain).lower()
    labels = host.split(".")
    return ".".join(labels[-2:])
