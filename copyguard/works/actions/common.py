"""What the works actions share: error helpers and who may act for whom."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Membership, Organisation
from copyguard.works.enums import WorkErrorCode
from copyguard.works.models import Registration, Work


def invalid(exc: ValidationError, prefix: str = "") -> ActionError:
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        return ActionError(WorkErrorCode.INVALID, errors[0].messages[0], field=prefix + field)
    return ActionError(WorkErrorCode.INVALID, exc.messages[0])


def require_editable(work: Work) -> Registration | None:
    current = work.current_registration
    if current is not None and not current.is_editable():
        raise ActionError(
            WorkErrorCode.NOT_EDITABLE,
            _("The work cannot be changed while its registration is %(status)s.")
            % {"status": current.get_status_display()},
            status=409,
        )
    return current


def require_registrar(actor: Actor, administration: Organisation) -> None:
    """The actor is an active registrar of the copyright administration (or platform staff)."""
    if administration.kind != OrganisationKind.ADMINISTRATION or not administration.is_active:
        raise ActionError(
            WorkErrorCode.NOT_REGISTRAR,
            _("Only a copyright administration examines registrations."),
            status=403,
        )
    user = actor.user
    if user is None:
        raise ActionError(
            WorkErrorCode.NOT_REGISTRAR,
            _("Only a registrar of a copyright administration may do this."),
            status=403,
        )
    if user.is_superuser:
        return
    if not Membership.objects.filter(
        user=user, organisation=administration, role=Role.REGISTRAR, is_active=True
    ).exists():
        raise ActionError(
            WorkErrorCode.NOT_REGISTRAR,
            _("Only a registrar of a copyright administration may do this."),
            status=403,
        )


def require_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(WorkErrorCode.REASON_REQUIRED, _("Give a reason."), field=field)
    if len(reason) > 5000:
        raise ActionError(
            WorkErrorCode.INVALID,
            _("The reason is too long (at most 5,000 characters)."),
            field=field,
        )
    return reason
