"""Video fingerprints (algorithm v0): per-frame PDQ hashes and ORB keyframes, aligned in time,
with the soundtrack through the audio engine.

The caller supplies a decoded video (``copyguard.fingerprint.extract.video.load_video``:
frames sampled at 2 per second by presentation time, RGB). A reference is decoded at
``REF_SIDE`` pixels on its long side, a query at ``QUERY_SIDE`` (a picture-in-picture copy
fills only part of it). Algorithm v0:

1. **Black bars**: frames are taken in chunks of ``BAR_CHUNK``; a row (column) at the edge
   is a bar when, in the brightest of the chunk's frames at each pixel, it stays below
   ``BAR_LEVEL`` (95th percentile of the row). Bars are cut away before hashing, on
   references and queries alike, so letterboxing (or pillarboxing) a copy does not change
   its codes. Per chunk, not per frame: a dark scene is not mistaken for a bar.
2. **Frame hashes**: PDQ (engine II's global hash) of each frame without its bars,
   reduced to ``PDQ_SIDE`` x ``PDQ_SIDE`` first (PDQ works on 64 x 64 internally, so this
   changes little and costs a tenth). Re-encoding, resizing, a frame-rate change, small
   overlays (a logo, a subtitle line) move a frame's hash by a few to ~40 of 256 bits. A
   query also hashes its mirror image (flipped copies) and up to ``INSETS`` windows that
   look like a picture in the picture (``_insets``: a rectangle of at least
   ``INSET_SHARE`` of each side bordered on three or four sides by an edge that stays put
   while the pictures change). Flat frames (PDQ quality below
   ``FLAT_QUALITY``: black, fades, a blank title card) are skipped. A reference stores a
   **run** for consecutive frames whose hashes stay within ``RUN_DISTANCE`` bits of the
   run's first (a still shot, a static title: one hash with its start and end time, a new
   one every ``RUN_SECONDS`` at most), so static material does not flood the index.
3. **Keyframes**: PDQ does not survive a crop of more than a few per cent, nor a picture
   shrunk into another (tested: a 5 % central crop moves it by 40-70 bits, 10 % by ~90),
   and hashing a set of crops of each reference frame would need hundreds of them to
   cover every crop up to 25 % within PDQ's tolerance of a couple of per cent per edge;
   so frames are also described by engine II's ORB keypoints with its geometric check (a
   similarity transform fitted by RANSAC), which survives crops, overlays, mirroring and a
   copy shrunk to 40 % inside another picture: a reference keeps a keyframe at each shot
   change (a frame more than ``CUT_DISTANCE`` bits from the one before), when a new run
   starts at least ``KEY_SECONDS`` after the last, and ``KEY_MAX_SECONDS`` into a still run;
   a query describes one frame every ``QUERY_KEY_SECONDS`` (at most ``QUERY_KEYFRAMES``,
   evenly spread) and searches them in the keyframe index (``ImageIndex``). Static
   keypoints — found again at the same place in other pictures nearby: a channel logo, a
   burned-in caption — are left out on both sides (``_static``), or a logo would match
   every video that carries it.
4. **Alignment** (index/video.py): every hit is (query time, work, reference time
   interval, weight), a PDQ hit weighing ``pdq_score(distance)`` and a keyframe hit
   ``keypoint_score(inliers)`` (engine II's calibrated scores). A keyframe hit's interval
   is the keyframe's time +-``KEY_SPREAD`` s: a frame resembles every keyframe of its shot,
   and the most alike is not always the nearest in time (a cropped copy of a zooming shot
   looks most like a later, more zoomed-in keyframe). For each speed of a grid (``SPEEDS``,
   0.94-1.06 reference seconds per query second) the offsets ``reference - speed * query``
   vote, in bins of ``OFFSET_BIN`` seconds, each query frame once per bin with its best
   weight, a hit for every bin its interval spans; the speed nearest 1 whose best cell
   holds at least 1 - ``SPEED_MARGIN`` of the most weight wins (a changed speed must earn
   it). The offset is then placed in the middle of the stretch that the most query frames'
   hit spans allow (``_deepest``; the bins are a second wide), and the line refitted by
   least squares through the single-instant PDQ hits within ``ALIGN_TOLERANCE`` s (each
   query frame's closest hash); the query frames that fit are the evidence: the sum E of
   their weights, scored ``E^g / (E^g + E0^g)``. The fitting frames with at least
   ``SEGMENT_WEIGHT``, split where ``SEGMENT_GAP`` s pass without one, give the segments
   (start half a sampling step before the first, end half a step after the last; the
   reference's ends from the fitted line): a weak chance hit near a copy's end adds
   evidence but does not stretch it. A second and third alignment of the same work
   are sought among the query frames left (a compilation of two scenes of one film), kept
   when strong enough on their own.
5. **Soundtrack** (``VideoMatcher``): the audio engine's matcher (``AudioMatcher``) holds
   the references' soundtracks, keyed by video work number; a silent or absent soundtrack
   gives no audio evidence. The two scores combine by noisy-OR,
   ``1 - (1 - visual) (1 - audio)``, when the audio alignment agrees with the visual one
   (the same reference time at the middle of a visual segment, within ``AGREEMENT`` s),
   else the larger one counts alone: either kind of evidence reaches the threshold alone
   when strong, and agreeing evidence of both raises the score. The segments are the
   pictures' when they reach the threshold, else the soundtrack's; when both reach it, the
   pictures' segments take their reference times (and the speed) from the soundtrack's
   line, timed to a hundredth of a second where a keyframe places a frame to half a
   second or so.

Decoding speed: decoding is most of a reference's cost, so the decoder is told to skip
frames no other frame refers to (``SKIP_FRAMES = "NONREF"``, FFmpeg's ``skip_frame``, set
by ``read_video`` on the stream ``load_video`` opened): on x264 output at 30 fps a sample
then shows a frame at most 33 ms from its time (the sampling step is 500 ms; PDQ of the
samples is unchanged in the median) and decoding takes about half the time. Skipping every
B-frame (``"BIDIR"``) is faster still and gave bit-identical pictures on x264 output, but
is not the default: another encoder's P-frames may refer to B-frames, and HEVC's
random-access groups are mostly B-frames, which would leave only a few frames to sample.
Decoders without the option decode everything.

Parameters are general (not tuned to particular files); see docs/engine.md.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import IO, TYPE_CHECKING, Any

import cv2
import numpy as np
import pdqhash

from copyguard.fingerprint.audio import AudioMatch, AudioMatcher, ShortAudioError
from copyguard.fingerprint.extract.audio import DecodedAudio, load_audio
from copyguard.fingerprint.extract.limits import ExtractionError
from copyguard.fingerprint.extract.video import DecodedVideo, load_video
from copyguard.fingerprint.image import (
    FlatImageError,
    ImageFingerprint,
    Keypoints,
    gen_image_fingerprint,
)
from copyguard.fingerprint.image import gen_query_fingerprint as gen_image_query_fingerprint

if TYPE_CHECKING:
    from copyguard.fingerprint.index.video import VideoIndex

__all__ = [
    "DEFAULT_THRESHOLD",
    "E0",
    "ShortVideoError",
    "VideoFingerprint",
    "VideoMatch",
    "VideoMatcher",
    "VideoSegment",
    "evidence_score",
    "gen_query_fingerprint",
    "gen_video_fingerprint",
    "gen_video_fingerprint_v0",
    "read_video",
]

VERSION = 0
#: Long side of the decoded frames: a reference's (PDQ and keypoints need little), a query's
#: (a copy shrunk into part of it keeps enough pixels for its keypoints).
REF_SIDE = 320
QUERY_SIDE = 512
#: The decoder skips frames no other frame refers to (see the module docstring).
SKIP_FRAMES = "NONREF"
#: Black bars: frames per chunk, level (0-255) under which an edge row is black, and the
#: largest share of a side that bars may take.
BAR_CHUNK = 16
BAR_LEVEL = 32
BAR_MAX_SHARE = 0.35
#: Picture in picture: working width of the border search, least share of the frame's
#: width and height, gradient (grey levels) of a border, share of a side it must cover,
#: and windows hashed at most per frame.
INSET_WORK = 160
INSET_SHARE = 0.35
INSET_EDGE = 12.0
INSET_COVERAGE = 0.6
INSETS = 2
#: PDQ input side (pixels, square), and the quality under which a frame is flat.
PDQ_SIDE = 128
FLAT_QUALITY = 30
#: Runs: bits within which a frame repeats the run's first, and a run's longest span.
RUN_DISTANCE = 16
RUN_SECONDS = 4.0
#: Keyframes: least spacing (but a shot change, a frame more than CUT_DISTANCE bits from
#: the one before, always gives one), spacing inside a still run; a query's spacing and
#: keyframes at most.
KEY_SECONDS = 1.0
CUT_DISTANCE = 80
KEY_MAX_SECONDS = 4.0
QUERY_KEY_SECONDS = 0.5
QUERY_KEYFRAMES = 240
#: Static keypoints (a logo, a caption): place (pixels) and descriptor (bits) tolerance,
#: keyframes compared (showing another picture: PDQ over STATIC_PICTURE bits apart, within
#: STATIC_SECONDS) and how many of them a static keypoint is found in (not all: a busy
#: picture's strongest corners may crowd the logo's out of its chosen keypoints).
STATIC_RADIUS = 3.0
STATIC_BITS = 48
STATIC_NEIGHBOURS = 8
STATIC_SECONDS = 20.0
STATIC_PICTURE = 64
STATIC_FOUND = 2
#: A reference or query needs this many seconds of frames.
MIN_SECONDS = 1.0
#: Evidence (weighted query frames) at which the visual score is 0.5, and the steepness.
E0 = 4.0
E_GAMMA = 3.0
#: Reference and query audio alignments agree within this many seconds.
AGREEMENT = 2.0
#: A pair scoring at least this is a match.
DEFAULT_THRESHOLD = 0.5


class ShortVideoError(ValueError):
    """The video is too short, or has no frame (nor sound) usable to identify it."""


@dataclass(frozen=True)
class VideoFingerprint:
    """Frame codes of one video.

    ``hashes`` uint8 (n, 32) PDQ hashes; ``starts``/``ends`` float32 (n,) the time span in
    seconds each one covers (a run) — for a query each hash is one frame (``ends`` equals
    ``starts``) and ``mirrored`` says which are the mirror image's; ``keyframes`` engine II
    fingerprints of the keyframes at ``key_times``. ``frames`` counts the sampled frames,
    ``duration`` their span in seconds."""

    version: int
    duration: float
    frames: int
    hashes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    keyframes: tuple[ImageFingerprint, ...]
    key_times: np.ndarray
    mirrored: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.hashes.shape[0])


def evidence_score(evidence: np.ndarray | float) -> np.ndarray:
    e = np.power(np.maximum(np.asarray(evidence, dtype=np.float64), 0.0) / E0, E_GAMMA)
    return e / (1.0 + e)


# ---------------------------------------------------------------- frames


def _grey(pixels: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)


def _bars(frames: list[np.ndarray]) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) rows/columns of black bars common to the chunk's frames."""
    brightest = _grey(frames[0])
    for pixels in frames[1:]:
        if pixels.shape != frames[0].shape:
            continue
        brightest = np.maximum(brightest, _grey(pixels))
    height, width = brightest.shape
    rows = np.percentile(brightest, 95, axis=1) < BAR_LEVEL
    columns = np.percentile(brightest, 95, axis=0) < BAR_LEVEL

    def run(flags: np.ndarray) -> int:
        lit = np.flatnonzero(~flags)
        return int(lit[0]) if lit.size else flags.size

    limit_h, limit_w = int(height * BAR_MAX_SHARE), int(width * BAR_MAX_SHARE)
    top, bottom = run(rows), run(rows[::-1])
    left, right = run(columns), run(columns[::-1])
    if top > limit_h or bottom > limit_h:
        top = bottom = 0
    if left > limit_w or right > limit_w:
        left = right = 0
    return top, bottom, left, right


def _chunks(
    frames: Iterable[Any], insets: bool = False
) -> Iterator[tuple[float, np.ndarray, list[np.ndarray]]]:
    """(time, pixels without black bars, inset windows) of each sampled frame; the windows
    (picture-in-picture candidates, see ``_insets``) only when ``insets``."""
    chunk: list[tuple[float, np.ndarray]] = []

    def flush() -> Iterator[tuple[float, np.ndarray, list[np.ndarray]]]:
        top, bottom, left, right = _bars([p for _, p in chunk])
        cut = []
        for time, pixels in chunk:
            height, width = pixels.shape[:2]
            cut.append((time, pixels[top : height - bottom, left : width - right]))
        boxes = _insets([p for _, p in cut]) if insets else []
        for time, pixels in cut:
            yield time, pixels, [pixels[y0:y1, x0:x1] for y0, y1, x0, x1 in boxes]

    for frame in frames:
        chunk.append((float(frame.time), frame.pixels))
        if len(chunk) == BAR_CHUNK:
            yield from flush()
            chunk = []
    if chunk:
        yield from flush()


def _peaks(profile: np.ndarray, count: int) -> list[int]:
    """Positions of the ``count`` strongest local maxima of a profile, 3 apart at least."""
    order = np.argsort(-profile, kind="stable")
    chosen: list[int] = []
    for position in order.tolist():
        if profile[position] <= 0 or len(chosen) == count:
            break
        if all(abs(position - c) > 3 for c in chosen):
            chosen.append(position)
    return chosen


def _insets(frames: list[np.ndarray]) -> list[tuple[int, int, int, int]]:
    """Rectangles (y0, y1, x0, x1) that look like a picture inside the picture: at least
    INSET_SHARE of the frame on each side, and bordered on at least three sides by an edge
    that stays put while the pictures change (the median over the chunk of each pixel's
    gradient: a moving picture's own edges come and go, an inset's border does not).
    At most INSETS, the best-bordered first."""
    shape = frames[0].shape
    same = [f for f in frames if f.shape == shape]
    if len(same) < 4:
        return []
    height, width = shape[:2]
    scale = INSET_WORK / max(height, width)
    size = (max(8, round(width * scale)), max(8, round(height * scale)))
    grey = np.stack(
        [cv2.resize(_grey(f), size, interpolation=cv2.INTER_AREA) for f in same]
    ).astype(np.float32)
    across = np.median(np.abs(np.diff(grey, axis=2)), axis=0) >= INSET_EDGE  # (h, w - 1)
    down = np.median(np.abs(np.diff(grey, axis=1)), axis=0) >= INSET_EDGE  # (h - 1, w)
    h, w = grey.shape[1:]
    columns = _peaks(across.mean(axis=0), 6)
    rows = _peaks(down.mean(axis=1), 6)
    # A border at x lies between columns x and x + 1: the window starts at x + 1 or ends there.
    xs = sorted({0, w} | {c + 1 for c in columns})
    ys = sorted({0, h} | {r + 1 for r in rows})
    found: list[tuple[float, tuple[int, int, int, int]]] = []
    for i, x0 in enumerate(xs):
        for x1 in xs[i + 1 :]:
            if x1 - x0 < INSET_SHARE * w:
                continue
            for j, y0 in enumerate(ys):
                for y1 in ys[j + 1 :]:
                    if y1 - y0 < INSET_SHARE * h or (x0, x1, y0, y1) == (0, w, 0, h):
                        continue
                    sides = []
                    if x0 > 0:
                        sides.append(across[y0:y1, x0 - 1].mean())
                    if x1 < w:
                        sides.append(across[y0:y1, x1 - 1].mean())
                    if y0 > 0:
                        sides.append(down[y0 - 1, x0:x1].mean())
                    if y1 < h:
                        sides.append(down[y1 - 1, x0:x1].mean())
                    if len(sides) >= 3 and min(sides) >= INSET_COVERAGE:
                        found.append((float(np.mean(sides)), (y0, y1, x0, x1)))
    found.sort(key=lambda f: -f[0])
    inv_y, inv_x = height / h, width / w
    return [
        (round(y0 * inv_y), round(y1 * inv_y), round(x0 * inv_x), round(x1 * inv_x))
        for _, (y0, y1, x0, x1) in found[:INSETS]
    ]


def _pdq(pixels: np.ndarray, mirror: bool = False) -> tuple[np.ndarray, int, np.ndarray | None]:
    """Packed PDQ hash (32 bytes) and quality of a frame, and its mirror image's hash."""
    small = cv2.resize(pixels, (PDQ_SIDE, PDQ_SIDE), interpolation=cv2.INTER_AREA)
    bits, quality = pdqhash.compute(small)
    flipped = None
    if mirror:
        flipped = np.packbits(pdqhash.compute(np.ascontiguousarray(small[:, ::-1]))[0])
    return np.packbits(np.asarray(bits, dtype=np.uint8)), int(quality), flipped


def _distance(a: np.ndarray, b: np.ndarray) -> int:
    return int(np.unpackbits(a ^ b).sum())


def _empty(duration: float, frames: int) -> VideoFingerprint:
    return VideoFingerprint(
        VERSION,
        duration,
        frames,
        np.zeros((0, 32), np.uint8),
        np.zeros(0, np.float32),
        np.zeros(0, np.float32),
        (),
        np.zeros(0, np.float32),
    )


def _static(
    keypoints: list[Keypoints], hashes: list[np.ndarray], times: list[float]
) -> list[np.ndarray]:
    """For each keyframe, which of its keypoints are static: found again at the same place
    (within STATIC_RADIUS pixels, descriptor within STATIC_BITS) in at least STATIC_FOUND
    of its STATIC_NEIGHBOURS nearest keyframes within STATIC_SECONDS that show another
    picture (PDQ more than STATIC_PICTURE bits apart). A channel logo or a burned-in
    caption stays while the pictures change; a work's own details move with them (a
    chance coincidence of place and descriptor in two other pictures is rare)."""
    flags = [np.zeros(len(k), bool) for k in keypoints]
    at = np.asarray(times, np.float64)
    for i, mine in enumerate(keypoints):
        if not len(mine):
            continue
        near = np.flatnonzero(np.abs(at - at[i]) <= STATIC_SECONDS)
        near = near[np.argsort(np.abs(at[near] - at[i]), kind="stable")]
        others = [
            j
            for j in near.tolist()
            if j != i and len(keypoints[j]) and _distance(hashes[i], hashes[j]) > STATIC_PICTURE
        ][:STATIC_NEIGHBOURS]
        if len(others) < STATIC_FOUND:
            continue
        # All the neighbours' keypoints at once; a keypoint counts each neighbour once.
        xy = np.concatenate([keypoints[j].xy for j in others])
        descriptors = np.concatenate([keypoints[j].descriptors for j in others])
        owner = np.repeat(np.arange(len(others)), [len(keypoints[j]) for j in others])
        a, b = _close_pairs(mine.xy, xy)
        same = np.bitwise_count(mine.descriptors[a] ^ descriptors[b]).sum(axis=1) <= STATIC_BITS
        pairs = np.unique(a[same] * len(others) + owner[b[same]])
        seen = np.bincount(pairs // len(others), minlength=len(mine))
        flags[i] = seen >= STATIC_FOUND
    return flags


def _close_pairs(mine: np.ndarray, theirs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j) with mine[i] within STATIC_RADIUS of theirs[j], via a grid of
    cells of that size (each point meets the 3 x 3 cells around its own)."""
    cell = STATIC_RADIUS
    their_cells = np.floor(theirs / cell).astype(np.int64)
    keys = their_cells[:, 0] * 65536 + their_cells[:, 1]
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    my_cells = np.floor(mine / cell).astype(np.int64)
    pairs_a, pairs_b = [], []
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            wanted = (my_cells[:, 0] + dx) * 65536 + (my_cells[:, 1] + dy)
            left = np.searchsorted(keys, wanted, side="left")
            right = np.searchsorted(keys, wanted, side="right")
            counts = right - left
            if not counts.any():
                continue
            a = np.repeat(np.arange(mine.shape[0]), counts)
            b = order[np.repeat(left - np.cumsum(counts) + counts, counts) + np.arange(a.size)]
            pairs_a.append(a)
            pairs_b.append(b)
    if not pairs_a:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    a, b = np.concatenate(pairs_a), np.concatenate(pairs_b)
    gap = mine[a] - theirs[b]
    close = (gap * gap).sum(axis=1) <= STATIC_RADIUS**2
    return a[close], b[close]


def _without_static(
    keyframes: list[ImageFingerprint], times: list[float]
) -> list[ImageFingerprint]:
    """The keyframes with their static keypoints (see ``_static``) removed, on each side
    (a query's mirrored keypoints too)."""
    hashes = [k.pdq.reshape(-1, 32)[0] for k in keyframes]
    out = list(keyframes)
    for side in ("keypoints", "mirrored"):
        sets = [getattr(k, side) for k in out]
        if any(s is None for s in sets):
            continue
        flags = _static(sets, hashes, times)
        for n, (keyframe, static) in enumerate(zip(out, flags, strict=True)):
            if static.any():
                kept = getattr(keyframe, side)
                moving = Keypoints(kept.xy[~static], kept.descriptors[~static])
                if side == "keypoints":
                    out[n] = replace(keyframe, keypoints=moving)
                else:
                    out[n] = replace(keyframe, mirrored=moving)
    return out


def gen_video_fingerprint_v0(decoded: DecodedVideo | Iterable[Any]) -> VideoFingerprint:
    """A reference's fingerprint: one PDQ hash per run of similar frames, keyframes' ORB
    keypoints. ``decoded`` is a DecodedVideo (its frames are read) or an iterable of frames
    (objects with ``time`` and ``pixels``). Raises ShortVideoError when under MIN_SECONDS
    of frames."""
    frames = decoded.frames() if isinstance(decoded, DecodedVideo) else decoded
    hashes: list[np.ndarray] = []
    starts: list[float] = []
    ends: list[float] = []
    keyframes: list[ImageFingerprint] = []
    key_times: list[float] = []
    last_key = -np.inf
    previous: np.ndarray | None = None
    count = 0
    first = last = 0.0
    for time, pixels, _ in _chunks(frames):
        if count == 0:
            first = time
        count += 1
        last = time
        if min(pixels.shape[:2]) < 8:
            continue
        code, quality, _ = _pdq(pixels)
        if quality < FLAT_QUALITY:
            previous = None
            continue
        cut = previous is None or _distance(code, previous) > CUT_DISTANCE
        previous = code
        same = (
            hashes
            and time - starts[-1] < RUN_SECONDS
            and ends[-1] >= time - 0.75
            and _distance(code, hashes[-1]) <= RUN_DISTANCE
        )
        if same:
            ends[-1] = time
            if time - last_key < KEY_MAX_SECONDS:
                continue
        else:
            hashes.append(code)
            starts.append(time)
            ends.append(time)
            if time - last_key < KEY_SECONDS and not cut:
                continue
        try:
            keyframes.append(gen_image_fingerprint(np.ascontiguousarray(pixels)))
        except FlatImageError:
            continue
        key_times.append(time)
        last_key = time
    duration = last - first + (0.5 if count else 0.0)
    if count < 2 or duration < MIN_SECONDS:
        raise ShortVideoError(
            f"video too short to fingerprint: {count} frames sampled "
            f"(at least {MIN_SECONDS:.1f} s needed)"
        )
    if not hashes:
        return _empty(duration, count)
    return VideoFingerprint(
        VERSION,
        duration,
        count,
        np.stack(hashes),
        np.array(starts, np.float32),
        np.array(ends, np.float32),
        tuple(_without_static(keyframes, key_times)),
        np.array(key_times, np.float32),
    )


def gen_video_fingerprint(decoded: DecodedVideo | Iterable[Any]) -> VideoFingerprint:
    """A reference video's fingerprint (current version)."""
    return gen_video_fingerprint_v0(decoded)


def gen_query_fingerprint(decoded: DecodedVideo | Iterable[Any]) -> VideoFingerprint:
    """A query's fingerprint: every usable frame's PDQ hash and its mirror's (and those of
    picture-in-picture windows), and engine II query fingerprints (mirrored keypoints too)
    of one frame every QUERY_KEY_SECONDS — or, in a longer video, of QUERY_KEYFRAMES frames
    evenly spread (spacing from the declared duration, doubled on the way when there is
    none or it is wrong, so that at most 2 x QUERY_KEYFRAMES are ever held)."""
    frames = decoded.frames() if isinstance(decoded, DecodedVideo) else decoded
    declared = decoded.duration if isinstance(decoded, DecodedVideo) else 0.0
    spacing = QUERY_KEY_SECONDS
    while declared / spacing > QUERY_KEYFRAMES:
        spacing *= 2
    hashes: list[np.ndarray] = []
    times: list[float] = []
    mirrored: list[bool] = []
    keys: list[tuple[float, ImageFingerprint]] = []
    last_key = -np.inf
    count = 0
    first = last = 0.0
    for time, pixels, windows in _chunks(frames, insets=True):
        if count == 0:
            first = time
        count += 1
        last = time
        for window in [pixels, *windows]:
            if min(window.shape[:2]) < 8:
                continue
            code, quality, flipped = _pdq(window, mirror=True)
            if quality >= FLAT_QUALITY and flipped is not None:
                hashes += [code, flipped]
                times += [time, time]
                mirrored += [False, True]
        if min(pixels.shape[:2]) < 8 or time - last_key < spacing - 1e-6:
            continue
        last_key = time
        try:
            keys.append((time, gen_image_query_fingerprint(np.ascontiguousarray(pixels))))
        except FlatImageError:
            continue
        if len(keys) >= 2 * QUERY_KEYFRAMES:
            keys = keys[::2]
            spacing *= 2
    duration = last - first + (0.5 if count else 0.0)
    if count < 2 or duration < MIN_SECONDS:
        raise ShortVideoError(
            f"video too short to fingerprint: {count} frames sampled "
            f"(at least {MIN_SECONDS:.1f} s needed)"
        )
    if len(keys) > QUERY_KEYFRAMES:
        chosen = np.linspace(0, len(keys) - 1, QUERY_KEYFRAMES).round().astype(int)
        keys = [keys[i] for i in np.unique(chosen)]
    key_times = [t for t, _ in keys]
    keyframes = _without_static([k for _, k in keys], key_times)
    if not hashes:
        base = _empty(duration, count)
        return VideoFingerprint(
            VERSION, duration, count, base.hashes, base.starts, base.ends, tuple(keyframes),
            np.array(key_times, np.float32), np.zeros(0, bool),
        )  # fmt: skip
    stamps = np.array(times, np.float32)
    return VideoFingerprint(
        VERSION,
        duration,
        count,
        np.stack(hashes),
        stamps,
        stamps.copy(),
        tuple(keyframes),
        np.array(key_times, np.float32),
        np.array(mirrored, bool),
    )


# ---------------------------------------------------------------- matching

Source = str | os.PathLike[str] | bytes | IO[bytes]


@dataclass(frozen=True)
class VideoSegment:
    """A matched stretch, seconds from the start of each file."""

    query_start: float
    query_end: float
    reference_start: float
    reference_end: float


@dataclass(frozen=True)
class VideoMatch:
    reference_id: str | int
    score: float
    match: bool
    segments: tuple[VideoSegment, ...]
    visual_score: float
    audio_score: float | None  # None: no soundtrack evidence (either side silent or absent)
    speed: float  # reference seconds per query second
    evidence: int  # query frames (visual) or anchors (audio only) that fit the alignment


def read_video(source: Source, *, query: bool = False, skip_frames: str | None = SKIP_FRAMES):
    """``source`` opened for sampling at the engine's size (a query's or a reference's).

    ``skip_frames``: the decoder's frame skipping (FFmpeg ``skip_frame``; None decodes every
    frame)."""
    return load_video(source, max_side=QUERY_SIDE if query else REF_SIDE, skip_frame=skip_frames)


def _rewind(source: Source) -> Any:
    """The file position of a file object source, to read it again from there."""
    if hasattr(source, "seek") and hasattr(source, "tell"):
        return source.tell()  # type: ignore[union-attr]
    return None


def _soundtrack(source: Source, position: Any) -> DecodedAudio | None:
    if position is not None:
        source.seek(position)  # type: ignore[union-attr]
    try:
        return load_audio(source)
    except ExtractionError:  # an undecodable soundtrack is no audio evidence
        return None


class VideoMatcher:
    """Reference videos in a ``VideoIndex`` (their soundtracks in its audio index), and
    queries against them.

    Sources are paths, file bytes or binary file objects; unreadable ones raise
    ``copyguard.fingerprint.extract.ExtractionError``, too short ones (or ones with no
    usable frame nor sound) ``ShortVideoError``."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        from copyguard.fingerprint.index.video import VideoIndex

        self.threshold = threshold
        self.audio = AudioMatcher(threshold)
        self._index = VideoIndex()
        self.audio.index = self._index.audio

    @property
    def index(self) -> VideoIndex:
        return self._index

    @index.setter
    def index(self, index: VideoIndex) -> None:
        self._index = index
        self.audio.index = index.audio

    def add_reference(self, reference_id: str | int, source: Source) -> VideoFingerprint:
        position = _rewind(source)
        video = read_video(source)
        has_audio = video.has_audio
        fingerprint = gen_video_fingerprint(video)
        audio = _soundtrack(source, position) if has_audio else None
        # The soundtrack's id in the audio index is the video's work number, the next one.
        number = len(self._index)
        sound = None
        if audio is not None:
            with contextlib.suppress(ShortAudioError):  # too short: no audio evidence
                sound = self.audio.add_reference(number, audio)
        if not len(fingerprint) and not fingerprint.keyframes and not (sound and len(sound)):
            if sound is not None:
                self._index.audio.delete(number)
            raise ShortVideoError("no usable frame (all flat) and no soundtrack to identify")
        self._index.add(reference_id, fingerprint, audio_start=_start(audio))
        return fingerprint

    def query(self, source: Source, candidates: bool = True) -> list[VideoMatch]:
        """Matches of the query, best first: every aligned reference when ``candidates``,
        else only those scoring at least the threshold."""
        position = _rewind(source)
        video = read_video(source, query=True)
        has_audio = video.has_audio
        fingerprint = gen_query_fingerprint(video)
        audio = _soundtrack(source, position) if has_audio else None
        sound: dict[int, AudioMatch] = {}
        if audio is not None:
            try:
                for found in self.audio.query(audio, candidates=True):
                    number = int(found.reference_id)
                    if number not in sound:
                        sound[number] = found
            except ShortAudioError:
                audio = None
        if not len(fingerprint) and not fingerprint.keyframes and not sound:
            raise ShortVideoError("no usable frame (all flat) and no soundtrack to identify")
        visual = {hit.work: hit for hit in self._index.search(fingerprint)}
        results = []
        for number in set(visual) | set(sound):
            if self._index.deleted(number):
                continue
            results.append(
                self._combine(number, visual.get(number), sound.get(number), _start(audio))
            )
        results.sort(key=lambda m: (-m.score, -m.evidence, str(m.reference_id)))
        if not candidates:
            results = [m for m in results if m.score >= self.threshold]
        return results

    def _combine(self, number: int, hit: Any, sound: AudioMatch | None, start: float) -> VideoMatch:
        visual_score = hit.score if hit is not None else 0.0
        audio_score = sound.score if sound is not None else None
        segments: tuple[VideoSegment, ...] = hit.segments if hit is not None else ()
        speed = hit.speed if hit is not None else 1.0
        evidence = hit.evidence if hit is not None else 0
        score = visual_score
        if sound is not None:
            ref_start = self._index.audio_start(number)
            # The audio alignment on the files' timelines.
            offset = sound.offset + ref_start - sound.tempo * start
            heard = VideoSegment(
                float(sound.query_start + start),
                float(sound.query_end + start),
                float(sound.reference_start + ref_start),
                float(sound.reference_end + ref_start),
            )
            agree = hit is not None and _agrees(hit, offset, sound.tempo)
            if agree:
                score = 1.0 - (1.0 - visual_score) * (1.0 - sound.score)
                if visual_score < self.threshold or not segments:
                    segments = (heard,)  # the pictures alone do not place the copy
                elif sound.score >= self.threshold:
                    # The soundtrack's line is timed to a hundredth of a second, the
                    # pictures' to a sampling step or a keyframe's spacing: the segments
                    # that agree with it take their reference times from it.
                    segments = _retimed(hit, offset, sound.tempo, self._index.duration(number))
                    speed = sound.tempo
            elif sound.score > visual_score:
                score = sound.score
                speed = sound.tempo
                evidence = sound.evidence
                segments = (heard,)
        return VideoMatch(
            reference_id=self._index.work_id(number),
            score=float(score),
            match=bool(score >= self.threshold),
            segments=segments,
            visual_score=float(visual_score),
            audio_score=None if audio_score is None else float(audio_score),
            speed=float(speed),
            evidence=int(evidence),
        )


def _start(audio: DecodedAudio | None) -> float:
    return float(audio.start) if audio is not None else 0.0


def _retimed(hit: Any, offset: float, tempo: float, duration: float) -> tuple[VideoSegment, ...]:
    """The visual segments, those agreeing with the line reference = offset + tempo * query
    given their reference ends from it."""
    out = []
    for s in hit.segments:
        middle = (s.query_start + s.query_end) / 2
        if abs(hit.offset + hit.speed * middle - (offset + tempo * middle)) <= AGREEMENT:
            s = VideoSegment(
                s.query_start,
                s.query_end,
                float(np.clip(offset + tempo * s.query_start, 0.0, duration)),
                float(np.clip(offset + tempo * s.query_end, 0.0, duration)),
            )
        out.append(s)
    return tuple(out)


def _agrees(hit: Any, offset: float, tempo: float) -> bool:
    """Whether the audio line (reference = offset + tempo * query) meets the visual one over
    the visual segments."""
    for segment in hit.segments:
        middle = (segment.query_start + segment.query_end) / 2
        visual = hit.offset + hit.speed * middle
        if abs(visual - (offset + tempo * middle)) <= AGREEMENT:
            return True
    return False
