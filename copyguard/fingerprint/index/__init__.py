"""Inverted fingerprint index: immutable memory-mapped segments, a mutable tail, shards."""

from copyguard.fingerprint.index.index import (
    STOP_FRACTION,
    STOP_MIN_POSTINGS,
    Hits,
    Index,
    IndexFormatError,
    WorkInfo,
)
from copyguard.fingerprint.index.segment import Segment

__all__ = [
    "STOP_FRACTION",
    "STOP_MIN_POSTINGS",
    "Hits",
    "Index",
    "IndexFormatError",
    "Segment",
    "WorkInfo",
]
