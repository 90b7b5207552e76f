"""pytest plugin: under pytest-xdist (``pytest -n N``) each worker gets a data directory of its own.

The data directory holds files named after database rows (``monitoring/runs/<pk>/``), the
works index, and the keys generated on first use. Each xdist worker has a test database of
its own (pytest-django adds ``_gw0``, ``_gw1``… to its name), so workers sharing one data
directory would overwrite each other's files and race to create the keys. Each worker uses
``<COPYGUARD_DATA_DIR>/xdist-<worker>`` instead.

The settings read ``COPYGUARD_DATA_DIR`` when they are imported, which pytest-django does
before any ``conftest.py`` is loaded; so this is a plugin that pyproject.toml loads with
``-p``, at the moment pytest reads its options, when xdist has already named the worker.
"""

from __future__ import annotations

import os
from pathlib import Path


def _data_dir_per_worker() -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    base = os.environ.get("COPYGUARD_DATA_DIR") or str(Path(__file__).resolve().parents[1] / "var")
    own = Path(base) / f"xdist-{worker}"
    if Path(base).name != own.name:  # not already done (a nested pytest inherits the variable)
        os.environ["COPYGUARD_DATA_DIR"] = str(own)


_data_dir_per_worker()
