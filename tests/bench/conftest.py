"""The benchmarks' tests need the Debian packages holding the material (bench/common.py)."""

from __future__ import annotations

import pytest

from bench.common import MaterialMissing, ensure_material


@pytest.fixture(autouse=True, scope="session")
def _material() -> None:
    try:
        ensure_material()
    except MaterialMissing as missing:
        pytest.skip(str(missing))
