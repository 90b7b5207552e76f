# ruff: noqa: RUF001  (full-width CJK punctuation and en dashes are what the pages show)
"""Fixtures of the monitoring pages' tests: the core helpers' world, in English, with a
private data directory, and hits of each media to show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from copyguard.monitoring.models import Hit
from copyguard.monitoring.tests.core_helpers import World, make_hit, make_world

__all__ = ["data_dir", "english", "image_hit", "text_hit", "world"]

PASSAGES = [
    {
        "query": [120, 150],
        "reference": [0, 30],
        "query_text": "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。",
        "reference_text": "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。",
    }
]


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR.mkdir()
    return tmp_path


@pytest.fixture(autouse=True)
def english(client: Any) -> None:
    client.cookies["django_language"] = "en"


@pytest.fixture
def world(db: Any) -> World:
    return make_world()


def text_hit(world: World, url: str = "https://pirate.example/forum/1", **fields: Any) -> Hit:
    fields.setdefault("passages", PASSAGES)
    fields.setdefault("page_title", "Chapter one — free reading")
    fields.setdefault("segments", [{"query": [120, 150], "reference": [0, 30]}])
    return make_hit(world.work, url, **fields)


def image_hit(
    world: World, url: str = "https://pirate.example/gallery/7.jpg", **fields: Any
) -> Hit:
    fields.setdefault("media", "image")
    fields.setdefault("box", [40, 30, 340, 230])
    fields.setdefault("detail", {"inliers": 57, "query_width": 640, "query_height": 480})
    return make_hit(world.work, url, **fields)
