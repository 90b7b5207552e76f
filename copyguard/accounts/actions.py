"""Every state change of the accounts domain: one function, one transaction, one audit event.

Views, API endpoints and CLI commands validate input and check access, then call these.
E-mail goes out after commit, so a rolled-back change never sends anything.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.audit import Actor, record
from copyguard.accounts.enums import (
    AccountErrorCode,
    OrganisationKind,
    RightsHolderType,
    TokenScope,
)
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Organisation,
    User,
    hash_secret,
)
from copyguard.accounts.tasks import send_email
from copyguard.jobs.queue import enqueue_with_change

EMAIL_VERIFICATION_SALT = "copyguard.accounts.verify-email"
EMAIL_VERIFICATION_MAX_AGE = timedelta(days=3)
# last_used_at is written at most this often per token, so API calls do not all write.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def _validation_to_action_error(exc: ValidationError) -> ActionError:
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        return ActionError(AccountErrorCode.INVALID, errors[0].messages[0], field=field)
    return ActionError(AccountErrorCode.INVALID, exc.messages[0])


def _send_after_commit(
    to: str,
    subject: str | Promise,
    template: str,
    context: dict[str, Any],
    language: str,
    subject_params: dict[str, Any] | None = None,
) -> None:
    # Rendered now, in the recipient's language, while the objects in ``context`` are at
    # hand; sent by a worker once the transaction commits.
    with translation.override(language):
        body = render_to_string(template, context)
        subject_text = str(subject) % subject_params if subject_params else str(subject)
    enqueue_with_change(send_email, to, subject_text, body)


# ---------------------------------------------------------------- organisations and people


@transaction.atomic
def create_organisation(actor: Actor, **fields: Any) -> Organisation:
    organisation = Organisation(**fields)
    try:
        organisation.full_clean()
        organisation.save()
    except ValidationError as exc:
        raise _validation_to_action_error(exc) from exc
    record(
        actor,
        "accounts.organisation.create",
        organisation,
        organisation=organisation,
        params={"kind": organisation.kind, "region_code": organisation.region_code},
    )
    return organisation


@transaction.atomic
def update_organisation(actor: Actor, organisation: Organisation, **changes: Any) -> Organisation:
    allowed = {"name", "name_en", "contact_email", "contact_phone", "address"}
    unknown = set(changes) - allowed
    if unknown:
        raise ActionError(
            AccountErrorCode.INVALID,
            _("These fields cannot be changed here."),
            field=sorted(unknown)[0],
        )
    before = {key: getattr(organisation, key) for key in changes}
    for key, value in changes.items():
        setattr(organisation, key, value)
    try:
        organisation.full_clean()
    except ValidationError as exc:
        raise _validation_to_action_error(exc) from exc
    organisation.save(update_fields=list(changes))
    record(
        actor,
        "accounts.organisation.update",
        organisation,
        organisation=organisation,
        params={"before": before, "after": changes},
    )
    return organisation


@transaction.atomic
def create_user(
    actor: Actor,
    *,
    email: str,
    password: str | None,
    full_name: str = "",
    language: str = "zh-hans",
    verified: bool = False,
    is_superuser: bool = False,
) -> User:
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ActionError(
            AccountErrorCode.EMAIL_TAKEN,
            _("An account with this e-mail address exists."),
            field="email",
        )
    user = User(
        email=email,
        full_name=full_name,
        language=language,
        email_verified_at=timezone.now() if verified else None,
        is_staff=is_superuser,
        is_superuser=is_superuser,
    )
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ActionError(AccountErrorCode.INVALID, exc.messages[0], field="password") from exc
    user.set_password(password)
    try:
        user.full_clean(exclude=["password"])
        user.save()
    except ValidationError as exc:
        raise _validation_to_action_error(exc) from exc
    except IntegrityError as exc:  # a concurrent sign-up with the same address
        raise ActionError(
            AccountErrorCode.EMAIL_TAKEN,
            _("An account with this e-mail address exists."),
            field="email",
        ) from exc
    record(actor, "accounts.user.create", user, params={"superuser": is_superuser})
    return user


@transaction.atomic
def add_member(actor: Actor, organisation: Organisation, user: User, role: str) -> Membership:
    if not organisation.role_allowed(role):
        raise ActionError(
            AccountErrorCode.ROLE_NOT_FOR_KIND,
            _("This role does not exist in this kind of organisation."),
            field="role",
        )
    existing = Membership.objects.filter(user=user, organisation=organisation).first()
    if existing is not None and existing.is_active:
        raise ActionError(AccountErrorCode.ALREADY_MEMBER, _("Already a member."), field="email")
    if existing is not None:
        existing.is_active = True
        existing.role = role
        existing.save(update_fields=["is_active", "role"])
        membership = existing
    else:
        membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    record(
        actor,
        "accounts.membership.add",
        membership,
        organisation=organisation,
        params={"user": user.email, "role": role},
    )
    return membership


def _managers_left(organisation: Organisation, excluding: Membership) -> int:
    return (
        Membership.objects.filter(organisation=organisation, is_active=True)
        .exclude(pk=excluding.pk)
        .filter(role=organisation.managing_role())
        .count()
    )


@transaction.atomic
def change_role(actor: Actor, membership: Membership, role: str) -> Membership:
    # Lock the organisation first: two managers demoting each other at once must not
    # leave it without one.
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not organisation.role_allowed(role):
        raise ActionError(
            AccountErrorCode.ROLE_NOT_FOR_KIND,
            _("This role does not exist in this kind of organisation."),
            field="role",
        )
    if (
        membership.is_manager
        and role != membership.role
        and _managers_left(organisation, membership) == 0
    ):
        raise ActionError(
            AccountErrorCode.LAST_MANAGER,
            _("An organisation must keep at least one manager."),
            field="role",
        )
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    record(
        actor,
        "accounts.membership.change_role",
        membership,
        organisation=organisation,
        params={"user": membership.user.email, "before": before, "after": role},
    )
    return membership


@transaction.atomic
def remove_member(actor: Actor, membership: Membership) -> Membership:
    Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.is_manager and _managers_left(membership.organisation, membership) == 0:
        raise ActionError(
            AccountErrorCode.LAST_MANAGER, _("An organisation must keep at least one manager.")
        )
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    record(
        actor,
        "accounts.membership.remove",
        membership,
        organisation=membership.organisation,
        params={"user": membership.user.email, "role": membership.role},
    )
    return membership


@transaction.atomic
def update_profile(actor: Actor, user: User, *, full_name: str, language: str) -> User:
    """Change a user's own name and interface language."""
    full_name = full_name.strip()
    if len(full_name) > 150:
        raise ActionError(
            AccountErrorCode.INVALID,
            _("Use at most 150 characters for the name."),
            field="full_name",
        )
    if language not in dict(settings.LANGUAGES):
        raise ActionError(AccountErrorCode.INVALID, _("Choose a language."), field="language")
    before = {"full_name": user.full_name, "language": user.language}
    after = {"full_name": full_name, "language": language}
    if before == after:
        return user
    user.full_name = full_name
    user.language = language
    user.save(update_fields=["full_name", "language"])
    record(actor, "accounts.user.update_profile", user, params={"before": before, "after": after})
    return user


def _set_password(actor: Actor, user: User, new_password: str, action: str) -> User:
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ActionError(AccountErrorCode.INVALID, exc.messages[0], field="password") from exc
    user.set_password(new_password)
    fields = ["password"]
    if action == "accounts.user.reset_password" and user.email_verified_at is None:
        # The reset link reached the mailbox, which is what verification proves.
        user.email_verified_at = timezone.now()
        fields.append("email_verified_at")
    user.save(update_fields=fields)
    record(actor, action, user)
    return user


@transaction.atomic
def change_password(actor: Actor, user: User, new_password: str) -> User:
    """A signed-in user sets a new password (the caller has checked the old one)."""
    return _set_password(actor, user, new_password, "accounts.user.change_password")


@transaction.atomic
def reset_password(actor: Actor, user: User, new_password: str) -> User:
    """A user sets a new password through a reset link sent to their address."""
    return _set_password(actor, user, new_password, "accounts.user.reset_password")


# ---------------------------------------------------------------- sign-up and e-mail checks


def email_verification_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=EMAIL_VERIFICATION_SALT)


def send_verification_email(user: User) -> None:
    """Queue the verification e-mail; sent when the surrounding transaction commits."""
    link = settings.BASE_URL + reverse(
        "accounts:verify_email", args=[email_verification_token(user)]
    )
    _send_after_commit(
        user.email,
        _("Confirm your e-mail address for copyguard"),
        "accounts/email/verify_email.txt",
        {"user": user, "link": link, "days": EMAIL_VERIFICATION_MAX_AGE.days},
        user.language,
    )


@transaction.atomic
def sign_up_rights_holder(
    actor: Actor,
    *,
    organisation_name: str,
    rights_holder_type: str,
    email: str,
    password: str,
    full_name: str,
    language: str = "zh-hans",
    region_code: str = "",
) -> tuple[Organisation, User]:
    """A rights holder registers itself: its organisation and first user (the owner).

    The user must confirm the e-mail address before signing in.
    """
    if rights_holder_type not in RightsHolderType.values:
        raise ActionError(
            AccountErrorCode.INVALID, _("Choose a rights holder type."), field="rights_holder_type"
        )
    user = create_user(
        actor,
        email=email,
        password=password,
        full_name=full_name,
        language=language,
        verified=False,
    )
    signed_up = Actor(user=user, ip=actor.ip, via=actor.via)
    organisation = create_organisation(
        signed_up,
        name=organisation_name.strip(),
        kind=OrganisationKind.RIGHTS_HOLDER,
        rights_holder_type=rights_holder_type,
        region_code=region_code,
        contact_email=user.email,
    )
    add_member(signed_up, organisation, user, organisation.managing_role())
    record(signed_up, "accounts.signup", user, organisation=organisation)
    send_verification_email(user)
    return organisation, user


@transaction.atomic
def resend_verification(actor: Actor, email: str) -> bool:
    """Send a new confirmation link if ``email`` belongs to an unconfirmed, active account.

    Returns whether a message was queued; callers must not tell the visitor, so that the
    answer does not reveal which addresses have accounts.
    """
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(
        email__iexact=email, is_active=True, email_verified_at__isnull=True
    ).first()
    if user is None:
        return False
    record(actor, "accounts.user.resend_verification", user)
    send_verification_email(user)
    return True


@transaction.atomic
def notify_signup_for_existing_account(actor: Actor, email: str) -> None:
    """Someone tried to sign up with an address that has an account.

    The sign-up page answers as if it had worked (so it does not reveal which addresses
    are registered) and the owner of the address is told by e-mail instead.
    """
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        return
    record(actor, "accounts.signup.existing_address", user)
    _send_after_commit(
        user.email,
        _("Someone tried to register this address on copyguard"),
        "accounts/email/signup_existing.txt",
        {
            "user": user,
            "login_link": settings.BASE_URL + reverse("accounts:login"),
            "reset_link": settings.BASE_URL + reverse("accounts:password_reset"),
        },
        user.language,
    )


@transaction.atomic
def verify_email(actor: Actor, token: str) -> User:
    try:
        data = signing.loads(
            token, salt=EMAIL_VERIFICATION_SALT, max_age=EMAIL_VERIFICATION_MAX_AGE
        )
        user = User.objects.select_for_update().get(pk=data["u"], email=data["e"])
    except signing.SignatureExpired as exc:
        raise ActionError(
            AccountErrorCode.INVALID, _("This confirmation link has expired. Ask for a new one.")
        ) from exc
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError) as exc:
        raise ActionError(
            AccountErrorCode.INVALID, _("This confirmation link is not valid.")
        ) from exc
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        record(Actor(user=user, ip=actor.ip, via=actor.via), "accounts.user.verify_email", user)
    return user


# ---------------------------------------------------------------- invitations


@transaction.atomic
def invite(
    actor: Actor, organisation: Organisation, email: str, role: str
) -> tuple[Invitation, str]:
    """Invite a person to join with ``role``. Returns the invitation and its one-time key."""
    email = User.objects.normalize_email(email).strip().lower()
    if not organisation.role_allowed(role):
        raise ActionError(
            AccountErrorCode.ROLE_NOT_FOR_KIND,
            _("This role does not exist in this kind of organisation."),
            field="role",
        )
    if Membership.objects.filter(
        organisation=organisation, user__email__iexact=email, is_active=True
    ).exists():
        raise ActionError(AccountErrorCode.ALREADY_MEMBER, _("Already a member."), field="email")
    key = Invitation.new_key()
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        key_hash=hash_secret(key),
        invited_by=actor.user,
    )
    try:
        invitation.full_clean(exclude=["key_hash", "invited_by"])
    except ValidationError as exc:
        raise _validation_to_action_error(exc) from exc
    invitation.save()
    record(
        actor,
        "accounts.invitation.create",
        invitation,
        organisation=organisation,
        params={"email": email, "role": role},
    )
    link = settings.BASE_URL + reverse("accounts:accept_invitation", args=[key])
    existing = User.objects.filter(email__iexact=email).first()
    _send_after_commit(
        email,
        _("You are invited to join %(organisation)s on copyguard"),
        "accounts/email/invitation.txt",
        {"invitation": invitation, "link": link, "inviter": actor.user},
        existing.language if existing else settings.LANGUAGE_CODE,
        subject_params={"organisation": organisation.name},
    )
    return invitation, key


def find_open_invitation(key: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("organisation").filter(key_hash=hash_secret(key)).first()
    )
    if invitation is None or not invitation.is_open():
        raise ActionError(
            AccountErrorCode.INVITATION_INVALID,
            _("The invitation is invalid or has expired."),
            status=404,
        )
    return invitation


@transaction.atomic
def accept_invitation(
    actor: Actor,
    key: str,
    *,
    user: User | None = None,
    password: str | None = None,
    full_name: str = "",
    language: str = "zh-hans",
) -> Membership:
    """Accept an invitation, as the signed-in ``user`` or by creating an account.

    A new account's e-mail counts as verified: the key reached that mailbox.
    """
    invitation = find_open_invitation(key)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open():
        raise ActionError(
            AccountErrorCode.INVITATION_INVALID,
            _("The invitation is invalid or has expired."),
            status=404,
        )
    if user is None:
        user = create_user(
            actor,
            email=invitation.email,
            password=password,
            full_name=full_name,
            language=language,
            verified=True,
        )
    elif user.email.lower() != invitation.email.lower():
        raise ActionError(
            AccountErrorCode.INVITATION_INVALID,
            _("This invitation was sent to another e-mail address."),
            status=403,
        )
    elif user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    as_user = Actor(user=user, ip=actor.ip, via=actor.via)
    membership = add_member(as_user, invitation.organisation, user, invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record(as_user, "accounts.invitation.accept", invitation, organisation=invitation.organisation)
    return membership


@transaction.atomic
def revoke_invitation(actor: Actor, invitation: Invitation) -> Invitation:
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record(
            actor,
            "accounts.invitation.revoke",
            invitation,
            organisation=invitation.organisation,
            params={"email": invitation.email},
        )
    return invitation


# ---------------------------------------------------------------- API tokens


@transaction.atomic
def create_api_token(
    actor: Actor, user: User, name: str, scope: str = TokenScope.WRITE
) -> tuple[ApiToken, str]:
    """Create a token for ``user`` with ``scope`` (TokenScope); the raw key is returned once
    and never stored. The page, the API and the CLI ask for the scope (read by default)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ActionError(
            AccountErrorCode.INVALID,
            _("Give the token a name of at most 100 characters."),
            field="name",
        )
    if scope not in TokenScope.values:
        raise ActionError(
            AccountErrorCode.INVALID,
            _("Choose the token's scope: read, scan or write."),
            field="scope",
        )
    # Rate limits count per token (the scan API's): a cap on tokens keeps one person from
    # multiplying their allowance by making more. Locking the user serialises two creations.
    User.objects.select_for_update().filter(pk=user.pk).first()
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= settings.MAX_API_TOKENS:
        raise ActionError(
            AccountErrorCode.INVALID,
            _("You have %(count)d active tokens, the most allowed: revoke one first.")
            % {"count": active},
            field="name",
        )
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:10], key_hash=hash_secret(key), scope=scope
    )
    record(actor, "accounts.api_token.create", token, params={"name": name, "scope": scope})
    return token, key


@transaction.atomic
def revoke_api_token(actor: Actor, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor, "accounts.api_token.revoke", token, params={"name": token.name})
    return token


def user_for_api_key(key: str) -> User | None:
    """The active user a raw API key belongs to, or None. Touches last-used time.

    Whether the e-mail address is verified is for the caller to check (the API refuses
    unverified users with its own error code).
    """
    token = token_for_api_key(key)
    return token.user if token is not None else None


def token_for_api_key(key: str) -> ApiToken | None:
    """The unrevoked token of an active user that ``key`` is, or None (with its ``user``
    loaded). Touches last-used time. The API checks the token's scope against the request."""
    if not key or not key.startswith(settings.API_TOKEN_PREFIX) or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_secret(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
