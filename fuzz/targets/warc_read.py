"""Reading web-archive files (monitoring/corpus/warc.py): a WARC or WET file of any bytes,
whole and cut into shards at its records. ShardError is the documented failure; every
document read is a response, resource or conversion record within the payload cap."""

from __future__ import annotations

import os
import tempfile

import warcio.archiveiterator  # noqa: F401 - imported here to be instrumented

from copyguard.monitoring.corpus.warc import (
    Document,
    ShardError,
    ShardRange,
    Skipped,
    Tally,
    plan_file,
    read_documents,
)

INSTRUMENT = ("warcio",)

CAP = 4096  # a small payload cap, so the fuzzer's inputs reach the skipping too
_DIRECTORY = tempfile.mkdtemp(prefix="copyguard-fuzz-warc-")
PATH = os.path.join(_DIRECTORY, "input.warc.gz")


def _read(shard: ShardRange) -> None:
    tally = Tally()
    try:
        for item in read_documents(shard, max_record_bytes=CAP, tally=tally):
            if isinstance(item, Document):
                assert item.record_type in ("response", "resource", "conversion")
                assert len(item.payload) <= CAP
            else:
                assert isinstance(item, Skipped)
    except ShardError as exc:
        assert "\n" not in str(exc)


def TestOneInput(data: bytes) -> None:
    with open(PATH, "wb") as handle:
        handle.write(data)
    _read(ShardRange(PATH, 0, None))
    shards = plan_file(PATH, shard_bytes=256)
    assert shards[0].start == 0 and shards[-1].end is None
    if len(shards) > 1:
        for shard in shards:
            _read(shard)
