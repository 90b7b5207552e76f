"""Models of typical cases."""

from __future__ import annotations
