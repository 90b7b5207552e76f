"""Image fingerprints (algorithm v0): a global PDQ hash and ORB keypoints.

The caller supplies a decoded image (``copyguard.fingerprint.extract.image.load_image``:
RGB, orientation applied); ``gen_image_fingerprint`` works on a copy reduced to at most
``WORK_SIDE`` pixels on the long side, a query on ``QUERY_SIDE`` (smaller images are not
enlarged). Algorithm v0:

1. **Global hash**: PDQ (256 bits, Meta's perceptual hash, as used for industry hash sharing)
   of the working image with its quality (0-100, from the image's gradients). The hash is
   used when its quality reaches ``PDQ_QUALITY``, or ``PDQ_MIN_QUALITY`` in an image with at
   least ``MIN_KEYPOINTS`` keypoints: soft artwork (vector shapes) has a low quality but a
   stable hash, while a nearly uniform image's hash is noise and a plain gradient's is the
   hash of every such gradient. A reference stores the upright hash; a query is hashed
   in all eight dihedral variants (mirror and quarter turns), so a flipped or rotated copy is
   found by exact Hamming distance.
2. **Keypoints**: ORB (oriented FAST corners with rotated BRIEF descriptors, 256 bits each)
   on the grey working image, at most ``REF_KEYPOINTS`` for a reference, ``QUERY_KEYPOINTS``
   for a query, over an 8-level pyramid (scale factor 1.2, about 4.3x of scale change inside
   one image pair), chosen among ``CANDIDATE_FACTOR`` times as many corners so that every
   cell of a ``SPREAD_GRID`` x ``SPREAD_GRID`` grid gets a share (a busy background must not
   take them all from a work placed on it). An image with fewer corners than wanted at
   ``FAST_THRESHOLD`` is searched again at ``SOFT_THRESHOLD``: soft artwork has only gentle
   corners. Descriptors are invariant to rotation in the plane, to scale within the
   pyramid's range and to uniform brightness/contrast change, and describe a patch only, so
   they survive crops, overlays, borders and placing the work inside a larger picture. A
   mirrored copy is matched with the descriptors of the mirrored query (computed at query
   time, so the index holds one set per work).
3. **Quality gate**: an image whose PDQ quality is below ``PDQ_QUALITY`` and that has
   fewer than ``MIN_KEYPOINTS`` keypoints is too flat to identify (a blank page, a plain
   gradient): it gets no fingerprint (``FlatImageError``).
4. **Matching** (``ImageMatcher``, index in copyguard.fingerprint.index.image): the query's
   keypoints vote, through visual words, for candidate works; each query descriptor's
   nearest descriptors of the candidates within ``DESCRIPTOR_RADIUS`` bits are its
   correspondences, and every work with at least ``MIN_CORRESPONDENCES`` corresponding
   query keypoints is checked geometrically: a similarity transform (rotation, uniform
   scale, translation) from the reference's keypoints to the query's is estimated with
   RANSAC, and the correspondences it explains within ``RANSAC_TOLERANCE`` of the
   reference's size are the **inliers**, counted by place (cells of the tolerance's size,
   once in each image: one corner found at several pyramid levels, or a chance match of
   one spot, counts once). Unrelated images share scattered descriptor coincidences that
   no single transform explains. The keypoint evidence is the count n, scored
   ``n^g / (n^g + N0^g)``; the transform maps the reference's corners into the query,
   which gives the work's bounding **box** there.
   The global evidence is the smallest PDQ distance d over the dihedral variants, scored
   ``1 / (1 + exp((d - D0) / T))``. A pair's score is the larger of the two, so
   ``score >= 0.5`` (``DEFAULT_THRESHOLD``) means n >= N0 or d <= D0.

Parameters are general, not tuned to particular files (see ``docs/engine.md``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np
import pdqhash

from copyguard.fingerprint.extract.image import DecodedImage, load_image

if TYPE_CHECKING:
    from copyguard.fingerprint.index.image import ImageIndex

__all__ = [
    "D0",
    "DESCRIPTOR_RADIUS",
    "MIN_CORRESPONDENCES",
    "N0",
    "FlatImageError",
    "ImageFingerprint",
    "ImageMatch",
    "ImageMatcher",
    "Keypoints",
    "gen_image_fingerprint",
    "gen_image_fingerprint_v0",
    "gen_query_fingerprint",
    "keypoint_score",
    "pdq_score",
    "read_image",
]

VERSION = 0
#: Long side of the working image, in pixels: a reference's, and a query's (larger, since the
#: work may fill only part of it: placed inside a screenshot or collage).
WORK_SIDE = 512
QUERY_SIDE = 768
REF_KEYPOINTS = 300
QUERY_KEYPOINTS = 1000
#: FAST corner threshold (grey levels): lower than OpenCV's default 20, so that photographs
#: with soft detail and artwork with gentle edges keep enough corners; noise corners are weak
#: and lose to real ones (ORB keeps the strongest by Harris response).
FAST_THRESHOLD = 10
#: Used instead when an image has fewer corners than keypoints wanted at FAST_THRESHOLD.
SOFT_THRESHOLD = 4
PYRAMID_LEVELS = 8
#: Keypoints are chosen from CANDIDATE_FACTOR times as many corners, spread over a grid.
CANDIDATE_FACTOR = 3
SPREAD_GRID = 4
PYRAMID_SCALE = 1.2
#: A PDQ hash is used when its quality reaches PDQ_QUALITY, or PDQ_MIN_QUALITY in an image
#: with at least MIN_KEYPOINTS keypoints (soft artwork has a low quality but a stable hash; a
#: plain gradient has a middling quality, no corners, and the hash of every such gradient).
PDQ_QUALITY = 50
PDQ_MIN_QUALITY = 10
MIN_KEYPOINTS = 16
#: Largest Hamming distance (of 256 bits) at which two ORB descriptors are taken to describe
#: the same patch.
DESCRIPTOR_RADIUS = 64
#: Fewest query keypoints corresponding to a work before its geometry is checked.
MIN_CORRESPONDENCES = 8
#: RANSAC: a correspondence fits the transform within this share of the query's long side.
RANSAC_TOLERANCE = 0.02
#: Keypoint evidence: inliers at which the score is 0.5, and the steepness.
N0 = 15.0
N_GAMMA = 3.0
#: Global evidence: PDQ distance at which the score is 0.5, and the softness.
D0 = 44.0
D_SOFTNESS = 4.0


class FlatImageError(ValueError):
    """The image is too flat (blank, a plain gradient) to identify."""


@dataclass(frozen=True)
class Keypoints:
    """ORB keypoints of one image, strongest first: positions in working-image pixels and
    descriptors."""

    xy: np.ndarray  # float32 (n, 2)
    descriptors: np.ndarray  # uint8 (n, 32)

    def __len__(self) -> int:
        return int(self.xy.shape[0])


@dataclass(frozen=True)
class ImageFingerprint:
    """What the index stores for a reference image (or computes for a query)."""

    version: int
    width: int  # working image size, pixels
    height: int
    scale: float  # working pixels per pixel of the image as given
    pdq: np.ndarray  # uint8 (32,): upright PDQ hash; for a query (8, 32), the dihedral variants
    pdq_quality: int
    keypoints: Keypoints
    # A query's keypoints of its mirror image (left and right swapped), in the mirror's pixels.
    mirrored: Keypoints | None = None

    @property
    def pdq_usable(self) -> bool:
        return self.pdq_quality >= PDQ_QUALITY or (
            self.pdq_quality >= PDQ_MIN_QUALITY and len(self.keypoints) >= MIN_KEYPOINTS
        )


def _working(pixels: np.ndarray, side: int) -> tuple[np.ndarray, float]:
    """The image reduced to at most ``side`` on its long side (area filter), and the scale."""
    if pixels.ndim != 3 or pixels.shape[2] != 3 or pixels.dtype != np.uint8:
        raise ValueError("expected an RGB image as a uint8 array of shape (height, width, 3)")
    height, width = pixels.shape[:2]
    if not height or not width:
        raise ValueError("the image is empty")
    scale = min(1.0, side / max(height, width))
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        pixels = cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
        scale = size[0] / width
    return np.ascontiguousarray(pixels), scale


_ORB: dict[tuple[int, int], cv2.ORB] = {}
_ORB_BORDER = 15  # pixels at the edge of each pyramid level where ORB finds no keypoint


def _orb(features: int, threshold: int = FAST_THRESHOLD) -> cv2.ORB:
    orb = _ORB.get((features, threshold))
    if orb is None:
        orb = cv2.ORB.create(
            nfeatures=features,
            scaleFactor=PYRAMID_SCALE,
            nlevels=PYRAMID_LEVELS,
            edgeThreshold=_ORB_BORDER,
            patchSize=31,
            fastThreshold=threshold,
        )
        _ORB[features, threshold] = orb
    return orb


def _spread(found: list[cv2.KeyPoint], shape: tuple[int, ...], features: int) -> list[int]:
    """Indices of at most ``features`` keypoints, the strongest of each cell of a
    ``SPREAD_GRID`` x ``SPREAD_GRID`` grid first (an equal share each), then the strongest of
    the rest: a busy background must not take every keypoint from the work placed on it."""
    response = np.array([k.response for k in found], dtype=np.float64)
    if len(found) <= features:
        return np.lexsort((np.arange(len(found)), -response)).tolist()
    xy = np.array([k.pt for k in found], dtype=np.float64)
    height, width = shape[:2]
    cell = np.minimum(
        (xy[:, 1] * SPREAD_GRID / height).astype(np.int64), SPREAD_GRID - 1
    ) * SPREAD_GRID + np.minimum((xy[:, 0] * SPREAD_GRID / width).astype(np.int64), SPREAD_GRID - 1)
    order = np.lexsort((-response, cell))
    ranked_cell = cell[order]
    first = np.searchsorted(ranked_cell, ranked_cell, side="left")
    rank_in_cell = np.arange(order.size) - first
    share = features // (SPREAD_GRID * SPREAD_GRID)
    chosen = order[rank_in_cell < share]
    rest = np.setdiff1d(np.arange(len(found)), chosen)
    rest = rest[np.argsort(-response[rest], kind="stable")][: features - chosen.size]
    picked = np.concatenate([chosen, rest])
    # Strongest first (ties by position in ``found``): a caller may take the first few.
    return picked[np.lexsort((picked, -response[picked]))].tolist()


def _keypoints(grey: np.ndarray, features: int) -> Keypoints:
    if min(grey.shape[:2]) <= 2 * _ORB_BORDER:
        # ORB finds nothing within its border of a picture this thin, and on one a few
        # pixels thin its pyramid's smaller levels have no pixels (OpenCV fails an assertion).
        return Keypoints(np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8))
    orb = _orb(features * CANDIDATE_FACTOR)
    found = orb.detect(grey, None)
    if len(found) < features and SOFT_THRESHOLD < FAST_THRESHOLD:
        # Soft artwork (gradients, vector shapes): its gentle corners are all it has.
        orb = _orb(features * CANDIDATE_FACTOR, SOFT_THRESHOLD)
        found = orb.detect(grey, None)
    chosen = [found[i] for i in _spread(list(found), grey.shape, features)]
    kept, descriptors = orb.compute(grey, chosen)
    if descriptors is None or not kept:
        return Keypoints(np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8))
    xy = np.array([k.pt for k in kept], dtype=np.float32).reshape(-1, 2)
    return Keypoints(xy, np.ascontiguousarray(descriptors, dtype=np.uint8))


def _pack(bits: np.ndarray) -> np.ndarray:
    return np.packbits(np.asarray(bits, dtype=np.uint8).reshape(-1, 256), axis=1)


def gen_image_fingerprint_v0(
    pixels: np.ndarray, *, query: bool = False, scale: float = 1.0
) -> ImageFingerprint:
    """Fingerprint of an RGB image (uint8, height x width x 3); see the module docstring.

    ``scale``: the size of ``pixels`` relative to the image as the caller knows it (a decoder
    may have reduced it), so that boxes come out in the caller's pixels. Raises
    FlatImageError when the image is too flat to identify."""
    work, reduced = _working(pixels, QUERY_SIDE if query else WORK_SIDE)
    scale *= reduced
    grey = cv2.cvtColor(work, cv2.COLOR_RGB2GRAY)
    if query:
        hashes, quality = pdqhash.compute_dihedral(work)
        pdq = _pack(np.stack(hashes))
        keypoints = _keypoints(grey, QUERY_KEYPOINTS)
        # In the mirror image's own coordinates: a mirrored copy is then a similarity
        # transform of the work (the box is mirrored back after matching).
        mirrored: Keypoints | None = _keypoints(
            np.ascontiguousarray(grey[:, ::-1]), QUERY_KEYPOINTS
        )
    else:
        bits, quality = pdqhash.compute(work)
        pdq = _pack(bits)[0]
        keypoints = _keypoints(grey, REF_KEYPOINTS)
        mirrored = None
    if int(quality) < PDQ_QUALITY and len(keypoints) < MIN_KEYPOINTS:
        raise FlatImageError("the image is too flat or empty to identify")
    return ImageFingerprint(
        version=VERSION,
        width=int(work.shape[1]),
        height=int(work.shape[0]),
        scale=float(scale),
        pdq=pdq,
        pdq_quality=int(quality),
        keypoints=keypoints,
        mirrored=mirrored,
    )


def gen_image_fingerprint(pixels: np.ndarray, scale: float = 1.0) -> ImageFingerprint:
    """A reference image's fingerprint (current version)."""
    return gen_image_fingerprint_v0(pixels, scale=scale)


def gen_query_fingerprint(pixels: np.ndarray, scale: float = 1.0) -> ImageFingerprint:
    """A query image's fingerprint: dihedral PDQ variants and mirrored keypoints too."""
    return gen_image_fingerprint_v0(pixels, query=True, scale=scale)


def keypoint_score(inliers: np.ndarray | float) -> np.ndarray:
    n = np.power(np.maximum(np.asarray(inliers, dtype=np.float64), 0.0) / N0, N_GAMMA)
    return n / (1.0 + n)


def pdq_score(distance: np.ndarray | float) -> np.ndarray:
    d = np.asarray(distance, dtype=np.float64)
    return 1.0 / (1.0 + np.exp((d - D0) / D_SOFTNESS))


# ---------------------------------------------------------------- matching

#: A pair scoring at least this is a match (see the module docstring, step 4).
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class ImageMatch:
    reference_id: str | int
    score: float
    match: bool
    # Where the work lies in the query: x0, y0, x1, y1 in the query's pixels (the whole
    # query when only the global hash matched).
    box: tuple[int, int, int, int] | None
    inliers: int  # places where the reference's keypoints fit the transform
    pdq_distance: int  # smallest PDQ distance over the dihedral variants (256: not compared)
    mirrored: bool = False


ImageSource = str | os.PathLike[str] | bytes | DecodedImage


def read_image(source: ImageSource) -> DecodedImage:
    """``source`` decoded at the size the engine works on (references and queries alike);
    raises ``ExtractionError`` when it cannot be read."""
    if isinstance(source, DecodedImage):
        return source
    return load_image(source, max_side=max(WORK_SIDE, QUERY_SIDE))


class ImageMatcher:
    """Reference images in an ``ImageIndex``, and queries against them.

    Sources are paths, file bytes or decoded images; unreadable ones raise
    ``copyguard.fingerprint.extract.ExtractionError`` and images too flat to identify
    ``FlatImageError``."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        from copyguard.fingerprint.index.image import ImageIndex

        self.threshold = threshold
        self.index: ImageIndex = ImageIndex()

    def add_reference(self, reference_id: str | int, source: ImageSource) -> ImageFingerprint:
        image = read_image(source)
        fingerprint = gen_image_fingerprint(image.pixels, image.scale)
        self.index.add(reference_id, fingerprint)
        return fingerprint

    def query(self, source: ImageSource, candidates: bool = True) -> list[ImageMatch]:
        """Matches of the query, best first: every retrieved reference when ``candidates``,
        else only those scoring at least the threshold."""
        image = read_image(source)
        fingerprint = gen_query_fingerprint(image.pixels, image.scale)
        found = []
        for hit in self.index.search(fingerprint, (image.width, image.height)):
            if not candidates and hit.score < self.threshold:
                continue
            found.append(
                ImageMatch(
                    reference_id=self.index.work_id(hit.work),
                    score=hit.score,
                    match=hit.score >= self.threshold,
                    box=hit.box,
                    inliers=hit.inliers,
                    pdq_distance=hit.pdq_distance,
                    mirrored=hit.mirrored,
                )
            )
        return found
