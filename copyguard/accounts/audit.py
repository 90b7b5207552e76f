"""Audit events: every action records who did what, in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import HttpRequest

from copyguard.accounts.models import AuditEvent, Organisation, User

__all__ = ["Actor", "record"]


@dataclass(frozen=True)
class Actor:
    """Who is acting and from where: a signed-in user, the CLI, or the system itself."""

    user: User | None
    ip: str | None = None
    via: str = "web"  # web, api, cli, worker, system

    @classmethod
    def from_request(cls, request: HttpRequest, via: str = "web") -> Actor:
        user = request.user if request.user.is_authenticated else None
        return cls(user=user, ip=getattr(request, "client_ip", None), via=via)  # type: ignore[arg-type]

    @classmethod
    def system(cls, via: str = "system") -> Actor:
        return cls(user=None, ip=None, via=via)

    @property
    def label(self) -> str:
        return self.user.email if self.user is not None else f"({self.via})"


def record(
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    *,
    organisation: Organisation | None = None,
    params: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event. Call inside the action's transaction."""
    payload = dict(params or {})
    payload.setdefault("via", actor.via)
    return AuditEvent.objects.create(
        actor=actor.user,
        actor_label=actor.label[:254],
        organisation=organisation,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        params=payload,
        ip=actor.ip,
    )
