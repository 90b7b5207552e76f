"""Models of statistics and reports."""

from __future__ import annotations
