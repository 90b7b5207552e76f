from __future__ import annotations

import pytest

from copyguard.fingerprint import conformance

CASES = [
    (suite, name, case)
    for suite in conformance.SUITES
    for name, case in sorted(conformance.inputs(suite).items())
]


@pytest.mark.parametrize(("suite", "name", "case"), CASES, ids=[f"{s}/{n}" for s, n, _ in CASES])
def test_algorithms_reproduce_the_frozen_vectors(suite, name, case):
    assert conformance.SUITES[suite](case) == conformance.expected(suite)[name]


def test_every_input_has_a_frozen_output_and_the_checker_agrees():
    for suite in conformance.SUITES:
        assert set(conformance.inputs(suite)) == set(conformance.expected(suite))
    assert conformance.check() == []
