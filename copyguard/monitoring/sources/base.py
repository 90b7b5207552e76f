"""What every source kind provides, and the validation helpers the kinds share.

A kind answers two audiences. The web side calls ``clean_config()`` (raises Django's
``ValidationError`` with a message per field) and shows ``label`` / ``description``.
The crawl spider, running in a subprocess without Django settings, calls ``start()``,
``follow()`` and ``read_document()`` on an already cleaned config.

Requests carry a *role*: ``page`` (an HTML page: kept, its media and files fetched),
``listing`` (an HTML page whose links lead to item pages), ``feed`` and ``sitemap`` (XML
documents read by the kind). Links found on HTML pages are sent to ``follow()``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .. import netguard

__all__ = [
    "ROLE_FEED",
    "ROLE_FILE",
    "ROLE_LISTING",
    "ROLE_PAGE",
    "ROLE_SITEMAP",
    "ConfigErrors",
    "SourceKind",
]

ROLE_PAGE = "page"
ROLE_LISTING = "listing"
ROLE_FEED = "feed"
ROLE_SITEMAP = "sitemap"
ROLE_FILE = "file"  # a picture, recording, video or download: kept as it is
HTML_ROLES = frozenset({ROLE_PAGE, ROLE_LISTING})

MAX_START_URLS = 50
MAX_PAGES = 100_000
DEFAULT_MAX_PAGES = 1_000
MAX_PATTERN_LENGTH = 500


class ConfigErrors:
    """Collects field messages; ``raise_if_any()`` raises one ValidationError with all."""

    def __init__(self) -> None:
        self.errors: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str | Promise, **params: Any) -> None:
        error = ValidationError(message, params=params)  # type: ignore[arg-type]
        self.errors.setdefault(field, []).append(error)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)  # type: ignore[arg-type]


class SourceKind:
    name: ClassVar[str]
    label: ClassVar[str | Promise]
    description: ClassVar[str | Promise]
    crawlable: ClassVar[bool] = True
    fields: ClassVar[tuple[str, ...]] = ()

    # web side -----------------------------------------------------------------------
    def clean_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """Validate ``config`` and return it normalised; ValidationError per field."""
        errors = ConfigErrors()
        if not isinstance(config, dict):
            errors.add("__all__", _("The settings must be an object."))
            errors.raise_if_any()
        unknown = sorted(set(config) - set(self.fields))
        for key in unknown:
            errors.add(str(key)[:50], _("Unknown setting."))
        cleaned = self.clean_fields(config, errors)
        errors.raise_if_any()
        return cleaned

    def clean_fields(self, config: dict[str, Any], errors: ConfigErrors) -> dict[str, Any]:
        return {}

    # spider side --------------------------------------------------------------------
    def start(self, config: dict[str, Any]) -> list[tuple[str, str]]:
        """The first requests: (url, role)."""
        return []

    def follow(self, config: dict[str, Any], role: str, page_url: str, link: str) -> str | None:
        """The role of ``link`` found on an HTML page of ``role``, or None to skip it."""
        return None

    def read_document(
        self, config: dict[str, Any], role: str, url: str, body: bytes
    ) -> list[tuple[str, str]]:
        """Links in a feed or sitemap document: (url, role)."""
        return []

    def max_pages(self, config: dict[str, Any]) -> int:
        return int(config.get("max_pages", DEFAULT_MAX_PAGES))

    def max_depth(self, config: dict[str, Any]) -> int:
        """How many link hops from a start request to the deepest page."""
        return 1


# validation helpers ------------------------------------------------------------------


def clean_urls(
    config: dict[str, Any], field: str, errors: ConfigErrors, *, required: bool = True
) -> list[str]:
    value = config.get(field, [])
    if isinstance(value, str):
        value = [line.strip() for line in value.splitlines() if line.strip()]
    if not isinstance(value, list) or not all(isinstance(u, str) for u in value):
        errors.add(field, _("Give a list of addresses."))
        return []
    urls = list(dict.fromkeys(u.strip() for u in value if u.strip()))
    if required and not urls:
        errors.add(field, _("Give at least one address."))
    if len(urls) > MAX_START_URLS:
        errors.add(field, _("Give at most %(max)d addresses."), max=MAX_START_URLS)
    for url in urls:
        message = url_problem(url)
        if message:
            errors.add(field, message)
    return urls


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be crawled (translated one line), or None."""
    try:
        netguard.check_url(url)
    except netguard.FetchRefused as exc:
        return str(_("%(url)s cannot be crawled: %(reason)s") % {"url": url[:200], "reason": exc})
    return None


def clean_int(
    config: dict[str, Any], field: str, errors: ConfigErrors, *, default: int, low: int, high: int
) -> int:
    value = config.get(field, default)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(field, _("Give a whole number."))
        return default
    if not low <= value <= high:
        errors.add(field, _("Give a number from %(low)d to %(high)d."), low=low, high=high)
        return default
    return value


def clean_pattern(
    config: dict[str, Any], field: str, errors: ConfigErrors, *, required: bool
) -> str:
    value = config.get(field, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(field, _("Give a regular expression."))
        return ""
    value = value.strip()
    if not value:
        if required:
            errors.add(field, _("Give a regular expression."))
        return ""
    if len(value) > MAX_PATTERN_LENGTH:
        errors.add(field, _("Keep the pattern under %(max)d characters."), max=MAX_PATTERN_LENGTH)
        return ""
    try:
        re.compile(value)
    except re.error as exc:
        errors.add(field, _("Not a valid regular expression: %(error)s"), error=str(exc))
        return ""
    return value


def clean_domains(
    config: dict[str, Any], field: str, errors: ConfigErrors, *, default: list[str]
) -> list[str]:
    value = config.get(field) or default
    if isinstance(value, str):
        value = [d for d in re.split(r"[\s,]+", value) if d]
    if not isinstance(value, list) or not all(isinstance(d, str) for d in value):
        errors.add(field, _("Give a list of domain names."))
        return []
    domains = []
    for raw in value:
        domain = raw.strip().lower().rstrip(".")
        if not re.fullmatch(r"(\[[0-9a-f:.]+\]|[a-z0-9_.:-]+)", domain) or len(domain) > 253:
            errors.add(field, _("Not a domain name: %(domain)s"), domain=raw[:100])
            continue
        domains.append(domain)
    return list(dict.fromkeys(domains))


def host_of(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return ""
    if port is not None and port not in (80, 443):
        # Loopback test sites differ by port only; a port-qualified domain entry
        # ("127.0.0.1:8123") limits the crawl to that one server.
        return f"{host}:{port}"
    return host


def within(url: str, domains: list[str]) -> bool:
    """Whether ``url``'s host is one of ``domains`` or a subdomain of one."""
    host = host_of(url)
    bare = host.split(":", 1)[0] if host.count(":") == 1 else host
    for domain in domains:
        if ":" in domain and domain.count(":") == 1:
            if host == domain:
                return True
        elif bare == domain or bare.endswith("." + domain):
            return True
    return False


def is_http(url: str) -> bool:
    return url.startswith(("http://", "https://"))
