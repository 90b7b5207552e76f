"""Opening a zip container without trusting it (extract/zipsafe.py): every member is
unpacked within its declared size and the limits, or ExtractionError."""

from __future__ import annotations

from copyguard.fingerprint.extract import ExtractionError, Limits
from copyguard.fingerprint.extract.zipsafe import open_zip, read_member

# Small enough that a few KB of fuzzer input can reach them.
LIMITS = Limits(max_uncompressed=4 << 20, ratio_floor=64 << 10, max_members=64)


def TestOneInput(data: bytes) -> None:
    try:
        archive = open_zip(data, "DOCX", LIMITS)
    except ExtractionError:
        return
    with archive:
        for name in archive.namelist()[:16]:
            try:
                member = read_member(archive, name, "DOCX", LIMITS)
            except ExtractionError:
                continue
            assert len(member) <= LIMITS.max_uncompressed
