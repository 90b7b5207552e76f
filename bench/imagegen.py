# ruff: noqa: RUF002, RUF003  (×, – and ² in prose)
"""Real images for the image benchmarks, and seeded transformations of them.

**Material** (:func:`artworks`), one *artwork* per design, one file kept per artwork:

- ``gnome-backgrounds`` raster wallpapers (``/usr/share/backgrounds/gnome/*.webp``): the
  ``-l``/``-d`` light and dark versions are one design, so the pair is one artwork and its
  first file by name (the dark one) is kept. Its SVG wallpapers are rasterised only when
  ``rsvg-convert`` is installed (grouped the same way); nothing requires it.
- ``desktop-base`` themes (``/usr/share/desktop-base/<theme>-theme/``): every file of a theme
  is one design, so a theme is one artwork represented by ``grub/grub-16x9.png`` (its largest
  raster background; ``login/*.jpg`` and ``grub-4x3.png`` are crops or previews of the same
  design and are left out). Themes named ``<family>-<variant>`` belong to the ``<family>``
  theme's artwork when it exists (``joy-inksplat`` is a variant of ``joy``); the
  ``active-theme`` link is skipped.
- scikit-image's bundled images (``skimage/data/*.png|jpg``): names differing only after their
  last underscore are one scene (``motorcycle_left``/``motorcycle_right``), kept once.

General exclusion rule, the same for every source: a file is left out when its short side is
under ``MIN_SIDE`` (128 px: nothing is left of it after the 0.2× resize the benchmark applies)
or when it has at most ``MAX_FLAT_COLOURS`` (16) distinct colours — a pure test pattern or a
flat fill (checkerboards, the Shepp–Logan phantom, GNOME's one-colour ``vnc`` background) is
made of a few flat areas that any two such patterns share, not a work anyone registers.
Files whose decoded pixels are identical are one artwork whatever their names.

Decoding (:func:`load`): Pillow, EXIF orientation applied, transparency flattened onto white,
RGB; anything whose long side passes ``max_side`` (1024 px by default) is downscaled to it
with Lanczos and that is the "original" that gets registered. The 4096² wallpapers are smooth
designs that keep their structure at 1024 px, and the cap keeps a 3× upscale of an original
(3072 px) cheap enough for a run of a few minutes on two cores.

**Transformations** (:func:`transform`): every class draws its parameters from the ranges the
engine must handle, from a ``numpy.random.Generator`` the caller seeds per (image, class), and
returns a :class:`Variant`: the image, where the work lies in it (``box``), how it is to be
saved (a JPEG of quality 75–95 or a PNG; 15–40 for ``jpeg``) and the parameters drawn.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps

from bench.common import MaterialMissing

__all__ = [
    "CLASSES",
    "MAX_FLAT_COLOURS",
    "MIN_SIDE",
    "Artwork",
    "Variant",
    "artworks",
    "designs",
    "encoded",
    "examine",
    "load",
    "save",
    "skimage_data",
    "transform",
]

GNOME = Path("/usr/share/backgrounds/gnome")
DESKTOP_BASE = Path("/usr/share/desktop-base")
FONTS = Path("/usr/share/fonts")
MIN_SIDE = 128
MAX_FLAT_COLOURS = 16
MAX_SIDE = 1024
MIN_QUERY_SIDE = 96
CLASSES = (
    "resize",
    "jpeg",
    "crop",
    "flip",
    "rotate",
    "colour",
    "blur_sharpen",
    "overlay",
    "border",
    "embed",
)
Box = tuple[int, int, int, int]

# Overlay and caption text: what reposts carry (watermarks, credits, captions).
_PHRASES_ZH = (
    "版权所有 翻录必究",
    "转载请注明出处",
    "高清壁纸 免费下载",
    "微博 @设计分享",
    "今日推荐",
    "点击关注 每日更新",
    "图片来源网络 侵删",
    "原创摄影",
)
_PHRASES_EN = (
    "@daily_wallpapers",
    "www.free-pics.example",
    "SHARED FROM MY FEED",
    "when the weekend finally arrives",
    "Best of 2026",
    "follow for more",
    "photo: anonymous",
    "NEW POST",
)


@dataclass(frozen=True)
class Artwork:
    """One design: a stable name, where it comes from, the file kept and every file of it."""

    name: str
    source: str  # "gnome-backgrounds", "desktop-base" or "scikit-image"
    path: Path
    members: tuple[Path, ...]


@dataclass
class Variant:
    """A transformed image, where the work lies in it, and how it is to be saved."""

    image: Image.Image
    cls: str
    box: Box  # the work's bounding box in the variant's pixels (for a crop: the whole image)
    fmt: str = "JPEG"  # "JPEG" or "PNG"
    quality: int = 90
    params: dict[str, Any] = field(default_factory=dict)


# -- material ----------------------------------------------------------------------------------
def skimage_data() -> Path | None:
    try:
        import skimage
    except ImportError:
        return None
    return Path(skimage.__file__).resolve().parent / "data"


def _gnome_files() -> list[tuple[str, Path]]:
    files = [(p.stem, p) for p in sorted(GNOME.glob("*.webp"))]
    svgs = sorted(GNOME.glob("*.svg"))
    rsvg = shutil.which("rsvg-convert")
    if rsvg and svgs:
        # Rasterised once per machine and kept: the result depends only on the file and size.
        out = Path(tempfile.gettempdir()) / f"copyguard-bench-gnome-svg-{MAX_SIDE}"
        out.mkdir(exist_ok=True)
        for svg in svgs:
            png = out / f"{svg.stem}.png"
            if not png.exists() or png.stat().st_mtime < svg.stat().st_mtime:
                partial = png.with_suffix(f".{os.getpid()}.part.png")  # one per process
                done = subprocess.run(
                    [rsvg, "-w", str(MAX_SIDE), "-o", str(partial), str(svg)],
                    capture_output=True,
                    check=False,
                )
                if done.returncode != 0 or not partial.exists():
                    continue
                partial.replace(png)
            files.append((svg.stem, png))
    return sorted(files)


def _design(stem: str) -> str:
    """The design a GNOME wallpaper belongs to: its name without ``-l``/``-d``."""
    head, _, tail = stem.rpartition("-")
    return head if head and tail in ("l", "d") else stem


def designs() -> list[tuple[str, str, list[Path]]]:
    """(artwork name, source, files of the design in the order tried), before any decoding."""
    groups: list[tuple[str, str, list[Path]]] = []
    gnome: dict[str, list[Path]] = {}
    for stem, path in _gnome_files():
        gnome.setdefault(_design(stem), []).append(path)
    groups += [(f"gnome/{k}", "gnome-backgrounds", v) for k, v in sorted(gnome.items())]

    themes = sorted(p for p in DESKTOP_BASE.glob("*-theme") if p.is_dir() and not p.is_symlink())
    names = {p.name.removesuffix("-theme") for p in themes}
    families: dict[str, list[Path]] = {}
    for theme in themes:
        name = theme.name.removesuffix("-theme")
        family = name.split("-", 1)[0]
        family = family if family in names else name
        rasters = [theme / "grub" / "grub-16x9.png"]
        rasters += sorted(p for p in theme.rglob("*") if p.suffix in (".png", ".jpg"))
        rasters = [p for p in dict.fromkeys(rasters) if p.exists() and "plymouth" not in p.parts]
        if family == name:
            families[family] = rasters + families.get(family, [])
        else:
            families.setdefault(family, []).extend(rasters)
    groups += [(f"desktop-base/{k}", "desktop-base", v) for k, v in sorted(families.items()) if v]

    data = skimage_data()
    if data is not None:
        scenes: dict[str, list[Path]] = {}
        for path in sorted([*data.glob("*.png"), *data.glob("*.jpg")]):
            head, _, _tail = path.stem.rpartition("_")
            scenes.setdefault(head or path.stem, []).append(path)
        # Only stems that actually share a prefix with another file are one scene.
        for key, paths in list(scenes.items()):
            if len(paths) == 1 and paths[0].stem != key:
                scenes[paths[0].stem] = scenes.pop(key)
        groups += [(f"skimage/{k}", "scikit-image", v) for k, v in sorted(scenes.items())]
    return groups


def _decode(path: Path, max_side: int) -> Image.Image:
    with Image.open(path) as raw:
        raw.draft("RGB", (max_side, max_side))  # JPEG: decode at a reduced scale when it can
        im = ImageOps.exif_transpose(raw)
        if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
            rgba = im.convert("RGBA")
            im = Image.new("RGB", rgba.size, (255, 255, 255))
            im.paste(rgba, mask=rgba.getchannel("A"))
        return im.convert("RGB")


def _downscaled(im: Image.Image, max_side: int) -> Image.Image:
    if max(im.size) <= max_side:
        return im
    scale = max_side / max(im.size)
    size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
    return im.resize(size, Image.Resampling.LANCZOS)


@cache
def examine(path: Path) -> Image.Image | None:
    """The original of ``path`` (≤ MAX_SIDE), or None when the exclusion rule leaves it out."""
    try:
        with Image.open(path) as raw:
            if min(raw.size) < MIN_SIDE:
                return None
        im = _decode(path, MAX_SIDE)
    except OSError:
        return None
    if min(im.size) < MIN_SIDE or im.getcolors(MAX_FLAT_COLOURS) is not None:
        return None  # getcolors gives None when there are more colours than that
    return _downscaled(im, MAX_SIDE)


def artworks(per_source: int | None = None) -> tuple[Artwork, ...]:
    """The artworks of the material, in a stable order (see the module's docstring).

    ``per_source`` keeps only the first that many of each source (for quick runs: only those
    files are decoded).
    """
    missing = [
        pkg
        for pkg, where in (("gnome-backgrounds", GNOME), ("desktop-base", DESKTOP_BASE))
        if not where.is_dir()
    ]
    if skimage_data() is None:
        missing.append("scikit-image (Python)")
    if missing:
        raise MaterialMissing(
            f"the image benchmark needs {', '.join(missing)}: run "
            "`sudo apt-get install -y gnome-backgrounds desktop-base` "
            "and install the bench extras"
        )
    out: list[Artwork] = []
    seen: set[bytes] = set()
    taken: dict[str, int] = {}
    for name, source, files in designs():
        if per_source is not None and taken.get(source, 0) >= per_source:
            continue
        kept = next((p for p in files if examine(p) is not None), None)
        if kept is None:
            continue
        original = examine(kept)
        assert original is not None
        digest = hashlib.sha256(original.tobytes()).digest()
        if digest in seen:
            continue
        seen.add(digest)
        taken[source] = taken.get(source, 0) + 1
        out.append(Artwork(name, source, kept, tuple(files)))
    return tuple(out)


def load(path: Path | str, max_side: int = MAX_SIDE) -> Image.Image:
    """Decode ``path``: orientation applied, transparency on white, RGB, long side ≤ max_side.

    Material files are decoded once per process (a copy is returned each time).
    """
    path = Path(path)
    if max_side == MAX_SIDE:
        original = examine(path)
        if original is not None:
            return original.copy()
    return _downscaled(_decode(path, max_side), max_side)


def save(variant: Variant, path: Path) -> Path:
    """Write the variant as a real file (the decoding is part of what is measured)."""
    if variant.fmt == "PNG":
        out = path.with_suffix(".png")
        variant.image.save(out, "PNG", compress_level=1)
    else:
        out = path.with_suffix(".jpg")
        variant.image.save(out, "JPEG", quality=variant.quality)
    return out


# -- helpers -----------------------------------------------------------------------------------
def _uniform(r: np.random.Generator, low: float, high: float) -> float:
    return float(r.uniform(low, high))


def _log_uniform(r: np.random.Generator, low: float, high: float) -> float:
    return float(math.exp(r.uniform(math.log(low), math.log(high))))


def _choice(r: np.random.Generator, options: Sequence[Any]) -> Any:
    return options[int(r.integers(len(options)))]


def _resized(im: Image.Image, scale: float, r: np.random.Generator) -> Image.Image:
    """``im`` scaled by ``scale`` (never under MIN_QUERY_SIDE on its short side)."""
    scale = max(scale, MIN_QUERY_SIDE / min(im.size))
    size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
    method = _choice(
        r,
        (
            Image.Resampling.LANCZOS,
            Image.Resampling.BICUBIC,
            Image.Resampling.BILINEAR,
            Image.Resampling.BOX,
        ),
    )
    return im.resize(size, method)


def _colour(r: np.random.Generator) -> tuple[int, int, int]:
    return (int(r.integers(256)), int(r.integers(256)), int(r.integers(256)))


@cache
def _font_path(cjk: bool = True, bold: bool = False) -> str | None:
    """A CJK-capable Noto font when /usr/share/fonts has one, else DejaVu."""
    weight = "Bold" if bold else "Regular"
    patterns = [f"NotoSansCJK-{weight}.ttc", "NotoSansCJK*.tt[cf]", "NotoSerifCJK*.tt[cf]"]
    if not cjk:
        patterns = []
    patterns += [f"DejaVuSans{'-Bold' if bold else ''}.ttf", "DejaVuSans*.ttf"]
    for pattern in patterns:
        found = sorted(FONTS.rglob(pattern))
        if found:
            return str(found[0])
    return None


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _font_path(True, bold)
    if path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(path, max(6, size))


def _has_cjk_font() -> bool:
    path = _font_path(True)
    return path is not None and "CJK" in path


def _phrase(r: np.random.Generator) -> str:
    if _has_cjk_font() and r.random() < 0.5:
        return str(_choice(r, _PHRASES_ZH))
    return str(_choice(r, _PHRASES_EN))


def _fit_text(
    text: str, width: int, height: int, bold: bool = False
) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, Box]:
    """The largest font size at which ``text`` fits in ``width`` × ``height``, and its bbox."""
    probe = _font(100, bold)
    box = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((0, 0), text, font=probe)
    tw, th = max(1, box[2] - box[0]), max(1, box[3] - box[1])
    size = max(6, int(100 * min(width / tw, height / th)))
    font = _font(size, bold)
    box = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((0, 0), text, font=font)
    return font, (int(box[0]), int(box[1]), int(box[2]), int(box[3]))


def _cover(im: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``im`` scaled to cover ``size`` and centre-cropped to it."""
    return ImageOps.fit(im, size, Image.Resampling.BILINEAR)


def _random_area(
    r: np.random.Generator, width: int, height: int, share: float, aspect: float
) -> Box:
    """A box of ``share`` of the image's area with about ``aspect`` (w/h), at a random place."""
    area = share * width * height
    w = min(width, max(1, round(math.sqrt(area * aspect))))
    h = min(height, max(1, round(area / w)))
    w = min(width, max(1, round(area / h)))
    x = int(r.integers(0, width - w + 1))
    y = int(r.integers(0, height - h + 1))
    return (x, y, x + w, y + h)


# -- the transformations -----------------------------------------------------------------------
def _t_resize(im: Image.Image, r: np.random.Generator, _pool: Sequence[Image.Image]) -> Variant:
    scale = _log_uniform(r, 0.2, 3.0)
    out = _resized(im, scale, r)
    return Variant(out, "resize", (0, 0, *out.size), params={"scale": out.width / im.width})


def _t_jpeg(im: Image.Image, r: np.random.Generator, _pool: Sequence[Image.Image]) -> Variant:
    out = _resized(im, _uniform(r, 0.5, 1.0), r)
    quality = int(r.integers(15, 41))
    return Variant(out, "jpeg", (0, 0, *out.size), "JPEG", quality, {"scale": out.width / im.width})


def _t_crop(im: Image.Image, r: np.random.Generator, _pool: Sequence[Image.Image]) -> Variant:
    w, h = im.size
    share = _uniform(r, 0.4, 0.9)
    # Aspect (w/h) of the crop: within 2× of the image's, and such that it fits in the image.
    low = max(share * w / h, w / h / 2)
    high = min(w / (share * h), w / h * 2)
    aspect = _log_uniform(r, low, high) if high > low else w / h
    cw = min(w, max(1, round(math.sqrt(share * w * h * aspect))))
    ch = min(h, max(1, round(share * w * h / cw)))
    x = int(r.integers(0, w - cw + 1))
    y = int(r.integers(0, h - ch + 1))
    out = im.crop((x, y, x + cw, y + ch))
    return Variant(
        out,
        "crop",
        (0, 0, cw, ch),
        params={"area": cw * ch / (w * h), "source_box": (x, y, x + cw, y + ch)},
    )


def _t_flip(im: Image.Image, r: np.random.Generator, _pool: Sequence[Image.Image]) -> Variant:
    out = _resized(im.transpose(Image.Transpose.FLIP_LEFT_RIGHT), _uniform(r, 0.6, 1.2), r)
    return Variant(out, "flip", (0, 0, *out.size), params={"scale": out.width / im.width})


def _t_rotate(im: Image.Image, r: np.random.Generator, _pool: Sequence[Image.Image]) -> Variant:
    angle = int(_choice(r, (90, 180, 270)))
    method = {
        90: Image.Transpose.ROTATE_90,
        180: Image.Transpose.ROTATE_180,
        270: Image.Transpose.ROTATE_270,
    }[angle]
    out = im.transpose(method)
    return Variant(out, "rotate", (0, 0, *out.size), params={"angle": angle})


def _hue_shift(im: Image.Image, degrees: float) -> Image.Image:
    hsv = np.asarray(im.convert("HSV")).copy()
    shift = round(degrees / 360 * 256)
    hsv[..., 0] = ((hsv[..., 0].astype(np.int16) + shift) % 256).astype(np.uint8)
    return Image.fromarray(hsv, "HSV").convert("RGB")


def _t_colour(im: Image.Image, r: np.random.Generator, _pool: Sequence[Image.Image]) -> Variant:
    params: dict[str, Any] = {}
    out = im
    if r.random() < 0.3:
        out = ImageOps.grayscale(out).convert("RGB")
        params["greyscale"] = True
        changes = ["brightness", "contrast"]
    else:
        changes = ["brightness", "contrast", "saturation", "hue"]
    picked = [c for c in changes if r.random() < 0.6] or [str(_choice(r, changes))]
    for change in picked:
        if change == "brightness":
            params[change] = _uniform(r, 0.6, 1.4)
            out = ImageEnhance.Brightness(out).enhance(params[change])
        elif change == "contrast":
            params[change] = _uniform(r, 0.6, 1.5)
            out = ImageEnhance.Contrast(out).enhance(params[change])
        elif change == "saturation":
            params[change] = _uniform(r, 0.2, 2.0)
            out = ImageEnhance.Color(out).enhance(params[change])
        else:
            params[change] = _uniform(r, 20, 160) * float(_choice(r, (-1, 1)))
            out = _hue_shift(out, params[change])
    return Variant(out, "colour", (0, 0, *out.size), params=params)


def _t_blur_sharpen(
    im: Image.Image, r: np.random.Generator, _pool: Sequence[Image.Image]
) -> Variant:
    if r.random() < 0.6:
        radius = _uniform(r, 1.0, 3.0)
        out = im.filter(ImageFilter.GaussianBlur(radius))
        params: dict[str, Any] = {"blur": radius}
    else:
        radius = _uniform(r, 1.0, 4.0)
        percent = int(r.integers(80, 301))
        out = im.filter(ImageFilter.UnsharpMask(radius, percent, int(r.integers(0, 4))))
        params = {"unsharp_radius": radius, "percent": percent}
    return Variant(out, "blur_sharpen", (0, 0, *out.size), params=params)


def _logo(
    r: np.random.Generator, size: tuple[int, int], pool: Sequence[Image.Image]
) -> Image.Image:
    """An RGBA logo of ``size``: a framed thumbnail of a picture of ``pool`` or a drawn badge.

    Not Debian's logos: desktop-base's themes carry them, so they would put a registered
    element into copies of unrelated works.
    """
    if pool and r.random() < 0.4:
        frame = max(2, min(size) // 20)
        canvas = Image.new("RGBA", size, (*_colour(r), 255))
        inner = (max(1, size[0] - 2 * frame), max(1, size[1] - 2 * frame))
        canvas.paste(_cover(_choice(r, pool), inner).convert("RGBA"), (frame, frame))
        return canvas
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    w, h = size
    fill = (*_colour(r), 255)
    shape = _choice(r, ("ellipse", "rounded", "star"))
    if shape == "ellipse":
        draw.ellipse((0, 0, w - 1, h - 1), fill=fill)
    elif shape == "rounded":
        draw.rounded_rectangle((0, 0, w - 1, h - 1), radius=min(w, h) // 5, fill=fill)
    else:
        points = []
        for k in range(10):
            radius = 0.5 if k % 2 == 0 else 0.22
            angle = math.pi * k / 5 - math.pi / 2
            points.append(
                (w / 2 + radius * w * math.cos(angle), h / 2 + radius * h * math.sin(angle))
            )
        draw.polygon(points, fill=fill)
    label = "©" if r.random() < 0.5 else str(_choice(r, ("LOGO", "图", "TV", "HD")))
    font, box = _fit_text(label, w // 2, h // 2, bold=True)
    draw.text(
        ((w - (box[2] - box[0])) / 2 - box[0], (h - (box[3] - box[1])) / 2 - box[1]),
        label,
        font=font,
        fill=(*_colour(r), 255),
    )
    return canvas


def _t_overlay(im: Image.Image, r: np.random.Generator, pool: Sequence[Image.Image]) -> Variant:
    out = im.convert("RGBA")
    w, h = out.size
    share = _uniform(r, 0.10, 0.25)
    kind = str(_choice(r, ("text", "logo", "both")))
    parts = {"text": [share], "logo": [share], "both": [share / 2, share / 2]}[kind]
    params: dict[str, Any] = {"kind": kind, "share": share}
    layer = Image.new("RGBA", out.size, (0, 0, 0, 0))
    for i, part in enumerate(parts):
        opacity = int(r.integers(128, 256))  # semi-transparent to opaque
        if kind == "text" or (kind == "both" and i == 0):
            text = _phrase(r)
            aspect = _uniform(r, 3.0, 8.0)
            x0, y0, x1, y1 = _random_area(r, w, h, part, aspect)
            font, tb = _fit_text(text, x1 - x0, y1 - y0, bold=r.random() < 0.5)
            block = Image.new("RGBA", (x1 - x0, y1 - y0), (0, 0, 0, 0))
            draw = ImageDraw.Draw(block)
            if r.random() < 0.4:  # a backing band under the text
                draw.rectangle((0, 0, *block.size), fill=(*_colour(r), opacity // 2))
            draw.text(
                (
                    (block.width - (tb[2] - tb[0])) / 2 - tb[0],
                    (block.height - (tb[3] - tb[1])) / 2 - tb[1],
                ),
                text,
                font=font,
                fill=(*_colour(r), opacity),
                stroke_width=max(1, font.size // 20)
                if isinstance(font, ImageFont.FreeTypeFont)
                else 0,
                stroke_fill=(0, 0, 0, opacity),
            )
            layer.alpha_composite(block, (x0, y0))
            params["text"] = text
        else:
            x0, y0, x1, y1 = _random_area(r, w, h, part, _log_uniform(r, 0.6, 1.6))
            logo = _logo(r, (x1 - x0, y1 - y0), pool)
            alpha = logo.getchannel("A").point(lambda a, o=opacity: a * o // 255)
            logo.putalpha(alpha)
            layer.alpha_composite(logo, (x0, y0))
        params.setdefault("boxes", []).append((x0, y0, x1, y1))
    out.alpha_composite(layer)
    return Variant(out.convert("RGB"), "overlay", (0, 0, w, h), params=params)


def _t_border(im: Image.Image, r: np.random.Generator, _pool: Sequence[Image.Image]) -> Variant:
    w, h = im.size
    style = str(_choice(r, ("solid", "blurred", "caption")))
    total = _uniform(r, 0.05, 0.30)  # padding added, as a share of the side it is added to
    if style == "caption":
        # A meme-style bar of caption text above or below (or both), plain margins aside.
        pad_y = round(total * h)
        top = pad_y if r.random() < 0.5 else (pad_y // 2 if r.random() < 0.5 else 0)
        bottom = pad_y - top
        left = right = round(_uniform(r, 0, 0.03) * w)
    else:
        pad_x, pad_y = round(total * w), round(_uniform(r, 0.05, 0.30) * h)
        left = round(pad_x * _uniform(r, 0.2, 0.8))
        top = round(pad_y * _uniform(r, 0.2, 0.8))
        right, bottom = pad_x - left, pad_y - top
    size = (w + left + right, h + top + bottom)
    if style == "blurred":
        canvas = _cover(im, size).filter(ImageFilter.GaussianBlur(max(4, min(size) // 30)))
    elif style == "caption":
        canvas = Image.new("RGB", size, (255, 255, 255) if r.random() < 0.7 else (0, 0, 0))
    else:
        canvas = Image.new("RGB", size, _colour(r))
    canvas.paste(im, (left, top))
    if style == "caption":
        ink = (0, 0, 0) if canvas.getpixel((0, 0)) == (255, 255, 255) else (255, 255, 255)
        draw = ImageDraw.Draw(canvas)
        for y0, bar in ((0, top), (top + h, bottom)):
            if bar >= 12:
                text = _phrase(r)
                font, tb = _fit_text(text, int(size[0] * 0.9), int(bar * 0.7), bold=True)
                draw.text(
                    (
                        (size[0] - (tb[2] - tb[0])) / 2 - tb[0],
                        y0 + (bar - (tb[3] - tb[1])) / 2 - tb[1],
                    ),
                    text,
                    font=font,
                    fill=ink,
                )
    return Variant(
        canvas,
        "border",
        (left, top, left + w, top + h),
        params={"style": style, "padding": (left, top, right, bottom)},
    )


def _screenshot(
    r: np.random.Generator, size: tuple[int, int], pool: Sequence[Image.Image]
) -> Image.Image:
    """A synthetic app or web page: bars, panels, buttons, text lines and other pictures."""
    w, h = size
    dark = r.random() < 0.3
    base = (30, 32, 36) if dark else (245, 246, 248)
    ink = (220, 220, 220) if dark else (40, 40, 48)
    canvas = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(canvas)
    bar = max(12, h // 14)
    draw.rectangle((0, 0, w, bar), fill=_colour(r))
    font, _ = _fit_text("首页 Home", w // 4, int(bar * 0.6))
    draw.text((bar // 3, bar // 6), _phrase(r), font=font, fill=(255, 255, 255))
    side = int(w * _uniform(r, 0.12, 0.25)) if r.random() < 0.6 else 0
    if side:
        draw.rectangle((0, bar, side, h), fill=tuple(max(0, c - 12) for c in base))
        for k in range(int(r.integers(3, 9))):
            y = bar + 10 + k * max(14, h // 16)
            draw.rounded_rectangle((8, y, side - 8, y + max(8, h // 30)), radius=4, fill=_colour(r))
    # Other pictures (never a registered work) and UI blocks around where the work goes.
    for _ in range(int(r.integers(2, 6))):
        bw = int(w * _uniform(r, 0.12, 0.35))
        bh = int(h * _uniform(r, 0.10, 0.30))
        x = int(r.integers(side, max(side + 1, w - bw)))
        y = int(r.integers(bar, max(bar + 1, h - bh)))
        if pool and r.random() < 0.6:
            canvas.paste(_cover(_choice(r, pool), (max(1, bw), max(1, bh))), (x, y))
        else:
            draw.rounded_rectangle((x, y, x + bw, y + bh), radius=6, fill=_colour(r))
    font, _ = _fit_text("正文 text line", w // 5, max(8, h // 40))
    for _ in range(int(r.integers(4, 12))):
        x = int(r.integers(side, max(side + 1, w - w // 4)))
        y = int(r.integers(bar, max(bar + 1, h - 12)))
        draw.text((x, y), _phrase(r), font=font, fill=ink)
    for _ in range(int(r.integers(1, 4))):  # buttons
        bw, bh = max(20, w // 10), max(10, h // 24)
        x = int(r.integers(0, max(1, w - bw)))
        y = int(r.integers(0, max(1, h - bh)))
        draw.rounded_rectangle((x, y, x + bw, y + bh), radius=bh // 2, fill=_colour(r))
    return canvas


def _t_embed(im: Image.Image, r: np.random.Generator, pool: Sequence[Image.Image]) -> Variant:
    share = _uniform(r, 0.30, 0.70)
    work_aspect = im.width / im.height
    # The canvas's aspect must leave room for the work at this share (a_c / a_w in [s, 1/s]),
    # between a phone held upright (9:16) and an ultra-wide screen (21:9).
    low = max(work_aspect * share, 9 / 16)
    high = min(work_aspect / share, 21 / 9)
    canvas_aspect = _log_uniform(r, low, high) if high > low else work_aspect
    long_side = int(r.integers(640, 1601))
    if canvas_aspect >= 1:
        size = (long_side, max(1, round(long_side / canvas_aspect)))
    else:
        size = (max(1, round(long_side * canvas_aspect)), long_side)
    area = share * size[0] * size[1]
    ww = min(size[0], max(1, round(math.sqrt(area * work_aspect))))
    wh = min(size[1], max(1, round(ww / work_aspect)))
    background = "photo" if pool and r.random() < 0.5 else "screenshot"
    photo = background == "photo"
    canvas = _cover(_choice(r, pool), size) if photo else _screenshot(r, size, pool)
    work = im.resize((ww, wh), Image.Resampling.LANCZOS)
    x = int(r.integers(0, size[0] - ww + 1))
    y = int(r.integers(0, size[1] - wh + 1))
    canvas.paste(work, (x, y))
    return Variant(
        canvas,
        "embed",
        (x, y, x + ww, y + wh),
        params={"background": background, "share": ww * wh / (size[0] * size[1])},
    )


_TRANSFORMS = {
    "resize": _t_resize,
    "jpeg": _t_jpeg,
    "crop": _t_crop,
    "flip": _t_flip,
    "rotate": _t_rotate,
    "colour": _t_colour,
    "blur_sharpen": _t_blur_sharpen,
    "overlay": _t_overlay,
    "border": _t_border,
    "embed": _t_embed,
}


def transform(
    cls: str, im: Image.Image, r: np.random.Generator, pool: Sequence[Image.Image] = ()
) -> Variant:
    """One variant of ``im`` in class ``cls``, its parameters drawn from ``r``.

    ``pool`` holds pictures that may appear with the work (``embed`` backgrounds, the other
    pictures of a synthetic screenshot, thumbnails used as ``overlay`` logos): the caller passes never-registered images only, so a
    query never holds a second registered work. Every class but ``jpeg`` is saved as a JPEG of
    quality 75–95 or a PNG, drawn from ``r`` too.
    """
    variant = _TRANSFORMS[cls](im, r, pool)
    if cls != "jpeg":
        if r.random() < 0.6:
            variant.fmt, variant.quality = "JPEG", int(r.integers(75, 96))
        else:
            variant.fmt, variant.quality = "PNG", 0
    return variant


def encoded(variant: Variant) -> bytes:
    """The bytes :func:`save` would write (for tests)."""
    buffer = io.BytesIO()
    if variant.fmt == "PNG":
        variant.image.save(buffer, "PNG", compress_level=1)
    else:
        variant.image.save(buffer, "JPEG", quality=variant.quality)
    return buffer.getvalue()
