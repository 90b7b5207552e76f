"""Plain text in every common encoding: detected, never silently wrong, binary refused."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from copyguard.fingerprint.extract import ExtractionError, Limits, extract
from copyguard.fingerprint.extract.text import decode_text

SAMPLES = Path(__file__).parent / "fixtures_extract"
EN = (SAMPLES / "en.txt").read_text(encoding="utf-8")
HANS = (SAMPLES / "zh_hans.txt").read_text(encoding="utf-8")
HANT = (SAMPLES / "zh_hant.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        (EN, "ascii", "ascii"),
        (EN + " café, naïve", "utf-8", "utf-8"),
        (HANS, "utf-8", "utf-8"),
        (HANT, "utf-8", "utf-8"),
        (HANS, "gbk", "gb18030"),
        (HANS, "gb2312", "gb18030"),
        (HANS + "𠀀", "gb18030", "gb18030"),
        (HANT, "gb18030", "gb18030"),
        (HANT, "big5", "big5"),
        (EN + HANS, "gbk", "gb18030"),
        (EN + HANT, "big5", "big5"),
    ],
)
def test_it_detects_the_encoding_of_a_file(tmp_path, text, encoding, expected):
    path = tmp_path / "sample.txt"
    path.write_bytes(text.encode(encoding))

    result = extract(path)

    assert result.text == text
    assert result.encoding == expected
    assert (result.media, result.format, result.source_offsets) == ("text", "txt", None)
    assert result.meta.get("encoding_confidence", 1.0) >= 0.9


@pytest.mark.parametrize(
    ("bom", "encoding", "name"),
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    ],
)
@pytest.mark.parametrize("text", [EN, HANS, EN + HANT], ids=["en", "hans", "mixed"])
def test_it_reads_text_after_a_byte_order_mark_without_the_mark(bom, encoding, name, text):
    result = extract(bom + text.encode(encoding), filename="a.txt")

    assert result.text == text
    assert result.encoding == name
    assert result.meta["bom"] is True


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [EN, HANS, EN + HANS], ids=["en", "hans", "mixed"])
def test_it_recognises_utf16_without_a_byte_order_mark(encoding, text):
    result = extract(text.encode(encoding), filename="a.txt")

    assert result.text == text
    assert result.encoding == encoding


def test_it_tells_gbk_from_big5_in_both_directions():
    simplified = decode_text(HANS[:60].encode("gbk"))
    traditional = decode_text(HANT[:60].encode("big5"))

    assert (simplified.encoding, simplified.text) == ("gb18030", HANS[:60])
    assert (traditional.encoding, traditional.text) == ("big5", HANT[:60])
    assert simplified.confidence >= 0.9
    assert traditional.confidence >= 0.9


def test_it_records_a_low_confidence_when_a_few_bytes_fit_two_encodings():
    # Four bytes are both valid Big5 and valid GB18030: the best guess, marked uncertain.
    result = extract("中文".encode("big5"), filename="short.txt")

    assert result.meta["encoding_confidence"] < 0.9
    assert result.meta["encoding_alternatives"]
    assert result.encoding in ["big5", *result.meta["encoding_alternatives"]]


def test_it_keeps_a_file_cut_inside_its_last_character():
    data = HANS.encode("gbk")

    result = extract(data[:-1], filename="cut.txt")

    assert result.text == HANS[:-1]


def test_it_prefers_utf8_whenever_the_bytes_are_valid_utf8():
    assert decode_text(HANS.encode("utf-8"), declared="gbk").encoding == "utf-8"


def test_it_uses_a_declared_charset_when_the_bytes_are_not_utf8():
    result = decode_text("Grüße aus Köln".encode("latin-1"), declared="iso-8859-1")

    assert (result.text, result.encoding) == ("Grüße aus Köln", "cp1252")


def test_it_does_not_trust_a_declared_charset_that_decodes_to_rare_characters():
    result = decode_text(HANT.encode("big5"), declared="gbk")

    assert (result.text, result.encoding) == (HANT, "big5")


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("日本語のテキストです。ひらがなとカタカナと漢字が混ざっています。", "shift_jis"),
        ("한국어 문장입니다. 인코딩을 확인하는 시험용 텍스트입니다.", "euc-kr"),
        ("Это русский текст для проверки определения кодировки.", "cp1251"),
    ],
)
def test_it_decodes_other_common_encodings(text, encoding):
    assert decode_text(text.encode(encoding)).text == text


def test_it_keeps_newlines_as_they_are():
    text = "line one\r\nline two\rline three\n"

    assert extract(text.encode(), filename="a.txt").text == text


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 8,
        b"\x00\x01\x02\x03" * 100,
        b"text\x00with\x00nuls\x00in\x00odd\x00places\x01\x02",
        b"ELF\x7f\x02\x01\x01" + bytes(200),
        HANS.encode("gbk")[:40] + b"\x07\x08\x01\x02\x03\x04" * 5,
    ],
    ids=["all-bytes", "controls", "nuls", "elf", "gbk-with-controls"],
)
def test_it_refuses_binary_data_instead_of_returning_mojibake(data):
    with pytest.raises(ExtractionError, match=r"binary data|cannot determine the text encoding"):
        extract(data, filename="a.txt")


@pytest.mark.parametrize("seed", range(5))
def test_it_refuses_high_bytes_that_only_decode_to_letter_soup(seed):
    # No NULs, no controls: single-byte codecs "decode" these, to runs no language has.
    rng = random.Random(seed)
    data = bytes(rng.randrange(0x80, 0x100) for _ in range(400))

    with pytest.raises(ExtractionError, match=r"^cannot determine the text encoding$"):
        decode_text(data)


def test_it_refuses_an_invalid_utf16_file_behind_its_mark():
    lone_surrogate = b"\x00\xdc"
    data = (
        codecs.BOM_UTF16_LE + "ok".encode("utf-16-le") + lone_surrogate + "ok".encode("utf-16-le")
    )

    with pytest.raises(ExtractionError, match=r"invalid utf-16-le text"):
        extract(data, filename="a.txt")


def test_it_refuses_an_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")

    with pytest.raises(ExtractionError, match=r"^empty file$"):
        extract(path)


def test_it_refuses_a_file_over_the_size_limit_before_reading_it(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 5000)

    with pytest.raises(ExtractionError, match=r"file too large: 4.9 KB exceeds the 4 KB limit"):
        extract(path, limits=Limits(max_bytes=4096))


def test_it_refuses_text_over_the_character_limit():
    with pytest.raises(ExtractionError, match=r"too much text"):
        extract(b"a" * 200, filename="a.txt", limits=Limits(max_chars=100))


def test_it_names_an_unreadable_path(tmp_path):
    with pytest.raises(ExtractionError, match=r"cannot read the file"):
        extract(tmp_path / "missing.txt")
    with pytest.raises(ExtractionError, match=r"is a directory"):
        extract(tmp_path)


def test_it_decodes_a_large_gbk_file():
    text = HANS * 4000

    result = decode_text(text.encode("gbk"))

    assert (result.text, result.encoding, result.confidence) == (text, "gb18030", 1.0)
