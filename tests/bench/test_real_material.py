"""The engine on the benchmarks' real material, where synthetic text does not reach."""

from __future__ import annotations

import pytest

from bench.common import FORTUNES
from copyguard.fingerprint import Matcher, extract


@pytest.mark.parametrize("name", ["tang300", "song100"])
def test_a_whole_copy_of_a_collection_is_one_passage(name: str) -> None:
    # tang300 once gave three overlapping segments for a copy of itself.
    text = extract(FORTUNES / name).text
    matcher = Matcher()
    matcher.add_reference(name, text)

    [match] = matcher.query(text)

    assert match.match
    [segment] = match.segments
    assert segment.query == segment.reference
    assert segment.query[1] - segment.query[0] > 0.99 * len(text)
