"""The image index: PDQ hashes and ORB keypoints of registered images.

- **Global**: each work's upright PDQ hash (256 bits) in a chunk index (pdq.py): a query's
  eight dihedral hashes find every stored hash within 31 bits and nearly every one within
  47 (where the PDQ score falls to 0.3), and those found are kept up to ``PDQ_RADIUS``
  bits. Works whose PDQ quality is too low are not in it.
- **Regions**: every keypoint of every work in word segments (words.py): a query's
  descriptors look up the cells of their nearest visual words and vote, through a 64-bit
  signature check, for the works whose keypoints are there; the ``CANDIDATES`` works with
  most votes (per mirror side) are then checked with their full descriptors — each query
  descriptor's ``NEIGHBOURS`` nearest keypoints among the candidates' within
  ``DESCRIPTOR_RADIUS`` bits — and their geometry (RANSAC similarity). The vote touches
  only the probed cells, so its cost grows with the keypoints per cell, not with the works
  indexed. Added works collect in a tail that becomes a segment at the next search or
  save; when more than ``MAX_SEGMENTS`` pile up they are merged into one, and ``save``
  merges them too, so a saved index searches one segment.
- **Works**: one row each in compact columns (``array.array``: working size, scale,
  keypoint count, PDQ quality, tombstone) plus the caller's id — about 60 bytes of Python
  object for a short string id, 14 bytes of columns and 100 of PDQ hash with its chunk
  postings: no Python object per work beyond its id.
- **Deletion** is by work: a tombstone applied to every search (``delete``).

Saved as a directory: ``manifest.json`` (format, ids), ``works.npz`` (the columns), the
PDQ segment's ``.npy`` arrays under ``pdq/`` (opened memory-mapped) and the word segment's
under ``keypoints/`` (its candidate-search arrays read into memory, the rest mapped).
"""

from __future__ import annotations

import json
import os
import zipfile
from array import array
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import cv2
import faiss
import numpy as np

from copyguard.fingerprint.image import (
    DESCRIPTOR_RADIUS,
    MIN_CORRESPONDENCES,
    RANSAC_TOLERANCE,
    ImageFingerprint,
    Keypoints,
    keypoint_score,
    pdq_score,
)
from copyguard.fingerprint.index.pdq import PdqIndex
from copyguard.fingerprint.index.words import (
    CELL_PROBES,
    PROBES,
    WordSegment,
    merge_word_segments,
    signatures,
    vocabulary,
    within_words,
)

__all__ = ["ImageHit", "ImageIndex", "ImageWork"]

FORMAT_VERSION = 5
PDQ_RADIUS = 80
MAX_SEGMENTS = 8
#: Nearest reference descriptors taken per query descriptor.
NEIGHBOURS = 4
#: Works checked with their full descriptors per query and mirror side, most votes first.
CANDIDATES = 8
#: Query keypoints (the strongest) that vote for candidates; all of them are matched
#: against the candidates' descriptors.
VOTERS = 1000
#: RANSAC hypotheses tried at most per candidate.
RANSAC_ITERATIONS = 1000
#: A transform that shrinks or enlarges the work more than this is not a copy's.
MAX_SCALE_CHANGE = 6.0


class ImageIndexError(Exception):
    """A broken or incompatible image index directory."""


@dataclass(frozen=True)
class ImageWork:
    """One indexed work, as read back from the index's columns."""

    id: str | int
    width: int
    height: int
    scale: float
    keypoints: int
    pdq_quality: int
    deleted: bool = False


#: The per-work columns: name, array.array type code.
_COLUMNS = (
    ("width", "H"),
    ("height", "H"),
    ("scale", "f"),
    ("keypoints", "I"),
    ("pdq_quality", "B"),
    ("deleted", "B"),
)


@dataclass(frozen=True)
class ImageHit:
    """A reference work the query matches, with the evidence for it."""

    work: int  # the work's number in the index
    score: float
    inliers: int
    pdq_distance: int  # 256 when the PDQ hashes were not compared
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in query pixels (as given)
    mirrored: bool


class ImageIndex:
    def __init__(self) -> None:
        self._ids: list[str | int] = []
        self._columns: dict[str, array] = {name: array(code) for name, code in _COLUMNS}
        self._pdq = PdqIndex()
        self._segments: list[WordSegment] = []
        self._tail: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._cache: dict[str, np.ndarray] = {}

    # ------------------------------------------------------------ building

    def __len__(self) -> int:
        return len(self._ids)

    def work(self, number: int) -> ImageWork:
        """The work with this number (as in ``ImageHit.work``)."""
        c = self._columns
        return ImageWork(
            id=self._ids[number],
            width=c["width"][number],
            height=c["height"][number],
            scale=c["scale"][number],
            keypoints=c["keypoints"][number],
            pdq_quality=c["pdq_quality"][number],
            deleted=bool(c["deleted"][number]),
        )

    def work_id(self, number: int) -> str | int:
        return self._ids[number]

    def add(self, work_id: str | int, fingerprint: ImageFingerprint) -> int:
        """Add a reference image's fingerprint; its work number."""
        number = len(self._ids)
        keypoints = fingerprint.keypoints
        if not (0 < fingerprint.width < 1 << 16 and 0 < fingerprint.height < 1 << 16):
            raise ValueError("a working image's sides must be between 1 and 65,535 pixels")
        row = (
            fingerprint.width,
            fingerprint.height,
            fingerprint.scale,
            len(keypoints),
            max(0, min(255, fingerprint.pdq_quality)),
            0,
        )
        for (name, _code), value in zip(_COLUMNS, row, strict=True):
            self._columns[name].append(value)
        self._ids.append(work_id)
        if fingerprint.pdq_usable:
            self._pdq.add(fingerprint.pdq, number)
        if len(keypoints):
            self._tail.append(
                (keypoints.descriptors, keypoints.xy, np.full(len(keypoints), number, np.uint32))
            )
        return number

    def delete(self, work_id: str | int) -> bool:
        deleted = self._columns["deleted"]
        found = False
        for number, known in enumerate(self._ids):
            if known == work_id and not deleted[number]:
                deleted[number] = 1
                found = True
        self._cache.pop("deleted", None)
        return found

    def _tombstones(self) -> np.ndarray:
        """Which works are deleted, as a numpy copy of the column kept between searches (a
        view would stop the column from growing)."""
        cached = self._cache.get("deleted")
        if cached is None or cached.size != len(self._ids):
            cached = np.array(self._columns["deleted"], dtype=bool)
            self._cache["deleted"] = cached
        return cached

    def _sealed(self) -> list[WordSegment]:
        """The word segments, the tail sealed into one first."""
        if self._tail:
            descriptors, xy, works = (
                np.concatenate(part) for part in zip(*self._tail, strict=True)
            )
            self._segments.append(WordSegment.build(descriptors, xy, works, vocabulary()))
            self._tail = []
            if len(self._segments) > MAX_SEGMENTS:
                self._segments = [merge_word_segments(self._segments, vocabulary())]
        return self._segments

    def add_segment(self, segment: WordSegment) -> None:
        """Add keypoints built elsewhere (a bulk load) for works already added without
        them; their works must come after every keypoint already indexed."""
        self._sealed()
        if len(segment) and (
            int(segment.owners[-1]) >= len(self._ids)
            or (self._segments and int(segment.owners[0]) <= int(self._segments[-1].owners[-1]))
        ):
            raise ValueError("the segment's works are not the next ones without keypoints")
        self._segments.append(segment)
        if len(segment):  # the works' keypoint counts, as add() would have set them
            counts = self._columns["keypoints"]
            owners = np.asarray(segment.owners)
            works = np.arange(int(owners[0]), int(owners[-1]) + 1)
            found = np.searchsorted(owners, works, side="right") - np.searchsorted(owners, works)
            view = np.frombuffer(counts, dtype=np.uint32)  # writable: array.array's buffer
            view[works] = found
            del view  # release the buffer, so that the column may grow again

    @property
    def descriptors(self) -> int:
        return sum(len(s) for s in self._segments) + sum(len(t[2]) for t in self._tail)

    # ------------------------------------------------------------ searching

    def search(self, query: ImageFingerprint, original: tuple[int, int]) -> list[ImageHit]:
        """Works the query matches or nearly matches, best first.

        ``original`` is the query's (width, height) as given, for the boxes."""
        deleted = self._tombstones()
        best: dict[int, ImageHit] = {}
        full_box = (0, 0, int(original[0]), int(original[1]))
        for work, distance in self._pdq_hits(query).items():
            if deleted[work]:
                continue
            score = float(pdq_score(distance))
            best[work] = ImageHit(work, score, 0, distance, full_box, False)
        sides = [(query.keypoints, False)]
        if query.mirrored is not None:
            sides.append((query.mirrored, True))
        for keypoints, mirrored in sides:
            for hit in self._keypoint_hits(query, keypoints, mirrored, original, deleted):
                known = best.get(hit.work)
                if known is None:
                    best[hit.work] = hit
                elif hit.score > known.score:
                    best[hit.work] = replace(hit, pdq_distance=known.pdq_distance)
                elif hit.inliers > known.inliers:
                    best[hit.work] = replace(known, inliers=hit.inliers)
        return sorted(best.values(), key=lambda h: (-h.score, h.work))

    def _pdq_hits(self, query: ImageFingerprint) -> dict[int, int]:
        if not query.pdq_usable:
            return {}
        return self._pdq.search(query.pdq.reshape(-1, 32), PDQ_RADIUS)

    def _candidates(self, keypoints: Keypoints, deleted: np.ndarray) -> np.ndarray:
        """The works the query's descriptors vote for through the word segments, most
        distinct voting descriptors first, at most ``CANDIDATES``."""
        segments = self._sealed()
        if not len(keypoints) or not segments:
            return np.zeros(0, np.int64)
        voters = keypoints.descriptors[:VOTERS]
        cells = vocabulary().cells(voters, PROBES)[:, :CELL_PROBES]
        marks = signatures(voters)
        found = [within_words(s, cells, marks, DESCRIPTOR_RADIUS) for s in segments]
        rows = np.concatenate([f[0] for f in found])
        works = np.concatenate([f[1] for f in found])
        live = ~deleted[works]
        rows, works = rows[live], works[live]
        if not works.size:
            return works
        voting = np.unique(works * VOTERS + rows) // VOTERS
        candidates, votes = np.unique(voting, return_counts=True)
        order = np.lexsort((candidates, -votes))[:CANDIDATES]
        return candidates[order]

    def _keypoints_of(self, works: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Descriptors, places and works of the keypoints of ``works``."""
        parts = []
        for work in works.tolist():
            for segment in self._segments:
                rows = segment.rows_of(work)
                if rows.stop > rows.start:
                    parts.append((segment.descriptors[rows], segment.xy[rows], work))
                    break
        if not parts:
            return np.zeros((0, 32), np.uint8), np.zeros((0, 2), np.float32), np.zeros(0, np.int64)
        return (
            np.ascontiguousarray(np.concatenate([p[0] for p in parts]), dtype=np.uint8),
            np.concatenate([p[1] for p in parts]).astype(np.float32),
            np.concatenate([np.full(len(p[0]), p[2], np.int64) for p in parts]),
        )

    def _keypoint_hits(
        self,
        query: ImageFingerprint,
        keypoints: Keypoints,
        mirrored: bool,
        original: tuple[int, int],
        deleted: np.ndarray,
    ) -> list[ImageHit]:
        candidates = self._candidates(keypoints, deleted)
        if not candidates.size:
            return []
        descriptors, places, owners = self._keypoints_of(candidates)
        if not owners.size:
            return []
        flat = faiss.IndexBinaryFlat(256)
        flat.add(descriptors)
        # faiss returns distances below the radius: one more, for "at most".
        limits, distance, labels = flat.range_search(
            np.ascontiguousarray(keypoints.descriptors), DESCRIPTOR_RADIUS + 1
        )
        rows = np.repeat(np.arange(len(keypoints)), np.diff(limits).astype(np.int64))
        distance, labels = distance.astype(np.int64), labels.astype(np.int64)
        works, places = owners[labels], places[labels]
        # Each query keypoint's NEIGHBOURS nearest keypoints over all the candidates: a
        # candidate must win its correspondences from the others (an unrelated work checked
        # alone would collect its best chance neighbours).
        order = np.lexsort((distance, rows))
        rows, works, places = rows[order], works[order], places[order]
        first = np.searchsorted(rows, rows, side="left")
        nearest = (np.arange(rows.size) - first) < NEIGHBOURS
        rows, works, places = rows[nearest], works[nearest], places[nearest]
        if not works.size:
            return []
        order = np.lexsort((rows, works))
        rows, works, places = rows[order], works[order], places[order]
        starts = np.flatnonzero(np.r_[True, works[1:] != works[:-1]])
        ends = np.r_[starts[1:], works.size]
        hits = []
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
            if np.unique(rows[s:e]).size < MIN_CORRESPONDENCES:
                continue
            work = int(works[s])
            reference = self.work(work)
            tolerance = RANSAC_TOLERANCE * max(reference.width, reference.height)
            inliers, matrix = _similarity(places[s:e], keypoints.xy[rows[s:e]], tolerance)
            if matrix is None or inliers < 3:
                continue
            hits.append(
                ImageHit(
                    work=work,
                    score=float(keypoint_score(inliers)),
                    inliers=inliers,
                    pdq_distance=256,
                    box=_box(matrix, reference, query, original, mirrored),
                    mirrored=mirrored,
                )
            )
        return hits

    # ------------------------------------------------------------ persistence

    def save(self, directory: str | os.PathLike[str]) -> None:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        segments = self._sealed()
        if len(segments) > 1:
            self._segments = segments = [merge_word_segments(segments, vocabulary())]
        self._pdq.save(path / "pdq")
        if segments:
            segments[0].save(path / "keypoints")
        arrays: dict[str, Any] = {name: np.asarray(self._columns[name]) for name, _ in _COLUMNS}
        np.savez(path / "works.npz", **arrays)
        manifest = {"format": FORMAT_VERSION, "ids": self._ids, "keypoints": bool(segments)}
        (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    @classmethod
    def open(cls, directory: str | os.PathLike[str]) -> ImageIndex:
        path = Path(directory)
        try:
            manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
            if manifest.get("format") != FORMAT_VERSION:
                raise ImageIndexError(f"{path}: image index format {manifest.get('format')!r}")
            index = cls()
            ids = manifest["ids"]
            if not isinstance(ids, list) or not all(isinstance(i, str | int) for i in ids):
                raise ValueError("work ids must be strings or integers")
            index._ids = ids
            with np.load(path / "works.npz", allow_pickle=False) as saved:
                for name, code in _COLUMNS:
                    column = saved[name]
                    if column.shape != (len(ids),):
                        raise ValueError(f"column {name} does not match the ids")
                    index._columns[name] = array(
                        code, np.ascontiguousarray(column, dtype=code).tobytes()
                    )
            index._pdq = PdqIndex.open(path / "pdq")
            pdq_works = index._pdq.works()
            if pdq_works.size and int(pdq_works.max()) >= len(ids):
                raise ValueError("PDQ hashes of works that are not in the index")
            if manifest["keypoints"]:
                index._segments = [WordSegment.open(path / "keypoints")]
                if len(index._segments[0]) and int(index._segments[0].owners[-1]) >= len(ids):
                    raise ValueError("keypoints of works that are not in the index")
        except (
            OSError,
            ValueError,
            KeyError,
            TypeError,
            RuntimeError,
            EOFError,
            zipfile.BadZipFile,
        ) as exc:
            raise ImageIndexError(f"{path}: not a readable image index ({exc})") from None
        return index


def _similarity(
    source: np.ndarray, target: np.ndarray, tolerance: float
) -> tuple[int, np.ndarray | None]:
    """RANSAC similarity transform from reference to query points, and the places (cells of
    the tolerance's size, in both images) where correspondences fit it."""
    if source.shape[0] < 3:
        return 0, None
    matrix, mask = cv2.estimateAffinePartial2D(
        source.reshape(-1, 1, 2),
        target.reshape(-1, 1, 2),
        method=cv2.RANSAC,
        ransacReprojThreshold=tolerance,
        maxIters=RANSAC_ITERATIONS,
        confidence=0.995,
        refineIters=10,
    )
    if matrix is None or mask is None:
        return 0, None
    scale = float(np.hypot(matrix[0, 0], matrix[1, 0]))
    if not (1.0 / MAX_SCALE_CHANGE <= scale <= MAX_SCALE_CHANGE):
        return 0, None
    # Recount in the reference's pixels: a transform that shrinks the work would otherwise
    # gather many chance correspondences inside the tolerance.
    error = np.hypot(*(source @ matrix[:, :2].T + matrix[:, 2] - target).T) / scale
    inlier = error <= tolerance
    # Counted by place, not by keypoint: ORB finds one corner at several pyramid levels, and
    # a chance match of one spot must count once. Places are cells of the tolerance's size.
    return min(_places(source[inlier], tolerance), _places(target[inlier], tolerance * scale)), (
        matrix
    )


def _places(points: np.ndarray, cell: float) -> int:
    cells = np.floor(points / max(cell, 1e-6)).astype(np.int64)
    return int(np.unique(cells[:, 0] * 1_000_003 + cells[:, 1]).size)


def _box(
    matrix: np.ndarray,
    work: ImageWork,
    query: ImageFingerprint,
    original: tuple[int, int],
    mirrored: bool,
) -> tuple[int, int, int, int]:
    corners = np.array(
        [[0, 0], [work.width, 0], [work.width, work.height], [0, work.height]], dtype=np.float64
    )
    placed = corners @ matrix[:, :2].T + matrix[:, 2]
    if mirrored:
        placed[:, 0] = query.width - placed[:, 0]
    placed /= query.scale
    x0, y0 = np.clip(placed.min(axis=0), 0, None)
    x1 = min(float(placed[:, 0].max()), float(original[0]))
    y1 = min(float(placed[:, 1].max()), float(original[1]))
    return round(float(x0)), round(float(y0)), round(x1), round(y1)
