"""The text format of articles and events, and the iCalendar pieces: pure functions."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from copyguard.services.publicity.ics import escape_text, fold
from copyguard.services.publicity.markup import plain_text, render


def test_paragraphs_headings_lists_bold_and_links() -> None:
    text = "第一段\n第二行\n\n## 标题\n- 甲\n- **乙**\n\n1. one\n2. [two](https://example.test/a?b=1&c=2)"
    assert str(render(text)) == (
        "<p>第一段<br>第二行</p>\n<h3>标题</h3>\n<ul><li>甲</li><li><strong>乙</strong></li></ul>\n"
        '<ol><li>one</li><li><a href="https://example.test/a?b=1&amp;c=2" rel="nofollow noopener">'
        "two</a></li></ol>"
    )


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[x](javascript:alert(1))",
        '[x](https://a.test/" onmouseover="alert(1))',
        "**<b>**",
        "## <iframe src=//evil.test>",
    ],
)
def test_nothing_typed_becomes_markup(hostile: str) -> None:
    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

    Tags().feed(str(render(hostile)))
    for tag, attrs in found:
        assert tag in {"p", "br", "h3", "h4", "ul", "ol", "li", "strong", "a"}
        for name, value in attrs:
            assert name in {"href", "rel"}
            if name == "href":
                assert (value or "").startswith(("https://", "http://")) and '"' not in (
                    value or ""
                )


def test_empty_and_whitespace_text() -> None:
    assert str(render("")) == "" and str(render("\n\n  \n")) == ""


def test_plain_text_drops_the_marks() -> None:
    assert plain_text("## 标题\n**粗** [链接](https://a.test)") == "标题\n粗 链接 (https://a.test)"


def test_icalendar_escaping_and_folding() -> None:
    assert escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    line = "SUMMARY:" + "版权" * 40
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in pieces)
    assert folded.replace("\r\n ", "") == line
    assert fold("short") == "short"
