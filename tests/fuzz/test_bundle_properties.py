"""Evidence bundles against tampering: a byte changed anywhere either stops the bundle
verifying or left every file in it as it was (a zip's own bookkeeping, such as a member's
modification time, is not evidence and is not signed); a byte changed inside any file
always stops it verifying. Verification never raises, whatever it is given."""

from __future__ import annotations

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copyguard.ledger.bundle import inspect_bundle, pack_bundle, verify_bundle
from fuzz.make_corpus import bundles

BUNDLES = sorted(bundles().values())
FLIPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def members(data: bytes) -> dict[str, bytes] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {name: archive.read(name) for name in archive.namelist()}
    except Exception:
        return None


def test_the_bundles_verify_untouched() -> None:
    assert all(verify_bundle(data) == [] for data in BUNDLES)


@FLIPS
@given(st.sampled_from(BUNDLES), st.floats(0, 1, exclude_max=True), st.integers(1, 255))
def test_a_flipped_byte_fails_or_changed_no_file(bundle, where, mask) -> None:  # type: ignore[no-untyped-def]
    position = int(where * len(bundle))
    flipped = bytearray(bundle)
    flipped[position] ^= mask
    problems = verify_bundle(bytes(flipped))
    assert all(isinstance(p, str) and p for p in problems)
    if not problems:
        assert members(bytes(flipped)) == members(bundle), f"byte {position} changed a file"


@FLIPS
@given(st.sampled_from(BUNDLES), st.data())
def test_a_flipped_byte_in_any_file_never_verifies(bundle, data) -> None:  # type: ignore[no-untyped-def]
    files = members(bundle)
    assert files is not None
    name = data.draw(st.sampled_from(sorted(files)))
    content = bytearray(files[name])
    position = data.draw(st.integers(0, len(content) - 1))
    content[position] ^= data.draw(st.integers(1, 255))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for other, value in files.items():
            archive.writestr(other, bytes(content) if other == name else value)
    assert verify_bundle(out.getvalue()), f"{name} changed at byte {position} and verified"


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2048))
def test_any_bytes_give_problems_not_exceptions(data) -> None:  # type: ignore[no-untyped-def]
    problems, summary = inspect_bundle(data)
    assert problems and all(isinstance(p, str) for p in problems)
    assert isinstance(summary, dict)


def test_pack_bundle_is_the_format_verified() -> None:
    # The seeds are packed by pack_bundle itself: the property tests test the real format.
    assert pack_bundle.__module__ == "copyguard.ledger.bundle"
