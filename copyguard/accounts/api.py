"""The accounts API: the caller, organisations, memberships, invitations and API tokens.

Thin on purpose: validate (schemas), check access (copyguard.accounts.access), call an
action (copyguard.accounts.actions). Errors, authentication and pagination come from
copyguard.apiutil.
"""

# No ``from __future__ import annotations`` here: ninja reads the endpoints' annotations at
# import time, and for views under @paginate it resolves string annotations in ninja's own
# module, where names such as OrganisationKind do not exist. Python 3.11 needs no strings.

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from copyguard.accounts import access, actions
from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.models import ApiToken, Invitation, Membership, Organisation, User
from copyguard.accounts.schemas import (
    InvitationIn,
    InvitationOut,
    MemberOut,
    MeOut,
    OrganisationOut,
    OrganisationPatch,
    RoleIn,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
)
from copyguard.apiutil import (
    ERROR_RESPONSES,
    ObjectId,
    PageNumberPagination,
    api_actor,
    api_user,
)

router = Router()


def _responses(status: int, schema: Any) -> dict[int, Any]:
    return {status: schema, **ERROR_RESPONSES}


def _active_membership(request: HttpRequest, membership_id: int) -> Membership:
    membership, _ = access.get_membership_for_user(api_user(request), membership_id, write=True)
    if not membership.is_active:
        # A removed member is history, not something to change any more.
        raise Http404("No such membership")
    return membership


# ------------------------------------------------------------------------------- me


@router.get("/me", response=_responses(200, MeOut), tags=["me"], summary="Who I am")
def me(request: HttpRequest) -> User:
    """The signed-in user, with each active membership's organisation, role and permissions."""
    return api_user(request)


# ------------------------------------------------------------------------------- organisations


@router.get(
    "/organisations",
    response=_responses(200, list[OrganisationOut]),
    tags=["organisations"],
    summary="Organisations I belong to",
)
@paginate(PageNumberPagination)
def list_organisations(
    request: HttpRequest, kind: OrganisationKind | None = None
) -> QuerySet[Organisation]:
    """The organisations the caller is an active member of (platform staff: all)."""
    organisations = access.organisations_visible_to(api_user(request))
    if kind:
        organisations = organisations.filter(kind=kind)
    return organisations.order_by("kind", "region_code", "name", "pk")


@router.get(
    "/organisations/{organisation_id}",
    response=_responses(200, OrganisationOut),
    tags=["organisations"],
    summary="One organisation",
)
def get_organisation(request: HttpRequest, organisation_id: ObjectId) -> Organisation:
    organisation, _ = access.get_organisation_for_user(api_user(request), organisation_id)
    return organisation


@router.patch(
    "/organisations/{organisation_id}",
    response=_responses(200, OrganisationOut),
    tags=["organisations"],
    summary="Change an organisation's details",
)
def update_organisation(
    request: HttpRequest, organisation_id: ObjectId, payload: OrganisationPatch
) -> Organisation:
    """Managers only. Only the fields sent change; kind, level and region stay as they are."""
    organisation, _ = access.get_organisation_for_user(
        api_user(request), organisation_id, write=True
    )
    changes = payload.changes()
    if not changes:
        return organisation
    return actions.update_organisation(api_actor(request), organisation, **changes)


# ------------------------------------------------------------------------------- memberships


@router.get(
    "/organisations/{organisation_id}/memberships",
    response=_responses(200, list[MemberOut]),
    tags=["memberships"],
    summary="Members of an organisation",
)
@paginate(PageNumberPagination)
def list_memberships(request: HttpRequest, organisation_id: ObjectId) -> QuerySet[Membership]:
    """Active members, for every member of the organisation to see."""
    organisation, _ = access.get_organisation_for_user(api_user(request), organisation_id)
    return (
        Membership.objects.filter(organisation=organisation, is_active=True)
        .select_related("user")
        .order_by("user__email", "pk")
    )


@router.patch(
    "/memberships/{membership_id}",
    response=_responses(200, MemberOut),
    tags=["memberships"],
    summary="Change a member's role",
)
def change_role(request: HttpRequest, membership_id: ObjectId, payload: RoleIn) -> Membership:
    """Managers only. The role must exist for the organisation's kind; the last manager
    cannot be demoted."""
    membership = _active_membership(request, membership_id)
    return actions.change_role(api_actor(request), membership, payload.role)


@router.delete(
    "/memberships/{membership_id}",
    response=_responses(204, None),
    tags=["memberships"],
    summary="Remove a member",
)
def remove_member(request: HttpRequest, membership_id: ObjectId) -> Status[None]:
    """Managers only. The last manager cannot be removed."""
    membership = _active_membership(request, membership_id)
    actions.remove_member(api_actor(request), membership)
    return Status(204, None)


# ------------------------------------------------------------------------------- invitations


@router.get(
    "/organisations/{organisation_id}/invitations",
    response=_responses(200, list[InvitationOut]),
    tags=["invitations"],
    summary="Invitations sent by an organisation",
)
@paginate(PageNumberPagination)
def list_invitations(request: HttpRequest, organisation_id: ObjectId) -> QuerySet[Invitation]:
    """Managers only; newest first, with each one's status."""
    organisation, _ = access.get_organisation_for_user(
        api_user(request), organisation_id, write=True
    )
    return (
        Invitation.objects.filter(organisation=organisation)
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )


@router.post(
    "/organisations/{organisation_id}/invitations",
    response=_responses(201, InvitationOut),
    tags=["invitations"],
    summary="Invite a person",
)
def create_invitation(
    request: HttpRequest, organisation_id: ObjectId, payload: InvitationIn
) -> Status[Invitation]:
    """Managers only. The invitation link is e-mailed to the address; the API never shows it."""
    organisation, _ = access.get_organisation_for_user(
        api_user(request), organisation_id, write=True
    )
    invitation, _key = actions.invite(api_actor(request), organisation, payload.email, payload.role)
    return Status(201, invitation)


@router.delete(
    "/invitations/{invitation_id}",
    response=_responses(204, None),
    tags=["invitations"],
    summary="Revoke an invitation",
)
def revoke_invitation(request: HttpRequest, invitation_id: ObjectId) -> Status[None]:
    """Managers only. Revoking an invitation already accepted or revoked changes nothing."""
    invitation, _ = access.get_invitation_for_user(api_user(request), invitation_id, write=True)
    actions.revoke_invitation(api_actor(request), invitation)
    return Status(204, None)


# ------------------------------------------------------------------------------- API tokens


@router.get(
    "/me/tokens",
    response=_responses(200, list[TokenOut]),
    tags=["tokens"],
    summary="My API tokens",
)
@paginate(PageNumberPagination)
def list_tokens(request: HttpRequest) -> QuerySet[ApiToken]:
    """The caller's own tokens, revoked ones included; never the tokens themselves."""
    return ApiToken.objects.filter(user=api_user(request)).order_by("-created_at", "-pk")


@router.post(
    "/me/tokens",
    response=_responses(201, TokenCreatedOut),
    tags=["tokens"],
    summary="Create an API token",
)
def create_token(request: HttpRequest, payload: TokenIn) -> Status[TokenCreatedOut]:
    """The answer holds the token (``key``) this one time; only its hash is kept."""
    user = api_user(request)
    token, key = actions.create_api_token(api_actor(request), user, payload.name, payload.scope)
    return Status(201, TokenCreatedOut(key=key, **TokenOut.from_orm(token).model_dump()))


@router.delete(
    "/me/tokens/{token_id}",
    response=_responses(204, None),
    tags=["tokens"],
    summary="Revoke an API token",
)
def revoke_token(request: HttpRequest, token_id: ObjectId) -> Status[None]:
    """Requests with a revoked token are refused from then on."""
    token, _ = access.get_token_for_user(api_user(request), token_id, write=True)
    actions.revoke_api_token(api_actor(request), token)
    return Status(204, None)
