# ruff: noqa: RUF001  (full-width CJK punctuation is test data here)
"""`copyguard match`: the engine's command line (DESIGN.md, "Engine CLI").

The files are real files in real formats, written by the tests: plain text in UTF-8, GB18030
and Big5, a web page, a PDF, an EPUB, a DOCX, Python source, and hostile or unreadable input.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import docx
import opencc
import pytest
from ebooklib import epub
from fpdf import FPDF
from PIL import Image
from rich.cells import cell_len

from copyguard import matchcli
from copyguard.cli import main
from copyguard.fingerprint import DEFAULT_THRESHOLD, extract
from tests.cli.conftest import Run, one_line_error

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")

HARBOUR = [
    "The harbour master kept his office on the second floor of the customs house, where the "
    "windows looked out over the breakwater and the long grey line of the sea. Every morning "
    "before dawn he climbed the narrow stairs with a lantern, lit the stove, and opened the "
    "great ledger in which the movements of every vessel had been written for more than a "
    "century. The oldest pages were brittle and brown at the edges, and the ink on them had "
    "faded to the colour of weak tea, but he could still read the names of schooners that had "
    "sailed for the spice islands and never come home.",
    "In winter the fishing boats stayed in the inner basin for weeks at a time. Their crews "
    "mended nets on the quay, argued about the price of diesel, and watched the sky for a break "
    "in the weather. The harbour master walked among them at noon, asking after wives and "
    "children, noting which hulls needed caulking and which engines coughed when they were "
    "started. He wrote all of it down in a smaller book that he kept in his coat pocket, "
    "because he believed that a port was not a place but a memory shared by the people who "
    "worked in it.",
    "When the storm of the new year came, it broke the eastern mole in two places and drove a "
    "cargo ship onto the sandbar beyond the lighthouse. For three days nobody could reach the "
    "stranded vessel. The harbour master stayed in his office the whole time, sleeping in his "
    "chair, listening to the radio and marking on the chart every report from the coast guard. "
    "On the fourth morning the wind dropped, the tugs went out, and the ship was pulled free "
    "with the evening tide. Its captain came ashore the next day and climbed the stairs to "
    "thank him, and the two men sat by the stove until dark, saying very little.",
    "Years later, after the customs house had been turned into a museum, visitors could still "
    "see the ledger in a glass case by the window. It lay open at the page for that winter, and "
    "beside the entry for the stranded ship someone had written, in a small careful hand, that "
    "all hands were safe.",
]
QUOTE = (  # 26 words of HARBOUR[1]: a short quotation, not a copy
    "The harbour master walked among them at noon, asking after wives and children, noting "
    "which hulls needed caulking and which engines coughed when they were started."
)
TOMATOES = (
    "My grandmother grew tomatoes on the balcony of a flat in the middle of the city. She "
    "started the seeds in egg boxes on the kitchen windowsill in March, moved them into clay "
    "pots in May, and tied the stems to bamboo canes with strips cut from old stockings. By "
    "August the balcony was a small green jungle, and the neighbours across the courtyard "
    "would call over to ask how the harvest was going. She gave most of the fruit away. The "
    "rest she cooked down slowly with garlic and olive oil into a sauce that she poured into "
    "glass jars and stored under the bed, where it was cool and dark. In the middle of winter "
    "she would open a jar for Sunday lunch, and the whole flat would smell of summer. When she "
    "moved to a smaller place near the river, she took the clay pots with her, but the new "
    "windows faced north, and nothing would grow. She said it did not matter, that she had "
    "grown enough tomatoes for one life."
)
TEAHOUSE = [
    "江边的小镇上有一家开了六十年的茶馆。每天清晨，天还没有亮，老板就把炉子生起来，烧好第一壶"
    "开水。最早来的是码头上的搬运工，他们放下扁担，要一碗最便宜的粗茶，就着两个烧饼，几口吃完"
    "又匆匆离开。太阳升起以后，镇上的老人们陆续到了，各自坐在熟悉的位置上，有的下棋，有的看报，"
    "有的什么也不做，只是望着江面上来来往往的船只。",
    "茶馆的墙上挂着一块旧木板，上面写着这一年里镇上发生的大事：谁家娶了媳妇，谁家的孩子考上了"
    "大学，哪一天江水涨到了台阶下面。木板是老板的父亲留下来的，字迹换了好几代人，却从来没有间断"
    "过。外地来的游客常常站在木板前面看很久，拿出手机拍照，问老板能不能把它卖给他们。老板总是"
    "摇头，说这块木板不是他一个人的，是整个小镇的。",
    "前几年，镇上修了新的公路，码头渐渐冷清下来，搬运工也一个一个离开了。有人劝老板把茶馆改成"
    "饭店，说那样能多赚一些钱。老板想了很久，最后还是留下了茶馆，只是在门口多放了几张竹椅，让"
    "走累了的人可以坐下来歇一歇。他说，一个地方总得有一处让人不用花钱也能坐一坐的地方。",
]
WINTER = (
    "我小时候住在北方的一座工厂大院里。冬天特别冷，窗户上结满了冰花，早上起来要先用手把玻璃捂"
    "热，才能看见外面的雪。院子里的孩子们最喜欢的事情是打雪仗，从放学一直打到天黑，直到各家的"
    "大人站在楼下喊名字，才一个个不情愿地回家。那时候没有暖气，屋里靠一个铁皮炉子取暖，炉子上"
    "总是放着一壶水和几个红薯，等我们写完作业，红薯也烤好了，剥开皮，热气一下子冒出来，满屋子"
    "都是甜甜的香味。后来工厂搬走了，大院也拆了，那些一起长大的孩子散落在全国各地，过年的时候"
    "偶尔在微信群里说几句话。"
)
TALLY = '''"""Tally the catch landed at each quay and report the week's totals."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Landing:
    quay: str
    species: str
    day: date
    kilograms: float


def read_landings(path: str) -> list[Landing]:
    landings = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            landings.append(
                Landing(
                    quay=row["quay"].strip(),
                    species=row["species"].strip().lower(),
                    day=date.fromisoformat(row["day"]),
                    kilograms=float(row["kilograms"]),
                )
            )
    return landings


def weekly_totals(landings: list[Landing]) -> dict[tuple[str, int], float]:
    totals: dict[tuple[str, int], float] = defaultdict(float)
    for landing in landings:
        week = landing.day.isocalendar().week
        totals[(landing.quay, week)] += landing.kilograms
    return dict(totals)


def busiest_quay(totals: dict[tuple[str, int], float], week: int) -> str | None:
    best, best_weight = None, 0.0
    for (quay, number), weight in totals.items():
        if number == week and weight > best_weight:
            best, best_weight = quay, weight
    return best


def species_share(landings: list[Landing]) -> dict[str, float]:
    by_species: dict[str, float] = defaultdict(float)
    for landing in landings:
        by_species[landing.species] += landing.kilograms
    grand = sum(by_species.values()) or 1.0
    return {name: weight / grand for name, weight in sorted(by_species.items())}


def format_report(totals: dict[tuple[str, int], float]) -> str:
    lines = ["quay        week   kilograms"]
    for (quay, week), weight in sorted(totals.items()):
        lines.append(f"{quay:<10} {week:>5} {weight:>11.1f}")
    if len(lines) == 1:
        lines.append("(no landings)")
    return "\\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: tally LANDINGS.csv")
        return 2
    landings = read_landings(argv[1])
    totals = weekly_totals(landings)
    print(format_report(totals))
    for name, share in species_share(landings).items():
        print(f"{name}: {share:.1%}")
    return 0
'''
FORECAST = """import json
import urllib.request

URL = "https://example.org/forecast/{station}.json"


def fetch(station):
    with urllib.request.urlopen(URL.format(station=station), timeout=10) as response:
        return json.load(response)


def warnings(forecast, wind_limit=40):
    out = []
    for hour in forecast["hours"]:
        if hour["wind_kmh"] >= wind_limit or hour.get("storm"):
            out.append((hour["time"], hour["wind_kmh"]))
    return out


if __name__ == "__main__":
    for when, wind in warnings(fetch("harbour-east")):
        print(when, wind)
"""
RENAMES = {
    "Landing": "CatchRecord",
    "landings": "records",
    "landing": "record",
    "quay": "berth",
    "kilograms": "weight_kg",
    "weekly_totals": "sum_by_week",
    "busiest_quay": "top_berth",
    "species_share": "share_by_kind",
    "species": "kind",
    "format_report": "render_table",
    "read_landings": "load_records",
    "totals": "sums",
}


def renamed_and_reformatted(source: str) -> str:
    """A pirated copy: identifiers renamed, docstring dropped, two-space indents, no blank lines."""
    pattern = re.compile(r"\b(" + "|".join(sorted(RENAMES, key=len, reverse=True)) + r")\b")
    source = pattern.sub(lambda m: RENAMES[m.group(1)], source.split('"""', 2)[2])
    source = re.sub(r"^( +)", lambda m: " " * (len(m.group(1)) // 2), source, flags=re.M)
    return "\n".join(line for line in source.splitlines() if line.strip()) + "\n"


def traditional(text: str) -> str:
    return str(opencc.OpenCC("s2tw").convert(text))


# ---------------------------------------------------------------- the corpus


def web_page(article: list[str]) -> str:
    paragraphs = "".join(f"<p>{p}</p>\n" for p in article)
    links = "".join(f'<li><a href="/{n}">{n.title()}</a></li>' for n in ("news", "port", "about"))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Port stories | Coastal Weekly</title></head><body>"
        f"<header><nav><ul>{links}</ul></nav><p>Subscribe to our newsletter!</p></header>"
        f"<main><article><h1>Winter in the inner basin</h1>\n{paragraphs}</article></main>"
        "<aside><h2>Most read</h2><ul><li><a href='/a'>Ferry timetable changes</a></li>"
        "<li><a href='/b'>New fish market opens</a></li></ul></aside>"
        "<footer><p>© 2026 Coastal Weekly. All rights reserved.</p>"
        "<p><a href='/privacy'>Privacy</a> · <a href='/contact'>Contact</a></p></footer>"
        "</body></html>"
    )


def pdf_file(text: str, **encryption: str) -> bytes:
    pdf = FPDF()
    font = "helvetica"
    if CJK_FONT.exists():
        pdf.add_font("cjk", fname=str(CJK_FONT))
        font = "cjk"
    pdf.add_page()
    pdf.set_font(font, size=11)
    pdf.multi_cell(0, 6, text)
    if encryption:
        pdf.set_encryption(**encryption)
    return bytes(pdf.output())


def epub_file(chapters: list[str], extra: dict[str, bytes] | None = None) -> bytes:
    book = epub.EpubBook()
    book.set_identifier("harbour-stories")
    book.set_title("Harbour stories")
    items = []
    for number, text in enumerate(chapters, 1):
        item = epub.EpubHtml(title=f"Chapter {number}", file_name=f"chapter{number}.xhtml")
        item.content = f"<html><body><h1>Chapter {number}</h1><p>{text}</p></body></html>"
        book.add_item(item)
        items.append(item)
    book.toc = items
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = items
    out = io.BytesIO()
    epub.write_epub(out, book)
    return with_members(out.getvalue(), extra or {})


def docx_file(paragraphs: list[str], extra: dict[str, bytes] | None = None) -> bytes:
    document = docx.Document()
    document.add_heading("Memo", level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return with_members(out.getvalue(), extra or {})


def with_members(data: bytes, extra: dict[str, bytes]) -> bytes:
    if not extra:
        return data
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        for name, content in extra.items():
            archive.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


@dataclass(frozen=True)
class Copy:
    """A query that copies a passage of a reference: the passage as written in each."""

    reference: str
    in_query: str
    in_reference: str


@dataclass(frozen=True)
class Corpus:
    root: Path
    copies: dict[str, Copy]  # query path -> what it copies
    bad: dict[str, str]  # query path -> a word its error must contain


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("match")
    files = {
        "refs/en/harbour.txt": "\n\n".join(HARBOUR).encode(),
        "refs/zh/茶馆.txt": "\n".join(TEAHOUSE).encode(),
        "refs/code/tally.py": TALLY.encode(),
        "refs/code/forecast.py": FORECAST.encode(),
        "refs/.drafts/harbour-draft.txt": HARBOUR[1].encode(),  # hidden: never read
        "queries/web/port-stories.html": web_page(
            [TOMATOES[:400], HARBOUR[1], TOMATOES[400:]]
        ).encode(),
        "queries/zh/摘抄-gb18030.txt": (
            WINTER[:120] + "\n" + TEAHOUSE[1] + "\n" + WINTER[120:]
        ).encode("gb18030"),
        "queries/zh/繁體-big5.txt": traditional(WINTER + "\n" + TEAHOUSE[0]).encode("big5"),
        "queries/report.pdf": pdf_file(WINTER + "\n" + TEAHOUSE[2]),
        "queries/stories.epub": epub_file([TOMATOES, HARBOUR[2]]),
        "queries/memo.docx": docx_file([HARBOUR[0], TOMATOES]),
        "queries/unrelated-en.txt": TOMATOES.encode(),
        "queries/unrelated-zh.txt": WINTER.encode("utf-8"),
        "queries/quotation.txt": f"{TOMATOES[:300]} As the old book says: {QUOTE}".encode(),
        "queries/code/tally_copy.py": renamed_and_reformatted(TALLY).encode(),
        "queries/code/listing.txt": TALLY.encode(),  # code, but a text document by its name
        "queries/bad/corrupt.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 20,
        "queries/bad/encrypted.pdf": pdf_file(WINTER, owner_password="o", user_password="u"),
        "queries/bad/bomb.epub": epub_file([HARBOUR[2]], {"EPUB/zeros.xhtml": bytes(4 << 20)}),
        "queries/bad/bomb.docx": docx_file([HARBOUR[0]], {"word/media/zeros.bin": bytes(4 << 20)}),
        "queries/bad/junk.bin": bytes((i * 7919 + 13) % 256 for i in range(4000)),
        "queries/bad/empty.txt": b"",
        "queries/bad/blank.txt": b"  \n\n\t\n",
    }
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    photo = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 80, 40)).save(photo, "PNG")
    (root / "queries/bad/photo.png").write_bytes(photo.getvalue()[:100])  # cut short
    copies = {
        "queries/web/port-stories.html": Copy("refs/en/harbour.txt", HARBOUR[1], HARBOUR[1]),
        "queries/zh/摘抄-gb18030.txt": Copy("refs/zh/茶馆.txt", TEAHOUSE[1], TEAHOUSE[1]),
        "queries/zh/繁體-big5.txt": Copy("refs/zh/茶馆.txt", traditional(TEAHOUSE[0]), TEAHOUSE[0]),
        "queries/report.pdf": Copy("refs/zh/茶馆.txt", TEAHOUSE[2], TEAHOUSE[2]),
        "queries/stories.epub": Copy("refs/en/harbour.txt", HARBOUR[2], HARBOUR[2]),
        "queries/memo.docx": Copy("refs/en/harbour.txt", HARBOUR[0], HARBOUR[0]),
        "queries/code/tally_copy.py": Copy(
            "refs/code/tally.py", renamed_and_reformatted(TALLY), TALLY.split('"""', 2)[2]
        ),
    }
    bad = {
        "queries/bad/corrupt.pdf": "PDF",
        "queries/bad/encrypted.pdf": "encrypted PDF",
        "queries/bad/bomb.epub": "zip bomb",
        "queries/bad/bomb.docx": "zip bomb",
        "queries/bad/junk.bin": "binary data",
        "queries/bad/empty.txt": "empty file",
        "queries/bad/blank.txt": "no text",
        "queries/bad/photo.png": "truncated PNG image",
    }
    return Corpus(root, copies, bad)


def run_match(root: Path, *args: str) -> Run:
    """`copyguard match ARGS…` in this process, in ``root`` (paths in the output are relative)."""
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            status = main(["match", *args])
    finally:
        os.chdir(cwd)
    return Run(status, out.getvalue(), err.getvalue())


def lines(run: Run) -> list[dict]:
    return [json.loads(line) for line in run.out.splitlines()]


def pairs(run: Run) -> dict[tuple[str, str], dict]:
    return {(x["query"], x["reference"]): x for x in lines(run) if "error" not in x}


@pytest.fixture(scope="module")
def default_run(corpus: Corpus) -> Run:
    return run_match(corpus.root, "--refs", "refs", "--queries", "queries")


def squeeze(text: str) -> str:
    return "".join(text.split())


# ---------------------------------------------------------------- jsonl


def test_it_finds_every_copy_in_every_format_and_nothing_else(corpus, default_run) -> None:
    assert default_run.status == 0, default_run.err
    assert default_run.err == ""
    found = pairs(default_run)

    assert set(found) == {(query, copy.reference) for query, copy in corpus.copies.items()}
    assert all(line["match"] and line["score"] >= DEFAULT_THRESHOLD for line in found.values())
    assert found[("queries/code/tally_copy.py", "refs/code/tally.py")]["media"] == "code"
    assert {line["media"] for q, line in found.items() if not q[0].endswith(".py")} == {"text"}


def test_every_line_has_exactly_the_keys_and_types_of_the_contract(default_run) -> None:
    for line in lines(default_run):
        if "error" in line:
            assert set(line) in ({"query", "error"}, {"reference", "error"})
            assert isinstance(line["error"], str)
            continue
        assert list(line) == ["query", "reference", "media", "score", "match", "segments"]
        assert isinstance(line["query"], str)
        assert isinstance(line["reference"], str)
        assert line["media"] in ("text", "code")
        assert isinstance(line["score"], float)
        assert 0.0 <= line["score"] <= 1.0
        assert isinstance(line["match"], bool)
        assert line["segments"]
        for segment in line["segments"]:
            assert list(segment) == ["query", "reference"]
            for start, end in segment.values():
                assert isinstance(start, int)
                assert isinstance(end, int)
                assert 0 <= start < end


def test_paths_are_printed_as_given_and_unescaped(corpus) -> None:
    run = run_match(corpus.root, "--refs", "./refs/zh/", "--queries", "queries/zh")

    assert '"reference": "./refs/zh/茶馆.txt"' in run.out  # ensure_ascii=False
    assert {q for q, _ in pairs(run)} == {"queries/zh/摘抄-gb18030.txt", "queries/zh/繁體-big5.txt"}


@pytest.mark.parametrize(
    "query",
    [
        "queries/web/port-stories.html",
        "queries/zh/摘抄-gb18030.txt",
        "queries/zh/繁體-big5.txt",
        "queries/report.pdf",
        "queries/stories.epub",
        "queries/memo.docx",
        "queries/code/tally_copy.py",
    ],
)
def test_the_offsets_point_at_the_copied_passage_in_both_texts(corpus, default_run, query) -> None:
    copy = corpus.copies[query]
    line = pairs(default_run)[(query, copy.reference)]
    query_text = extract(corpus.root / query).text
    reference_text = extract(corpus.root / copy.reference).text

    quoted = "".join(query_text[a:b] for (a, b) in (s["query"] for s in line["segments"]))
    cited = "".join(reference_text[a:b] for (a, b) in (s["reference"] for s in line["segments"]))

    for found, passage in ((quoted, copy.in_query), (cited, copy.in_reference)):
        found, passage = squeeze(found), squeeze(passage)
        common = SequenceMatcher(None, found, passage, autojunk=False).find_longest_match()
        assert common.size >= 0.85 * len(passage), (found, passage)
        assert len(found) <= 1.1 * len(passage), (found, passage)


def test_a_short_quotation_is_retrieved_but_is_not_a_match(corpus, default_run) -> None:
    assert not any(q == "queries/quotation.txt" for q, _ in pairs(default_run))

    run = run_match(corpus.root, "--refs", "refs", "--queries", "queries", "--threshold", "0")

    assert run.status == 0
    every = pairs(run)
    quotation = every[("queries/quotation.txt", "refs/en/harbour.txt")]
    assert quotation["match"] is False
    assert quotation["score"] < DEFAULT_THRESHOLD
    assert set(pairs(default_run)) < set(every)


def test_the_threshold_keeps_the_pairs_scoring_at_least_it(corpus) -> None:
    run = run_match(corpus.root, "--refs", "refs", "--queries", "queries", "--threshold", "0.2")

    assert ("queries/quotation.txt", "refs/en/harbour.txt") not in pairs(run)
    assert all(line["score"] >= 0.2 for line in pairs(run).values())


def test_every_unreadable_query_gives_one_error_line_and_the_run_goes_on(
    corpus, default_run
) -> None:
    errors = {line["query"]: line["error"] for line in lines(default_run) if "error" in line}

    assert set(errors) == set(corpus.bad)
    for path, words in corpus.bad.items():
        assert words in errors[path]
    assert default_run.status == 0


def test_an_unreadable_reference_gives_a_reference_error_line(corpus, tmp_path) -> None:
    (tmp_path / "broken.pdf").write_bytes((corpus.root / "queries/bad/corrupt.pdf").read_bytes())

    run = run_match(
        corpus.root, "--refs", "refs/en", str(tmp_path), "--queries", "queries/memo.docx"
    )

    assert run.status == 0
    error, *found = lines(run)
    assert list(error) == ["reference", "error"]
    assert error["reference"] == str(tmp_path / "broken.pdf")
    assert "PDF" in error["error"]
    assert [line["reference"] for line in found] == ["refs/en/harbour.txt"]


# ---------------------------------------------------------------- media


def test_text_is_compared_with_text_and_code_with_code(corpus) -> None:
    run = run_match(corpus.root, "--refs", "refs/code", "--queries", "queries/code")

    assert set(pairs(run)) == {("queries/code/tally_copy.py", "refs/code/tally.py")}


def test_media_text_reads_source_code_as_a_document(corpus) -> None:
    run = run_match(
        corpus.root, "--refs", "refs/code", "--queries", "queries/code", "--media", "text"
    )

    listing = pairs(run)[("queries/code/listing.txt", "refs/code/tally.py")]
    assert (listing["media"], listing["match"]) == ("text", True)


def test_texts_read_as_audio_give_an_error_line_each(corpus) -> None:
    run = run_match(corpus.root, "--refs", "refs/zh", "--queries", "queries/zh", "--media", "audio")

    assert [line.get("reference", line.get("query")) for line in lines(run)] == [
        "refs/zh/茶馆.txt",
        "queries/zh/摘抄-gb18030.txt",
        "queries/zh/繁體-big5.txt",
    ]
    assert {line["error"] for line in lines(run)} == {
        "not a readable audio or video file (unknown format, damaged or truncated)"
    }
    assert run.status == 2
    assert run.err.strip() == "copyguard match: error: none of the references could be read"


# ---------------------------------------------------------------- table


def table_columns(out: str) -> tuple[str, str]:
    """The text of the table's two columns, each joined over its rows."""
    left, right = [], []
    for line in out.splitlines():
        if line.startswith("│"):
            cells = line.strip("│").split("│")
            left.append(cells[0].strip())
            right.append(cells[1].strip())
    return " ".join(left), " ".join(right)


@pytest.mark.parametrize(
    ("refs", "query"),
    [("refs/en", "queries/web/port-stories.html"), ("refs/zh", "queries/zh/繁體-big5.txt")],
)
def test_the_table_shows_the_passages_side_by_side(corpus, refs, query) -> None:
    copy = corpus.copies[query]

    run = run_match(corpus.root, "--refs", refs, "--queries", query, "--format", "table")

    assert run.status == 0
    assert f"query      {query}" in run.out
    assert f"reference  {copy.reference}" in run.out
    assert re.search(r"score 0\.\d{3} match · text · coverage: \d+% of the query", run.out)
    left, right = (squeeze(column) for column in table_columns(run.out))
    assert squeeze(copy.in_query)[:30] in left
    assert squeeze(copy.in_query)[-12:-1] in left  # the final full stop may be left out
    assert squeeze(copy.in_reference)[:30] in right
    assert "…" in left  # the passage is longer than an excerpt
    widths = {cell_len(line) for line in run.out.splitlines() if line and line[0] in "┏┃┡│└"}
    assert len(widths) == 1  # wide characters keep the columns aligned
    assert run.out.splitlines()[-1] == (
        "references read: 1, queries read: 1, pairs scoring at least 0.5: 1, unreadable files: 0"
    )


def test_the_table_reports_unreadable_files_in_a_line_each(corpus) -> None:
    run = run_match(
        corpus.root, "--refs", "refs/en", "--queries", "queries/bad", "--format", "table"
    )

    assert "query queries/bad/encrypted.pdf: encrypted PDF" in run.out
    assert run.status == 2  # nothing among the queries could be read


# ---------------------------------------------------------------- walking the directories


def test_directories_are_walked_in_order_each_file_once(tmp_path) -> None:
    tree = tmp_path / "tree"
    skipped = (".hidden/x.txt", ".x.txt", "a/.y.txt", "a/__pycache__/z.cpython-311.pyc")
    for name in ("b.txt", "a/z.txt", "a/b/c.txt", *skipped):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text(HARBOUR[2], encoding="utf-8")
    (tree / "a" / "loop").symlink_to(tree, target_is_directory=True)
    (tree / "a" / "same.txt").symlink_to(tree / "b.txt")

    run = run_match(tmp_path, "--refs", "tree/b.txt", "--queries", "tree", "tree/a/z.txt", "tree/")

    assert run.status == 0
    # tree/b.txt is a/same.txt, met first; the loop back to tree/ ends where it starts.
    assert [line["query"] for line in lines(run)] == [
        "tree/a/b/c.txt",
        "tree/a/same.txt",
        "tree/a/z.txt",
    ]


def test_the_same_file_as_reference_and_query_is_a_match(corpus) -> None:
    run = run_match(corpus.root, "--refs", "refs/zh", "--queries", "refs/zh/茶馆.txt")

    [line] = lines(run)
    assert (line["query"], line["reference"], line["match"]) == (
        "refs/zh/茶馆.txt",
        "refs/zh/茶馆.txt",
        True,
    )
    assert line["segments"][0]["query"] == line["segments"][0]["reference"]


def test_jsonl_stays_clean_when_the_progress_bar_is_shown(corpus, monkeypatch) -> None:
    monkeypatch.setattr(matchcli, "_on_terminal", lambda stream: stream is sys.stderr)
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich draws the bar as on a terminal

    run = run_match(corpus.root, "--refs", "refs", "--queries", "queries/zh", "queries/memo.docx")

    assert run.status == 0
    assert len(pairs(run)) == 3
    assert "Scanning queries" in run.err


# ---------------------------------------------------------------- refused command lines


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--refs", "refs", "--queries", "nowhere"], "nowhere: no such file or directory"),
        (["--refs", "refs", "--queries", "queries", "--threshold", "1.5"], "1.5 is not between"),
        (["--refs", "refs", "--queries", "queries", "--threshold", "x"], "'x' is not a number"),
        (["--refs", "refs", "--queries", "queries", "--media", "pdf"], "invalid choice: 'pdf'"),
        (["--refs", "refs", "--queries", "queries", "--format", "csv"], "invalid choice: 'csv'"),
        (["--refs", "refs"], "the following arguments are required: --queries"),
    ],
)
def test_a_wrong_command_line_is_refused_in_one_line(corpus, args, message) -> None:
    run = run_match(corpus.root, *args)

    assert message in one_line_error(run, "match")
    assert run.out == ""


def test_nothing_readable_exits_2_in_one_line(corpus, tmp_path) -> None:
    no_refs = run_match(corpus.root, "--refs", str(tmp_path), "--queries", "queries/zh")
    no_queries = run_match(corpus.root, "--refs", "refs", "--queries", "queries/bad")

    assert one_line_error(no_refs, "match").endswith("none of the references could be read")
    assert one_line_error(no_queries, "match").endswith("none of the queries could be read")
    assert len(lines(no_queries)) == len(corpus.bad)


# ---------------------------------------------------------------- the real command


def test_the_console_script_runs_without_a_database(corpus) -> None:
    script = Path(sys.executable).with_name("copyguard")
    env = {**os.environ, "DATABASE_URL": "nonsense://", "PYTHONIOENCODING": "utf-8"}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    done = subprocess.run(
        [str(script), "match", "--refs", "refs/zh", "--queries", "queries/zh"],
        cwd=corpus.root,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    found = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert {line["query"] for line in found} == {
        "queries/zh/摘抄-gb18030.txt",
        "queries/zh/繁體-big5.txt",
    }
