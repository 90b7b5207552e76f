"""The image index: PDQ hashes and ORB descriptors of registered images in faiss.

- **Global**: each work's upright PDQ hash (256 bits) in a ``faiss.IndexBinaryFlat``: a
  query's eight dihedral hashes are compared with every stored hash by exact Hamming distance
  (vectorised popcounts; a million hashes take a few milliseconds per query) and the works
  within ``PDQ_RADIUS`` bits come back. Works whose PDQ quality is too low are not in it.
- **Regions**: every keypoint descriptor (256 bits) in a ``faiss.IndexBinaryMultiHash``: the
  descriptor is cut into ``DESCRIPTOR_CHUNKS`` chunks of ``CHUNK_BITS`` bits, each chunk is a
  hash-table key, and a lookup probes each chunk's bucket and the buckets one bit away; the
  candidates are ranked by full Hamming distance. A descriptor's position in the index maps
  back to its work and to the keypoint's place in the work (``xy``), which the geometric
  check needs.
- **Deletion** is by work: a tombstone applied to every search (``delete``).

Saved as a directory: ``manifest.json`` (format, works), ``pdq.faiss``, ``descriptors.faiss``
and ``keypoints-{work,xy}.npy``.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

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

__all__ = ["ImageHit", "ImageIndex", "ImageWork"]

FORMAT_VERSION = 1
PDQ_RADIUS = 80
DESCRIPTOR_CHUNKS = 16
CHUNK_BITS = 16
#: Nearest reference descriptors taken per query descriptor.
NEIGHBOURS = 4
#: Works checked geometrically per query (and per mirror side), most votes first.
VERIFY_LIMIT = 32
#: A transform that shrinks or enlarges the work more than this is not a copy's.
MAX_SCALE_CHANGE = 6.0


class ImageIndexError(Exception):
    """A broken or incompatible image index directory."""


@dataclass
class ImageWork:
    id: str | int
    width: int
    height: int
    scale: float
    keypoints: int
    pdq_quality: int
    deleted: bool = False


@dataclass(frozen=True)
class ImageHit:
    """A reference work the query matches, with the evidence for it."""

    work: int  # the work's number in the index
    score: float
    inliers: int
    pdq_distance: int  # 256 when the PDQ hashes were not compared
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in query pixels (as given)
    mirrored: bool


def _descriptor_index() -> faiss.IndexBinary:
    index = faiss.IndexBinaryMultiHash(256, DESCRIPTOR_CHUNKS, CHUNK_BITS)
    index.nflip = 1
    return index


class ImageIndex:
    def __init__(self) -> None:
        self.works: list[ImageWork] = []
        self._pdq: faiss.IndexBinary = faiss.IndexBinaryFlat(256)
        self._pdq_work: list[int] = []
        self._descriptors = _descriptor_index()
        self._kp_work: list[np.ndarray] = []
        self._kp_xy: list[np.ndarray] = []
        self._kp_work_all: np.ndarray = np.zeros(0, np.uint32)
        self._kp_xy_all: np.ndarray = np.zeros((0, 2), np.float32)
        self._dirty = False

    # ------------------------------------------------------------ building

    def add(self, work_id: str | int, fingerprint: ImageFingerprint) -> int:
        """Add a reference image's fingerprint; its work number."""
        number = len(self.works)
        keypoints = fingerprint.keypoints
        self.works.append(
            ImageWork(
                id=work_id,
                width=fingerprint.width,
                height=fingerprint.height,
                scale=fingerprint.scale,
                keypoints=len(keypoints),
                pdq_quality=fingerprint.pdq_quality,
            )
        )
        if fingerprint.pdq_usable:
            self._pdq.add(np.ascontiguousarray(fingerprint.pdq.reshape(1, 32)))
            self._pdq_work.append(number)
        if len(keypoints):
            self._descriptors.add(np.ascontiguousarray(keypoints.descriptors))
            self._kp_work.append(np.full(len(keypoints), number, np.uint32))
            self._kp_xy.append(keypoints.xy.astype(np.float32))
            self._dirty = True
        return number

    def delete(self, work_id: str | int) -> bool:
        found = False
        for work in self.works:
            if work.id == work_id and not work.deleted:
                work.deleted = found = True
        return found

    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        if self._dirty:
            self._kp_work_all = np.concatenate([self._kp_work_all, *self._kp_work])
            self._kp_xy_all = np.concatenate([self._kp_xy_all, *self._kp_xy])
            self._kp_work, self._kp_xy = [], []
            self._dirty = False
        return self._kp_work_all, self._kp_xy_all

    @property
    def descriptors(self) -> int:
        return int(self._descriptors.ntotal)

    # ------------------------------------------------------------ searching

    def search(self, query: ImageFingerprint, original: tuple[int, int]) -> list[ImageHit]:
        """Works the query matches or nearly matches, best first.

        ``original`` is the query's (width, height) as given, for the boxes."""
        deleted = np.array([w.deleted for w in self.works], dtype=bool)
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
                    best[hit.work] = ImageHit(
                        hit.work,
                        hit.score,
                        hit.inliers,
                        known.pdq_distance,
                        hit.box,
                        hit.mirrored,
                    )
                elif hit.inliers > known.inliers:
                    best[hit.work] = ImageHit(
                        known.work,
                        known.score,
                        hit.inliers,
                        known.pdq_distance,
                        known.box,
                        known.mirrored,
                    )
        return sorted(best.values(), key=lambda h: (-h.score, h.work))

    def _pdq_hits(self, query: ImageFingerprint) -> dict[int, int]:
        if not self._pdq.ntotal or not query.pdq_usable:
            return {}
        hashes = np.ascontiguousarray(query.pdq.reshape(-1, 32))
        _limits, distances, labels = self._pdq.range_search(hashes, PDQ_RADIUS)
        found: dict[int, int] = {}
        works = np.asarray(self._pdq_work, dtype=np.int64)
        for label, distance in zip(labels.tolist(), distances.tolist(), strict=True):
            work = int(works[label])
            if distance < found.get(work, 257):
                found[work] = int(distance)
        return found

    def _keypoint_hits(
        self,
        query: ImageFingerprint,
        keypoints: Keypoints,
        mirrored: bool,
        original: tuple[int, int],
        deleted: np.ndarray,
    ) -> list[ImageHit]:
        if not len(keypoints) or not self._descriptors.ntotal:
            return []
        kp_work, kp_xy = self._arrays()
        distances, labels = self._descriptors.search(keypoints.descriptors, NEIGHBOURS)
        rows = np.repeat(np.arange(len(keypoints)), NEIGHBOURS)
        labels = labels.reshape(-1)
        keep = (labels >= 0) & (distances.reshape(-1) <= DESCRIPTOR_RADIUS)
        rows, labels = rows[keep], labels[keep]
        works = kp_work[labels].astype(np.int64)
        live = ~deleted[works]
        rows, labels, works = rows[live], labels[live], works[live]
        if not works.size:
            return []
        order = np.lexsort((rows, works))
        rows, labels, works = rows[order], labels[order], works[order]
        starts = np.flatnonzero(np.r_[True, works[1:] != works[:-1]])
        ends = np.r_[starts[1:], works.size]
        # Votes: distinct query keypoints per work.
        votes = np.array(
            [np.unique(rows[s:e]).size for s, e in zip(starts, ends, strict=True)], dtype=np.int64
        )
        chosen = np.flatnonzero(votes >= MIN_CORRESPONDENCES)
        chosen = chosen[np.argsort(-votes[chosen], kind="stable")][:VERIFY_LIMIT]
        hits = []
        for c in chosen.tolist():
            s, e = int(starts[c]), int(ends[c])
            work = int(works[s])
            source = kp_xy[labels[s:e]]
            target = keypoints.xy[rows[s:e]]
            reference = self.works[work]
            tolerance = RANSAC_TOLERANCE * max(reference.width, reference.height)
            inliers, matrix = _similarity(source, target, rows[s:e], labels[s:e], tolerance)
            if matrix is None or inliers < 3:
                continue
            hits.append(
                ImageHit(
                    work=work,
                    score=float(keypoint_score(inliers)),
                    inliers=inliers,
                    pdq_distance=256,
                    box=_box(matrix, self.works[work], query, original, mirrored),
                    mirrored=mirrored,
                )
            )
        return hits

    # ------------------------------------------------------------ persistence

    def save(self, directory: str | os.PathLike[str]) -> None:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        kp_work, kp_xy = self._arrays()
        faiss.write_index_binary(self._pdq, str(path / "pdq.faiss"))
        faiss.write_index_binary(self._descriptors, str(path / "descriptors.faiss"))
        np.save(path / "keypoints-work.npy", kp_work)
        np.save(path / "keypoints-xy.npy", kp_xy)
        manifest = {
            "format": FORMAT_VERSION,
            "works": [asdict(w) for w in self.works],
            "pdq_works": self._pdq_work,
        }
        (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    @classmethod
    def open(cls, directory: str | os.PathLike[str]) -> ImageIndex:
        path = Path(directory)
        try:
            manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
            if manifest.get("format") != FORMAT_VERSION:
                raise ImageIndexError(f"{path}: image index format {manifest.get('format')!r}")
            index = cls()
            index.works = [ImageWork(**w) for w in manifest["works"]]
            index._pdq_work = [int(n) for n in manifest["pdq_works"]]
            index._pdq = faiss.read_index_binary(str(path / "pdq.faiss"))
            index._descriptors = faiss.read_index_binary(str(path / "descriptors.faiss"))
            index._kp_work_all = np.load(path / "keypoints-work.npy")
            index._kp_xy_all = np.load(path / "keypoints-xy.npy")
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
            raise ImageIndexError(f"{path}: not a readable image index ({exc})") from None
        if index._kp_work_all.shape[0] != index._descriptors.ntotal:
            raise ImageIndexError(f"{path}: keypoints and descriptors disagree")
        return index


def _similarity(
    source: np.ndarray,
    target: np.ndarray,
    query_rows: np.ndarray,
    reference_rows: np.ndarray,
    tolerance: float,
) -> tuple[int, np.ndarray | None]:
    """RANSAC similarity transform from reference to query points; the inliers counted once
    per query keypoint and once per reference keypoint."""
    if source.shape[0] < 3:
        return 0, None
    matrix, mask = cv2.estimateAffinePartial2D(
        source.reshape(-1, 1, 2),
        target.reshape(-1, 1, 2),
        method=cv2.RANSAC,
        ransacReprojThreshold=tolerance,
        maxIters=2000,
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
