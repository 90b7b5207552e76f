"""Reading feeds and sitemaps safely: no entities, no DTDs, no network, bounded size.

lxml is told not to resolve entities (so no "billion laughs" expansion and no external
entity reads), not to load DTDs and not to touch the network; gzip-compressed sitemaps are
inflated with a cap. A document that does not parse yields nothing rather than an error
that stops the crawl: the caller records it.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from lxml import etree

__all__ = ["MAX_LINKS", "MAX_XML_BYTES", "XMLProblem", "local", "parse_xml"]

MAX_XML_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit (uncompressed)
MAX_LINKS = 50_000


class XMLProblem(ValueError):
    """A feed or sitemap that cannot be read; one-line message."""


def _inflate(body: bytes) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, MAX_XML_BYTES + 1)
    except zlib.error as exc:
        raise XMLProblem(f"bad gzip data: {exc}") from None
    if len(data) > MAX_XML_BYTES or inflater.unconsumed_tail:
        raise XMLProblem(f"document inflates past {MAX_XML_BYTES} bytes")
    return data


def parse_xml(body: bytes) -> etree._Element:
    if body[:2] == b"\x1f\x8b":
        body = _inflate(body)
    if len(body) > MAX_XML_BYTES:
        raise XMLProblem(f"document over {MAX_XML_BYTES} bytes")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(body.lstrip(), parser=parser)
    except etree.XMLSyntaxError as exc:
        raise XMLProblem(f"not XML: {str(exc).splitlines()[0][:200]}") from None
    if root is None:
        raise XMLProblem("not XML: empty document")
    return root


def local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    for child in element:
        if local(child) == name:
            yield child


def text_of(element: etree._Element) -> str:
    return "".join(t for t in element.itertext() if isinstance(t, str)).strip()
