"""Forms of the monitoring pages. They validate input; the actions change state.

A source's settings depend on its kind: :class:`SourceForm` adds one form field per
setting the kind declares (``Kind.fields``) and lets the kind validate them
(``clean_config``), so a bad start address shows next to its field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import Organisation
from copyguard.monitoring.enums import HitStatus, Schedule, SourceScope
from copyguard.monitoring.models import Source
from copyguard.monitoring.sources import get_kind
from copyguard.works.models import Work

__all__ = [
    "AllowListForm",
    "HitFilterForm",
    "KeyWorkForm",
    "ReasonForm",
    "SourceForm",
    "config_field",
]

LIST_SETTINGS = frozenset({"start_urls", "feed_urls", "sitemap_urls", "allowed_domains"})
NUMBER_SETTINGS = frozenset({"max_depth", "max_pages", "max_listing_pages"})
# Settings without which a kind has nowhere to start (the kind validates them again).
REQUIRED_SETTINGS = frozenset({"start_urls", "feed_urls", "sitemap_urls", "item_pattern"})

# Labels and help of the settings the source kinds declare; an unknown setting falls back
# to its name so a new kind still gets a working form.
SETTING_LABELS: dict[str, tuple[Any, Any]] = {
    "start_urls": (_("Start addresses"), _("One address per line.")),
    "feed_urls": (_("Feed addresses"), _("One RSS or Atom feed address per line.")),
    "sitemap_urls": (_("Sitemap addresses"), _("One sitemap.xml address per line.")),
    "allowed_domains": (
        _("Allowed domains"),
        _("Links are followed within these domains only; empty: the start addresses' hosts."),
    ),
    "max_depth": (_("Link depth"), _("How many links away from a start address to go.")),
    "max_pages": (_("Page budget"), _("At most this many pages per run.")),
    "max_listing_pages": (
        _("Listing page budget"),
        _("At most this many listing pages per run."),
    ),
    "item_pattern": (
        _("Item address pattern"),
        _("A regular expression; links on listing pages that match it are item pages."),
    ),
    "next_page_pattern": (
        _("Next page pattern"),
        _("A regular expression for links to further listing pages (optional)."),
    ),
    "url_pattern": (
        _("Address pattern"),
        _("A regular expression; only matching addresses are fetched (optional)."),
    ),
}


class ActionErrorMixin:
    """Show an action's refusal next to the field it names (or above the form)."""

    def add_action_error(self, error: ActionError) -> None:
        form: forms.BaseForm = self  # type: ignore[assignment]
        field = (error.field or "").split(".")[-1]
        form.add_error(field if field in form.fields else None, str(error.message))


def config_field(name: str) -> forms.Field:
    """The form field of a source setting called ``name``."""
    label, help_text = SETTING_LABELS.get(name, (name.replace("_", " "), ""))
    required = name in REQUIRED_SETTINGS
    if name in LIST_SETTINGS:
        return forms.CharField(
            label=label,
            help_text=help_text,
            required=required,
            widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        )
    if name in NUMBER_SETTINGS:
        return forms.IntegerField(label=label, help_text=help_text, required=False)
    return forms.CharField(label=label, help_text=help_text, required=required, max_length=500)


def _as_text(value: Any) -> Any:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return value


class SourceForm(ActionErrorMixin, forms.Form):
    """A source of one kind: what every source has, and the kind's own settings."""

    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    name = forms.CharField(label=_("Name"), max_length=200)
    schedule = forms.ChoiceField(
        label=_("Schedule"), choices=Schedule.choices, initial=Schedule.MANUAL
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    scope = forms.ChoiceField(
        label=_("Works watched"), choices=SourceScope.choices, initial=SourceScope.OWN
    )
    obey_robots = forms.BooleanField(label=_("Obey robots.txt"), required=False, initial=True)
    robots_override_reason = forms.CharField(
        label=_("Reason for ignoring robots.txt"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Administrations only: recorded with the source."),
    )
    auto_evidence_score = forms.FloatField(
        label=_("Capture evidence automatically from score"),
        required=False,
        min_value=0.0,
        max_value=1.0,
        help_text=_("From 0 to 1; empty: only when a hit is confirmed."),
    )
    platform = forms.TypedChoiceField(
        label=_("Platform pushing uploads"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self,
        data: Any = None,
        *,
        kind: str,
        owners: list[Organisation],
        source: Source | None = None,
    ) -> None:
        initial: dict[str, Any] = {}
        if source is not None:
            initial = {
                "owner": source.owner_id,
                "name": source.name,
                "schedule": source.schedule,
                "enabled": source.enabled,
                "scope": source.scope,
                "obey_robots": source.obey_robots,
                "robots_override_reason": source.robots_override_reason,
                "auto_evidence_score": source.auto_evidence_score,
                "platform": source.platform_id,
            }
            initial.update({k: _as_text(v) for k, v in source.config.items()})
        elif len(owners) == 1:
            initial["owner"] = owners[0].pk
        super().__init__(data, initial=initial)
        self.kind = get_kind(kind)
        self.kind_name = kind
        self.source = source
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ChoiceField)
        owner_field.choices = [(o.pk, o.name) for o in owners]
        if source is not None:
            # A source stays with its organisation.
            owner_field.disabled = True
        self.config_names = list(self.kind.fields)
        for name in self.config_names:
            self.fields[name] = config_field(name)
        if not any(o.kind == OrganisationKind.ADMINISTRATION for o in owners):
            # Campaign-wide sources and ignoring robots.txt are for administrations only.
            scope_field = self.fields["scope"]
            assert isinstance(scope_field, forms.ChoiceField)
            scope_field.choices = [(SourceScope.OWN.value, SourceScope.OWN.label)]
            del self.fields["robots_override_reason"]
            del self.fields["obey_robots"]
        if kind == "upload":
            platform_field = self.fields["platform"]
            assert isinstance(platform_field, forms.ChoiceField)
            platforms = Organisation.objects.filter(
                kind=OrganisationKind.PLATFORM, is_active=True
            ).order_by("name")
            platform_field.choices = [("", "—"), *((p.pk, p.name) for p in platforms)]
            for name in ("schedule", "obey_robots", "robots_override_reason"):
                self.fields.pop(name, None)
        else:
            del self.fields["platform"]

    def common_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.config_names]

    def config_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.config_names]

    def config(self) -> dict[str, Any]:
        """The kind's settings as typed, without the empty ones (the kind fills defaults)."""
        data = self.cleaned_data
        return {name: data[name] for name in self.config_names if data.get(name) not in (None, "")}

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            cleaned["config"] = self.kind.clean_config(self.config())
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, messages in error.error_dict.items():
                    target = field if field in self.fields else None
                    for message in messages:
                        self.add_error(target, message)
            else:
                self.add_error(None, error)
        return cleaned

    def settings(self) -> dict[str, Any]:
        """Everything but the owner and ``enabled``, as the create and update actions take
        it."""
        data = self.cleaned_data
        fields: dict[str, Any] = {
            "name": data["name"],
            "config": data["config"],
            "scope": data["scope"],
            "auto_evidence_score": data["auto_evidence_score"],
        }
        if "schedule" in self.fields:
            fields["schedule"] = data["schedule"]
        if "obey_robots" in self.fields:
            fields["obey_robots"] = data["obey_robots"]
            fields["robots_override_reason"] = data["robots_override_reason"]
        if "platform" in self.fields:
            fields["platform"] = (
                Organisation.objects.filter(pk=data["platform"]).first()
                if data["platform"]
                else None
            )
        return fields


class HitFilterForm(forms.Form):
    """The review queue's filters; status ``new`` unless another is chosen."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *HitStatus.choices],
        required=False,
    )
    medium = forms.ChoiceField(label=_("Media"), required=False)
    site = forms.CharField(label=_("Site"), required=False, max_length=253)
    work = forms.CharField(label=_("Work"), required=False, max_length=200)
    key_works = forms.BooleanField(label=_("Key works only"), required=False)

    def __init__(self, data: Any = None, *, media: list[tuple[str, Any]]) -> None:
        super().__init__(data)
        media_field = self.fields["medium"]
        assert isinstance(media_field, forms.ChoiceField)
        media_field.choices = [("", _("Any media")), *media]


class ReasonForm(ActionErrorMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AllowListForm(ActionErrorMixin, forms.Form):
    owner = forms.TypedChoiceField(label=_("Rights holder"), coerce=int)
    domain = forms.CharField(
        label=_("Domain"),
        max_length=253,
        help_text=_("A registrable domain (example.com) or one host (shop.example.com)."),
    )
    work = forms.TypedChoiceField(label=_("Work"), coerce=int, required=False, empty_value=None)
    licensee = forms.CharField(label=_("Licensee"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: until removed."),
    )

    def __init__(
        self, data: Any = None, *, owners: list[Organisation], works: QuerySet[Work]
    ) -> None:
        super().__init__(data, initial={"owner": owners[0].pk} if len(owners) == 1 else None)
        owner_field = self.fields["owner"]
        work_field = self.fields["work"]
        assert isinstance(owner_field, forms.ChoiceField)
        assert isinstance(work_field, forms.ChoiceField)
        owner_field.choices = [(o.pk, o.name) for o in owners]
        work_field.choices = [("", _("All our works")), *((w.pk, w.title) for w in works)]
        self.works = works

    def clean_domain(self) -> str:
        domain: str = self.cleaned_data["domain"].strip().lower().rstrip(".")
        if "://" in domain:
            domain = domain.split("://", 1)[1].split("/", 1)[0]
        if not domain or " " in domain or "." not in domain:
            raise ValidationError(_("Give a domain name such as example.com."))
        return domain

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        work_id = cleaned.get("work")
        owner_id = cleaned.get("owner")
        if work_id and owner_id and not self.works.filter(pk=work_id, owner_id=owner_id).exists():
            self.add_error("work", _("The work does not belong to this rights holder."))
        return cleaned


class KeyWorkForm(ActionErrorMixin, forms.Form):
    administration = forms.TypedChoiceField(label=_("Administration"), coerce=int)
    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=64,
        help_text=_("The number of the registered work to watch."),
    )
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, data: Any = None, *, administrations: list[Organisation]) -> None:
        today = timezone.localdate()
        initial: dict[str, Any] = {"starts_on": today}
        if len(administrations) == 1:
            initial["administration"] = administrations[0].pk
        super().__init__(data, initial=initial)
        field = self.fields["administration"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(a.pk, a.name) for a in administrations]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The period ends before it starts."))
        number = (cleaned.get("registration_number") or "").strip()
        if number:
            from copyguard.works.enums import RegistrationStatus
            from copyguard.works.models import Registration

            registration = (
                Registration.objects.filter(number=number, status=RegistrationStatus.REGISTERED)
                .select_related("work")
                .first()
            )
            if registration is None:
                self.add_error("registration_number", _("No registered work has this number."))
            else:
                cleaned["work"] = registration.work
        return cleaned
