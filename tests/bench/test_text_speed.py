"""bench/text_speed.py runs end to end on a small index, and its text generator is sound."""

from __future__ import annotations

import re

import numpy as np
import pytest

from bench import common, synth, text_speed


@pytest.fixture(scope="module")
def models() -> tuple[synth.TokenModel, synth.TokenModel]:
    return text_speed.models()


def test_the_quick_run_prints_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    assert text_speed.main(["--quick", "--no-record"]) == 0
    table = capsys.readouterr().out
    for measure in (
        "registered text",
        "index build",
        "index size",
        "scan, per page",
        "scan, batched",
        "latency of a 20 KB page",
        "datasketch MinHash(128) + MinHashLSH",
        "ours / datasketch",
        "recall: excerpts found (ours)",
        "memory while scanning",
    ):
        assert f"| {measure}" in table
    assert re.search(r"p99 [\d.]+ ms", table)
    assert re.search(r"[\d.]+ bytes per character", table)
    assert re.search(r"[\d.]+x per page", table)
    # Copies must be found even in the quick run: speed is not bought by missing them.
    assert re.search(r"English 100\.0% of \d+, Chinese 100\.0% of \d+", table)
    assert "Load average" in table


def test_generated_text_is_seeded(models: tuple[synth.TokenModel, synth.TokenModel]) -> None:
    english, chinese = models
    for model in (english, chinese):
        a = model.text(common.rng("t/seed"), 5_000)
        b = model.text(common.rng("t/seed"), 5_000)
        c = model.text(common.rng("t/other"), 5_000)
        assert a == b
        assert a != c


def test_generated_text_has_about_the_asked_size(
    models: tuple[synth.TokenModel, synth.TokenModel],
) -> None:
    for model in models:
        size = len(model.text(common.rng("t/size"), 50_000).encode("utf-8"))
        assert 45_000 <= size <= 55_000


def test_generated_text_is_in_the_model_language(
    models: tuple[synth.TokenModel, synth.TokenModel],
) -> None:
    english, chinese = models
    en = english.text(common.rng("t/lang"), 20_000)
    zh = chinese.text(common.rng("t/lang"), 20_000)
    assert re.search(r"\b(the|and|of)\b", en)
    assert not re.search(r"[\u4e00-\u9fff]", en)
    ideographs = len(re.findall(r"[\u4e00-\u9fff]", zh))
    assert ideographs > 0.7 * len(zh)
    assert re.search(r"[\uff0c\u3002]", zh)
    assert not re.search(r"[A-Za-z]", zh)
    # No English token is a whole passage (URL, version list) that would plant real copies.
    assert max(len(re.findall(r"[^\W_]+", t)) for t in english.names.tolist()) <= synth.MAX_PARTS


def test_documents_add_up_and_keep_their_sizes(
    models: tuple[synth.TokenModel, synth.TokenModel],
) -> None:
    english, chinese = models
    for model in (english, chinese):
        docs = synth.documents(model, common.rng("t/docs"), 2_000_000, 20_000, 200_000, "t")
        sizes = np.array([len(d.text.encode("utf-8")) for d in docs])
        assert abs(sizes.sum() - 2_000_000) < 40_000
        assert sizes[:-1].min() >= 19_000
        assert sizes.max() <= 210_000
        assert {d.lang for d in docs} == {model.lang}
        assert len({d.name for d in docs}) == len(docs)


def test_sizes_are_log_uniform_within_bounds() -> None:
    sizes = synth.log_uniform_sizes(common.rng("t/sizes"), 100_000_000, 20_000, 2_000_000)
    assert sizes.sum() == 100_000_000 or sizes[-1] == 20_000
    assert sizes.min() >= 20_000 - 1
    assert sizes.max() <= 2_000_000
    # Log-uniform: about as many below the geometric midpoint as above it.
    below = (sizes < 200_000).mean()
    assert 0.3 < below < 0.7


def test_pages_are_20_kb_with_the_excerpts_they_name(
    models: tuple[synth.TokenModel, synth.TokenModel],
) -> None:
    english, chinese = models
    works = [("w-en", english.text(common.rng("t/w1"), 30_000))]
    works.append(("w-zh", chinese.text(common.rng("t/w2"), 30_000)))
    maker = text_speed.PageMaker(english, chinese, works)
    pages = maker.pages(0, 8)
    assert [p.lang for p in pages] == ["en", "zh"] * 4
    assert all(18_000 <= p.nbytes <= 22_000 for p in pages)
    assert {s for p in pages for s in p.sources} == {"w-en", "w-zh"}
    assert sum(bool(p.sources) for p in pages) == 4
    assert maker.page(5) == pages[5]
