"""Forms of the accounts web pages. They validate input; the actions change state."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import MANAGING_ROLES, RightsHolderType, TokenScope
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation, User, region_code_validator

# Long enough for any pass phrase, short enough that hashing cannot be used to tie up a worker.
PASSWORD_MAX_LENGTH = 4096


def _language_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


def _password_fields() -> tuple[forms.CharField, forms.CharField]:
    return (
        forms.CharField(
            label=_("Password"),
            max_length=PASSWORD_MAX_LENGTH,
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
        forms.CharField(
            label=_("Password again"),
            max_length=PASSWORD_MAX_LENGTH,
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            help_text=_("Type the same password again, to avoid typing mistakes."),
        ),
    )


def _limit_length(form: forms.BaseForm, *names: str) -> None:
    for name in names:
        field = form.fields[name]
        field.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))
        field.widget.attrs["maxlength"] = str(PASSWORD_MAX_LENGTH)


def _offer_roles_of(form: forms.BaseForm, organisation: Organisation) -> None:
    """Limit the ``role`` field to the roles of the organisation's kind."""
    field = form.fields["role"]
    assert isinstance(field, forms.ChoiceField)
    field.choices = [(role.value, role.label) for role in organisation.roles()]


class ActionErrorMixin:
    """Shows an action's refusal next to the field it is about."""

    # Maps an action's field name to this form's field name where they differ.
    action_fields: dict[str, str] = {}

    def add_action_error(self, error: ActionError) -> None:
        form: forms.BaseForm = self  # type: ignore[assignment]
        field = self.action_fields.get(error.field or "", error.field)
        if field not in form.fields:
            field = None
        form.add_error(field, str(error.message))


class PasswordPairMixin:
    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))  # type: ignore[attr-defined]
        return cleaned


class SignUpForm(PasswordPairMixin, ActionErrorMixin, forms.Form):
    """A rights holder registers its organisation and its first user."""

    action_fields = {"name": "organisation_name", "password": "password1"}

    organisation_name = forms.CharField(
        label=_("Organisation name"),
        max_length=200,
        help_text=_("For an individual author, your own name."),
    )
    rights_holder_type = forms.ChoiceField(
        label=_("Type of rights holder"), choices=RightsHolderType.choices
    )
    region_code = forms.CharField(
        label=_("Region code"),
        max_length=6,
        required=False,
        validators=[region_code_validator],
        help_text=_("Six-digit GB/T 2260 code of your region, e.g. 440300 for Shenzhen."),
    )
    full_name = forms.CharField(label=_("Your full name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send a confirmation link to this address."),
    )
    password1, password2 = _password_fields()
    language = _language_field()

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class LoginForm(auth_forms.AuthenticationForm):
    """E-mail and password; refuses accounts whose e-mail is not confirmed yet."""

    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("The e-mail address or the password is wrong."),
        "inactive": _("This account is switched off. Ask the platform's staff for help."),
        "unverified": _(
            "Confirm your e-mail address first: open the link we sent you. "
            "You can ask for a new link below."
        ),
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        # Reached only with the right password, so this tells nothing to a stranger.
        if not user.email_verified:
            raise ValidationError(self.error_messages["unverified"], code="unverified")

    @property
    def unverified(self) -> bool:
        return self.has_error(NON_FIELD_ERRORS, "unverified")


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class SetPasswordForm(auth_forms.SetPasswordForm):
    """Sets a new password through ``actions.reset_password``, so the change is audited."""

    def __init__(self, user: Any, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.actor = actor
        _limit_length(self, "new_password1", "new_password2")

    def save(self, commit: bool = True) -> Any:
        return actions.reset_password(self.actor, self.user, self.cleaned_data["new_password1"])


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Sets a new password through ``actions.change_password``, so the change is audited."""

    def __init__(self, user: Any, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.actor = actor
        _limit_length(self, "old_password", "new_password1", "new_password2")

    def save(self, commit: bool = True) -> Any:
        return actions.change_password(self.actor, self.user, self.cleaned_data["new_password1"])


class ProfileForm(ActionErrorMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    language = _language_field()


class OrganisationForm(ActionErrorMixin, forms.ModelForm):
    """The details an organisation's managers may change themselves."""

    class Meta:
        model = Organisation
        fields = ["name", "name_en", "contact_email", "contact_phone", "address"]


class InviteForm(ActionErrorMixin, forms.Form):
    """Invites a person; the role offered first is the first one that does not manage."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer_roles_of(self, organisation)
        # Managers are rarely invited; do not make it the default.
        self.fields["role"].initial = next(
            (role for role in organisation.roles() if role not in MANAGING_ROLES), None
        )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class RoleForm(ActionErrorMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer_roles_of(self, organisation)


class AcceptInvitationForm(PasswordPairMixin, ActionErrorMixin, forms.Form):
    """Creates the account of an invited person who has none yet."""

    action_fields = {"password": "password1"}

    full_name = forms.CharField(label=_("Your full name"), max_length=150)
    password1, password2 = _password_fields()
    language = _language_field()


class ApiTokenForm(ActionErrorMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “nightly upload script”."),
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        required=False,  # left out: read only, the least power
        widget=forms.RadioSelect,
        help_text=_(
            "Read only: the token may look but change nothing. Scan only: it may submit "
            "scans and read their results. Read and write: it may do all you may do."
        ),
    )

    def clean_scope(self) -> str:
        return str(self.cleaned_data.get("scope") or TokenScope.READ)


class AuditFilterForm(forms.Form):
    """Filters of the audit page; every field is optional."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    action = forms.CharField(
        label=_("Action"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "accounts.membership"}),
    )
    actor = forms.CharField(label=_("Actor e-mail"), max_length=254, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


class AdminUserCreationForm(auth_forms.AdminUserCreationForm):
    """Back-office form that creates a user identified by e-mail."""

    class Meta:
        model = User
        fields = ("email", "full_name", "language")

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account with this e-mail address exists."))
        return email


class AdminUserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("An account with this e-mail address exists."))
        return email
