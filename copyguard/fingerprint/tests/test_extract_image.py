"""Images: every format to upright sRGB pixels, hostile files to one-line errors, ISCC codes."""

from __future__ import annotations

import importlib
import io
import json
import struct
import zlib
from functools import cache
from importlib import resources
from pathlib import Path

import cv2
import numpy as np
import pytest
import skimage
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageCms, ImageFile, ImageOps
from PIL.GifImagePlugin import GifImageFile
from PIL.JpegImagePlugin import JpegImageFile

from copyguard.fingerprint.extract import ExtractionError
from copyguard.fingerprint.extract.image import (
    MAX_IMAGE_BYTES,
    MAX_IMAGE_PIXELS,
    MAX_SEGMENTS,
    DecodedImage,
    gen_iscc_image_code,
    gen_iscc_image_code_from_pixels,
    iscc_image_pixels,
    load_image,
)

PHOTOS = Path(skimage.__file__).parent / "data"
HOSTILE = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def photo(name: str) -> Image.Image:
    with Image.open(PHOTOS / name) as image:
        return image.convert("RGB")


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def can_write(fmt: str) -> bool:
    try:
        encode(Image.new("RGB", (16, 16)), fmt)
    except (KeyError, OSError, ValueError):
        return False
    return True


def png_bytes(width: int, height: int, idat: bytes | None = None) -> bytes:
    """A PNG whose header declares ``width`` x ``height`` RGB pixels, with little data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" * 4096) if idat is None else idat
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def mean_difference(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def assert_well_formed(decoded: DecodedImage) -> None:
    pixels = decoded.pixels
    assert pixels.dtype == np.uint8 and pixels.ndim == 3 and pixels.shape[2] == 3
    assert pixels.flags.c_contiguous
    assert decoded.scale == pixels.shape[1] / decoded.width


def hamming(a: str, b: str) -> int:
    import iscc_core

    first = iscc_core.Code(a).hash_bytes
    second = iscc_core.Code(b).hash_bytes
    return bin(int.from_bytes(first, "big") ^ int.from_bytes(second, "big")).count("1")


# Formats


LOSSY = {"JPEG": 4.0, "WEBP": 4.0, "HEIF": 5.0, "AVIF": 5.0}


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "HEIF", "AVIF"])
def test_each_format_decodes_to_the_pictures_rgb_pixels(fmt):
    if not can_write(fmt):
        pytest.skip(f"this Pillow cannot write {fmt} (no encoder in the installed libraries)")
    original = photo("astronaut.png")
    source = original.convert("P") if fmt == "GIF" else original

    decoded = load_image(encode(source, fmt))

    assert decoded.format == fmt
    assert_well_formed(decoded)
    assert (decoded.width, decoded.height, decoded.scale) == (512, 512, 1.0)
    expected = np.asarray(source.convert("RGB"))
    assert mean_difference(decoded.pixels, expected) <= LOSSY.get(fmt, 0.0)


def test_a_path_str_path_bytes_and_bytearray_give_the_same_pixels(tmp_path):
    data = encode(photo("chelsea.png"), "PNG")
    file = tmp_path / "chelsea.png"
    file.write_bytes(data)

    results = [load_image(x).pixels for x in (file, str(file), data, bytearray(data))]

    for pixels in results[1:]:
        assert np.array_equal(pixels, results[0])
    assert results[0].shape == (300, 451, 3)


def test_the_pixels_are_read_only():
    decoded = load_image(encode(photo("chelsea.png"), "PNG"))

    with pytest.raises(ValueError):
        decoded.pixels[0, 0, 0] = 1


def test_a_16_bit_png_and_tiff_are_scaled_to_8_bits():
    rgb = np.asarray(photo("chelsea.png"))
    wide_bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR).astype(np.uint16) * 257
    grey = np.asarray(photo("chelsea.png").convert("L"))
    for ext in (".png", ".tiff"):
        colour = load_image(cv2.imencode(ext, wide_bgr)[1].tobytes())
        mono = load_image(cv2.imencode(ext, grey.astype(np.uint16) * 257)[1].tobytes())

        assert np.array_equal(colour.pixels, rgb), ext
        assert np.array_equal(mono.pixels, np.repeat(grey[:, :, None], 3, axis=2)), ext


def test_transparency_is_composited_on_white():
    rgba = Image.new("RGBA", (4, 2), (255, 0, 0, 0))  # transparent red: white
    rgba.putpixel((1, 0), (0, 0, 0, 128))  # half-transparent black: mid grey
    rgba.putpixel((2, 0), (0, 0, 255, 255))  # opaque blue
    grey_alpha = Image.new("LA", (2, 2), (0, 0))
    grey_alpha.putpixel((1, 1), (40, 255))
    palette = Image.new("P", (2, 1))
    palette.putpalette([0, 255, 0, 9, 9, 9])
    palette.putpixel((1, 0), 1)
    palette.info["transparency"] = 0  # index 0 (green) is transparent

    pixels = load_image(encode(rgba, "PNG")).pixels
    assert pixels[0, 0].tolist() == [255, 255, 255]
    assert all(abs(int(v) - 127) <= 1 for v in pixels[0, 1])
    assert pixels[0, 2].tolist() == [0, 0, 255]
    pixels = load_image(encode(grey_alpha, "PNG")).pixels
    assert pixels[0, 0].tolist() == [255, 255, 255]
    assert pixels[1, 1].tolist() == [40, 40, 40]
    for fmt in ("PNG", "GIF"):
        pixels = load_image(encode(palette, fmt, transparency=0)).pixels
        assert pixels[0, 0].tolist() == [255, 255, 255], fmt
        assert pixels[0, 1].tolist() == [9, 9, 9], fmt


def test_a_colour_keyed_grey_png_turns_its_key_white():
    grey = Image.new("L", (2, 1), 7)
    grey.putpixel((1, 0), 80)

    pixels = load_image(encode(grey, "PNG", transparency=7)).pixels

    assert pixels[0].tolist() == [[255, 255, 255], [80, 80, 80]]


def test_cmyk_jpeg_and_tiff_become_rgb():
    cmyk = photo("coffee.png").convert("CMYK")
    expected = np.asarray(cmyk.convert("RGB"))

    tiff = load_image(encode(cmyk, "TIFF"))
    jpeg = load_image(encode(cmyk, "JPEG", quality=95))

    assert np.array_equal(tiff.pixels, expected)
    assert mean_difference(jpeg.pixels, expected) < 4


def test_bilevel_ycbcr_lab_float_and_32_bit_images_become_rgb():
    tifffile = pytest.importorskip("tifffile")
    as_float, as_int32 = io.BytesIO(), io.BytesIO()
    tifffile.imwrite(as_float, np.full((4, 4), 0.5, np.float32))  # fractions of white
    tifffile.imwrite(as_int32, np.full((4, 4), 40_000, np.int32))  # 16-bit samples
    cases = {
        "bilevel": (encode(Image.new("1", (4, 4), 1), "PNG"), (255, 255, 255)),
        "YCbCr": (encode(Image.new("RGB", (8, 8), (10, 200, 30)).convert("YCbCr"), "JPEG"), None),
        "CIELab": (encode(Image.new("LAB", (4, 4), (127, 128, 128)), "TIFF"), (119, 119, 119)),
        "float": (as_float.getvalue(), (128, 128, 128)),
        "int32": (as_int32.getvalue(), (156, 156, 156)),
    }
    for name, (data, expected) in cases.items():
        pixel = load_image(data).pixels[0, 0].astype(int)
        if expected is None:
            assert np.abs(pixel - (10, 200, 30)).max() <= 3, name
        else:
            assert np.abs(pixel - expected).max() <= 1, name


def test_only_the_first_page_of_a_tiff_and_frame_of_a_gif_are_decoded():
    colours = [(200, 0, 0), (0, 200, 0), (0, 0, 200)]
    frames = [Image.new("RGB", (8, 8), colour) for colour in colours]
    for fmt in ("TIFF", "GIF", "WEBP", "PNG"):
        data = encode(frames[0], fmt, save_all=True, append_images=frames[1:], lossless=True)

        pixels = load_image(data).pixels

        assert np.abs(pixels.astype(int) - colours[0]).max() <= 2, fmt


def test_a_multi_picture_jpeg_gives_its_first_picture_at_a_dct_scale():
    first = Image.new("RGB", (1200, 800), (200, 10, 10))
    second = Image.new("RGB", (1200, 800), (10, 10, 200))

    decoded = load_image(encode(first, "MPO", save_all=True, append_images=[second]), max_side=300)

    assert decoded.format == "MPO"
    assert decoded.pixels.shape == (200, 300, 3) and (decoded.width, decoded.height) == (1200, 800)
    assert np.abs(decoded.pixels.astype(int) - (200, 10, 10)).max() <= 4


def test_a_gif_with_thousands_of_frames_costs_one_frame(monkeypatch):
    one = encode(Image.new("P", (4, 4), 1), "GIF")
    frame_start = one.index(b"\x2c")  # image descriptor of the only frame
    frame = one[frame_start:-1]  # up to the trailer byte
    many = one[:-1] + frame * 20_000 + b"\x3b"
    visited = []
    seek = GifImageFile._seek

    def spy(self, frame, *args, **kwargs):
        visited.append(frame)
        return seek(self, frame, *args, **kwargs)

    monkeypatch.setattr(GifImageFile, "_seek", spy)

    decoded = load_image(many)

    assert decoded.pixels.shape == (4, 4, 3)
    assert set(visited) == {0}


def test_a_tiff_with_many_pages_gives_the_first():
    pages = [Image.new("L", (2, 2), value) for value in range(300)]
    data = encode(pages[0], "TIFF", save_all=True, append_images=pages[1:])

    assert load_image(data).pixels.max() == 0


def test_the_skimage_photos_of_every_kind_are_read():
    for name in ("astronaut.png", "rocket.jpg", "hubble_deep_field.jpg", "camera.png"):
        decoded = load_image(PHOTOS / name)
        assert_well_formed(decoded)
    gif = load_image(PHOTOS / "no_time_for_that_tiny.gif")
    tiff = load_image(PHOTOS / "multipage.tif")
    assert gif.pixels.shape == (25, 14, 3) and tiff.pixels.shape == (15, 10, 3)


# Reduction


def test_a_jpeg_is_decoded_at_a_dct_scale_then_reduced_to_max_side(monkeypatch):
    data = encode(photo("hubble_deep_field.jpg").resize((1632, 1224)), "JPEG", quality=90)
    drafted = []
    draft = JpegImageFile.draft

    def spy(self, mode, size):
        result = draft(self, mode, size)
        drafted.append(self.size)
        return result

    monkeypatch.setattr(JpegImageFile, "draft", spy)

    decoded = load_image(data, max_side=512)

    assert drafted == [(816, 612)]  # 1/2 scale: 1/4 (408 wide) would be under 512
    assert decoded.pixels.shape == (384, 512, 3)
    assert (decoded.width, decoded.height) == (1632, 1224)
    assert decoded.scale == 512 / 1632
    with Image.open(io.BytesIO(data)) as full:
        reference = np.asarray(full.convert("RGB").resize((512, 384), Image.Resampling.BOX))
    assert mean_difference(decoded.pixels, reference) < 3  # DCT scaling vs full decode


def test_other_formats_are_reduced_and_small_images_are_not_enlarged():
    data = encode(photo("chelsea.png"), "PNG")

    reduced = load_image(data, max_side=100)
    kept = load_image(data, max_side=2000)

    assert reduced.pixels.shape == (67, 100, 3)
    assert (reduced.width, reduced.height) == (451, 300)
    assert reduced.scale == 100 / 451
    assert kept.pixels.shape == (300, 451, 3) and kept.scale == 1.0


def test_max_side_must_be_positive():
    with pytest.raises(ValueError):
        load_image(encode(photo("chelsea.png"), "PNG"), max_side=0)


# Orientation and colour


def oriented_jpeg(orientation: int, exif: bytes | None = None) -> bytes:
    """60x40 stored pixels, blue, with a red top-left quarter."""
    stored = Image.new("RGB", (60, 40), (0, 0, 255))
    stored.paste((255, 0, 0), (0, 0, 30, 20))
    tags = Image.Exif()
    tags[0x0112] = orientation
    return encode(stored, "JPEG", quality=95, exif=exif if exif is not None else tags)


def is_red(pixel: np.ndarray) -> bool:
    return bool(pixel[0] > 200 and pixel[2] < 60)


def test_exif_orientation_6_comes_back_turned_clockwise():
    decoded = load_image(oriented_jpeg(6))

    assert decoded.pixels.shape == (60, 40, 3)
    assert (decoded.width, decoded.height) == (40, 60)
    assert is_red(decoded.pixels[5, 35])  # the stored top-left is now top-right
    assert not is_red(decoded.pixels[5, 5]) and not is_red(decoded.pixels[55, 35])


def test_orientation_applies_to_a_reduced_image_and_its_size():
    decoded = load_image(oriented_jpeg(6), max_side=30)

    assert decoded.pixels.shape == (30, 20, 3)
    assert (decoded.width, decoded.height) == (40, 60)
    assert decoded.scale == 20 / 40
    assert is_red(decoded.pixels[2, 17]) and not is_red(decoded.pixels[2, 2])


@pytest.mark.parametrize("orientation", [1, 2, 3, 4, 5, 7, 8])
def test_every_orientation_matches_pillows_exif_transpose(orientation):
    data = oriented_jpeg(orientation)
    with Image.open(io.BytesIO(data)) as image:
        expected = np.asarray(ImageOps.exif_transpose(image).convert("RGB"))

    assert np.array_equal(load_image(data).pixels, expected)


def test_a_heif_is_turned_once_by_libheif_not_again_by_its_exif():
    if not can_write("HEIF"):
        pytest.skip("pillow-heif cannot encode HEIF here")
    stored = Image.new("RGB", (64, 32), (0, 0, 255))
    stored.paste((255, 0, 0), (0, 0, 32, 16))
    tags = Image.Exif()
    tags[0x0112] = 6
    data = encode(stored, "HEIF", exif=tags, quality=90)
    with Image.open(io.BytesIO(data)) as image:
        expected = np.asarray(ImageOps.exif_transpose(image).convert("RGB"))

    decoded = load_image(data)

    assert decoded.pixels.shape == expected.shape
    assert mean_difference(decoded.pixels, expected) < 1


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_a_broken_exif_block_is_ignored():
    decoded = load_image(oriented_jpeg(6, exif=b"Exif\x00\x00MM\x00*garbage"))

    assert decoded.pixels.shape == (40, 60, 3)


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def swap_primaries(profile: bytes) -> bytes:
    """The profile with its red and green primaries (colorants and curves) exchanged."""
    out = bytearray(profile)
    (count,) = struct.unpack_from(">I", out, 128)
    entries = {}
    for index in range(count):
        signature, offset, size = struct.unpack_from(">4sII", out, 132 + 12 * index)
        entries[signature] = (index, offset, size)
    for first, second in ((b"rXYZ", b"gXYZ"), (b"rTRC", b"gTRC")):
        (i, offset_i, size_i), (j, offset_j, size_j) = entries[first], entries[second]
        struct.pack_into(">4sII", out, 132 + 12 * i, first, offset_j, size_j)
        struct.pack_into(">4sII", out, 132 + 12 * j, second, offset_i, size_i)
    out[84:100] = bytes(16)  # the profile ID (an MD5 of the profile) is now unknown
    return bytes(out)


def test_an_embedded_colour_profile_is_converted_to_srgb():
    red = Image.new("RGB", (16, 16), (255, 0, 0))
    swapped = swap_primaries(srgb_profile())

    for fmt in ("PNG", "JPEG", "WEBP", "TIFF"):
        pixels = load_image(encode(red, fmt, icc_profile=swapped, quality=95)).pixels
        # Its "red" channel means sRGB green under this profile.
        assert pixels[8, 8, 1] > 240 and pixels[8, 8, 0] < 15, fmt


def test_an_srgb_profile_changes_nothing_and_a_broken_or_foreign_one_is_ignored():
    picture = photo("chelsea.png")
    expected = np.asarray(picture)
    lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    truncated = srgb_profile()[:200]

    for profile in (srgb_profile(), lab, truncated, b"not a profile" * 20):
        pixels = load_image(encode(picture, "PNG", icc_profile=profile)).pixels
        assert mean_difference(pixels, expected) < 0.5


def test_a_grey_image_with_a_colour_profile_keeps_its_greys():
    grey = photo("camera.png").convert("L")
    expected = np.asarray(grey)

    pixels = load_image(encode(grey, "PNG", icc_profile=srgb_profile())).pixels

    assert np.array_equal(pixels[:, :, 0], pixels[:, :, 2])
    assert mean_difference(pixels[:, :, 0], expected) < 0.5


# Bad input


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


BAD = {
    "empty": (b"", r"^empty file$"),
    "text": (b"just some words\n", r"^not a supported image format$"),
    "pdf": (b"%PDF-1.7\n1 0 obj << >> endobj\n", r"^not a supported image format \(a PDF"),
    "svg": (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="9"/>',
        r"^not a supported image format \(SVG\)$",
    ),
    "zip": (b"PK\x03\x04" + bytes(40), r"^not a supported image format \(a zip"),
    "bomb": (png_bytes(50_000, 50_000), r"^image too large: 50000x50000 pixels exceeds the "),
    "absurd": (png_bytes(2**31 - 1, 2**31 - 1), r"^image too large: "),
    "zero width": (png_bytes(0, 10), r"^corrupt or unsupported PNG image"),
    "truncated JPEG": (
        lambda: truncated(encode(photo("astronaut.png"), "JPEG")),
        r"^truncated JPEG",
    ),
    "truncated PNG": (lambda: truncated(encode(photo("astronaut.png"), "PNG")), r"^truncated PNG"),
    "truncated GIF": (lambda: encode(photo("astronaut.png"), "GIF")[:4000], r"^truncated GIF"),
    "truncated WebP": (lambda: encode(photo("astronaut.png"), "WEBP")[:900], r"^corrupt WEBP"),
    "PNG with a bad checksum": (
        lambda: png_bytes(64, 64)[:20] + b"\xff" + png_bytes(64, 64)[21:],
        r"^corrupt or unsupported PNG image \(broken PNG file",
    ),
    "a GIF signature": (b"GIF89a", r"^corrupt or unsupported GIF image$"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_gives_one_clear_error_line(case):
    data, message = BAD[case]
    data = data() if callable(data) else data

    with pytest.raises(ExtractionError, match=message) as raised:
        load_image(data)
    assert "\n" not in str(raised.value)


def test_a_bomb_is_refused_from_its_header_before_any_pixel_is_decoded(monkeypatch):
    declared = png_bytes(20_000, 20_000)  # 400 megapixels declared in 100 bytes or so
    loads = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: loads.append(self))

    with pytest.raises(ExtractionError, match=r"^image too large: 20000x20000 pixels"):
        load_image(declared)
    assert loads == []


def png_chunk(kind: bytes, body: bytes = b"") -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def floods() -> dict[str, bytes]:
    """Each format with MAX_SEGMENTS + 1 empty pieces where Pillow reads them in Python."""
    n = MAX_SEGMENTS + 1
    png = encode(Image.new("RGB", (8, 8)), "PNG")
    jpeg = encode(Image.new("RGB", (8, 8)), "JPEG")
    gif = encode(Image.new("RGB", (8, 8)), "GIF")
    at, end = png.index(b"IDAT") - 4, png.index(b"IEND") - 4
    frame = gif.index(b"\x2c")
    return {
        "PNG chunks before the pixels": png[:at] + png_chunk(b"zzZz") * n + png[at:],
        "PNG chunks after the pixels": png[:end] + png_chunk(b"zzZz") * n + png[end:],
        "empty IDAT chunks": png[:end] + png_chunk(b"IDAT") * n + png[end:],
        "JPEG comments": jpeg[:2] + b"\xff\xfe\x00\x02" * n + jpeg[2:],
        "GIF comment sub-blocks": gif[:frame] + b"\x21\xfe" + b"\x01a" * n + b"\x00" + gif[frame:],
    }


@pytest.mark.parametrize("case", sorted(floods()))
def test_a_file_of_countless_tiny_pieces_is_refused_before_pillow_walks_them(case):
    with pytest.raises(
        ExtractionError, match=r"^corrupt (PNG|JPEG|GIF) image \(more than 10,000 small"
    ):
        load_image(floods()[case])


@pytest.mark.parametrize("bigtiff", [False, True])
def test_a_tiff_of_countless_strips_is_refused_before_pillow_lists_them(bigtiff):
    tifffile = pytest.importorskip("tifffile")
    tall, fine = io.BytesIO(), io.BytesIO()
    tifffile.imwrite(tall, np.zeros((70_000, 1), np.uint8), rowsperstrip=1, bigtiff=bigtiff)
    tifffile.imwrite(fine, np.zeros((5_000, 2), np.uint8), rowsperstrip=1, bigtiff=bigtiff)

    with pytest.raises(ExtractionError, match=r"^unsupported TIFF image: 70,000 strips or tiles"):
        load_image(tall.getvalue())
    assert load_image(fine.getvalue()).pixels.shape == (5_000, 2, 3)


def test_a_bigtiff_directory_of_countless_entries_is_refused():
    header = b"II+\x00" + struct.pack("<HHQ", 8, 0, 16) + struct.pack("<Q", 3_000_000)

    with pytest.raises(ExtractionError, match=r"^corrupt TIFF image \(3,000,000 entries"):
        load_image(header + bytes(64))


def test_real_files_with_many_pieces_are_read():
    long_comment = encode(
        Image.new("P", (8, 8), 3), "GIF", comment=b"c" * 1_000_000
    )  # 3,922 blocks
    noise = np.random.default_rng(1).integers(0, 256, (1500, 1500, 3), dtype=np.uint8)
    libpng = cv2.imencode(".png", noise)[1].tobytes()  # libpng writes 8 KiB IDAT chunks
    xmp = encode(Image.new("RGB", (8, 8)), "JPEG", xmp=b"<x:xmpmeta/>" * 5000)

    for data in (long_comment, libpng, xmp):
        assert_well_formed(load_image(data))


def test_the_pixel_limit_is_the_callers():
    data = encode(Image.new("RGB", (100, 100)), "PNG")

    with pytest.raises(
        ExtractionError, match=r"^image too large: 100x100 pixels exceeds the 9,999"
    ):
        load_image(data, max_pixels=9_999)
    assert load_image(data, max_pixels=10_000).pixels.shape == (100, 100, 3)


def test_a_tiff_declaring_giant_tiles_is_refused():
    tifffile = pytest.importorskip("tifffile")
    out = io.BytesIO()
    tifffile.imwrite(out, np.zeros((8, 8), np.uint8), tile=(64, 64))

    with pytest.raises(ExtractionError, match=r"^image too large: TIFF tiles of 64x64"):
        load_image(out.getvalue(), max_pixels=1000)
    assert load_image(out.getvalue()).pixels.shape == (8, 8, 3)


def test_the_defaults_are_documented_sizes():
    assert MAX_IMAGE_PIXELS == 16384 * 8192
    assert MAX_IMAGE_BYTES == 64 * 1024 * 1024


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(tmp_path):
    file = tmp_path / "big.png"
    file.write_bytes(encode(photo("chelsea.png"), "PNG"))

    with pytest.raises(ExtractionError, match=r"^file too large: .* exceeds the 1 KB limit$"):
        load_image(file, max_bytes=1024)
    with pytest.raises(ExtractionError, match=r"^file too large: "):
        load_image(file.read_bytes(), max_bytes=1024)


def test_a_missing_path_a_directory_and_an_empty_file_are_refused(tmp_path):
    (tmp_path / "empty.jpg").write_bytes(b"")

    with pytest.raises(ExtractionError, match=r"^no such file$"):
        load_image(tmp_path / "missing.jpg")
    with pytest.raises(ExtractionError, match=r"^is a directory, not a file$"):
        load_image(tmp_path)
    with pytest.raises(ExtractionError, match=r"^empty file$"):
        load_image(tmp_path / "empty.jpg")


def test_pillows_global_settings_are_left_alone():
    # Whatever they are: WeasyPrint, imported by other tests, turns truncated loading on.
    original = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        for allowed in (False, True):
            ImageFile.LOAD_TRUNCATED_IMAGES = allowed
            before = (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES)
            load_image(encode(photo("chelsea.png"), "PNG"))
            for fmt in ("GIF", "JPEG", "PNG"):
                with pytest.raises(ExtractionError, match=f"^truncated {fmt}"):
                    load_image(encode(photo("astronaut.png"), fmt)[:4000])
            assert before == (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES)
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = original


@cache
def samples() -> dict[str, bytes]:
    small = photo("chelsea.png").resize((48, 32))
    found = {
        "JPEG": encode(small, "JPEG", quality=80, exif=oriented_jpeg_exif()),
        "PNG": encode(small.convert("RGBA"), "PNG", icc_profile=srgb_profile()),
        "GIF": encode(small.convert("P"), "GIF", save_all=True, append_images=[small.convert("P")]),
        "WEBP": encode(small, "WEBP", quality=80),
        "BMP": encode(small, "BMP"),
        "TIFF": encode(small.convert("CMYK"), "TIFF", compression="tiff_lzw"),
    }
    if can_write("HEIF"):
        found["HEIF"] = encode(small, "HEIF", quality=60)
    return found


def oriented_jpeg_exif() -> Image.Exif:
    tags = Image.Exif()
    tags[0x0112] = 8
    return tags


def outcome(data: bytes) -> DecodedImage | ExtractionError:
    try:
        decoded = load_image(data, max_side=24, max_pixels=4_000_000)
    except ExtractionError as error:
        message = str(error)
        assert message and "\n" not in message and len(message) <= 300
        return error
    assert_well_formed(decoded)
    assert max(decoded.pixels.shape[:2]) <= 24
    return decoded


# Random bytes, and random bytes behind each decoder's signature (to reach its parser).
MAGIC = [
    b"",
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF89a",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
    b"II+\x00",  # BigTIFF
    b"MM\x00+",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"\x00\x00\x00\x18ftypheic",
    b"\x00\x00\x00\x18ftypavif",
]


def test_the_fuzzing_samples_are_valid():
    for name, data in samples().items():
        assert isinstance(outcome(data), DecodedImage), name


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow on damaged TIFF and EXIF tags
@HOSTILE
@given(
    data=st.binary(min_size=0, max_size=2048),
    magic=st.sampled_from(MAGIC),
)
def test_random_bytes_give_pixels_or_one_error_line(data, magic):
    outcome(magic + data)


@pytest.mark.filterwarnings("ignore::UserWarning")
@HOSTILE
@given(
    name=st.sampled_from(["JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF", "HEIF"]),
    edits=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=8)),
        min_size=1,
        max_size=6,
    ),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_damaged_images_give_pixels_or_one_error_line(name, edits, cut):
    if name not in samples():
        return
    data = bytearray(samples()[name])
    for where, patch in edits:
        at = int(where * len(data))
        data[at : at + len(patch)] = patch
    if cut is not None:
        data = data[: int(cut * len(data))]
    outcome(bytes(data))


# ISCC Image-Code


def iscc_conformance_vectors() -> list[tuple[str, list[int], int, str]]:
    with resources.files("iscc_core").joinpath("data.json").open("rb") as handle:
        suite = json.load(handle)["gen_image_code_v0"]
    return [
        (name, case["inputs"][0], case["inputs"][1], case["outputs"]["iscc"])
        for name, case in sorted(suite.items())
    ]


@pytest.mark.parametrize(
    ("name", "pixels", "bits", "expected"),
    iscc_conformance_vectors(),
    ids=[vector[0] for vector in iscc_conformance_vectors()],
)
def test_iscc_cores_conformance_vectors_are_reproduced(name, pixels, bits, expected):
    assert gen_iscc_image_code_from_pixels(pixels, bits) == expected


def test_the_conformance_suite_has_image_vectors():
    assert len(iscc_conformance_vectors()) >= 3


def reference_pixels(data: bytes) -> list[int]:
    """The normalisation iscc-sdk describes, written with Pillow alone."""
    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGBA")
    white = Image.new("RGB", image.size, (255, 255, 255))
    white.paste(image, mask=image.getchannel("A"))
    border = Image.new("RGB", white.size, white.getpixel((0, 0)))
    box = ImageChops.difference(white, border).getbbox()
    if box:
        white = white.crop(box)
    small = white.convert("L").resize((32, 32), Image.Resampling.BICUBIC)
    return np.asarray(small).ravel().tolist()


def test_the_iscc_pixels_follow_the_iscc_sdk_normalisation():
    framed = Image.new("RGBA", (300, 240), (250, 250, 250, 255))
    framed.paste(photo("chelsea.png").resize((200, 133)), (40, 50))
    framed.putpixel((5, 5), (0, 0, 0, 0))  # transparent: white after compositing
    for data in (encode(framed, "PNG"), oriented_jpeg(6), encode(photo("coffee.png"), "PNG")):
        pixels = iscc_image_pixels(load_image(data))

        assert len(pixels) == 1024 and all(isinstance(v, int) and 0 <= v <= 255 for v in pixels)
        assert pixels == reference_pixels(data)


def test_a_uniform_border_does_not_change_the_code():
    picture = photo("astronaut.png")
    framed = Image.new("RGB", (612, 562), (0, 128, 0))
    framed.paste(picture, (50, 25))

    plain = gen_iscc_image_code(load_image(encode(picture, "PNG")))
    bordered = gen_iscc_image_code(load_image(encode(framed, "PNG")))

    assert plain == bordered


def test_a_picture_of_one_colour_has_a_code():
    code = gen_iscc_image_code(load_image(encode(Image.new("RGB", (9, 9), (3, 4, 5)), "PNG")))

    assert code == gen_iscc_image_code_from_pixels([4] * 1024)


@pytest.mark.parametrize("bits", [64, 128, 256])
def test_resized_and_reencoded_copies_have_near_codes_and_other_pictures_far_ones(bits):
    names = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "camera.png"]
    originals = {name: gen_iscc_image_code(load_image(PHOTOS / name), bits) for name in names}
    copies = {
        name: [
            encode(photo(name).resize((photo(name).width // 2, photo(name).height // 2)), "PNG"),
            encode(photo(name), "JPEG", quality=40),
            encode(photo(name), "WEBP", quality=50),
        ]
        for name in names
    }

    for name in names:
        for data in copies[name]:
            for max_side in (None, 256):
                copy = gen_iscc_image_code(load_image(data, max_side=max_side), bits)
                assert hamming(copy, originals[name]) <= bits // 10, name
    for first in names:
        for second in names:
            if first < second:
                assert hamming(originals[first], originals[second]) >= bits // 5, (first, second)


def test_a_code_has_the_requested_length():
    decoded = load_image(PHOTOS / "rocket.jpg")

    assert len(gen_iscc_image_code(decoded)) == len("ISCC:EEA4GQZQTY6J5DTH")
    assert gen_iscc_image_code(decoded, 256).startswith("ISCC:EED")


@pytest.mark.parametrize(
    ("pixels", "bits"), [([0] * 1023, 64), ([0] * 1024, 48), ([0] * 1024, 512), ([256] * 1024, 64)]
)
def test_bad_pixels_or_lengths_are_programming_errors(pixels, bits):
    with pytest.raises(ValueError):
        gen_iscc_image_code_from_pixels(pixels, bits)


def test_the_image_api_is_exported_by_the_extract_package():
    extract = importlib.import_module("copyguard.fingerprint.extract")

    for name in ("load_image", "DecodedImage", "iscc_image_pixels", "gen_iscc_image_code"):
        assert name in extract.__all__
    assert extract.load_image is load_image
    assert extract.gen_iscc_image_code_from_pixels is gen_iscc_image_code_from_pixels
