"""Models of publicity and training."""

from __future__ import annotations
