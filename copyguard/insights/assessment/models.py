"""Models of regional assessment."""

from __future__ import annotations
