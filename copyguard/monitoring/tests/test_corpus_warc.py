"""Reading WARC/WET files and cutting them into shards (no database, no Dask)."""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path

import pytest

from copyguard.monitoring.corpus.testing import Record, html_page, warc_bytes, write_warc
from copyguard.monitoring.corpus.warc import (
    Document,
    ShardError,
    ShardRange,
    Skipped,
    Tally,
    corpus_files,
    plan_file,
    read_documents,
)


def pages(n: int, size: int = 2000) -> list[Record]:
    records = []
    for i in range(n):
        records.append(Record(f"https://example.com/p/{i}", html_page(f"Page {i}", "word " * size)))
        records.append(
            Record(f"https://example.com/p/{i}", b"text " * 20, "text/plain", kind="conversion")
        )
    return records


def read_all(shard: ShardRange, **kw: object) -> list[Document | Skipped]:
    return list(read_documents(shard, **kw))  # type: ignore[arg-type]


def whole(path: Path) -> ShardRange:
    return ShardRange(str(path), 0, None)


@pytest.mark.parametrize("compressed", [True, False])
def test_a_big_file_is_cut_at_record_boundaries_and_every_record_is_read_once(
    tmp_path: Path, compressed: bool
) -> None:
    path = write_warc(tmp_path / "a.warc", pages(40), gzip=compressed)

    shards = plan_file(path, shard_bytes=path.stat().st_size // 7)

    assert 5 <= len(shards) <= 9
    assert shards[0].start == 0 and shards[-1].end is None
    assert all(a.end == b.start for a, b in itertools.pairwise(shards))
    tally = Tally()
    documents = [d for s in shards for d in read_documents(s, tally=tally)]
    assert [d.url for d in documents if isinstance(d, Document)] == [r.url for r in pages(40)]
    assert tally.records == 81  # the warcinfo record too
    first = documents[0]
    assert isinstance(first, Document)
    assert first.content_type == "text/html" and first.record_type == "response"
    assert documents[1].record_type == "conversion"  # type: ignore[union-attr]


def test_a_small_file_is_one_shard_without_a_first_pass(tmp_path: Path) -> None:
    path = tmp_path / "small.warc.gz"
    path.write_bytes(b"not even read")

    assert plan_file(path) == [ShardRange(str(path), 0, None)]


def test_a_file_gzipped_as_one_stream_is_one_shard_and_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "stream.warc.gz"
    path.write_bytes(gzip.compress(warc_bytes(pages(6), gzip=False)))

    assert plan_file(path, shard_bytes=100) == [ShardRange(str(path), 0, None)]
    urls = [d.url for d in read_all(whole(path)) if isinstance(d, Document)]
    assert urls == [r.url for r in pages(6)]


def test_only_successful_responses_resources_and_conversions_are_documents(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "mixed.warc.gz",
        [
            Record("https://e.com/404", b"<p>gone</p>", status="404 Not Found"),
            Record("https://e.com/ok", b"<p>here</p>"),
            Record("https://e.com/r.txt", b"a resource", "text/plain", kind="resource"),
            Record("https://e.com/m", b"{}", "application/json", kind="metadata"),
        ],
    )

    documents = read_all(whole(path))

    assert [(d.url, d.record_type) for d in documents] == [  # type: ignore[union-attr]
        ("https://e.com/ok", "response"),
        ("https://e.com/r.txt", "resource"),
    ]


def test_a_record_over_the_cap_is_skipped_and_the_rest_is_read(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "big.warc.gz",
        [Record("https://e.com/big", b"x" * 50_000), Record("https://e.com/next", b"<p>y</p>")],
    )

    documents = read_all(whole(path), max_record_bytes=10_000)

    assert isinstance(documents[0], Skipped) and "cap" in documents[0].reason
    assert isinstance(documents[1], Document) and documents[1].url == "https://e.com/next"


def test_a_truncated_gzip_stops_the_shard_with_an_error_after_the_records_before_it(
    tmp_path: Path,
) -> None:
    path = write_warc(tmp_path / "cut.warc.gz", pages(5))
    path.write_bytes(path.read_bytes()[:-300])

    read: list[Document | Skipped] = []
    with pytest.raises(ShardError, match="unreadable at byte") as error:
        read.extend(read_documents(whole(path)))
    assert 6 <= len(read) < 10
    assert len(str(error.value).splitlines()) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"<html>this is a web page, not an archive</html>\n" * 20, "not a WARC record"),
        (b"\x1f\x8b\x08\x00garbage that is not deflate" * 5, "unreadable at byte 0"),
    ],
)
def test_a_file_that_is_not_a_warc_is_a_shard_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(content)

    with pytest.raises(ShardError, match=message):
        read_all(whole(path))


def _with_content_length(data: bytes, change: int) -> bytes:
    at = data.index(b"Content-Length: ", data.index(b"WARC-Type: response"))
    end = data.index(b"\r\n", at)
    length = int(data[at + 16 : end])
    return data[:at] + f"Content-Length: {length + change}".encode() + data[end:]


@pytest.mark.parametrize("change", [-30, +100_000])
def test_a_bogus_content_length_is_a_shard_error(tmp_path: Path, change: int) -> None:
    path = tmp_path / "lying.warc"
    path.write_bytes(_with_content_length(warc_bytes(pages(2), gzip=False), change))

    with pytest.raises(ShardError, match="unreadable at byte"):
        read_all(whole(path))


def test_directories_are_walked_for_archive_files_only(tmp_path: Path) -> None:
    write_warc(tmp_path / "a" / "one.warc.gz", pages(1))
    write_warc(tmp_path / "a" / "b" / "two.wet.gz", pages(1))
    (tmp_path / "a" / "notes.txt").write_text("not an archive")
    alone = write_warc(tmp_path / "alone.bin", pages(1))

    found = corpus_files([str(tmp_path / "a"), str(alone)])

    assert [p.name for p in found] == ["two.wet.gz", "one.warc.gz", "alone.bin"]
    with pytest.raises(FileNotFoundError, match="no such file"):
        corpus_files([str(tmp_path / "missing")])
