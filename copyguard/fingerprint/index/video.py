"""The video index: frame hashes and keyframes of reference videos, their soundtracks, and
the temporal alignment of a query against them.

- **Frame hashes**: every stored PDQ hash (one per run of similar frames) is an *entry*
  with its work and the time span it covers (columns ``entry_work``, ``entry_start``,
  ``entry_end``). The hashes sit in PDQ chunk segments (pdq.py), whose payload is the entry
  number: a query's hashes find every stored hash within 31 bits and nearly every one
  within 47, kept up to ``PDQ_RADIUS``. New entries wait in a tail that is sealed into a
  segment at the next search; more than ``MAX_SEGMENTS`` are merged, and ``save`` merges
  them into one.
- **Keyframes**: engine II's ``ImageIndex`` with one image work per keyframe (its number
  is the keyframe's, its id the video's work number, so that deleting a video tombstones
  its keyframes in one pass; ``key_work`` and ``key_time`` say whose and when).
- **Soundtracks**: an ``AudioIndex`` keyed by the video's work number (filled by
  ``VideoMatcher`` through the audio engine's matcher); ``audio_start`` keeps where each
  soundtrack starts on its file's timeline.
- **Works**: id, duration, tombstone. ``delete`` tombstones the video and its soundtrack.

``search`` aligns the query's hits in time as copyguard.fingerprint.video describes (step 4).

Saved as a directory: ``manifest.json`` (format, ids, durations, deletions, audio starts),
``entries.npz`` and ``keyframes.npz`` (the columns), ``pdq/`` (one PDQ segment, mapped),
``keyframes/`` (the image index) and ``audio/`` (the audio index). ``open`` checks that they
agree and raises ``VideoIndexError`` (one line) otherwise.
"""

from __future__ import annotations

import json
import os
import zipfile
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from copyguard.fingerprint.image import keypoint_score, pdq_score
from copyguard.fingerprint.index.audio import AudioIndex, AudioIndexError
from copyguard.fingerprint.index.image import ImageIndex, ImageIndexError
from copyguard.fingerprint.index.pdq import PdqSegment
from copyguard.fingerprint.video import (
    E0,
    SKIP_FRAMES,
    VideoFingerprint,
    VideoSegment,
    evidence_score,
)

__all__ = ["VideoHit", "VideoIndex", "VideoIndexError"]

FORMAT_VERSION = 2
PDQ_RADIUS = 60
TAIL_LIMIT = 4096
MAX_SEGMENTS = 8
#: Sampling step of the frames (seconds): a matched frame stands for half a step either side.
STEP = 0.5
#: Speeds searched (reference seconds per query second), offset bin and fit tolerance (s).
SPEEDS = np.round(np.arange(0.94, 1.0601, 0.01), 3)
OFFSET_BIN = 1.0
ALIGN_TOLERANCE = 1.0
#: The vote's preference for the original speed (see ``_vote``).
SPEED_MARGIN = 0.1
#: A matched stretch ends when this many seconds pass without a fitting query frame; only
#: frames fitting with at least SEGMENT_WEIGHT (a PDQ distance under ~47 bits, 12 inliers)
#: place its ends.
SEGMENT_GAP = 5.0
SEGMENT_WEIGHT = 0.3
#: Works aligned per query (most votes first), alignments per work, least evidence of a
#: further alignment of a work already aligned.
CANDIDATES = 16
ALIGNMENTS = 3
MIN_EXTRA = E0
#: Least vote (sum of weights) for a work to be aligned.
MIN_VOTE = 0.5
#: A keyframe hit places the query frame within this many seconds of the keyframe (a frame
#: resembles every keyframe of its shot; reference keyframes are about a second apart).
KEY_SPREAD = 0.5
#: Keyframe hits with fewer inliers are left out (chance geometry).
MIN_INLIERS = 6

_ = SKIP_FRAMES  # documented in the module the constants come from


class VideoIndexError(Exception):
    """A saved video index that cannot be read."""


@dataclass(frozen=True)
class VideoHit:
    """A reference work aligned with the query, visual evidence only."""

    work: int
    score: float
    evidence: int  # query frames that fit
    weight: float  # their summed weights
    speed: float
    offset: float  # reference time at query time 0
    segments: tuple[VideoSegment, ...]


class VideoIndex:
    def __init__(self) -> None:
        self._ids: list[str | int] = []
        self._durations = array("d")
        self._deleted = array("B")
        self._audio_starts = array("d")
        self._entry_work = array("I")
        self._entry_start = array("f")
        self._entry_end = array("f")
        self._segments: list[PdqSegment] = []
        self._tail: list[np.ndarray] = []
        self._tail_first = 0  # entry number of the tail's first hash
        self._key_work = array("I")
        self._key_time = array("f")
        self.keyframes = ImageIndex()
        self.audio = AudioIndex()

    # ------------------------------------------------------------ building

    def __len__(self) -> int:
        return len(self._ids)

    def work_id(self, number: int) -> str | int:
        return self._ids[number]

    def duration(self, number: int) -> float:
        return self._durations[number]

    def deleted(self, number: int) -> bool:
        return bool(self._deleted[number])

    def audio_start(self, number: int) -> float:
        return self._audio_starts[number]

    def add(
        self, work_id: str | int, fingerprint: VideoFingerprint, *, audio_start: float = 0.0
    ) -> int:
        """Add a reference video's fingerprint; its work number (also its soundtrack's id in
        ``audio``)."""
        number = len(self._ids)
        self._ids.append(work_id)
        self._durations.append(float(fingerprint.duration))
        self._deleted.append(0)
        self._audio_starts.append(float(audio_start))
        n = len(fingerprint)
        if n:
            self._tail.append(np.ascontiguousarray(fingerprint.hashes, np.uint8))
            self._entry_work.extend([number] * n)
            self._entry_start.extend(np.asarray(fingerprint.starts, np.float32).tolist())
            self._entry_end.extend(np.asarray(fingerprint.ends, np.float32).tolist())
        for keyframe, time in zip(fingerprint.keyframes, fingerprint.key_times, strict=True):
            # The image work's id is the video's number (one pass deletes them all); its
            # image work number is the keyframe's number.
            if self.keyframes.add(number, keyframe) != len(self._key_work):
                raise RuntimeError("the keyframe index is out of step with the keyframes")
            self._key_work.append(number)
            self._key_time.append(float(time))
        return number

    def delete(self, work_id: str | int) -> bool:
        found = False
        for number, known in enumerate(self._ids):
            if known == work_id and not self._deleted[number]:
                self._deleted[number] = 1
                self.audio.delete(number)
                self.keyframes.delete(number)
                found = True
        return found

    def _sealed(self) -> list[PdqSegment]:
        if self._tail:
            hashes = np.concatenate(self._tail)
            entries = np.arange(self._tail_first, self._tail_first + hashes.shape[0])
            self._segments.append(PdqSegment.build(hashes, entries.astype(np.uint32)))
            self._tail_first += hashes.shape[0]
            self._tail = []
            if len(self._segments) > MAX_SEGMENTS:
                self._segments = [self._merged()]
        return self._segments

    def _merged(self) -> PdqSegment:
        return PdqSegment.build(
            np.concatenate([np.asarray(s.hashes) for s in self._segments]),
            np.concatenate([np.asarray(s.works) for s in self._segments]),
        )

    # ------------------------------------------------------------ searching

    def _hits(self, query: VideoFingerprint) -> tuple[np.ndarray, ...]:
        """(query time, work, reference start, reference end, weight, likeness) of every
        hit; likeness ranks a query frame's hits by resemblance: a PDQ hit's is 1000 minus its
        distance, a keyframe's its inliers (fewer: a frame resembles its keyframe's neighbours
        in the same shot too, and a close PDQ hash places a frame more sharply)."""
        parts: list[tuple[np.ndarray, ...]] = []
        entry_work = np.frombuffer(self._entry_work, dtype=np.uint32)
        entry_start = np.frombuffer(self._entry_start, dtype=np.float32)
        entry_end = np.frombuffer(self._entry_end, dtype=np.float32)
        if len(query):
            for segment in self._sealed():
                rows, entries, distances = segment.search(query.hashes, PDQ_RADIUS)
                if rows.size:
                    parts.append(
                        (
                            np.asarray(query.starts, np.float64)[rows],
                            entry_work[entries].astype(np.int64),
                            entry_start[entries].astype(np.float64),
                            entry_end[entries].astype(np.float64),
                            pdq_score(distances),
                            1000.0 - distances,
                        )
                    )
        key_work = np.frombuffer(self._key_work, dtype=np.uint32)
        key_time = np.frombuffer(self._key_time, dtype=np.float32)
        if len(self.keyframes):
            for keyframe, time in zip(query.keyframes, query.key_times, strict=True):
                found = [
                    h
                    for h in self.keyframes.search(keyframe, (keyframe.width, keyframe.height))
                    if h.inliers >= MIN_INLIERS
                ]
                if not found:
                    continue
                keys = np.array([h.work for h in found], np.int64)
                inliers = np.array([h.inliers for h in found], np.float64)
                at = key_time[keys].astype(np.float64)
                parts.append(
                    (
                        np.full(keys.size, float(time)),
                        key_work[keys].astype(np.int64),
                        at - KEY_SPREAD,
                        at + KEY_SPREAD,
                        keypoint_score(inliers),
                        inliers,
                    )
                )
        if not parts:
            empty = np.zeros(0)
            return empty, empty.astype(np.int64), empty, empty, empty, empty
        columns = [np.concatenate(p) for p in zip(*parts, strict=True)]
        alive = np.frombuffer(self._deleted, dtype=np.uint8)[columns[1]] == 0
        return tuple(c[alive] for c in columns)

    def search(self, query: VideoFingerprint) -> list[VideoHit]:
        """Works aligned with the query, best first (visual evidence)."""
        q, works, r0, r1, weight, likeness = self._hits(query)
        if not q.size:
            return []
        hits = []
        for work in _top_works(works, q, weight):
            mine = works == work
            hit = self._align(
                work, q[mine], r0[mine], r1[mine], weight[mine], likeness[mine], query.duration
            )
            if hit is not None:
                hits.append(hit)
        hits.sort(key=lambda h: (-h.score, -h.weight, h.work))
        return hits

    def _align(
        self,
        work: int,
        q: np.ndarray,
        r0: np.ndarray,
        r1: np.ndarray,
        weight: np.ndarray,
        likeness: np.ndarray,
        query_duration: float,
    ) -> VideoHit | None:
        reference_duration = self._durations[work]
        alignments: list[tuple[float, float, float, np.ndarray, np.ndarray]] = []
        left = np.ones(q.size, bool)
        for _ in range(ALIGNMENTS):
            if not left.any():
                break
            best = _vote(q[left], r0[left], r1[left], weight[left])
            if best is None:
                break
            best = (best[0], _deepest(best, q[left], r0[left], r1[left]))
            speed, offset = _fit(best, q[left], r0[left], r1[left], likeness[left])
            frames, frame_weights = _fitting(
                speed, offset, q[left], r0[left], r1[left], weight[left]
            )
            total = float(frame_weights.sum())
            if not frames.size or (alignments and total < MIN_EXTRA):
                break
            alignments.append((total, speed, offset, frames, frame_weights))
            left &= ~np.isin(q, frames)
        if not alignments:
            return None
        total, speed, offset, _, _ = alignments[0]
        segments: list[VideoSegment] = []
        count = 0
        for _, s, o, frames, weights in alignments:
            count += frames.size
            # Frames that fit by a weak hit add evidence but do not stretch a segment: near
            # the copy's ends a chance hit within the tolerance would.
            placing = frames[weights >= SEGMENT_WEIGHT]
            for start, end in _stretches(placing if placing.size else frames):
                q_start = max(0.0, start - STEP / 2)
                q_end = min(max(query_duration, end), end + STEP / 2)
                segments.append(
                    VideoSegment(
                        q_start,
                        q_end,
                        float(np.clip(o + s * q_start, 0.0, reference_duration)),
                        float(np.clip(o + s * q_end, 0.0, reference_duration)),
                    )
                )
        segments.sort(key=lambda s: s.query_start)
        weight_sum = sum(a[0] for a in alignments)
        return VideoHit(
            work=work,
            score=float(evidence_score(weight_sum)),
            evidence=count,
            weight=weight_sum,
            speed=speed,
            offset=offset,
            segments=tuple(segments),
        )

    # ------------------------------------------------------------ persistence

    def save(self, directory: str | os.PathLike[str]) -> None:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        segments = self._sealed()
        if len(segments) > 1:
            self._segments = segments = [self._merged()]
        if segments:
            segments[0].save(path / "pdq")
        else:
            PdqSegment.build(np.zeros((0, 32), np.uint8), np.zeros(0, np.uint32)).save(path / "pdq")
        np.savez(
            path / "entries.npz",
            work=np.frombuffer(self._entry_work, np.uint32),
            start=np.frombuffer(self._entry_start, np.float32),
            end=np.frombuffer(self._entry_end, np.float32),
        )
        np.savez(
            path / "keyframes.npz",
            work=np.frombuffer(self._key_work, np.uint32),
            time=np.frombuffer(self._key_time, np.float32),
        )
        self.keyframes.save(path / "keyframes")
        self.audio.save(path / "audio")
        manifest = {
            "format": FORMAT_VERSION,
            "ids": self._ids,
            "durations": list(self._durations),
            "deleted": [bool(d) for d in self._deleted],
            "audio_starts": list(self._audio_starts),
        }
        (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    @classmethod
    def open(cls, directory: str | os.PathLike[str]) -> VideoIndex:
        path = Path(directory)
        index = cls()
        try:
            manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
            if manifest.get("format") != FORMAT_VERSION:
                raise VideoIndexError(f"{path}: video index format {manifest.get('format')!r}")
            ids = manifest["ids"]
            columns = [manifest["durations"], manifest["deleted"], manifest["audio_starts"]]
            if not isinstance(ids, list) or not all(isinstance(i, str | int) for i in ids):
                raise ValueError("work ids must be strings or integers")
            if not all(isinstance(c, list) and len(c) == len(ids) for c in columns):
                raise ValueError("durations, deletions and audio starts do not match the ids")
            index._ids = list(ids)
            index._durations = array("d", [float(d) for d in columns[0]])
            index._deleted = array("B", [1 if d else 0 for d in columns[1]])
            index._audio_starts = array("d", [float(d) for d in columns[2]])
            with np.load(path / "entries.npz", allow_pickle=False) as saved:
                work = np.ascontiguousarray(saved["work"], np.uint32)
                start = np.ascontiguousarray(saved["start"], np.float32)
                end = np.ascontiguousarray(saved["end"], np.float32)
            with np.load(path / "keyframes.npz", allow_pickle=False) as saved:
                key_work = np.ascontiguousarray(saved["work"], np.uint32)
                key_time = np.ascontiguousarray(saved["time"], np.float32)
            if not (work.shape == start.shape == end.shape and work.ndim == 1):
                raise ValueError("entry columns differ in shape")
            if not (key_work.shape == key_time.shape and key_work.ndim == 1):
                raise ValueError("keyframe columns differ in shape")
            if (work.size and int(work.max()) >= len(ids)) or (
                key_work.size and int(key_work.max()) >= len(ids)
            ):
                raise ValueError("entries of works that are not in the index")
            segment = PdqSegment.open(path / "pdq")
            if len(segment) != work.size or (
                work.size and int(np.asarray(segment.works).max()) >= work.size
            ):
                raise ValueError("the PDQ hashes do not match the entries")
            index._entry_work = array("I", work.tobytes())
            index._entry_start = array("f", start.tobytes())
            index._entry_end = array("f", end.tobytes())
            index._key_work = array("I", key_work.tobytes())
            index._key_time = array("f", key_time.tobytes())
            index._segments = [segment] if len(segment) else []
            index._tail_first = len(segment)
            index.keyframes = ImageIndex.open(path / "keyframes")
            if len(index.keyframes) != key_work.size:
                raise ValueError("the keyframe index does not match the keyframes")
            index.audio = AudioIndex.open(path / "audio")
        except VideoIndexError:
            raise
        except (
            OSError,
            ValueError,
            KeyError,
            TypeError,
            EOFError,
            zipfile.BadZipFile,
            ImageIndexError,
            AudioIndexError,
        ) as error:
            raise VideoIndexError(f"{path}: unreadable video index ({error})") from None
        return index


# ---------------------------------------------------------------- alignment


def _top_works(works: np.ndarray, q: np.ndarray, weight: np.ndarray) -> list[int]:
    """The CANDIDATES works with the most weight (each query frame's best hit once)."""
    key = works * (1 << 24) + np.round(q * 8).astype(np.int64)
    order = np.lexsort((-weight, key))
    first = np.ones(order.size, bool)
    first[1:] = key[order][1:] != key[order][:-1]
    chosen = order[first]
    totals = np.bincount(works[chosen], weights=weight[chosen])
    ranked = np.argsort(-totals, kind="stable")
    return [int(w) for w in ranked[:CANDIDATES] if totals[w] >= MIN_VOTE]


def _vote(
    q: np.ndarray, r0: np.ndarray, r1: np.ndarray, weight: np.ndarray
) -> tuple[float, float] | None:
    """The (speed, offset) cell with the most weight: each query frame counts once per
    cell, with its best hit's weight; a run's hit votes for every offset it spans. A
    changed speed must earn it: the speed nearest 1 whose best cell has at least
    1 - SPEED_MARGIN of the most weight wins (a short clip hardly tells speeds apart, and
    most copies play at the original speed)."""
    tops: list[tuple[float, float, float]] = []  # (weight, speed, offset)
    frame = np.round(q * 8).astype(np.int64)
    for speed in SPEEDS:
        for shift in (0.0, OFFSET_BIN / 2):
            low = np.floor((r0 - speed * q + shift) / OFFSET_BIN).astype(np.int64)
            high = np.floor((r1 - speed * q + shift) / OFFSET_BIN).astype(np.int64)
            span = np.minimum(high - low, 8) + 1
            which = np.repeat(np.arange(q.size), span)
            bins = low[which] + (np.arange(which.size) - np.repeat(np.cumsum(span) - span, span))
            key = bins * (1 << 32) + frame[which]
            w = weight[which]
            order = np.lexsort((-w, key))
            first = np.ones(order.size, bool)
            first[1:] = key[order][1:] != key[order][:-1]
            chosen = order[first]
            cells, inverse = np.unique(bins[chosen], return_inverse=True)
            totals = np.bincount(inverse, weights=w[chosen])
            top = int(np.argmax(totals))
            tops.append((float(totals[top]), float(speed), (cells[top] + 0.5) * OFFSET_BIN - shift))
    if not tops:
        return None
    most = max(t[0] for t in tops)
    enough = [t for t in tops if t[0] >= (1.0 - SPEED_MARGIN) * most]
    _, speed, offset = min(enough, key=lambda t: (abs(t[1] - 1.0), -t[0], t[1]))
    return speed, offset


def _deepest(cell: tuple[float, float], q: np.ndarray, r0: np.ndarray, r1: np.ndarray) -> float:
    """The offset, near the cell's, that the most query frames' hits allow: each hit near
    the cell's line allows the offsets [r0 - speed q, r1 - speed q]; each query frame
    counts once where its hits' allowed offsets overlap; the middle of the deepest stretch
    (the vote's bins are a second wide; this places the line within the hits' spans)."""
    speed, offset = cell
    low, high = r0 - speed * q, r1 - speed * q
    near = (high >= offset - OFFSET_BIN) & (low <= offset + OFFSET_BIN)
    if not near.any():
        return offset
    low, high, frames = low[near], high[near], q[near]
    # A frame's allowed offsets: the union of its hits', as +1/-1 events merged per frame.
    points = np.concatenate([low, high])
    steps = np.concatenate([np.ones(low.size), -np.ones(high.size)])
    owner = np.concatenate([frames, frames])
    order = np.lexsort((-steps, points, owner))
    points, steps, owner = points[order], steps[order], owner[order]
    # Per frame, depth of its own hits; the frame allows a point where that depth is > 0.
    inside = np.zeros(points.size)
    for frame in np.unique(owner):
        mine = owner == frame
        inside[mine] = np.cumsum(steps[mine])
    enters = np.zeros(points.size)
    previous = np.concatenate([[0.0], inside[:-1]])
    first = np.ones(points.size, bool)
    first[1:] = owner[1:] != owner[:-1]
    previous[first] = 0.0
    enters[(previous == 0) & (inside > 0)] = 1.0
    enters[(previous > 0) & (inside == 0)] = -1.0
    order = np.lexsort((-enters, points))
    points, enters = points[order], enters[order]
    depth = np.cumsum(enters)
    top = depth.max()
    if top <= 0:
        return offset
    # The deepest stretch nearest the cell's offset: from a point reaching the top depth to
    # the next point.
    starts = np.flatnonzero(depth == top)
    ends = np.minimum(starts + 1, points.size - 1)
    middles = (points[starts] + points[ends]) / 2
    return float(middles[np.argmin(np.abs(middles - offset))])


def _nearest(predicted: np.ndarray, r0: np.ndarray, r1: np.ndarray) -> np.ndarray:
    return np.clip(predicted, r0, r1)


def _fit(
    cell: tuple[float, float], q: np.ndarray, r0: np.ndarray, r1: np.ndarray, likeness: np.ndarray
) -> tuple[float, float]:
    """Least-squares line through the query frames' most alike hits near the cell's line."""
    speed, offset = cell
    tolerance = OFFSET_BIN
    # Only hits of one instant pin the line (a run's hit fits a range of lines).
    point = r1 - r0 <= STEP
    for _ in range(3):
        predicted = speed * q + offset
        near = point & (np.abs(r0 - predicted) <= tolerance)
        if near.sum() < 3 or np.ptp(q[near]) < 2.0:
            break
        # One point per query frame: its most alike hit (a frame matches every keyframe of
        # its shot, the nearest in time best); ties share.
        index = np.flatnonzero(near)
        times, inverse = np.unique(q[index], return_inverse=True)
        if times.size < 3 or np.ptp(times) < 2.0:
            break
        top = np.full(times.size, -np.inf)
        np.maximum.at(top, inverse, likeness[index])
        chosen = likeness[index] >= top[inverse]
        count = np.bincount(inverse[chosen], minlength=times.size)
        target = np.bincount(inverse[chosen], weights=r0[index][chosen], minlength=times.size)
        slope, intercept = np.polyfit(times, target / count, 1)
        if not SPEEDS[0] - 0.02 <= slope <= SPEEDS[-1] + 0.02:
            break
        speed, offset = float(slope), float(intercept)
        tolerance = ALIGN_TOLERANCE
    return speed, offset


def _fitting(
    speed: float, offset: float, q: np.ndarray, r0: np.ndarray, r1: np.ndarray, weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The query frame times that fit the line, and each one's best fitting weight."""
    predicted = speed * q + offset
    fit = np.abs(_nearest(predicted, r0, r1) - predicted) <= ALIGN_TOLERANCE
    if not fit.any():
        return np.zeros(0), np.zeros(0)
    times, inverse = np.unique(q[fit], return_inverse=True)
    best = np.zeros(times.size)
    np.maximum.at(best, inverse, weight[fit])
    return times, best


def _stretches(times: np.ndarray) -> list[tuple[float, float]]:
    """Runs of fitting frame times without a gap over SEGMENT_GAP."""
    breaks = np.flatnonzero(np.diff(times) > SEGMENT_GAP)
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [times.size - 1]])
    return [(float(times[s]), float(times[e])) for s, e in zip(starts, ends, strict=True)]
