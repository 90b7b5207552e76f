# ruff: noqa: RUF001  (full-width CJK punctuation is page text here)
"""Loopback "pirate sites" for the monitoring tests and the crawl benchmark.

:class:`PirateSites` serves four web sites built from registered works and unrelated
material, each by a threaded ``http.server`` of its own:

- ``forum``: boards of thread lists (paginated) → threads of several posts (long threads paginated);
  some posts paste chapters of registered texts — one in Traditional script, one with light
  edits, one verbatim — among unrelated posts and a short quotation that is not a copy;
  a members' area that ``robots.txt`` disallows holds one more pasted text (``blocked``);
- ``ebooks``: a book listing → detail pages → downloads: EPUB (ebooklib), PDF (fpdf2, CJK
  text set in the Noto CJK font WeasyPrint uses too) and TXT in GB18030, of registered and of
  unrelated books; an RSS feed and a ``sitemap.xml`` (named in ``robots.txt``);
- ``gallery``: albums of ``<img>``: registered photographs cropped, scaled and watermarked,
  among unrelated photographs; a ``sitemap.xml``;
- ``media``: pages embedding ``<audio>`` and ``<video>``: the middle of a registered song
  re-encoded as MP3, the registered video re-encoded smaller, an unrelated video carrying
  the registered song as its soundtrack, and unrelated sound and video.

Every copy planted is listed in :attr:`PirateSites.planted` (work key, the copy's URL, the
page it is on), so a test checks recall and precision exactly.

**Distinct sites without DNS.** Hits are grouped by registrable domain, so the sites need
distinct host names; nothing here may touch DNS or ``/etc/hosts``. Linux routes the whole
of ``127.0.0.0/8`` to the loopback interface, so each site listens on an address of its own
(``127.0.0.2`` forum, ``127.0.0.3`` e-books, …, on a free port) and its URLs name that
address: four hosts, four sites. Where such an address cannot be bound (other systems),
every site falls back to ``127.0.0.1`` on a port of its own.

Material: the registered texts are the demo's (``copyguard.works.demo``) and a novel made of
the Book of Ruth (Debian ``bible-kjv``); unrelated posts and books come from Debian
``fortunes``, ``fortunes-zh`` and other books of the Bible; photographs are scikit-image's;
the song, the videos' sound and pictures come from ``copyguard.works.samples`` (a seeded
tune, seeded landscapes). Everything is seeded: the same call serves the same bytes.
"""

from __future__ import annotations

import functools
import html
import io
import logging
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

import numpy as np

__all__ = [
    "MaterialMissing",
    "PirateSites",
    "Planted",
    "WorkMaterial",
    "register_material",
    "registered_material",
]

FORTUNES = Path("/usr/share/games/fortunes")
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
LATIN_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SITE_NAMES = ("forum", "ebooks", "gallery", "media")
# The loopback address of each site (see the module's docstring).
SITE_ADDRESSES = {"forum": "127.0.0.2", "ebooks": "127.0.0.3", "gallery": "127.0.0.4",
                  "media": "127.0.0.5"}  # fmt: skip
SEED = 20261202
AUDIO_RATE = 22050
VIDEO_SIZE = (320, 180)
VIDEO_FPS = 24


class MaterialMissing(RuntimeError):
    """A system package holding the material is not installed (the message names it)."""


# ---------------------------------------------------------------- what is planted


@dataclass(frozen=True)
class WorkMaterial:
    """A work to register before crawling: the file as the rights holder deposits it."""

    key: str
    title: str
    category: str  # copyguard.works.enums.WorkCategory value
    media: str  # text | image | audio | video
    file_name: str
    data: bytes


@dataclass(frozen=True)
class Planted:
    """A copy of a registered work on a pirate site."""

    work: str  # WorkMaterial.key
    url: str  # the copy: the page (pasted text) or the file (download, picture, recording)
    page_url: str  # the page it is on or linked from
    site: str  # forum | ebooks | gallery | media
    how: str  # what was done to it, in words


@dataclass
class _Response:
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------- material


def _require(path: Path, package: str) -> Path:
    if not path.exists():
        raise MaterialMissing(
            f"the pirate sites need the Debian package {package}: run "
            f"`sudo apt-get install {package}`"
        )
    return path


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]|\x1b\[[0-9;]*[A-Za-z]")


@functools.cache
def _fortunes(name: str) -> tuple[str, ...]:
    package = "fortunes-zh" if name in ("chinese", "tang300", "song100") else "fortunes"
    raw = _require(FORTUNES / name, package).read_text(encoding="utf-8", errors="replace")
    entries = (_CONTROL.sub("", e).strip("\n") for e in re.split(r"^%\s*$", raw, flags=re.M))
    return tuple(e for e in entries if e.strip())


@functools.cache
def _bible(book: str, chapters: int) -> tuple[str, ...]:
    """The chapters of a book of the King James Bible, verses as lines, references removed."""
    if shutil.which("bible") is None:
        raise MaterialMissing(
            "the pirate sites need the Debian package bible-kjv: run "
            "`sudo apt-get install bible-kjv`"
        )
    out = subprocess.run(
        ["bible", "-f", f"{book}1:1-{book}{chapters}:999"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    verse = re.compile(r"^\d?[A-Za-z]+(\d+):\d+ (.*)$")  # "Prv1:1 …" for Proverbs
    found: dict[int, list[str]] = {}
    for line in out.splitlines():
        m = verse.match(line)
        if m:
            found.setdefault(int(m.group(1)), []).append(m.group(2))
        elif line.strip() and found:
            found[max(found)][-1] += " " + line.strip()
    return tuple("\n".join(found[n]) for n in sorted(found))


@functools.cache
def _photo(name: str) -> Any:
    """A scikit-image photograph as an RGB Pillow image."""
    from PIL import Image
    from skimage import data

    pixels = np.asarray(getattr(data, name)())
    if pixels.dtype == bool:
        pixels = pixels.astype(np.uint8) * 255
    if pixels.ndim == 2:
        pixels = np.stack([pixels] * 3, axis=-1)
    return Image.fromarray(np.ascontiguousarray(pixels[..., :3].astype(np.uint8)), "RGB")


@functools.cache
def _landscape(seed: int) -> Any:
    from PIL import Image

    from copyguard.works.samples import landscape_png

    return Image.open(io.BytesIO(landscape_png(seed, 640, 360))).convert("RGB")


def _image_bytes(image: Any, fmt: str, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _s2t(text: str) -> str:
    import opencc

    return str(opencc.OpenCC("s2t").convert(text))


GLEANER_TITLE = "The Gleaner"


def _gleaner() -> str:
    chapters = _bible("Ruth", 4)
    parts = [GLEANER_TITLE]
    for n, chapter in enumerate(chapters, 1):
        parts.append(f"Chapter {n}\n\n" + chapter.replace("\n", "\n\n"))
    return "\n\n".join(parts) + "\n"


# Light edits of the English story, as a copier covering tracks might make.
_LIGHTHOUSE_EDITS = (
    ("Mei Lan", "Mei Ling"),
    ("forty-one", "forty-three"),
    ("grey", "gray"),
    ("hundred and twelve", "hundred and ten"),
    ("colour", "color"),
    ("Shangchuan", "Xiachuan"),
)

SONG_SECONDS = 36.0
FILM_SECONDS = 20.0
CLIP_START, CLIP_SECONDS = 6.0, 8.0  # the film's copy on the media site


@functools.cache
def _song() -> np.ndarray:
    from copyguard.works.samples import tune_samples

    return tune_samples(4101, SONG_SECONDS, AUDIO_RATE)


def _tune(seed: int, seconds: float) -> np.ndarray:
    from copyguard.works.samples import tune_samples

    return tune_samples(seed, seconds, AUDIO_RATE)


def _pan_frames(
    pictures: Sequence[int | str], seconds: float, size: tuple[int, int]
) -> Iterator[Any]:
    """A camera panning and zooming over pictures (landscape seeds or scikit-image photograph
    names), a few seconds each."""
    from PIL import Image

    shots = [_landscape(p) if isinstance(p, int) else _photo(p) for p in pictures]
    count = round(seconds * VIDEO_FPS)
    per_shot = max(1, count // len(shots))
    for k in range(count):
        image = shots[min(k // per_shot, len(shots) - 1)]
        u = (k % per_shot) / per_shot
        w, h = image.size
        crop_w = w * (0.7 - 0.15 * u)
        crop_h = crop_w * size[1] / size[0]
        x = (w - crop_w) * (0.15 + 0.7 * u)
        y = (h - crop_h) * (0.5 + 0.3 * (u - 0.5))
        yield image.resize(size, Image.Resampling.BILINEAR, box=(x, y, x + crop_w, y + crop_h))


def _encode_video(
    frames: Iterator[Any], size: tuple[int, int], sound: np.ndarray | None, crf: int = 23
) -> bytes:
    """H.264 in MP4, with ``sound`` (mono, AUDIO_RATE) as AAC."""
    import av

    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream(
            "libx264", rate=Fraction(VIDEO_FPS), options={"preset": "ultrafast", "crf": str(crf)}
        )
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        audio = None
        if sound is not None:
            audio = container.add_stream("aac", rate=AUDIO_RATE)
            audio.layout = "mono"
        for index, image in enumerate(frames):
            frame = av.VideoFrame.from_image(image)
            frame.pts = index
            frame.time_base = Fraction(1, VIDEO_FPS)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
        if audio is not None and sound is not None:
            _write_sound(container, audio, sound)
    return out.getvalue()


def _write_sound(container: Any, stream: Any, samples: np.ndarray) -> None:
    import av

    size = stream.codec_context.frame_size or 1152
    for at in range(0, samples.size, size):
        chunk = samples[at : at + size].astype(np.float32)[None, :]
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(chunk), format="fltp", layout="mono"
        )
        frame.sample_rate = AUDIO_RATE
        frame.pts = at
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


def _encode_mp3(samples: np.ndarray, bit_rate: int = 96_000) -> bytes:
    import av

    out = io.BytesIO()
    with av.open(out, "w", format="mp3") as container:
        stream = container.add_stream("libmp3lame", rate=AUDIO_RATE)
        stream.layout = "mono"
        stream.bit_rate = bit_rate
        _write_sound(container, stream, samples)
    return out.getvalue()


def _wav(samples: np.ndarray) -> bytes:
    from copyguard.works.samples import wav_bytes

    return wav_bytes(samples, AUDIO_RATE)


FILM_SEEDS = (4201, 4202, 4203, 4204)
FILM_SOUND_SEED = 4301  # the registered film's own music (not registered by itself)
REGISTERED_PHOTOS = (("astronaut", "Orbit"), ("coffee", "Morning Cup"), ("chelsea", "Chelsea"))


@functools.cache
def registered_material() -> tuple[WorkMaterial, ...]:
    """The works the pirate sites copy, as their rights holders deposit them."""
    from copyguard.works import demo

    works = [
        WorkMaterial("arcade-rain", "骑楼下的雨季", "written", "text", "arcade-rain.txt",
                     demo.ARCADE_RAIN.encode()),
        WorkMaterial("lighthouse", "The Lighthouse Keeper's Ledger", "written", "text",
                     "lighthouse.txt", demo.LIGHTHOUSE.encode()),
        WorkMaterial("south-lake", "南湖菱歌", "written", "text", "south-lake.txt",
                     demo.SOUTH_LAKE.encode()),
        WorkMaterial("gleaner", GLEANER_TITLE, "written", "text", "the-gleaner.txt",
                     _gleaner().encode()),
    ]  # fmt: skip
    for name, title in REGISTERED_PHOTOS:
        works.append(
            WorkMaterial(
                f"photo-{name}", title, "photography", "image", f"{name}.png",
                _image_bytes(_photo(name), "PNG"),
            )
        )  # fmt: skip
    works.append(
        WorkMaterial(
            "song", "Harbour Lights", "music", "audio", "harbour-lights.wav", _wav(_song())
        )
    )
    film = _encode_video(
        _pan_frames(FILM_SEEDS, FILM_SECONDS, (480, 270)), (480, 270),
        _tune(FILM_SOUND_SEED, FILM_SECONDS),
    )  # fmt: skip
    works.append(
        WorkMaterial("film", "River Towns", "audiovisual", "video", "river-towns.mp4", film)
    )
    return tuple(works)


def register_material(
    owner: Any, registry: Any, keys: Sequence[str] | None = None
) -> dict[str, Any]:
    """Register the works of :func:`registered_material` (all, or those of ``keys``) for
    ``owner`` through the works actions, examined and approved by ``registry``'s registrar,
    so they are in the registry's index. Returns the works by key."""
    from copyguard.accounts.audit import Actor
    from copyguard.works import actions
    from copyguard.works.testing import after_commit

    actor = Actor.system(via="test")
    registrar = Actor(user=registry.registrar)
    works = {}
    for item in registered_material():
        if keys is not None and item.key not in keys:
            continue
        work = actions.create_work(
            actor, owner, title=item.title, category=item.category,
            authors=[{"real_name": "佚名", "pen_name": "anonymous"}],
        )  # fmt: skip
        actions.add_file(actor, work, item.data, item.file_name)
        draft = work.current_registration
        assert draft is not None
        with after_commit():
            registration = actions.submit(actor, draft)
        registration = actions.take_for_examination(
            registrar, registration, registry.administration
        )
        reason = "test" if registration.approval_needs_reason() else ""
        with after_commit():
            actions.approve(registrar, registration, registry.administration, reason)
        work.refresh_from_db()
        works[item.key] = work
    return works


def _material(key: str) -> WorkMaterial:
    return next(w for w in registered_material() if w.key == key)


def _text(key: str) -> str:
    return _material(key).data.decode()


# ---------------------------------------------------------------- derived files


@functools.cache
def _pdf(title: str, body: str, cjk: bool) -> bytes:
    from fpdf import FPDF

    logging.getLogger("fpdf").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    font = _require(CJK_FONT if cjk else LATIN_FONT, "fonts-noto-cjk" if cjk else "fonts-dejavu")
    pdf = FPDF()
    pdf.set_title(title)
    pdf.add_font("body", fname=str(font))
    pdf.add_page()
    pdf.set_font("body", size=15)
    pdf.multi_cell(0, 9, title)
    pdf.ln(4)
    pdf.set_font("body", size=11)
    pdf.multi_cell(0, 6, body)
    return bytes(pdf.output())


@functools.cache
def _epub(slug: str, title: str, chapters: tuple[tuple[str, str], ...], lang: str) -> bytes:
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier(f"pirate-{slug}")
    book.set_title(title)
    book.set_language(lang)
    items = []
    for n, (heading, body) in enumerate(chapters, 1):
        item = epub.EpubHtml(title=heading, file_name=f"text/ch{n}.xhtml", lang=lang)
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n") if p.strip())
        item.content = (
            f"<html><head><title>{html.escape(heading)}</title></head>"
            f"<body><h1>{html.escape(heading)}</h1>{paragraphs}</body></html>"
        )
        book.add_item(item)
        items.append(item)
    book.toc = items
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = items
    out = io.BytesIO()
    epub.write_epub(out, book)
    return out.getvalue()


@functools.cache
def _photo_copy(name: str, box: tuple[float, float, float, float], scale: float, fmt: str) -> bytes:
    options = {"quality": 82} if fmt == "JPEG" else {}
    return _image_bytes(_watermarked(name, box, scale), fmt, **options)


@functools.cache
def _photo_file(name: str) -> bytes:
    return _image_bytes(_photo(name), "JPEG", quality=85)


@functools.cache
def _landscape_file(seed: int) -> bytes:
    return _image_bytes(_landscape(seed), "JPEG", quality=85)


def _watermarked(name: str, box: tuple[float, float, float, float], scale: float) -> Any:
    """A registered photograph cropped to ``box`` (fractions), scaled, with a watermark."""
    from PIL import Image, ImageDraw, ImageFont

    image = _photo(name)
    w, h = image.size
    left, top, right, bottom = box
    image = image.crop((round(left * w), round(top * h), round(right * w), round(bottom * h)))
    image = image.resize(
        (round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS
    )
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    size = max(12, image.width // 18)
    font: Any = (
        ImageFont.truetype(str(LATIN_FONT), size)
        if LATIN_FONT.exists()
        else ImageFont.load_default(size)
    )
    mark = "free-pics.example  © share freely"
    draw.text((8, image.height - size - 10), mark, font=font, fill=(255, 255, 255, 150))
    return Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")


# ---------------------------------------------------------------- pages


_STYLE = "body{font-family:sans-serif;max-width:60em;margin:auto}nav a{margin-right:1em}"


def _page(site_title: str, title: str, body: str, lang: str = "zh-CN") -> _Response:
    e = html.escape
    document = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{e(title)} - {e(site_title)}</title>
<style>{_STYLE}</style></head>
<body><header><a href="/" class="logo">{e(site_title)}</a>
<nav><a href="/">首页 Home</a><a href="/about/">关于 About</a></nav></header>
<main>{body}</main>
<footer><p>{e(site_title)} · 本站内容由网友上传 · user uploads · <a href="/about/">DMCA</a></p></footer>
<script>var _hm = [];</script></body></html>
"""
    return _Response(document.encode("utf-8"), "text/html; charset=utf-8")


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())


def _pager(prefix: str, page: int, pages: int) -> str:
    """Previous, every page's number, next (page 1 is ``prefix`` itself)."""

    def href(n: int) -> str:
        return prefix if n == 1 else f"{prefix}page/{n}/"

    if pages < 2:
        return ""
    links = [f'<a rel="prev" href="{href(page - 1)}">« prev</a>'] if page > 1 else []
    links += [
        f"<b>{n}</b>" if n == page else f'<a href="{href(n)}">{n}</a>' for n in range(1, pages + 1)
    ]
    if page < pages:
        links.append(f'<a rel="next" href="{href(page + 1)}">next »</a>')
    return f'<nav class="pager">{" ".join(links)}</nav>'


def _sitemap(urls: Sequence[str]) -> _Response:
    entries = "".join(f"<url><loc>{xml_escape(u)}</loc></url>" for u in urls)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>\n'
    )
    return _Response(body.encode(), "application/xml")


def _rss(title: str, base: str, items: Sequence[tuple[str, str]]) -> _Response:
    entries = "".join(
        f"<item><title>{xml_escape(t)}</title><link>{xml_escape(u)}</link>"
        f"<guid>{xml_escape(u)}</guid><pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate></item>"
        for t, u in items
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{xml_escape(title)}</title><link>{xml_escape(base)}/</link>"
        f"<description>New uploads</description>{entries}</channel></rss>\n"
    )
    return _Response(body.encode(), "application/rss+xml")


def _text_file(text: str, encoding: str = "utf-8") -> _Response:
    return _Response(text.encode(encoding), f"text/plain; charset={encoding}")


def _download(data: bytes, content_type: str, name: str) -> _Response:
    return _Response(data, content_type, {"Content-Disposition": f'attachment; filename="{name}"'})


class _Builder:
    """Routes and planted copies of one site, with its base URL known."""

    def __init__(self, name: str, base: str) -> None:
        self.name = name
        self.base = base
        self.routes: dict[str, _Response] = {}
        self.planted: list[Planted] = []
        self.blocked: list[Planted] = []

    def url(self, path: str) -> str:
        return self.base + path

    def plant(self, work: str, path: str, page: str, how: str, *, blocked: bool = False) -> None:
        item = Planted(work, self.url(path), self.url(page), self.name, how)
        (self.blocked if blocked else self.planted).append(item)


def _forum(b: _Builder, threads: int) -> None:
    """Threads of posts; three paste registered texts, one only quotes a line."""
    rng = np.random.default_rng([SEED, 1])
    zh = _fortunes("chinese") + _fortunes("tang300")
    en = _fortunes("fortunes") + _fortunes("literature") + _fortunes("wisdom")
    users = [
        "夜行客",
        "bookworm88",
        "江南小雨",
        "lurker",
        "老猫",
        "pageturner",
        "风吹麦浪",
        "mod_kai",
    ]
    threads = max(threads, 6)
    posts: dict[int, list[tuple[str, str, str]]] = {}  # thread -> (user, lang, text)
    titles: dict[int, str] = {}
    for t in range(1, threads + 1):
        lang = "zh" if rng.random() < 0.5 else "en"
        pool = zh if lang == "zh" else en
        count = int(rng.integers(3, 8))
        picks = rng.choice(len(pool), size=count, replace=False)
        posts[t] = [(users[int(rng.integers(len(users)))], lang, pool[int(i)]) for i in picks]
        first = pool[int(picks[0])].split("\n")[0].strip()
        titles[t] = first[:28] or f"thread {t}"
    arcade = _text("arcade-rain")
    arcade_lines = [line for line in arcade.split("\n") if line.strip()]
    # Thread 2: the Chinese story pasted in Traditional script, then a reply quoting a line.
    titles[2] = "【分享】骑楼下的雨季 繁体版 全文"
    posts[2].insert(1, ("江南小雨", "zh", _s2t(arcade)))
    posts[2].insert(2, ("老猫", "zh", f"「{arcade_lines[1][:24]}」这句写得真好。"))
    # Thread 3: the English story with light edits, on the thread's second page.
    titles[3] = "Found this story, anyone know the author?"
    lighthouse = _text("lighthouse")
    for old, new in _LIGHTHOUSE_EDITS:
        lighthouse = lighthouse.replace(old, new)
    # Exactly six posts before it (five to a page), topped up with unrelated ones if needed.
    posts[3] = [*posts[3][:6], *[("lurker", "en", e) for e in en[200:206]]][:6]
    posts[3].append(("pageturner", "en", lighthouse))
    # Thread 5: a chapter of the novel, verbatim.
    titles[5] = "The Gleaner ch.2 (typed it up myself lol)"
    chapter = _bible("Ruth", 4)[1]
    posts[5].insert(0, ("bookworm88", "en", "Chapter 2\n\n" + chapter))

    per_page = 5
    for t in range(1, threads + 1):
        pages = (len(posts[t]) + per_page - 1) // per_page
        for p in range(1, pages + 1):
            chunk = posts[t][(p - 1) * per_page : p * per_page]
            items = "".join(
                f'<article class="post" id="p{t}-{p}-{i}"><p class="author">{html.escape(u)}</p>'
                f'<div class="content">{_paragraphs(text)}</div></article>'
                for i, (u, _lang, text) in enumerate(chunk)
            )
            prefix = f"/thread/{t}/"
            path = prefix if p == 1 else f"{prefix}page/{p}/"
            body = f"<h1>{html.escape(titles[t])}</h1>{items}{_pager(prefix, p, pages)}"
            body += '<aside><a href="/">返回列表 back to the list</a></aside>'
            b.routes[path] = _page("书友论坛 Readers' Forum", titles[t], body)
    b.plant("arcade-rain", "/thread/2/", "/thread/2/", "pasted in Traditional script")
    b.plant("lighthouse", "/thread/3/page/2/", "/thread/3/page/2/", "pasted with light edits")
    b.plant("gleaner", "/thread/5/", "/thread/5/", "a chapter pasted verbatim")

    # Boards of up to ten list pages of eight threads, each list page linking to all of its
    # board's pages: every thread is within four links of the home page, however many.
    per_list, per_board = 8, 80

    def rows(first: int, last: int) -> str:
        return "".join(
            f'<li><a href="/thread/{t}/">{html.escape(titles[t])}</a> '
            f"<span>{len(posts[t])} posts</span></li>"
            for t in range(first, min(threads, last) + 1)
        )

    boards = (threads + per_board - 1) // per_board
    for board in range(1, boards + 1):
        opening = 1 + (board - 1) * per_board
        lists = (min(threads, board * per_board) - opening + per_list) // per_list
        prefix = f"/board/{board}/"
        for p in range(1, lists + 1):
            start = opening + (p - 1) * per_list
            body = (
                f"<h1>版块 Board {board}</h1><ul>{rows(start, start + per_list - 1)}</ul>"
                f"{_pager(prefix, p, lists)}"
            )
            path = prefix if p == 1 else f"{prefix}page/{p}/"
            b.routes[path] = _page("书友论坛 Readers' Forum", f"Board {board}", body)
    board_links = "".join(
        f'<li><a href="/board/{n}/">版块 Board {n}</a></li>' for n in range(1, boards + 1)
    )
    home = (
        f"<h1>最新帖子 Latest threads</h1><ul>{rows(1, per_list)}</ul>"
        f"<h2>版块 Boards</h2><ul>{board_links}</ul>"
        '<p><a href="/members/vault/">会员专区 members only</a></p>'
    )
    b.routes["/"] = _page("书友论坛 Readers' Forum", "首页", home)
    b.routes["/about/"] = _page(
        "书友论坛 Readers' Forum", "About", "<p>Send complaints to nobody.</p>"
    )
    vault = f"<h1>南湖菱歌（会员转载）</h1>{_paragraphs(_text('south-lake'))}"
    b.routes["/members/vault/"] = _page("书友论坛 Readers' Forum", "会员专区", vault)
    b.plant("south-lake", "/members/vault/", "/members/vault/", "behind robots.txt", blocked=True)
    b.routes["/robots.txt"] = _text_file("User-agent: *\nDisallow: /members/\n")


def _ebooks(b: _Builder) -> None:
    """Listing → detail pages → EPUB, PDF and TXT downloads; a feed and a sitemap."""
    gleaner = _bible("Ruth", 4)
    proverbs = _bible("Proverbs", 5)
    tang = _fortunes("tang300")
    cookies = _fortunes("fortunes")
    books: list[dict[str, Any]] = [
        {"slug": "the-gleaner", "title": GLEANER_TITLE, "lang": "en",
         "blurb": "A widow follows her mother-in-law to a foreign land.",
         "files": [("epub", "the-gleaner.epub", _epub("the-gleaner", GLEANER_TITLE,
                    tuple((f"Chapter {n}", c) for n, c in enumerate(gleaner, 1)), "en"))],
         "work": "gleaner"},
        {"slug": "south-lake", "title": "南湖菱歌", "lang": "zh",
         "blurb": "秋天的湖，采菱的人。",
         "files": [("txt", "nanhu-lingge.txt", _text("south-lake").encode("gb18030"))],
         "work": "south-lake", "how": "TXT in GB18030"},
        {"slug": "arcade-rain", "title": "骑楼下的雨季", "lang": "zh",
         "blurb": "江门骑楼，外婆的凉茶摊。",
         "files": [("pdf", "qilou-yuji.pdf", _pdf("骑楼下的雨季", _text("arcade-rain"), True))],
         "work": "arcade-rain", "how": "PDF in a CJK font"},
        {"slug": "lighthouse-keeper", "title": "The Lighthouse Keeper's Ledger", "lang": "en",
         "blurb": "A keeper, an empty page and a second tower.",
         "files": [("pdf", "lighthouse.pdf",
                    _pdf("The Lighthouse Keeper's Ledger", _text("lighthouse"), False))],
         "work": "lighthouse", "how": "PDF"},
        {"slug": "sayings", "title": "Sayings of the Wise", "lang": "en",
         "blurb": "Old proverbs for young readers.",
         "files": [("epub", "sayings.epub", _epub("sayings", "Sayings of the Wise",
                    tuple((f"Part {n}", c) for n, c in enumerate(proverbs, 1)), "en")),
                   ("txt", "sayings.txt", "\n\n".join(proverbs).encode())]},
        {"slug": "tang-poems", "title": "唐诗选读", "lang": "zh", "blurb": "唐诗一百首。",
         "files": [("txt", "tang.txt", "\n\n".join(tang[:80]).encode("gb18030")),
                   ("pdf", "tang.pdf", _pdf("唐诗选读", "\n\n".join(tang[80:140]), True))]},
        {"slug": "fortune-cookies", "title": "A Box of Fortune Cookies", "lang": "en",
         "blurb": "Short sayings, jokes and quips.",
         "files": [("epub", "cookies.epub", _epub("cookies", "A Box of Fortune Cookies",
                    (("One", "\n".join(cookies[:60])), ("Two", "\n".join(cookies[60:120]))),
                    "en"))]},
    ]  # fmt: skip
    types = {"epub": "application/epub+zip", "pdf": "application/pdf",
             "txt": "text/plain; charset=gb18030"}  # fmt: skip
    for book in books:
        detail = f"/book/{book['slug']}/"
        links = []
        for kind, name, data in book["files"]:
            path = f"/download/{name}"
            content_type = types[kind] if kind != "txt" or book["lang"] == "zh" else "text/plain"
            b.routes[path] = _download(data, content_type, name)
            links.append(f'<li><a href="{path}">{kind.upper()} 下载 download</a></li>')
            if "work" in book:
                b.plant(book["work"], path, detail, book.get("how", kind.upper()))
        body = (
            f'<h1>{html.escape(book["title"])}</h1><p class="blurb">{html.escape(book["blurb"])}'
            f'</p><ul class="downloads">{"".join(links)}</ul>'
        )
        b.routes[detail] = _page("免费电子书 Free E-books", book["title"], body)
    half = (len(books) + 1) // 2
    for p, chunk in ((1, books[:half]), (2, books[half:])):
        rows = "".join(
            f'<li><a href="/book/{x["slug"]}/">{html.escape(x["title"])}</a></li>' for x in chunk
        )
        body = f"<h1>全部图书 All books</h1><ul>{rows}</ul>{_pager('/', p, 2)}"
        b.routes["/" if p == 1 else "/page/2/"] = _page("免费电子书 Free E-books", "图书", body)
    details = [b.url(f"/book/{x['slug']}/") for x in books]
    b.routes["/sitemap.xml"] = _sitemap(details)
    b.routes["/feed.xml"] = _rss(
        "Free E-books: new", b.base, [(x["title"], b.url(f"/book/{x['slug']}/")) for x in books]
    )
    b.routes["/robots.txt"] = _text_file(
        f"User-agent: *\nAllow: /\nSitemap: {b.url('/sitemap.xml')}\n"
    )


def _gallery(b: _Builder) -> None:
    """Albums of pictures: three registered photographs altered, among unrelated ones."""
    copies = [
        ("photo-astronaut", "astronaut", (0.08, 0.05, 0.92, 0.85), 0.8, "JPEG", "orbit.jpg",
         "cropped, scaled to 80 %, watermarked, JPEG"),
        ("photo-coffee", "coffee", (0.0, 0.1, 0.8, 1.0), 1.0, "JPEG", "latte-art.jpg",
         "cropped, watermarked, JPEG"),
        ("photo-chelsea", "chelsea", (0.1, 0.0, 1.0, 0.9), 0.9, "PNG", "cat.png",
         "cropped, scaled to 90 %, watermarked, PNG"),
    ]  # fmt: skip
    albums: dict[int, list[tuple[str, str]]] = {1: [], 2: [], 3: []}
    for n, (work, name, box, scale, fmt, file_name, how) in enumerate(copies):
        content_type = "image/jpeg" if fmt == "JPEG" else "image/png"
        b.routes[f"/photos/{file_name}"] = _Response(
            _photo_copy(name, box, scale, fmt), content_type
        )
        album = 1 + n % 3
        albums[album].append((file_name, name))
        b.plant(work, f"/photos/{file_name}", f"/album/{album}/", how)
    unrelated = [
        ("rocket", "rocket.jpg"),
        ("hubble_deep_field", "stars.jpg"),
        ("coins", "coins.jpg"),
    ]
    for n, (name, file_name) in enumerate(unrelated):
        b.routes[f"/photos/{file_name}"] = _Response(_photo_file(name), "image/jpeg")
        albums[1 + n % 3].append((file_name, name))
    for n, seed in enumerate((4401, 4402, 4403)):
        file_name = f"hills-{n}.jpg"
        b.routes[f"/photos/{file_name}"] = _Response(_landscape_file(seed), "image/jpeg")
        albums[1 + n % 3].append((file_name, "landscape"))
    for album, pictures in albums.items():
        imgs = "".join(
            f'<figure><img src="/photos/{f}" alt="{html.escape(alt)}"><figcaption>'
            f"{html.escape(alt)}</figcaption></figure>"
            for f, alt in pictures
        )
        body = f"<h1>Album {album}</h1>{imgs}"
        b.routes[f"/album/{album}/"] = _page("美图分享 Free Pics", f"Album {album}", body, "en")
    rows = "".join(f'<li><a href="/album/{a}/">Album {a}</a></li>' for a in albums)
    b.routes["/"] = _page("美图分享 Free Pics", "Albums", f"<ul>{rows}</ul>", "en")
    b.routes["/sitemap.xml"] = _sitemap([b.url(f"/album/{a}/") for a in albums])
    b.routes["/robots.txt"] = _text_file("User-agent: *\nDisallow: /admin/\n")


@functools.cache
def _media_files() -> dict[str, _Response]:
    """The recordings of the media site, by path."""
    files: dict[str, _Response] = {}
    song = _song()
    start, length = 12.0, 10.0
    clip = song[round(start * AUDIO_RATE) : round((start + length) * AUDIO_RATE)]
    files["/media/harbour-live.mp3"] = _Response(_encode_mp3(clip), "audio/mpeg")
    # A clip from the middle of the registered film, smaller and at a lower quality. (Copies
    # are kept short: a video query costs about its own duration in CPU time.)
    cut = slice(round(CLIP_START * VIDEO_FPS), round((CLIP_START + CLIP_SECONDS) * VIDEO_FPS))
    frames = list(_pan_frames(FILM_SEEDS, FILM_SECONDS, (480, 270)))[cut]
    sound = _tune(FILM_SOUND_SEED, FILM_SECONDS)
    sound = sound[round(CLIP_START * AUDIO_RATE) : round((CLIP_START + CLIP_SECONDS) * AUDIO_RATE)]
    film = _encode_video(iter(frames), VIDEO_SIZE, sound, crf=34)
    files["/media/river-towns-hd.mp4"] = _Response(film, "video/mp4")
    # Someone's travel video with the registered song as its music.
    vlog_sound = song[round(18 * AUDIO_RATE) : round(26 * AUDIO_RATE)]
    vlog = _encode_video(
        _pan_frames(("rocket", "immunohistochemistry"), 8.0, VIDEO_SIZE), VIDEO_SIZE, vlog_sound
    )
    files["/media/my-trip.mp4"] = _Response(vlog, "video/mp4")
    files["/media/lofi-beats.mp3"] = _Response(_encode_mp3(_tune(4601, 10.0)), "audio/mpeg")
    other = _encode_video(
        _pan_frames(("hubble_deep_field", "coins"), 6.0, VIDEO_SIZE), VIDEO_SIZE, _tune(4602, 6.0)
    )
    files["/media/city-walk.mp4"] = _Response(other, "video/mp4")
    return files


def _media(b: _Builder) -> None:
    """Pages embedding sound and video: three copies, two unrelated recordings."""
    b.routes.update(_media_files())
    pages = {
        1: ("Harbour Lights (live)", '<audio controls src="/media/harbour-live.mp3"></audio>'),
        2: ("River Towns full HD", '<video controls width="320"><source '
            'src="/media/river-towns-hd.mp4" type="video/mp4"></video>'),
        3: ("my trip vlog", '<video controls src="/media/my-trip.mp4"></video>'),
        4: ("study music + city walk", '<audio controls src="/media/lofi-beats.mp3"></audio>'
            '<video controls src="/media/city-walk.mp4"></video>'),
    }  # fmt: skip
    for n, (title, player) in pages.items():
        body = f"<h1>{html.escape(title)}</h1>{player}<p>Uploaded by a fan.</p>"
        b.routes[f"/watch/{n}/"] = _page("影音站 Media", title, body, "en")
    b.plant("song", "/media/harbour-live.mp3", "/watch/1/", "10 s from the middle, MP3")
    b.plant(
        "film", "/media/river-towns-hd.mp4", "/watch/2/", "8 s from the middle, re-encoded smaller"
    )
    b.plant("song", "/media/my-trip.mp4", "/watch/3/", "the song as another video's soundtrack")
    rows = "".join(
        f'<li><a href="/watch/{n}/">{html.escape(t)}</a></li>' for n, (t, _) in pages.items()
    )
    b.routes["/"] = _page("影音站 Media", "Latest", f"<ul>{rows}</ul>", "en")


# ---------------------------------------------------------------- serving


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], site: PirateSite) -> None:
        self.site = site
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def _answer(self, *, with_body: bool) -> None:
        site = self.server.site
        path = urlsplit(self.path).path
        site.record(path)
        if site.delay:
            time.sleep(site.delay)
        response = site.routes.get(path)
        status = 200
        if response is None:
            status = 404
            response = _Response(b"<h1>404 Not Found</h1>", "text/html; charset=utf-8")
        self.send_response(status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class PirateSite:
    """One site: its server, its routes and the paths it was asked for."""

    def __init__(self, name: str, address: str) -> None:
        self.name = name
        self.delay = 0.0
        self.routes: dict[str, _Response] = {}
        self.requests: list[str] = []
        self._lock = threading.Lock()
        try:
            self.server = _Server((address, 0), self)
        except OSError:
            self.server = _Server(("127.0.0.1", 0), self)
        host, port = self.server.server_address[:2]
        self.host = str(host)
        self.port = int(port)
        self.base_url = f"http://{self.host}:{self.port}"
        self._thread: threading.Thread | None = None

    def record(self, path: str) -> None:
        with self._lock:
            self.requests.append(path)

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def pages(self) -> list[str]:
        """URLs of its HTML pages."""
        return [
            self.url(p) for p, r in self.routes.items() if r.content_type.startswith("text/html")
        ]

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True,
            name=f"pirate-{self.name}",
        )  # fmt: skip
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


_BUILDERS: dict[str, Callable[[_Builder, int], None]] = {
    "forum": _forum,
    "ebooks": lambda b, _threads: _ebooks(b),
    "gallery": lambda b, _threads: _gallery(b),
    "media": lambda b, _threads: _media(b),
}


class PirateSites:
    """The pirate sites, served on loopback while the ``with`` block runs.

    ``threads``: forum threads (12 by default; the benchmark scales it up to ≥ 1,000 pages);
    ``delay``: seconds each response waits (a slow site, for the resume test);
    ``sites``: which of forum, ebooks, gallery and media to serve.
    """

    def __init__(
        self, *, threads: int = 12, delay: float = 0.0, sites: Sequence[str] = SITE_NAMES
    ) -> None:
        unknown = set(sites) - set(SITE_NAMES)
        if unknown:
            raise ValueError(f"unknown pirate sites: {', '.join(sorted(unknown))}")
        self.sites: dict[str, PirateSite] = {}
        self.planted: list[Planted] = []
        self.blocked: list[Planted] = []
        try:
            for name in sites:
                site = PirateSite(name, SITE_ADDRESSES[name])
                self.sites[name] = site
                builder = _Builder(name, site.base_url)
                _BUILDERS[name](builder, threads)
                # Every page's navigation links to it.
                about = "<h1>About</h1><p>All files are uploaded by users. No complaints.</p>"
                builder.routes.setdefault("/about/", _page(name, "About", about, "en"))
                site.routes = builder.routes
                site.delay = delay
                self.planted += builder.planted
                self.blocked += builder.blocked
        except BaseException:
            for site in self.sites.values():
                site.server.server_close()
            raise

    def __enter__(self) -> PirateSites:
        for site in self.sites.values():
            site.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for site in self.sites.values():
            site.stop()

    def __getitem__(self, name: str) -> PirateSite:
        return self.sites[name]

    def url(self, site: str, path: str = "/") -> str:
        return self.sites[site].url(path)

    def expected(self, site: str | None = None) -> set[tuple[str, str]]:
        """(work key, copy URL) of every planted copy (of one site) that a crawl obeying
        robots.txt must find."""
        return {(p.work, p.url) for p in self.planted if site is None or p.site == site}

    def page_count(self) -> int:
        return sum(len(s.pages()) for s in self.sites.values())
