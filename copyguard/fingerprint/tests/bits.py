"""Helpers shared by the index tests."""

from __future__ import annotations

import numpy as np


def flip_bits(rng: np.random.Generator, rows: np.ndarray, bits: int) -> np.ndarray:
    """A copy of ``rows`` (uint8, n x 32) with ``bits`` distinct bits of each row flipped."""
    out = rows.copy()
    for row in out:
        for bit in rng.choice(256, bits, replace=False):
            row[bit // 8] ^= 1 << (bit % 8)
    return out
