"""Models of service requests."""

from __future__ import annotations
