"""Shared field helpers of the enforcement models."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

URL_LENGTH = 2000


def user_fk(verbose: Any, related: str = "+", *, null: bool = True) -> Any:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose,
        on_delete=models.SET_NULL if null else models.PROTECT,
        null=null,
        blank=null,
        related_name=related,
    )


def org_fk(verbose: Any, related: str, *, null: bool = False, cascade: bool = False) -> Any:
    return models.ForeignKey(
        "accounts.Organisation",
        verbose_name=verbose,
        on_delete=models.CASCADE if cascade else (models.SET_NULL if null else models.PROTECT),
        null=null,
        blank=null,
        related_name=related,
    )
