"""Models of model units."""

from __future__ import annotations
