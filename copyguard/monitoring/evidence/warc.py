"""``capture.warc.gz``: the exchanges as WARC 1.1, one gzip member per record.

Records are built here rather than by warcio's record builder, which re-serialises
parsed HTTP headers: the blocks are the bytes exchanged. Digests are SHA-256 (base32);
the payload digest of a response covers its body as received (transfer coding included),
as warcio and most WARC tools compute it.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from datetime import datetime
from typing import Any

from copyguard.monitoring.evidence.environment import iso_utc, now_utc, package_version
from copyguard.monitoring.evidence.exchange import Exchange

__all__ = ["WARC_NAME", "write_warc"]

WARC_NAME = "capture.warc.gz"


def _b32(algorithm: str, data: bytes) -> str:
    import base64

    return f"{algorithm}:" + base64.b32encode(hashlib.new(algorithm, data).digest()).decode()


def _warc_record(
    writer: Any,
    record_type: str,
    uri: str,
    block: bytes,
    content_type: str,
    headers: list[tuple[str, str]],
    payload: bytes | None = None,
) -> None:
    from warcio.recordloader import ArcWarcRecord
    from warcio.statusandheaders import StatusAndHeaders

    fields = [("WARC-Type", record_type), *headers]
    if uri:
        fields.append(("WARC-Target-URI", uri))
    fields.append(("WARC-Block-Digest", _b32("sha256", block)))
    if payload is not None:
        fields.append(("WARC-Payload-Digest", _b32("sha256", payload)))
    rec_headers = StatusAndHeaders("", fields, protocol="WARC/1.1")
    # The block is written exactly as given: warcio would re-serialise parsed HTTP headers.
    record = ArcWarcRecord(
        "warc", record_type, rec_headers, io.BytesIO(block), None, content_type, len(block)
    )
    writer.write_record(record)


def _http_payload(message: bytes) -> bytes:
    end = message.find(b"\r\n\r\n")
    return message[end + 4 :] if end >= 0 else b""


def write_warc(
    exchanges: list[Exchange],
    metadata_json: dict[str, Any],
    *,
    user_agent: str,
    started: datetime,
) -> bytes:
    """``capture.warc.gz``: warcinfo, request/response pairs, the metadata record."""
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    info_id = f"<urn:uuid:{uuid.uuid4()}>"
    info = (
        f"software: copyguard/{package_version('copyguard')} warcio/{package_version('warcio')}\r\n"
        "format: WARC File Format 1.1\r\n"
        "conformsTo: https://iipc.github.io/warc-specifications/specifications/"
        "warc-format/warc-1.1/\r\n"
        f"http-header-user-agent: {user_agent}\r\n"
        "description: evidence capture of a monitoring hit\r\n"
    ).encode()
    _warc_record(
        writer,
        "warcinfo",
        "",
        info,
        "application/warc-fields",
        [
            ("WARC-Record-ID", info_id),
            ("WARC-Date", iso_utc(started)),
            ("WARC-Filename", WARC_NAME),
        ],
    )
    for exchange in exchanges:
        common = [
            ("WARC-Date", iso_utc(exchange.sent_at)),
            ("WARC-IP-Address", exchange.ip),
            ("WARC-Warcinfo-ID", info_id),
        ]
        _warc_record(
            writer,
            "response",
            exchange.url,
            exchange.response,
            "application/http;msgtype=response",
            [("WARC-Record-ID", exchange.record_id), *common],
            payload=_http_payload(exchange.response),
        )
        _warc_record(
            writer,
            "request",
            exchange.url,
            exchange.request,
            "application/http;msgtype=request",
            [
                ("WARC-Record-ID", f"<urn:uuid:{uuid.uuid4()}>"),
                ("WARC-Concurrent-To", exchange.record_id),
                *common,
            ],
            payload=_http_payload(exchange.request),
        )
    main = exchanges[0]
    document = json.dumps(metadata_json, ensure_ascii=False, indent=2, sort_keys=True).encode()
    _warc_record(
        writer,
        "metadata",
        main.url,
        document,
        "application/json",
        [
            ("WARC-Record-ID", f"<urn:uuid:{uuid.uuid4()}>"),
            ("WARC-Date", iso_utc(now_utc())),
            ("WARC-Refers-To", main.record_id),
            ("WARC-Warcinfo-ID", info_id),
        ],
        payload=document,
    )
    return out.getvalue()
