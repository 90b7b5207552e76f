"""Models of enterprise check-ups."""

from __future__ import annotations
