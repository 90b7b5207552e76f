"""Every fuzz target on its seed files damaged by hypothesis (bytes overwritten, inserted,
cut): the target's own checks hold, so nothing but the documented errors escapes. A quick
mutation pass in CI beside the atheris short pass (test_short_pass.py)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz import target_names
from fuzz.harness import inputs_of, load_target, quieted

MUTATIONS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

edits = st.lists(
    st.tuples(
        st.sampled_from(["overwrite", "insert", "delete"]),
        st.floats(0, 1, exclude_max=True),  # where, as a fraction of the length
        st.binary(min_size=1, max_size=8),
    ),
    min_size=1,
    max_size=4,
)


def mutate(data: bytes, changes: list[tuple[str, float, bytes]], cut: float) -> bytes:
    buffer = bytearray(data)
    for kind, where, value in changes:
        at = int(where * len(buffer)) if buffer else 0
        if kind == "overwrite":
            buffer[at : at + len(value)] = value
        elif kind == "insert":
            buffer[at:at] = value
        else:
            del buffer[at : at + len(value)]
    return bytes(buffer[: max(1, int(len(buffer) * cut))])


@pytest.mark.parametrize("name", target_names())
def test_damaged_seed_files_give_only_the_documented_errors(name: str) -> None:
    target = load_target(name).TestOneInput
    seeds = [path.read_bytes() for path in inputs_of(name)]

    @MUTATIONS
    @given(st.sampled_from(seeds), edits, st.sampled_from([1.0, 1.0, 0.9, 0.5, 0.1]))
    def check(seed: bytes, changes: list[tuple[str, float, bytes]], cut: float) -> None:
        target(mutate(seed, changes, cut))

    with quieted():
        check()
