"""Routes of the accounts pages (names are relied on by templates and other apps)."""

from django.urls import path

from copyguard.accounts.views import (
    audit,
    invitations,
    organisation,
    profile,
    session,
    signup,
    tokens,
)

app_name = "accounts"

urlpatterns = [
    # Signing in and out
    path("login/", session.login, name="login"),
    path("logout/", session.logout, name="logout"),
    path("password-reset/", session.password_reset, name="password_reset"),
    path("password-reset/sent/", session.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        session.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password-reset/done/", session.password_reset_complete, name="password_reset_complete"),
    # Sign-up of rights holders
    path("signup/", signup.signup, name="signup"),
    path("signup/done/", signup.signup_done, name="signup_done"),
    path("verify/<str:token>/", signup.verify_email, name="verify_email"),
    path("resend-confirmation/", signup.resend_verification, name="resend_verification"),
    # The signed-in user
    path("profile/", profile.profile, name="profile"),
    path("profile/password/", profile.password_change, name="password_change"),
    path("tokens/", tokens.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", tokens.token_revoke, name="token_revoke"),
    # Organisations
    path("organisations/<int:org_id>/", organisation.organisation, name="organisation"),
    path("organisations/<int:org_id>/members/", organisation.members, name="members"),
    path(
        "organisations/<int:org_id>/members/<int:membership_id>/role/",
        organisation.member_role,
        name="member_role",
    ),
    path(
        "organisations/<int:org_id>/members/<int:membership_id>/remove/",
        organisation.member_remove,
        name="member_remove",
    ),
    path(
        "organisations/<int:org_id>/invitations/<int:invitation_id>/revoke/",
        organisation.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:key>/", invitations.accept_invitation, name="accept_invitation"),
    path("audit/", audit.audit, name="audit"),
]
