"""HTML pages: main content kept, boilerplate dropped, every character mapped to the markup."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from copyguard.fingerprint.extract import ExtractionError, extract
from copyguard.fingerprint.extract.html import html_to_text

SAMPLES = Path(__file__).parent / "fixtures_extract"
EN = (SAMPLES / "en.txt").read_text(encoding="utf-8")
HANS = (SAMPLES / "zh_hans.txt").read_text(encoding="utf-8")
HANT = (SAMPLES / "zh_hant.txt").read_text(encoding="utf-8")

NAV = ["Home", "World", "Business", "Sport", "Subscribe"]
AD = "Cheap flights to anywhere, book today and save ninety percent on every ticket!"
FOOTER = "Copyright 2025 Harbour Gazette Ltd. All rights reserved. Privacy policy."
RELATED = ["Ten ways to fold a map", "Why the tide is late", "A lamp for every window"]


def paragraphs(text: str) -> list[str]:
    """The sample split into sentences of a paragraph's size, joined lines unwrapped."""
    cjk = "。" in text
    flat = "".join(text.split()) if cjk else " ".join(text.split())
    cut = "。" if cjk else "."
    parts = [p.strip() + cut for p in flat.split(cut) if p.strip()]
    return [" ".join(parts[i : i + 2]) for i in range(0, len(parts), 2)]


def page(body_paragraphs: list[str], *, charset: str = "utf-8", title: str = "The keeper") -> str:
    nav = "".join(f'<li><a href="/{w.lower()}">{w}</a></li>' for w in NAV)
    related = "".join(f'<li><a href="/r{i}">{t}</a></li>' for i, t in enumerate(RELATED))
    article = "\n".join(f"    <p>{p}</p>" for p in body_paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head>
  <meta charset="{charset}">
  <title>{title} | Harbour Gazette</title>
  <style>body {{ font-family: serif; }} .ad {{ color: red; }}</style>
  <script>window.dataLayer = ["<p>not text</p>"]; if (a < b && c > d) {{ track(); }}</script>
</head>
<body>
  <header><div class="logo">Harbour Gazette</div><nav class="menu"><ul>{nav}</ul></nav></header>
  <div class="ad banner" id="ad-top">{AD}</div>
  <main>
  <article class="post">
    <h1>{title}</h1>
    <p class="byline">By a staff writer</p>
{article}
  </article>
  </main>
  <aside class="sidebar"><h3>Related</h3><ul>{related}</ul>
    <div class="advertisement">{AD}</div></aside>
  <!-- tracking pixel: <p>hidden</p> -->
  <footer><p>{FOOTER}</p><a href="/contact">Contact</a></footer>
  <script src="/app.js"></script>
</body></html>
"""


def assert_offsets_map_back(result, source: str) -> None:
    offsets = result.source_offsets
    text = result.text
    assert offsets.dtype == np.int64
    assert len(offsets) == len(text) + 1
    assert offsets[-1] == len(source)
    assert np.all(np.diff(offsets) >= 0)
    for i, char in enumerate(text):
        at = source[offsets[i]]
        # plain characters are themselves in the source; entities point at their "&";
        # collapsed white space points at white space, inserted breaks past the text
        assert at == char or at == "&" or char.isspace(), (i, char, at)


@pytest.mark.parametrize(("sample", "language"), [(EN, "en"), (HANS, "zh-Hans"), (HANT, "zh-Hant")])
def test_it_keeps_the_article_and_drops_navigation_ads_and_footer(sample, language):
    body = paragraphs(sample)
    source = page(body)

    result = extract(source.encode("utf-8"), filename="story.html")

    assert (result.media, result.format) == ("text", "html")
    for paragraph in body:
        assert paragraph in result.text
    for boilerplate in [*NAV, AD, FOOTER, *RELATED, "not text", "hidden", "track()"]:
        assert boilerplate not in result.text, boilerplate
    assert result.meta["main_content"] == "trafilatura"
    assert result.meta["title"] == "The keeper | Harbour Gazette"
    assert_offsets_map_back(result, source)


def test_it_keeps_a_chapter_pasted_into_a_forum_comment():
    # Pirated text often sits in comments and replies: they are content, not furniture.
    comment = "".join(f"<p>{p}</p>" for p in paragraphs(HANS))
    source = page(["Does anyone have the chapter about the old bookshop? Please share it here."])
    source = source.replace(
        "</main>",
        f'<section id="comments" class="comments"><div class="comment"><span class="author">'
        f"reader42</span>{comment}</div></section></main>",
    )

    result = extract(source.encode(), filename="thread.html")

    for paragraph in paragraphs(HANS):
        assert paragraph in result.text
    assert AD not in result.text
    assert_offsets_map_back(result, source)


def test_it_maps_entities_to_their_ampersand():
    body = paragraphs(EN)
    body[0] = "Fish &amp; chips, &lt;tags&gt;, &#x4E2D;&#25991; and &eacute;t&eacute; " + body[0]
    source = page(body)

    result = extract(source.encode("utf-8"), filename="story.html")

    start = result.text.index("Fish & chips, <tags>, 中文 and été")
    ampersand = source.index("&amp;")
    assert result.source_offsets[start + 5] == ampersand
    assert source[result.source_offsets[start + 6]] == " "
    hanzi = result.text.index("中文")
    assert result.source_offsets[hanzi] == source.index("&#x4E2D;")
    assert result.source_offsets[hanzi + 1] == source.index("&#25991;")
    assert_offsets_map_back(result, source)


def test_it_maps_a_copied_passage_back_to_its_span_in_the_markup():
    body = paragraphs(EN)
    source = page(body)
    result = extract(source.encode(), filename="story.html")
    passage = body[1]

    start = result.text.index(passage)
    end = start + len(passage)
    first, last = result.source_offsets[start], result.source_offsets[end - 1] + 1

    assert source[first:last] == passage


@pytest.mark.parametrize(
    ("sample", "encoding", "label", "expected"),
    [
        (HANS, "gbk", "gbk", "gb18030"),
        (HANS, "gb2312", "GB2312", "gb18030"),
        (HANT, "big5", "big5", "big5"),
        (EN + "é", "cp1252", "windows-1252", "cp1252"),
    ],
)
def test_it_decodes_with_the_declared_charset(sample, encoding, label, expected):
    source = page(paragraphs(sample), charset=label)

    result = extract(source.encode(encoding), filename="story.html")

    assert result.encoding == expected
    assert paragraphs(sample)[0] in result.text
    assert result.meta["declared_encoding"] == label
    assert_offsets_map_back(result, source)


def test_it_reads_the_charset_from_an_http_equiv_meta():
    source = page(paragraphs(HANT)).replace(
        '<meta charset="utf-8">',
        '<meta http-equiv="Content-Type" content="text/html; charset=big5">',
    )

    result = extract(source.encode("big5"), filename="story.htm")

    assert result.encoding == "big5"
    assert paragraphs(HANT)[1] in result.text


def test_it_trusts_valid_utf8_over_a_wrong_declaration():
    source = page(paragraphs(HANS), charset="gbk")

    result = extract(source.encode("utf-8"), filename="story.html")

    assert result.encoding == "utf-8"
    assert paragraphs(HANS)[0] in result.text


def test_it_reads_a_utf16_page_with_a_byte_order_mark_without_a_file_name():
    source = page(paragraphs(HANS), charset="utf-16")

    result = extract("\ufeff".encode("utf-16-le") + source.encode("utf-16-le"))

    assert result.format == "html"
    assert result.encoding == "utf-16-le"
    assert paragraphs(HANS)[2] in result.text
    assert_offsets_map_back(result, source)


def test_it_detects_html_by_its_content_without_a_file_name():
    result = extract(page(paragraphs(EN)).encode())

    assert result.format == "html"
    assert NAV[0] not in result.text.split()


def test_it_falls_back_to_dropping_page_furniture_when_trafilatura_finds_nothing():
    source = (
        "<html><body><nav><a href='/'>Home</a> <a href='/a'>About</a></nav>"
        "<p>Short note.</p><footer>Footer line</footer></body></html>"
    )

    result = extract(source.encode(), filename="note.html")

    assert result.text == "Short note."
    assert result.meta["main_content"] == "fallback"
    assert_offsets_map_back(result, source)


def test_it_collapses_white_space_but_keeps_preformatted_text():
    source = (
        "<html><body><article><p>one\n   two\t three</p>"
        "<pre>keep   these\n  spaces</pre></article></body></html>"
    )

    result = html_to_text(source)

    assert result.text == "one two three\nkeep   these\n  spaces"
    assert_offsets_map_back(
        type("R", (), {"text": result.text, "source_offsets": result.offsets})(), source
    )


def test_it_survives_unclosed_and_stray_tags():
    source = "<p>alpha<p>beta</div></span><li>gamma<br>delta</b> <script>x<y"

    result = html_to_text(source)

    assert result.text == "alpha\nbeta\ngamma\ndelta"


def test_it_closes_a_head_that_the_page_never_closes():
    source = "<html><head><title>T</title><body><p>Visible text.</p></body></html>"

    assert html_to_text(source).text == "Visible text."


def test_an_unclosed_title_does_not_swallow_the_page():
    result = html_to_text("<html><head><title>Harbour news<body><p>Visible text.</p>")

    assert (result.title, result.text) == ("Harbour news", "Visible text.")


@pytest.mark.parametrize(
    "source",
    [
        b"<html><body><nav><a href='/'>Home</a></nav><script>x()</script></body></html>",
        b"<html><head><title>only a title</title></head><body>   </body></html>",
    ],
)
def test_it_refuses_a_page_without_text(source):
    with pytest.raises(ExtractionError, match=r"no text in the HTML page"):
        extract(source, filename="empty.html")


def test_it_refuses_binary_data_named_html():
    with pytest.raises(ExtractionError, match=r"binary data"):
        extract(bytes(range(256)) * 4, filename="page.html")
