"""HTML to text with a map from every character back into the markup.

The walker (:func:`html_blocks`) runs the standard library's ``html.parser`` over the decoded
source, which reports where each text node, entity and tag starts. Text inside ``script``,
``style``, ``template``, ``svg`` and the like is never text; block-level tags and ``br``
split the page into blocks (joined by line breaks); white space is collapsed as a browser
would (except in ``pre``). Each character keeps its source offset; an entity's characters
point at its ``&``.

For web pages (:func:`extract_html`) trafilatura decides what the main content is, with
comments included and recall favoured: pirated text is often pasted into a forum reply, and
the matcher copes with unrelated text around a copy better than with a copy dropped. Its output
is plain text without positions, so each of our blocks is kept when trafilatura's text
contains it: long blocks anywhere (exactly, or by six of eight evenly spaced 12-character
shingles when trafilatura changed a few characters), short blocks ("Home", "Share") only
between the kept long blocks around them, so navigation words that happen to occur in the
article stay out. When trafilatura finds nothing, blocks that are not mostly link text are
kept, and of those only the ones outside ``nav``/``header``/``footer``/``aside``/``form``
if there are any. EPUB chapters use the walker without this selection.
"""

from __future__ import annotations

import html as html_lib
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from html.parser import HTMLParser

import numpy as np

from .limits import DEFAULT_LIMITS, Deadline, Extracted, ExtractionError, Limits
from .text import decode_text

__all__ = ["HtmlText", "decode_html", "extract_html", "html_blocks", "html_to_text"]

_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "frameset",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "listing",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "plaintext",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "ul",
        "xmp",
    ]
)
_SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "template",
        "svg",
        "math",
        "noscript",
        "iframe",
        "object",
        "embed",
        "canvas",
        "audio",
        "video",
        "select",
        "textarea",
        "head",
    ]
)
_BOILERPLATE_TAGS = frozenset(["nav", "header", "footer", "aside", "form", "menu"])
_HEAD_TAGS = frozenset(["base", "link", "meta", "noscript", "script", "style", "template", "title"])
_VOID_TAGS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
_UNTIDY_SPACE = re.compile(r"[\t\n\f\r]|  |^ | $")
_ANCHOR_CHARS = 20
_SHINGLE = 12
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""", re.I)


@dataclass
class Block:
    """A run of text between block-level tags."""

    text: str
    offsets: np.ndarray  # int64, one per character
    boilerplate: bool = False  # inside nav/header/footer/aside/form/menu
    link_share: float = 0.0  # share of the characters inside <a>


@dataclass
class HtmlText:
    text: str
    offsets: np.ndarray  # int64, len(text) + 1
    title: str | None = None
    meta: dict = field(default_factory=dict)


class _Walker(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0, *(m.end() for m in re.finditer("\n", source))]
        self.stack: list[str] = []
        self.skip = 0
        self.boilerplate = 0
        self.pre = 0
        self.link = 0
        self.in_title = False
        self.title_parts: list[str] = []
        self.blocks: list[Block] = []
        self._pieces: list[tuple[str, np.ndarray]] = []
        self._piece_pre = False
        self._piece_boilerplate = False
        self._link_chars = 0

    # -- positions and pieces -------------------------------------------------------------
    def _pos(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _add(self, text: str, offsets: np.ndarray) -> None:
        if self.in_title:
            self.title_parts.append(text)
            return
        if self.skip or not text:
            return
        if not self._pieces:
            self._piece_boilerplate = self.boilerplate > 0
        self._piece_pre = self._piece_pre or self.pre > 0
        if self.link:
            self._link_chars += len(text)
        self._pieces.append((text, offsets))

    def _close_block(self) -> None:
        if not self._pieces:
            return
        text = "".join(p[0] for p in self._pieces)
        offsets = np.concatenate([p[1] for p in self._pieces])
        link_chars = self._link_chars
        self._pieces, self._link_chars = [], 0
        if not self._piece_pre:
            text, offsets = _collapse_space(text, offsets)
        elif not text.strip():
            text = ""
        self._piece_pre = False
        if text:
            share = min(1.0, link_chars / len(text))
            self.blocks.append(Block(text, offsets, self._piece_boilerplate, share))

    # -- parser callbacks -----------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.in_title:
            self.in_title = False  # an unclosed <title> must not swallow the page
        if "head" in self.stack and tag not in _HEAD_TAGS:
            self.handle_endtag("head")  # body content implies </head>, as browsers do
        if tag in _BLOCK_TAGS or tag == "br":
            self._close_block()
        if tag == "title" and not self.skip_except_head():
            self.in_title = True
            return
        if tag in _VOID_TAGS:
            return
        self.stack.append(tag)
        self._count(tag, +1)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        # <div/> in XHTML opens and closes at once: a block boundary, nothing else.
        if tag in _BLOCK_TAGS or tag == "br":
            self._close_block()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self.in_title:
            self.in_title = False
            return
        if tag in _BLOCK_TAGS:
            self._close_block()
        if tag in self.stack:
            while self.stack:
                popped = self.stack.pop()
                self._count(popped, -1)
                if popped == tag:
                    break

    def handle_data(self, data: str) -> None:
        start = self._pos()
        self._add(data, np.arange(start, start + len(data), dtype=np.int64))

    def handle_entityref(self, name: str) -> None:
        self._reference("&" + name)

    def handle_charref(self, name: str) -> None:
        self._reference("&#" + name)

    def _reference(self, raw: str) -> None:
        start = self._pos()
        end = start + len(raw)
        if self.source.startswith(";", end):
            raw += ";"
        out = html_lib.unescape(raw)
        if out == raw:  # unknown entity: literal text
            offsets = np.arange(start, start + len(raw), dtype=np.int64)
        else:
            offsets = np.full(len(out), start, dtype=np.int64)
            # "&ampx" → "&x": the trailing literal characters keep their own positions
            keep = 0
            while keep < len(out) - 1 and out[-1 - keep] == raw[-1 - keep]:
                keep += 1
            if keep:
                offsets[-keep:] = np.arange(start + len(raw) - keep, start + len(raw))
        self._add(out, offsets)

    # -- state ----------------------------------------------------------------------------
    def skip_except_head(self) -> bool:
        """Inside a skipped element other than <head> (whose <title> we want)."""
        return any(t in _SKIP_TAGS and t != "head" for t in self.stack)

    def _count(self, tag: str, step: int) -> None:
        if tag in _SKIP_TAGS:
            self.skip += step
        if tag in _BOILERPLATE_TAGS:
            self.boilerplate += step
        if tag in ("pre", "listing", "xmp", "plaintext"):
            self.pre += step
        if tag == "a":
            self.link += step

    def finish(self) -> None:
        self.close()
        self._close_block()


def _collapse_space(text: str, offsets: np.ndarray) -> tuple[str, np.ndarray]:
    """Collapse runs of HTML white space to one space and trim, keeping offsets aligned."""
    if not _UNTIDY_SPACE.search(text):
        return text, offsets
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4").copy()
    space = (cp == 32) | (cp == 9) | (cp == 10) | (cp == 12) | (cp == 13)
    # keep a space only after a non-space: runs shrink to one, leading space goes
    keep = ~space | ~np.concatenate(([True], space[:-1]))
    cp[space] = 32
    cp, offsets = cp[keep], offsets[keep]
    if len(cp) and cp[-1] == 32:
        cp, offsets = cp[:-1], offsets[:-1]
    return cp.tobytes().decode("utf-32-le", "surrogatepass"), offsets


def html_blocks(source: str) -> tuple[list[Block], str | None]:
    """Blocks of visible text of ``source`` in document order, and the page title."""
    walker = _Walker(source)
    try:
        walker.feed(source)
        walker.finish()
    except (AssertionError, ValueError, IndexError, RecursionError) as error:
        raise ExtractionError(f"malformed HTML ({error})") from None
    title = " ".join("".join(walker.title_parts).split()) or None
    return walker.blocks, title


def join_blocks(blocks: list[Block], source_length: int) -> tuple[str, np.ndarray]:
    """Blocks joined by line breaks; a break points just past the preceding text."""
    texts: list[str] = []
    offsets: list[np.ndarray] = []
    for i, block in enumerate(blocks):
        if i:
            texts.append("\n")
            offsets.append(np.array([blocks[i - 1].offsets[-1] + 1], dtype=np.int64))
        texts.append(block.text)
        offsets.append(block.offsets)
    offsets.append(np.array([source_length], dtype=np.int64))
    return "".join(texts), np.concatenate(offsets)


def html_to_text(source: str) -> HtmlText:
    """All visible text of ``source`` (no boilerplate removal): for EPUB chapters."""
    blocks, title = html_blocks(source)
    text, offsets = join_blocks(blocks, len(source))
    return HtmlText(text, offsets, title)


def main_content(source: str, blocks: list[Block]) -> tuple[list[Block], str]:
    """The blocks trafilatura counts as main content, and which method decided."""
    try:
        import trafilatura

        main = trafilatura.extract(
            source, include_comments=True, include_tables=True, favor_recall=True, deduplicate=False
        )
    except Exception:  # trafilatura is a heuristic on hostile input: fall back to ours
        main = None
    if main:
        kept = _blocks_in(blocks, main)
        if kept:
            return kept, "trafilatura"
    # Some sites wrap the whole page in <form> or <header>: then only link lists go.
    prose = [b for b in blocks if b.link_share < 0.5]
    return [b for b in prose if not b.boilerplate] or prose, "fallback"


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _blocks_in(blocks: list[Block], main: str) -> list[Block]:
    target = _squeeze(main)
    squeezed = [_squeeze(b.text) for b in blocks]
    # Long blocks anchor the alignment, in order where possible.
    found: dict[int, tuple[int, int]] = {}
    cursor = 0
    for i, s in enumerate(squeezed):
        if len(s) < _ANCHOR_CHARS:
            continue
        at = target.find(s, cursor)
        if at < 0:
            at = target.find(s)
        if at >= 0:
            found[i] = (at, at + len(s))
            cursor = max(cursor, at + len(s))
        elif _mostly_in(s, target):
            found[i] = (cursor, cursor)
    # Short blocks count only inside the gap their neighbouring anchors leave.
    anchors = sorted(found)
    for i, s in enumerate(squeezed):
        if i in found or not s or len(s) >= _ANCHOR_CHARS:
            continue
        k = bisect_right(anchors, i)
        lo = found[anchors[k - 1]][1] if k > 0 else 0
        hi = found[anchors[k]][0] if k < len(anchors) else len(target)
        if k == 0 and k == len(anchors):
            continue  # no anchor at all: a page of short scraps; trust none of them
        at = target.find(s, lo, max(hi, lo))
        if at >= 0:
            found[i] = (at, at + len(s))
            if k > 0:
                found[anchors[k - 1]] = (found[anchors[k - 1]][0], at + len(s))
    return [blocks[i] for i in sorted(found)]


def _mostly_in(block: str, target: str, probes: int = 8) -> bool:
    """Most of a few evenly spaced shingles of ``block`` occur in ``target``."""
    last = len(block) - _SHINGLE
    starts = sorted({last * k // (probes - 1) for k in range(probes)})
    needed = 0.75 * len(starts)
    hits = misses = 0
    for start in starts:
        if block[start : start + _SHINGLE] in target:
            hits += 1
        else:
            misses += 1
            if misses > len(starts) - needed:
                return False
    return hits >= needed


def decode_html(data: bytes) -> tuple[str, str, dict]:
    """Decoded markup, its encoding, and decoding notes (BOM, then declared charset, then
    detection; valid UTF-8 wins over a declaration that contradicts it)."""
    head = data[:4096]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    declared = match.group(1).decode("ascii", "replace") if match else None
    decoded = decode_text(data, declared=declared)
    meta: dict = {}
    if declared:
        meta["declared_encoding"] = declared
    if decoded.confidence < 1.0:
        meta["encoding_confidence"] = decoded.confidence
        if decoded.alternatives:
            meta["encoding_alternatives"] = decoded.alternatives
    return decoded.text, decoded.encoding, meta


def extract_html(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    """The main content of a web page as text, with offsets into the decoded markup."""
    deadline = Deadline(limits.max_seconds)
    source, encoding, meta = decode_html(data)
    blocks, title = html_blocks(source)
    deadline.check("reading the HTML")
    kept, method = main_content(source, blocks)
    deadline.check("finding the main content")
    text, offsets = join_blocks(kept, len(source))
    if not text.strip():
        raise ExtractionError("no text in the HTML page")
    if len(text) > limits.max_chars:
        raise ExtractionError(f"too much text: more than {limits.max_chars} characters")
    meta["main_content"] = method
    if title:
        meta["title"] = title
    return Extracted(text, "text", "html", offsets, encoding=encoding, meta=meta)
