"""Models of special support funds."""

from __future__ import annotations
