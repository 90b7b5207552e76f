"""Image fingerprints, the image index and ImageMatcher, on real photographs.

The references are scikit-image's bundled photographs; every query is a transformed copy
written as a real JPEG or PNG file, so decoding is part of each test.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import skimage
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageOps

from copyguard.fingerprint.extract import ExtractionError
from copyguard.fingerprint.image import (
    FlatImageError,
    ImageMatcher,
    gen_image_fingerprint,
    gen_query_fingerprint,
)
from copyguard.fingerprint.index.image import FORMAT_VERSION, ImageIndex, ImageIndexError

PHOTOS = Path(skimage.__file__).parent / "data"
REFERENCES = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "motorcycle_left.png"]
UNREGISTERED = ["camera.png", "coins.png", "horse.png", "hubble_deep_field.jpg", "retina.jpg"]


def _photo(name: str) -> Image.Image:
    return Image.open(PHOTOS / name).convert("RGB")


def _file(image: Image.Image, fmt: str = "JPEG", quality: int = 90) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, quality=quality) if fmt == "JPEG" else image.save(out, fmt)
    return out.getvalue()


@pytest.fixture(scope="module")
def matcher() -> ImageMatcher:
    matcher = ImageMatcher()
    for name in REFERENCES:
        matcher.add_reference(name, PHOTOS / name)
    return matcher


def _resize(im: Image.Image, factor: float) -> Image.Image:
    return im.resize((round(im.width * factor), round(im.height * factor)), Image.LANCZOS)


def _crop(im: Image.Image) -> Image.Image:  # half of the area, off centre
    w, h = im.size
    return im.crop((w // 5, h // 6, w // 5 + round(w * 0.7), h // 6 + round(h * 0.72)))


def _overlay(im: Image.Image) -> Image.Image:  # a caption box over a fifth of the picture
    im = im.copy()
    w, h = im.size
    ImageDraw.Draw(im).rectangle((w // 10, h // 2, w // 10 + w // 2, h // 2 + h * 2 // 5), "white")
    return im


def _border(im: Image.Image) -> Image.Image:
    return ImageOps.expand(im, border=im.width // 5, fill=(20, 120, 200))


TRANSFORMS = {
    "smaller": lambda im: _resize(im, 0.3),
    "larger": lambda im: _resize(im, 2.5),
    "jpeg_q15": lambda im: Image.open(io.BytesIO(_file(_resize(im, 0.8), quality=15))),
    "crop": _crop,
    "mirror": ImageOps.mirror,
    "quarter_turn": lambda im: im.rotate(90, expand=True),
    "half_turn": lambda im: im.rotate(180),
    "greyscale": lambda im: ImageOps.grayscale(im).convert("RGB"),
    "colours": lambda im: ImageEnhance.Contrast(ImageEnhance.Brightness(im).enhance(1.3)).enhance(
        0.7
    ),
    "blur": lambda im: im.filter(ImageFilter.GaussianBlur(2)),
    "sharpen": lambda im: im.filter(ImageFilter.UnsharpMask(3, 200)),
    "overlay": _overlay,
    "border": _border,
}


@pytest.mark.parametrize("name", REFERENCES)
@pytest.mark.parametrize("transform", sorted(TRANSFORMS))
def test_a_transformed_copy_is_found(matcher: ImageMatcher, name: str, transform: str) -> None:
    query = TRANSFORMS[transform](_photo(name)).convert("RGB")
    found = matcher.query(_file(query))
    assert found and found[0].reference_id == name and found[0].match, (transform, found[:2])
    assert [m.reference_id for m in found if m.match] == [name]


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    w = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / area


@pytest.mark.parametrize("name", REFERENCES)
def test_a_work_placed_inside_a_larger_picture_is_found_with_its_box(
    matcher: ImageMatcher, name: str
) -> None:
    canvas = _photo("hubble_deep_field.jpg").resize((1400, 1000))
    work = _photo(name)
    scale = min(800 / work.width, 640 / work.height)  # about 35-40 % of the canvas
    work = _resize(work, scale)
    place = (420, 230)
    canvas.paste(work, place)
    found = matcher.query(_file(canvas, "PNG"))
    assert found and found[0].reference_id == name and found[0].match
    truth = (place[0], place[1], place[0] + work.width, place[1] + work.height)
    assert found[0].box is not None and _iou(found[0].box, truth) >= 0.8, (found[0].box, truth)


def test_a_mirrored_copy_reports_its_box_in_the_query(matcher: ImageMatcher) -> None:
    canvas = Image.new("RGB", (900, 700), (240, 240, 240))
    work = ImageOps.mirror(_photo("chelsea.png"))
    canvas.paste(work, (300, 250))
    found = matcher.query(_file(canvas))
    assert found[0].reference_id == "chelsea.png" and found[0].mirrored
    assert found[0].box is not None
    assert _iou(found[0].box, (300, 250, 300 + work.width, 250 + work.height)) >= 0.8


@pytest.mark.parametrize("name", UNREGISTERED)
def test_an_unregistered_photograph_matches_nothing(matcher: ImageMatcher, name: str) -> None:
    for query in (_photo(name), _crop(_photo(name)), ImageOps.mirror(_photo(name))):
        assert not [m for m in matcher.query(_file(query)) if m.match]


def test_flat_images_get_no_fingerprint() -> None:
    grey = np.full((300, 400, 3), 128, np.uint8)
    gradient = np.repeat(np.linspace(0, 255, 400, dtype=np.uint8)[None, :, None], 300, 0)
    for pixels in (grey, np.repeat(gradient, 3, 2)):
        with pytest.raises(FlatImageError):
            gen_image_fingerprint(np.ascontiguousarray(pixels))
    with pytest.raises(FlatImageError):
        ImageMatcher().add_reference("blank", _file(Image.new("RGB", (640, 480), "white"), "PNG"))


def test_a_fingerprint_is_deterministic_and_small() -> None:
    pixels = np.asarray(_photo("astronaut.png"))
    first, second = gen_image_fingerprint(pixels), gen_image_fingerprint(pixels)
    assert np.array_equal(first.pdq, second.pdq) and first.pdq.shape == (32,)
    assert np.array_equal(first.keypoints.descriptors, second.keypoints.descriptors)
    assert 100 <= len(first.keypoints) <= 300
    query = gen_query_fingerprint(pixels)
    assert query.pdq.shape == (8, 32) and query.mirrored is not None


def test_unreadable_queries_raise_an_extraction_error(matcher: ImageMatcher) -> None:
    for data in (b"", b"not an image at all", _file(_photo("coffee.png"))[:2000]):
        with pytest.raises(ExtractionError):
            matcher.query(data)


def test_a_saved_index_answers_as_before_and_a_damaged_one_is_refused(
    matcher: ImageMatcher, tmp_path: Path
) -> None:
    query = gen_query_fingerprint(np.asarray(_crop(_photo("rocket.jpg"))))
    size = (1, 1)
    matcher.index.save(tmp_path / "images")
    reopened = ImageIndex.open(tmp_path / "images")
    assert reopened.search(query, size) == matcher.index.search(query, size)
    (tmp_path / "images" / "manifest.json").write_text("{", encoding="utf-8")
    with pytest.raises(ImageIndexError):
        ImageIndex.open(tmp_path / "images")
    with pytest.raises(ImageIndexError):
        ImageIndex.open(tmp_path / "nowhere")


def test_works_survive_saving_with_their_ids_columns_and_tombstones(tmp_path: Path) -> None:
    index = ImageIndex()
    fingerprint = gen_image_fingerprint(np.asarray(_photo("coffee.png")))
    for work_id in ("coffee", 7, "咖啡"):
        index.add(work_id, fingerprint)
    assert index.delete(7) and not index.delete(7) and not index.delete("absent")
    index.save(tmp_path / "images")
    reopened = ImageIndex.open(tmp_path / "images")
    assert len(reopened) == 3
    assert [reopened.work(n) for n in range(3)] == [index.work(n) for n in range(3)]
    assert reopened.work(1).deleted and not reopened.work(2).deleted
    assert reopened.work(0).id == "coffee" and reopened.work(2).width == fingerprint.width
    query = gen_query_fingerprint(np.asarray(_photo("coffee.png")))
    assert [h.work for h in reopened.search(query, (1, 1))][:2] == [0, 2]


def test_a_saved_index_whose_parts_disagree_is_refused(tmp_path: Path) -> None:
    index = ImageIndex()
    index.add("coffee", gen_image_fingerprint(np.asarray(_photo("coffee.png"))))
    index.save(tmp_path / "images")
    manifest = tmp_path / "images" / "manifest.json"
    good = manifest.read_text(encoding="utf-8")
    for broken in (
        good.replace('["coffee"]', '["coffee", "extra"]'),
        good.replace('["coffee"]', "[[1]]"),
        good.replace(f'"format": {FORMAT_VERSION}', '"format": 2'),
    ):
        manifest.write_text(broken, encoding="utf-8")
        with pytest.raises(ImageIndexError):
            ImageIndex.open(tmp_path / "images")
    manifest.write_text(good, encoding="utf-8")
    (tmp_path / "images" / "works.npz").write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(ImageIndexError):
        ImageIndex.open(tmp_path / "images")


def test_a_deleted_work_is_not_found() -> None:
    matcher = ImageMatcher()
    for name in ("coffee.png", "rocket.jpg"):
        matcher.add_reference(name, PHOTOS / name)
    assert matcher.index.delete("coffee.png")
    query = _file(_photo("coffee.png"))
    assert not [m for m in matcher.query(query) if m.reference_id == "coffee.png"]


def test_a_bulk_loaded_segment_sets_its_works_keypoint_counts_and_must_come_in_order() -> None:
    from copyguard.fingerprint.image import ImageFingerprint, Keypoints
    from copyguard.fingerprint.index.words import WordSegment, vocabulary

    index = ImageIndex()
    none = Keypoints(np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8))
    for work in range(5):
        index.add(work, ImageFingerprint(0, 512, 384, 1.0, np.zeros(32, np.uint8), 100, none))
    rng = np.random.default_rng(3)

    def segment(owners: list[int]) -> WordSegment:
        descriptors = rng.integers(0, 256, (len(owners), 32), dtype=np.uint8)
        return WordSegment.build(descriptors, np.zeros((len(owners), 2)), owners, vocabulary())

    index.add_segment(segment([1, 1, 1, 3, 3]))
    assert [index.work(n).keypoints for n in range(5)] == [0, 3, 0, 2, 0]
    with pytest.raises(ValueError, match="next ones"):
        index.add_segment(segment([2, 2]))
    with pytest.raises(ValueError, match="next ones"):
        index.add_segment(segment([5]))
    index.add_segment(segment([4]))
    assert index.work(4).keypoints == 1 and index.descriptors == 6
