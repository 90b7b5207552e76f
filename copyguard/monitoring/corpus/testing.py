"""Test helpers of corpus scanning: web-archive files written with warcio, and works."""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

__all__ = ["Record", "html_page", "registered_file", "warc_bytes", "write_warc"]


@dataclass(frozen=True)
class Record:
    """One capture: a ``response`` (HTTP body), ``resource`` or WET ``conversion`` record."""

    url: str
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    kind: str = "response"
    status: str = "200 OK"


def html_page(title: str, text: str, *, site: str = "Reading Corner") -> bytes:
    """A page with navigation, the article (a paragraph per line) and a footer."""
    e = html.escape
    paragraphs = "\n".join(f"<p>{e(line)}</p>" for line in text.split("\n") if line.strip())
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{e(title)}</title></head>"
        f"<body><header><nav><a href='/'>{e(site)}</a> <a href='/new'>New</a></nav></header>"
        f"<main><article><h1>{e(title)}</h1>\n{paragraphs}\n</article></main>"
        f"<footer>© {e(site)}</footer></body></html>"
    ).encode()


def warc_bytes(records: Sequence[Record], *, gzip: bool = True, warcinfo: bool = True) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    if warcinfo:
        writer.write_record(writer.create_warcinfo_record("corpus.warc", {"software": "tests"}))
    for record in records:
        if record.kind == "response":
            headers = StatusAndHeaders(
                record.status, [("Content-Type", record.content_type)], protocol="HTTP/1.1"
            )
            warc = writer.create_warc_record(
                record.url, "response", payload=io.BytesIO(record.body), http_headers=headers
            )
        else:
            warc = writer.create_warc_record(
                record.url,
                record.kind,
                payload=io.BytesIO(record.body),
                warc_content_type=record.content_type,
            )
        writer.write_record(warc)
    return out.getvalue()


def write_warc(path: Path, records: Sequence[Record], *, gzip: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(warc_bytes(records, gzip=gzip))
    return path


def registered_file(
    owner: object, registry: object, data: bytes, name: str, *, title: str, category: str
) -> object:
    """A work of one file (a picture, a recording) registered at ``registry``'s bureau."""
    from copyguard.accounts.audit import Actor
    from copyguard.works import actions
    from copyguard.works.testing import after_commit

    system = Actor.system(via="test")
    work = actions.create_work(
        system,
        owner,  # type: ignore[arg-type]
        title=title,
        category=category,
        authors=[{"real_name": "张三", "pen_name": ""}],
    )
    actions.add_file(system, work, data, name)
    registration = work.current_registration
    assert registration is not None
    with after_commit():
        registration = actions.submit(system, registration)
    registration.refresh_from_db()
    actor = Actor(user=registry.registrar)  # type: ignore[attr-defined]
    registration = actions.take_for_examination(actor, registration, registry.administration)  # type: ignore[attr-defined]
    reason = "test" if registration.approval_needs_reason() else ""
    with after_commit():
        return actions.approve(actor, registration, registry.administration, reason)  # type: ignore[attr-defined]
