"""`copyguard match` on images: the jsonl contract with boxes, and one error line per bad file."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
import skimage
from PIL import Image, ImageOps

from tests.cli.test_match import lines, run_match

PHOTOS = Path(skimage.__file__).parent / "data"


def _png_bomb() -> bytes:
    """A small PNG whose header declares 60,000 x 60,000 pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 60_000, 60_000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 4096))
        + chunk(b"IEND", b"")
    )


def _jpeg(image: Image.Image, quality: int = 85) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("images")
    (root / "refs").mkdir()
    (root / "queries" / "bad").mkdir(parents=True)
    for name in ("chelsea.png", "coffee.png", "rocket.jpg"):
        (root / "refs" / name).write_bytes((PHOTOS / name).read_bytes())
    blank = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(blank, "PNG")
    (root / "refs" / "blank.png").write_bytes(blank.getvalue())

    cat = Image.open(PHOTOS / "chelsea.png").convert("RGB")
    (root / "queries" / "cat-small.jpg").write_bytes(_jpeg(cat.resize((225, 150)), 30))
    (root / "queries" / "cat-mirrored.png").write_bytes(_jpeg(ImageOps.mirror(cat)))
    page = Image.new("RGB", (1000, 800), (235, 235, 240))
    page.paste(cat.resize((600, 400)), (250, 200))
    (root / "queries" / "page-with-cat.jpg").write_bytes(_jpeg(page))
    (root / "queries" / "horse.png").write_bytes((PHOTOS / "horse.png").read_bytes())
    bad = root / "queries" / "bad"
    (bad / "empty.jpg").write_bytes(b"")
    (bad / "cut.jpg").write_bytes(_jpeg(cat)[:3000])
    (bad / "bomb.png").write_bytes(_png_bomb())
    (bad / "drawing.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    (bad / "notes.png").write_bytes(b"these are notes, not a picture")
    return root


@pytest.fixture(scope="module")
def image_run(gallery: Path):  # type: ignore[no-untyped-def]
    return run_match(gallery, "--refs", "refs", "--queries", "queries", "--media", "image")


def test_every_copy_is_found_with_its_box_and_nothing_else(image_run) -> None:  # type: ignore[no-untyped-def]
    assert image_run.status == 0, image_run.err
    found = {(x["query"], x["reference"]): x for x in lines(image_run) if "error" not in x}
    assert set(found) == {
        ("queries/cat-small.jpg", "refs/chelsea.png"),
        ("queries/cat-mirrored.png", "refs/chelsea.png"),
        ("queries/page-with-cat.jpg", "refs/chelsea.png"),
    }
    for line in found.values():
        assert list(line) == ["query", "reference", "media", "score", "match", "segments", "box"]
        assert line["media"] == "image" and line["match"] is True and line["segments"] == []
        assert 0.5 <= line["score"] <= 1.0
    x0, y0, x1, y1 = found[("queries/page-with-cat.jpg", "refs/chelsea.png")]["box"]
    assert abs(x0 - 250) <= 20 and abs(y0 - 200) <= 20 and abs(x1 - 850) <= 20
    assert abs(y1 - 600) <= 20
    assert found[("queries/cat-small.jpg", "refs/chelsea.png")]["box"] == [0, 0, 225, 150]


def test_every_bad_file_gives_one_error_line(image_run) -> None:  # type: ignore[no-untyped-def]
    errors = {
        x.get("query", x.get("reference")): x["error"] for x in lines(image_run) if "error" in x
    }
    assert errors == {
        "refs/blank.png": "the image is too flat or empty to identify",
        "queries/bad/bomb.png": errors["queries/bad/bomb.png"],
        "queries/bad/cut.jpg": errors["queries/bad/cut.jpg"],
        "queries/bad/drawing.svg": "not a supported image format (SVG)",
        "queries/bad/empty.jpg": "empty file",
        "queries/bad/notes.png": "not a supported image format",
    }
    assert "pixels" in errors["queries/bad/bomb.png"]
    assert "JPEG" in errors["queries/bad/cut.jpg"]
    assert all("\n" not in message for message in errors.values())


def test_auto_media_sends_images_to_the_image_engine(gallery: Path) -> None:
    run = run_match(gallery, "--refs", "refs/chelsea.png", "--queries", "queries/cat-small.jpg")
    assert [(x["reference"], x["media"]) for x in lines(run)] == [("refs/chelsea.png", "image")]


def test_the_threshold_zero_lists_retrieved_non_matches_too(gallery: Path) -> None:
    run = run_match(gallery, "--refs", "refs", "--queries", "queries/horse.png", "--threshold", "0")
    retrieved = [x for x in lines(run) if "error" not in x]
    assert all(not x["match"] and x["score"] < 0.5 for x in retrieved)


def test_the_table_names_the_place_of_the_work(gallery: Path) -> None:
    run = run_match(
        gallery,
        "--refs", "refs/chelsea.png",
        "--queries", "queries/page-with-cat.jpg",
        "--format", "table",
    )  # fmt: skip
    assert run.status == 0
    assert "image" in run.out and "in the query at x" in run.out and "match" in run.out


def test_a_text_file_read_as_an_image_is_an_error_line(gallery: Path, tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text("Once upon a time.", encoding="utf-8")
    run = run_match(
        gallery, "--refs", "refs/chelsea.png", "--queries", str(tmp_path), "--media", "image"
    )
    assert [x["error"] for x in lines(run)] == ["not a supported image format"]
