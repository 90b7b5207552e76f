"""The evidence WARC written and read back (monitoring/evidence/warc.py, then
monitoring/corpus/warc.py): whatever a server answered, once the capture accepted it as
HTTP, the ``capture.warc.gz`` written for it reads back whole, record for record, and the
response's body comes back as the server sent it."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile

import warcio.archiveiterator  # noqa: F401 - imported here to be instrumented

from copyguard.monitoring import netguard
from copyguard.monitoring.corpus.warc import Document, ShardRange, Tally, read_documents
from copyguard.monitoring.evidence.exchange import CaptureError, Exchange, parse_response
from copyguard.monitoring.evidence.warc import write_warc
from fuzz.harness import FuzzedInput

INSTRUMENT = ("warcio",)

_DIRECTORY = tempfile.mkdtemp(prefix="copyguard-fuzz-warc-")
PATH = os.path.join(_DIRECTORY, "capture.warc.gz")
# RFC 9112: a status line, and headers of a token, a colon, a value of visible characters.
_STATUS = re.compile(rb"HTTP/[0-9]\.[0-9] [0-9]{3}( [\x20-\x7e\t]*)?")
_HEADER = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[ \t]*[\x20-\x7e\t]*")
STARTED = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def _plain_head(response: bytes) -> bool:
    """A head every parser reads alike: a plain status line, each header ``name: value``
    ended by CRLF, and no content coding. (On others, http.client and warcio may disagree
    on the status or where the headers end: the WARC keeps the bytes as sent, which is what
    evidence needs; see docs/fuzzing.md.)"""
    end = response.find(b"\r\n\r\n")
    lines = response[:end].split(b"\r\n") if end >= 0 else [b"", b""]
    return (
        bool(_STATUS.fullmatch(lines[0]))
        and all(_HEADER.fullmatch(x) for x in lines[1:])
        and (b"content-encoding" not in response[:end].lower())
    )


def TestOneInput(data: bytes) -> None:
    given = FuzzedInput(data)
    url = "https://example.org/" + given.chunk(60).decode("utf-8", "replace")
    response = given.rest()
    try:
        checked = netguard.check_url(url)
    except netguard.FetchError:
        return
    try:
        parsed, body = parse_response(response, checked.host, 1 << 20)
    except CaptureError:
        return
    exchange = Exchange(
        url=url,
        host=checked.host,
        port=checked.port,
        ip="93.184.215.14",
        addresses=["93.184.215.14"],
        sent_at=STARTED,
        request=f"GET / HTTP/1.1\r\nHost: {checked.host}\r\n\r\n".encode(),
        response=response,
        status=parsed.status,
        reason=parsed.reason,
        headers=list(parsed.getheaders()),
        body=body,
    )
    metadata = {"url": url, "note": given.data[:16].decode("latin-1")}
    warc = write_warc([exchange], metadata, user_agent="copyguard-fuzz", started=STARTED)
    with open(PATH, "wb") as handle:
        handle.write(warc)
    tally = Tally()
    documents = list(read_documents(ShardRange(PATH, 0, None), tally=tally))
    # warcinfo, response, request, metadata: every record reads back.
    assert tally.records == 4, tally.records
    responses = [d for d in documents if isinstance(d, Document)]
    if 200 <= parsed.status < 300 and _plain_head(response):
        assert len(responses) == 1, documents
        if "chunked" not in exchange.header("transfer-encoding").lower():
            # The WARC keeps the bytes as sent: past a Content-Length that understates the
            # body, the reader sees them too (so do replay tools); the body is their start.
            assert responses[0].payload.startswith(body), "the body read back differs"
