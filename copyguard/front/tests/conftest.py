"""Fixtures for the web shell's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse

from copyguard.front import navigation


def in_english(client: Client) -> Client:
    """Pin the interface language, so assertions on wording hold once translations exist."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def en_client(client: Client) -> Client:
    return in_english(client)


def reversible(name: str, *args: object) -> str | None:
    """The URL of ``name``, or None while the app that owns it has not added it yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@pytest.fixture
def restore_nav() -> Iterator[None]:
    saved = list(navigation.NAV_ENTRIES)
    yield
    navigation.NAV_ENTRIES[:] = saved
