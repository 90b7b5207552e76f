"""Pages of enforcement: platform (being built; see the contract in docs/enforcement.md)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
