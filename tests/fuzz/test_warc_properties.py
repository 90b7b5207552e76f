"""WARC files written and read back: what goes in comes out, record for record; a file
cut anywhere reads up to the cut and then gives one ShardError line, never another error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copyguard.monitoring.corpus.testing import Record, warc_bytes
from copyguard.monitoring.corpus.warc import (
    Document,
    ShardError,
    ShardRange,
    Tally,
    plan_file,
    read_documents,
)
from copyguard.monitoring.evidence.exchange import Exchange, parse_response
from copyguard.monitoring.evidence.warc import write_warc

ROUND_TRIPS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

paths = st.text(
    st.characters(codec="ascii", categories=["L", "N"], include_characters="-_/.~%"), max_size=30
)
records = st.builds(
    Record,
    url=paths.map(lambda p: f"https://example.org/{p}"),
    body=st.binary(max_size=3000),
    content_type=st.sampled_from(["text/html; charset=utf-8", "text/plain", "image/png"]),
    kind=st.sampled_from(["response", "resource", "conversion"]),
    status=st.sampled_from(["200 OK", "200 OK", "404 Not Found", "301 Moved"]),
)


def read_all(path: Path, shard: ShardRange | None = None) -> tuple[list[Document], Tally]:
    tally = Tally()
    found = read_documents(shard or ShardRange(str(path), 0, None), tally=tally)
    return [d for d in found if isinstance(d, Document)], tally


@ROUND_TRIPS
@given(st.lists(records, min_size=1, max_size=6), st.booleans())
def test_records_written_read_back_the_same(tmp_path: Path, written, gzipped) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / ("corpus.warc.gz" if gzipped else "corpus.warc")
    path.write_bytes(warc_bytes(written, gzip=gzipped))
    documents, tally = read_all(path)
    assert tally.records == len(written) + 1  # and the warcinfo record
    expected = [r for r in written if r.kind != "response" or r.status.startswith("2")]
    assert [(d.url, d.record_type, d.payload) for d in documents] == [
        (r.url, r.kind, r.body) for r in expected
    ]
    # Cut into shards at record boundaries, the same documents come out.
    sharded: list[Document] = []
    for shard in plan_file(path, shard_bytes=512):
        sharded.extend(read_all(path, shard)[0])
    assert [(d.url, d.payload) for d in sharded] == [(d.url, d.payload) for d in documents]


@ROUND_TRIPS
@given(st.lists(records, min_size=1, max_size=4), st.booleans(), st.floats(0, 1))
def test_a_file_cut_short_gives_its_documents_then_one_error(
    tmp_path: Path, written, gzipped, cut
) -> None:  # type: ignore[no-untyped-def]
    data = warc_bytes(written, gzip=gzipped)
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: max(1, int(len(data) * cut))])
    try:
        read_all(path)
    except ShardError as error:
        assert str(error) and "\n" not in str(error)


bodies = st.binary(max_size=2000)
statuses = st.sampled_from([(200, "OK"), (206, "Partial Content"), (404, "Not Found")])
header_values = st.text(st.characters(codec="latin-1", exclude_categories=["Cc"]), max_size=40)


@ROUND_TRIPS
@given(st.lists(st.tuples(statuses, header_values, bodies, st.booleans()), min_size=1, max_size=3))
def test_an_evidence_warc_reads_back_every_exchange(tmp_path: Path, answers) -> None:  # type: ignore[no-untyped-def]
    exchanges = []
    for n, ((status, reason), header, body, chunked) in enumerate(answers):
        if chunked:
            framing = b"Transfer-Encoding: chunked\r\n\r\n"
            payload = (
                f"{len(body):x}\r\n".encode() + body + b"\r\n" if body else b""
            ) + b"0\r\n\r\n"
        else:
            framing = f"Content-Length: {len(body)}\r\n\r\n".encode()
            payload = body
        response = (
            f"HTTP/1.1 {status} {reason}\r\nX-Note: {header}\r\n".encode("latin-1")
            + framing
            + payload
        )
        parsed, read_body = parse_response(response, "example.org", 1 << 20)
        assert read_body == body
        exchanges.append(
            Exchange(
                url=f"https://example.org/{n}",
                host="example.org",
                port=443,
                ip="93.184.215.14",
                addresses=["93.184.215.14"],
                sent_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                request=b"GET / HTTP/1.1\r\nHost: example.org\r\n\r\n",
                response=response,
                status=parsed.status,
                reason=parsed.reason,
                headers=list(parsed.getheaders()),
                body=read_body,
            )
        )
    started = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    path = tmp_path / "capture.warc.gz"
    path.write_bytes(write_warc(exchanges, {"n": len(exchanges)}, user_agent="t", started=started))
    documents, tally = read_all(path)
    assert tally.records == 2 * len(exchanges) + 2  # warcinfo and metadata besides the pairs
    expected = [(e.url, e.body) for e in exchanges if 200 <= e.status < 300]
    assert [(d.url, d.payload) for d in documents if d.record_type == "response"] == expected
