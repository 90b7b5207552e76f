"""A platform's upload feed: nothing to crawl; the platform pushes items through the API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ..base import ConfigErrors, SourceKind


class Kind(SourceKind):
    name = "upload"
    label = _("Platform upload feed")
    description = _(
        "An online platform sends newly uploaded files through the API and gets the result "
        "back; nothing is crawled."
    )
    crawlable = False
    fields = ()

    def clean_fields(self, config: dict[str, Any], errors: ConfigErrors) -> dict[str, Any]:
        return {}
