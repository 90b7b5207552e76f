"""Navigation entries of publicity and training, registered from ``PublicityConfig.ready``."""

from __future__ import annotations

__all__ = ["register_entries"]


def register_entries() -> None:
    """Register this app's entries with copyguard.front.navigation (none yet)."""
