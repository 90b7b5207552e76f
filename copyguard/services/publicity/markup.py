"""The small text format of articles and events, rendered safely.

What people type is plain text with paragraphs separated by blank lines, plus a few marks:

- ``## Heading`` (and ``### Heading``) on a line of its own;
- lines starting with ``- `` or ``* `` make a bulleted list, ``1. `` a numbered one;
- ``**bold**``;
- ``[words](https://…)`` a link (http and https only; anything else stays text).

Everything is escaped first: HTML typed into a text shows as text, never as markup.
Single line breaks inside a paragraph are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["plain_text", "render"]

_HEADING = re.compile(r"^(#{2,3})\s+(.+)$")
_BULLET = re.compile(r"^[-*]\s+(.+)$")
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+(.+)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
# Applied to escaped text: the address may not contain quotes, spaces or angle brackets.
_LINK = re.compile(r"\[([^\[\]\n]{1,300})\]\((https?://[^\s()<>\"']{1,500})\)")


def _inline(text: str) -> str:
    html = str(escape(text))
    html = _LINK.sub(r'<a href="\2" rel="nofollow noopener">\1</a>', html)
    return _BOLD.sub(r"<strong>\1</strong>", html)


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            blocks[-1].append(line.rstrip())
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _flusher(out: list[str], paragraph: list[str]) -> Callable[[], None]:
    def flush() -> None:
        if paragraph:
            out.append("<p>" + "<br>".join(_inline(p) for p in paragraph) + "</p>")
            paragraph.clear()

    return flush


def render(text: str) -> SafeString:
    """``text`` as HTML: paragraphs, headings, lists, bold and links, all else escaped."""
    out: list[str] = []
    for block in _blocks(text or ""):
        lines = [line.strip() for line in block]
        index = 0
        paragraph: list[str] = []
        flush = _flusher(out, paragraph)

        while index < len(lines):
            line = lines[index]
            heading = _HEADING.match(line)
            if heading:
                flush()
                level = 2 if len(heading.group(1)) == 2 else 3
                out.append(f"<h{level + 1}>{_inline(heading.group(2))}</h{level + 1}>")
                index += 1
                continue
            for pattern, tag in ((_BULLET, "ul"), (_NUMBERED, "ol")):
                if pattern.match(line):
                    flush()
                    items = []
                    while index < len(lines) and pattern.match(lines[index]):
                        match = pattern.match(lines[index])
                        assert match is not None
                        items.append(f"<li>{_inline(match.group(1))}</li>")
                        index += 1
                    out.append(f"<{tag}>{''.join(items)}</{tag}>")
                    break
            else:
                paragraph.append(line)
                index += 1
        flush()
    return mark_safe("\n".join(out))  # noqa: S308 - every piece of text was escaped above


def plain_text(text: str) -> str:
    """``text`` without the marks (for summaries, feeds and calendar files)."""
    result = _LINK.sub(r"\1 (\2)", text or "")
    result = _BOLD.sub(r"\1", result)
    lines = []
    for line in result.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        heading = _HEADING.match(stripped)
        lines.append(heading.group(2) if heading else stripped)
    return "\n".join(lines).strip()
