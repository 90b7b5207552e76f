"""Image decoding for the fingerprints, and the ISCC Image-Code (ISO 24138, via iscc-core).

:func:`load_image` turns a file (a path or its bytes) into a :class:`DecodedImage`: 8-bit RGB
pixels in sRGB, upright, with transparency composited on white. The steps:

1. Read at most ``max_bytes``; an empty, missing or oversized file is refused.
2. Identify the format from the bytes, trying only the formats listed in :data:`FORMATS`
   (JPEG and its multi-picture variant MPO, PNG, WebP, GIF, BMP, TIFF, HEIF and AVIF when
   their decoders are present). Anything else, an SVG or PDF included, is "not a supported
   image format".
3. Check the size the header declares against ``max_pixels`` *before* decoding: a small file
   declaring 50000x50000 pixels is refused without allocating them.
4. Decode the first frame or page only (animated GIF/WebP/PNG, multi-page TIFF). With
   ``max_side``, a JPEG is decoded straight at 1/2, 1/4 or 1/8 of its size by libjpeg's DCT
   scaling (the strongest of these that leaves at least ``max_side`` pixels on the long
   side), which skips most of the inverse DCT and colour conversion; then every format is reduced to ``max_side`` with a box filter (an
   exact area average: no ringing at sharp edges, no aliasing, and the fastest of Pillow's
   anti-aliased filters: about 2 ms from 816x612 to 512x384, where Lanczos takes 6 ms).
   Smaller images are never enlarged.
5. Colour: palette, grey, 16-bit, CMYK and YCbCr images become RGB; alpha (or a palette's
   or colour key's transparency) is composited on white; an embedded ICC profile is
   converted to sRGB with LittleCMS (perceptual intent). A profile that cannot be read, or
   that does not fit the image's colour space, is ignored.
6. The EXIF orientation (also read from XMP ``tiff:Orientation``) is applied; an unreadable
   EXIF block counts as "upright".

Every failure raises :class:`ExtractionError` with one line ("empty file", "truncated JPEG
image", "image too large: …"). Pillow's global settings are left alone: a truncated file is
an error because ``ImageFile.LOAD_TRUNCATED_IMAGES`` keeps its default (False; code that
turns it on turns it on for this module too), and the pixel limit is this module's own, per
call. For that, opening goes through the format plugins directly rather than ``Image.open``,
whose guard reads the global ``Image.MAX_IMAGE_PIXELS`` (a warning above about 89
megapixels, an error above 179): our limit is checked at the same point, from the same
header. Importing this module registers pillow-heif's HEIF opener with Pillow (when
pillow-heif is installed), which lets any code in the process open HEIF files.

:func:`iscc_image_pixels` prepares the 1,024 grey values that iscc-core's
``gen_image_code_v0`` hashes, and :func:`gen_iscc_image_code` returns the code.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import struct
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
from PIL import Image, ImageCms, ImageFile

from .limits import ExtractionError, human_size

try:  # HEIF support is optional (AVIF is Pillow's own)
    from pillow_heif import register_heif_opener
except ImportError:  # pragma: no cover - pillow-heif is a pinned dependency
    pass
else:
    register_heif_opener()

__all__ = [
    "FORMATS",
    "MAX_IMAGE_BYTES",
    "MAX_IMAGE_PIXELS",
    "MAX_SEGMENTS",
    "DecodedImage",
    "gen_iscc_image_code",
    "gen_iscc_image_code_from_pixels",
    "iscc_image_pixels",
    "load_image",
]

#: Pixel-count limit checked against the header before decoding. 16384x8192 (134 million)
#: admits every camera people register work from, 102-megapixel medium format (11648x8736)
#: included, and a 16K panorama. It bounds memory: Pillow holds RGB in 4 bytes a pixel, so
#: a full decode at the limit takes 512 MiB, plus 384 MiB for the returned pixels (a JPEG
#: read with ``max_side`` is decoded at down to 1/64 of the pixels). A 200-megapixel phone
#: shot needs a higher limit.
MAX_IMAGE_PIXELS = 16384 * 8192
#: File-size limit. Camera JPEG and HEIF files stay under about 40 MB even at 100 megapixels;
#: uncompressed TIFF and 16-bit PNG masters can be larger and need a higher limit.
MAX_IMAGE_BYTES = 64 * 1024 * 1024

#: Pillow format names tried, in this order (those whose decoder is not installed are skipped).
FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF", "HEIF", "AVIF")

#: Small pieces allowed in a PNG (chunks under 1 KiB), or before the pixels of a JPEG
#: (segments) or GIF (extension sub-blocks). Pillow reads each in Python, about 3 microseconds
#: apiece: a 64 MB file of empty chunks would take 20 s to open. Real files have tens (a 1 MB
#: GIF comment, 4,000).
MAX_SEGMENTS = 10_000

_MAX_TIFF_ENTRIES = 65_535  # what a classic TIFF directory can hold; BigTIFF could hold more
_MAX_TIFF_STRIPS = 65_536

ISCC_SIDE = 32  # iscc-core hashes a 32x32 grey thumbnail
ISCC_PIXELS = ISCC_SIDE * ISCC_SIDE

_ORIENTATION_TAG = 0x0112
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SIDEWAYS = frozenset([5, 6, 7, 8])  # orientations that swap width and height
_WHITE = (255, 255, 255)
# What a file that no supported decoder claims is, from its first bytes.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "not a supported image format (a PDF document)"),
    (b"%!PS", "not a supported image format (PostScript)"),
    (b"8BPS", "not a supported image format (a Photoshop document)"),
    (b"\xff\x0a", "not a supported image format (JPEG XL)"),
    (b"\x00\x00\x00\x0cJXL ", "not a supported image format (JPEG XL)"),
    (b"\x00\x00\x00\x0cjP  ", "not a supported image format (JPEG 2000)"),
    (b"\xffO\xffQ", "not a supported image format (JPEG 2000)"),
    (b"\x00\x00\x01\x00", "not a supported image format (Windows icon)"),
    (b"PK\x03\x04", "not a supported image format (a zip archive)"),
)
_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")
# Pillow messages that say nothing to the person who sent the file.
_CRYPTIC = (
    "not identified by this driver",
    "could not create decoder object",
    "cannot identify",
    "decoder error",
)


@dataclass(frozen=True)
class DecodedImage:
    """An image ready for fingerprinting.

    ``pixels`` is uint8, shape (H, W, 3), RGB in sRGB, upright, C-contiguous and read-only.
    ``width`` and ``height`` are the full image's size after orientation, before any
    reduction; ``scale`` is ``pixels.shape[1] / width`` (1.0 unless reduced by
    ``max_side``). ``format`` is Pillow's name for the file's format ("JPEG", "PNG", …;
    "MPO" for a camera's multi-picture JPEG).
    """

    pixels: np.ndarray
    width: int
    height: int
    format: str
    scale: float


def load_image(
    source: str | os.PathLike[str] | bytes,
    *,
    max_side: int | None = None,
    max_pixels: int = MAX_IMAGE_PIXELS,
    max_bytes: int = MAX_IMAGE_BYTES,
) -> DecodedImage:
    """Decode ``source`` (a path, or the file's bytes) to upright sRGB pixels.

    With ``max_side``, the returned pixels are reduced so that their longer side is at most
    ``max_side`` (never enlarged); ``width``, ``height`` and ``scale`` still describe the
    full image. Images of more than ``max_pixels`` pixels or files of more than ``max_bytes``
    are refused. Raises :class:`ExtractionError` (one line) on any unreadable input.
    """
    if max_side is not None and max_side < 1:
        raise ValueError(f"max_side must be at least 1, not {max_side}")
    data = _read(source, max_bytes)
    _check_segments(data)
    image = _open(data)
    try:
        return _decode(image, max_side, max_pixels)
    finally:
        image.close()


def iscc_image_pixels(image: DecodedImage) -> list[int]:
    """The 1,024 grey values (32x32, row by row) that ``gen_image_code_v0`` hashes.

    iscc-core leaves the normalisation to the caller; these are the steps iscc-sdk takes:
    the image upright with transparency on white (``load_image`` did both), then

    1. trim the uniform border: crop to the bounding box of the pixels that differ from the
       top-left pixel (an image of one colour is kept whole);
    2. convert to grey with Pillow's ITU-R 601-2 luma (``L = 0.299 R + 0.587 G + 0.114 B``);
    3. resize to 32x32 with Pillow's bicubic filter, ignoring the aspect ratio.

    Two differences from iscc-sdk's input: the pixels are colour-managed to sRGB (iscc-sdk
    ignores ICC profiles), and an image loaded with ``max_side`` is reduced before step 3.
    Codes comparable with other ISCC implementations come from images loaded whole: on
    scikit-image's photos, ``max_side=512`` changes 0 to 6 of 256 bits, ``max_side=128`` up
    to 36 (on line art).
    """
    pixels = image.pixels
    differs = np.any(pixels != pixels[0, 0], axis=2)
    rows = np.flatnonzero(differs.any(axis=1))
    if rows.size:
        cols = np.flatnonzero(differs.any(axis=0))
        pixels = pixels[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    grey = Image.fromarray(np.ascontiguousarray(pixels), "RGB").convert("L")
    thumbnail = grey.resize((ISCC_SIDE, ISCC_SIDE), Image.Resampling.BICUBIC)
    return np.asarray(thumbnail, dtype=np.uint8).ravel().tolist()


def gen_iscc_image_code(image: DecodedImage, bits: int = 64) -> str:
    """The ISCC Image-Code (ISO 24138) of ``image``, e.g. ``ISCC:EEA4GQZQTY6J5DTH``."""
    return gen_iscc_image_code_from_pixels(iscc_image_pixels(image), bits)


def gen_iscc_image_code_from_pixels(pixels: Sequence[int], bits: int = 64) -> str:
    """The ISCC Image-Code of 1,024 normalised grey values (see :func:`iscc_image_pixels`).

    ``bits`` is 32 to 256 in steps of 32. Raises ``ValueError`` for anything else, or for
    pixels that are not 1,024 integers from 0 to 255.
    """
    import iscc_core

    if bits % 32 or not 32 <= bits <= 256:
        raise ValueError(f"bits must be a multiple of 32 from 32 to 256, not {bits}")
    values = [int(value) for value in pixels]
    if len(values) != ISCC_PIXELS:
        raise ValueError(f"expected {ISCC_PIXELS} grey values, got {len(values)}")
    if min(values) < 0 or max(values) > 255:
        raise ValueError("grey values must be from 0 to 255")
    return iscc_core.gen_image_code_v0(values, bits)["iscc"]


# Reading and identifying


def _read(source: str | os.PathLike[str] | bytes, max_bytes: int) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        path = os.fspath(source)
        try:
            size = os.stat(path).st_size
            if size > max_bytes:
                raise ExtractionError(_too_large(size, max_bytes))
            with open(path, "rb") as handle:
                data = handle.read(max_bytes + 1)
        except IsADirectoryError:
            raise ExtractionError("is a directory, not a file") from None
        except FileNotFoundError:
            raise ExtractionError("no such file") from None
        except OSError as error:
            raise ExtractionError(f"cannot read the file ({error.strerror or error})") from None
    if not data:
        raise ExtractionError("empty file")
    if len(data) > max_bytes:
        raise ExtractionError(_too_large(len(data), max_bytes))
    return data


def _too_large(size: int, max_bytes: int) -> str:
    return f"file too large: {human_size(size)} exceeds the {human_size(max_bytes)} limit"


@cache
def _openers() -> tuple[
    tuple[str, Callable[..., Image.Image], Callable[[bytes], object] | None], ...
]:
    Image.init()  # registers every plugin, pillow-heif's included
    return tuple((name, *Image.OPEN[name]) for name in FORMATS if name in Image.OPEN)


def _open(data: bytes) -> Image.Image:
    """Identify ``data`` among :data:`FORMATS` and read its header (no pixels yet).

    This is ``Image.open`` restricted to our formats, minus its global pixel guard (see the
    module docstring): each plugin's quick check on the first bytes, then its header parser,
    whose SyntaxError (and the like) means "not this format, or a damaged one".
    """
    prefix = data[:16]
    refused: tuple[str, BaseException] | None = None
    for name, factory, accept in _openers():
        try:
            if accept is not None:
                claimed = accept(prefix)
                if not claimed or isinstance(claimed, str):  # a str means "maybe": skip it
                    continue
            return factory(io.BytesIO(data), "")
        except (
            SyntaxError,
            IndexError,
            TypeError,
            EOFError,
            ValueError,
            KeyError,
            struct.error,
        ) as error:
            refused = refused or (name, error)
        except Exception as error:
            raise ExtractionError(_failure(f"corrupt {name} image", error, name)) from None
    if refused is not None:
        claimed_by, why = refused
        raise ExtractionError(
            _failure(f"corrupt or unsupported {claimed_by} image", why, claimed_by)
        )
    raise ExtractionError(_unsupported(data))


def _check_segments(data: bytes) -> None:
    """Refuse a PNG, JPEG or GIF made of more than MAX_SEGMENTS small pieces, or a TIFF with
    an absurd first directory.

    A quick walk over the pieces' lengths; anything malformed is left to Pillow to judge.
    """
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        fmt, pieces, count = "PNG", "chunks", _png_chunks(data)
    elif data.startswith(b"\xff\xd8"):
        fmt, pieces, count = "JPEG", "segments", _jpeg_segments(data)
    elif data.startswith((b"GIF87a", b"GIF89a")):
        fmt, pieces, count = "GIF", "blocks", _gif_blocks(data)
    elif data[:2] in (b"II", b"MM") and data[2:4] in (b"*\x00", b"\x00*", b"+\x00", b"\x00+"):
        _check_tiff_directory(data)
        return
    else:
        return
    if count > MAX_SEGMENTS:
        raise ExtractionError(f"corrupt {fmt} image (more than {MAX_SEGMENTS:,} small {pieces})")


def _check_tiff_directory(data: bytes) -> None:
    """Refuse a TIFF whose first directory Pillow would spend seconds and gigabytes on.

    Pillow reads every entry of the first image file directory in Python, and makes a Python
    object for each strip or tile of uncompressed data: a 20 MB file of three million
    one-row strips took 14 s and 1.1 GB. Real files have tens of entries and at most tens
    of thousands of strips (one-row strips of a tall image).
    """
    order = "<" if data[:2] == b"II" else ">"
    big = data[2:4] in (b"+\x00", b"\x00+")  # BigTIFF: 8-byte offsets and counts
    try:
        (directory,) = struct.unpack_from(order + ("Q" if big else "I"), data, 8 if big else 4)
        if directory >= len(data):
            return  # Pillow reports the damage
        (entries,) = struct.unpack_from(order + ("Q" if big else "H"), data, directory)
    except struct.error:
        return
    entry, first = (order + "HHQ", directory + 8) if big else (order + "HHI", directory + 2)
    if entries > _MAX_TIFF_ENTRIES:
        raise ExtractionError(f"corrupt TIFF image ({entries:,} entries in one directory)")
    step = struct.calcsize(entry)
    for index in range(entries):
        try:
            tag, _kind, count = struct.unpack_from(entry, data, first + index * step)
        except struct.error:
            return
        if tag in (273, 324) and count > _MAX_TIFF_STRIPS:  # StripOffsets, TileOffsets
            raise ExtractionError(
                f"unsupported TIFF image: {count:,} strips or tiles exceed the "
                f"{_MAX_TIFF_STRIPS:,} limit"
            )


def _png_chunks(data: bytes) -> int:
    """Chunks of under 1 KiB in the whole file: Pillow reads the chunks after the pixels too,
    and the pixels' own (IDAT) chunks one by one. Larger chunks cost little per byte."""
    at, count = 8, 0
    while at + 8 <= len(data) and count <= MAX_SEGMENTS:
        length, kind = struct.unpack_from(">I4s", data, at)
        if kind == b"IEND":
            break
        count += length < 1024
        at += 12 + length
    return count


def _jpeg_segments(data: bytes) -> int:
    at, count = 2, 0
    while at + 4 <= len(data) and count <= MAX_SEGMENTS:
        if data[at] != 0xFF:
            break
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        count += 1
        if marker in (0xDA, 0xD9):  # start of scan, end of image
            break
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            at += 2
            continue
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return count


def _gif_blocks(data: bytes) -> int:
    at, count = 13, 0
    if len(data) > 10 and data[10] & 0x80:  # global colour table
        at += 3 << ((data[10] & 7) + 1)
    while at + 2 <= len(data) and count <= MAX_SEGMENTS and data[at] == 0x21:
        at += 2  # introducer and label, then sub-blocks up to an empty one
        while at < len(data) and data[at] and count <= MAX_SEGMENTS:
            count += 1
            at += 1 + data[at]
        at += 1
    return count


def _unsupported(data: bytes) -> str:
    for magic, message in _MAGIC:
        if data.startswith(magic):
            return message
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and b"<svg" in head.lower():
        return "not a supported image format (SVG)"
    if data[8:12] == b"WEBP":
        return "corrupt WEBP image (unreadable header)"
    if data[4:8] == b"ftyp":
        return "not a supported image format (or a corrupt HEIF/AVIF file)"
    return "not a supported image format"


# Decoding


_STRICT = threading.Lock()


@contextlib.contextmanager
def _strict_loading() -> Iterator[None]:
    """Decode with ``ImageFile.LOAD_TRUNCATED_IMAGES`` off, whatever another library set it
    to (WeasyPrint, which renders the certificates, turns it on at import): a cut-short
    file must be an error here, not a picture with a grey bottom. The switch is global, so
    decodes that need it take turns."""
    with _STRICT:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def _decode(image: Image.Image, max_side: int | None, max_pixels: int) -> DecodedImage:
    fmt = image.format or "unknown"
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ExtractionError(f"{fmt} image has no pixels ({width}x{height})")
    if width * height > max_pixels:
        raise ExtractionError(
            f"image too large: {width}x{height} pixels exceeds the {max_pixels:,}-pixel limit"
        )
    _check_tiff_tiles(image, max_pixels)
    target = _target_size(width, height, max_side)
    try:
        if target is not None and fmt in ("JPEG", "MPO"):
            image.draft("RGB", target)  # DCT scaling: decoded at 1/2, 1/4 or 1/8
        with _strict_loading():
            # Reading the orientation may decode the pixels (a PNG's eXIf chunk can follow them).
            orientation = _orientation(image)
            image.load()
        profile = image.info.get("icc_profile")
        picture = _working_mode(image)
        if target is not None and picture.size != target:
            picture = picture.resize(target, Image.Resampling.BOX)
        picture = _on_white(picture)
        picture = _to_srgb(picture, profile if isinstance(profile, bytes) else None)
        if orientation in _TRANSPOSE:
            picture = picture.transpose(_TRANSPOSE[orientation])
        pixels = np.asarray(picture, dtype=np.uint8)  # over a fresh bytes copy: read-only
    except ExtractionError:
        raise
    except MemoryError:
        raise ExtractionError(f"not enough memory to decode the {fmt} image") from None
    except Image.DecompressionBombError as error:
        raise ExtractionError(_bomb(error, max_pixels)) from None
    except Exception as error:  # Pillow raises many types on damaged data
        raise ExtractionError(_failure(f"corrupt {fmt} image", error, fmt)) from None
    if pixels.ndim != 3 or pixels.shape[2] != 3:  # pragma: no cover - _to_srgb returns RGB
        raise ExtractionError(f"cannot convert the {fmt} image to RGB")
    pixels.flags.writeable = False
    if orientation in _SIDEWAYS:
        width, height = height, width
    return DecodedImage(pixels, width, height, fmt, pixels.shape[1] / width)


def _check_tiff_tiles(image: Image.Image, max_pixels: int) -> None:
    """libtiff allocates one tile as declared, whatever the image size: bound it too."""
    tags = getattr(image, "tag_v2", None)
    if image.format != "TIFF" or tags is None:
        return
    try:
        tile_width, tile_height = int(tags.get(322, 0)), int(tags.get(323, 0))
    except (TypeError, ValueError):
        raise ExtractionError("corrupt TIFF image (bad tile size)") from None
    if tile_width * tile_height > max_pixels:
        raise ExtractionError(
            f"image too large: TIFF tiles of {tile_width}x{tile_height} pixels exceed the "
            f"{max_pixels:,}-pixel limit"
        )


def _orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(_ORIENTATION_TAG, 1)
        return int(value) if int(value) in _TRANSPOSE else 1
    except Exception:  # a broken EXIF block is ignored: the image is taken as upright
        return 1


def _target_size(width: int, height: int, max_side: int | None) -> tuple[int, int] | None:
    """The reduced size whose longer side is ``max_side``; None when no reduction is due."""
    longer = max(width, height)
    if max_side is None or longer <= max_side:
        return None
    ratio = max_side / longer
    return max(1, round(width * ratio)), max(1, round(height * ratio))


def _working_mode(image: Image.Image) -> Image.Image:
    """``image`` as RGB, RGBA, L, LA or CMYK, the modes the later steps handle."""
    mode = image.mode
    transparent = "transparency" in image.info
    if mode in ("RGB", "L"):
        return image.convert(mode + "A") if transparent else image
    if mode in ("RGBA", "LA", "CMYK"):
        return image
    if mode in ("P", "PA"):
        return image.convert("RGBA" if transparent or mode == "PA" else "RGB")
    if mode == "1":
        return image.convert("L")
    if mode in ("RGBa", "RGBX"):
        return image.convert("RGBA" if mode == "RGBa" else "RGB")
    if mode == "La":
        return image.convert("LA")
    if mode.startswith(("I", "F")):
        return Image.fromarray(_grey_to_8_bits(np.asarray(image)), "L")
    if mode == "LAB":
        lab = ImageCms.createProfile("LAB")
        srgb = ImageCms.createProfile("sRGB")
        return ImageCms.profileToProfile(image, lab, srgb, outputMode="RGB") or image
    return image.convert("RGB")  # YCbCr, HSV, …


def _grey_to_8_bits(values: np.ndarray) -> np.ndarray:
    """16-bit (``I;16``, ``I``) and float (``F``) grey to 8 bits.

    Integers above 255 are taken as 16-bit samples (what PNG and TIFF hold); floats up to
    1.0 as fractions of white.
    """
    if values.dtype.kind == "f":
        finite = np.nan_to_num(values.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
        if finite.size and finite.max() <= 1.0:
            finite = finite * 255.0
        return np.clip(np.rint(finite), 0, 255).astype(np.uint8)
    wide = values.astype(np.int64)
    if wide.size and wide.max() > 255:
        wide = (np.clip(wide, 0, 65535) * 255 + 32767) // 65535
    return np.clip(wide, 0, 255).astype(np.uint8)


def _on_white(image: Image.Image) -> Image.Image:
    if image.mode == "RGBA":
        background = Image.new("RGB", image.size, _WHITE)
    elif image.mode == "LA":
        background = Image.new("L", image.size, 255)
    else:
        return image
    alpha = image.getchannel("A")
    background.paste(image.convert(background.mode), mask=alpha)
    return background


def _to_srgb(image: Image.Image, profile: bytes | None) -> Image.Image:
    if profile:
        transform = _transform(profile, image.mode)
        if transform is not None:
            try:
                return ImageCms.applyTransform(image, transform) or image
            except (ImageCms.PyCMSError, ValueError, OSError):
                pass  # a profile LittleCMS cannot apply is ignored like a broken one
    return image if image.mode == "RGB" else image.convert("RGB")


@lru_cache(maxsize=32)
def _transform(profile: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """A cached transform from ``profile`` (for images in ``mode``) to sRGB, or None when the
    profile is unreadable or made for another colour space (an RGB profile on a grey image).

    NOCACHE drops LittleCMS's one-pixel cache, which is what makes sharing a transform
    between threads safe.
    """
    space = {"RGB": "RGB", "L": "GRAY", "CMYK": "CMYK"}.get(mode)
    if space is None:
        return None
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        if source.profile.xcolor_space.strip() != space:
            return None
        return ImageCms.buildTransform(source, _srgb(), mode, "RGB", flags=ImageCms.Flags.NOCACHE)
    except (ImageCms.PyCMSError, ValueError, OSError, TypeError):
        return None


@cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


# Error messages


def _failure(what: str, error: BaseException, fmt: str | None = None) -> str:
    text = str(error)
    if "truncated" in text.lower() or isinstance(error, EOFError):
        return f"truncated {fmt} image" if fmt else "truncated image"
    if isinstance(error, Image.DecompressionBombError):
        found = _BOMB_PIXELS.search(text)
        return f"image too large: {int(found[1]):,} pixels" if found else "image too large"
    detail = " ".join(text.split())
    if detail and len(detail) <= 80 and detail.isprintable() and not detail.startswith(_CRYPTIC):
        return f"{what} ({detail})"
    return what


def _bomb(error: Image.DecompressionBombError, max_pixels: int) -> str:
    found = _BOMB_PIXELS.search(str(error))
    size = f"{int(found[1]):,} pixels" if found else "too many pixels"
    return f"image too large: {size} exceeds the {max_pixels:,}-pixel limit"
