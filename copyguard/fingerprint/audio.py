"""Audio fingerprints (algorithm v0): spectral-peak triplets with scale-invariant hashes.

The caller supplies decoded audio (``copyguard.fingerprint.extract.audio.load_audio``: float32
mono at 11025 Hz). Algorithm v0:

1. **Spectrogram**: Hann-windowed frames of ``FFT_SIZE`` samples every ``HOP`` samples (93 ms
   windows, 11.6 ms apart), all transformed at once; log magnitude in dB between
   ``LOW_HZ`` and ``HIGH_HZ``. Each frequency bin's median over the recording is subtracted:
   a static equaliser or a volume change is a per-bin gain, a constant in dB, so it vanishes,
   and so do stationary hums and a pure tone that never changes.
2. **Peaks**: points that are the maximum of their ``PEAK_BINS`` x ``PEAK_FRAMES``
   neighbourhood and stand ``PEAK_CONTRAST`` dB above their bin's median; a peak is kept
   when fewer than ``REF_PEAKS_PER_SECOND`` (30) stronger peaks lie within half a second
   either side of it (a density limit: noisy passages do not flood the index, quiet ones
   keep their few peaks). The frequency of a peak is refined by a parabola through its bin
   and its two neighbours (log2 Hz, continuous). A query keeps more:
   ``QUERY_PEAKS_PER_SECOND`` (45). The rule is monotone, so a query's peaks include every
   peak the reference kept that is still there; what is added over music (speech, noise)
   ranks among its peaks and pushes the music's weaker peaks below the reference's limit,
   and the larger limit keeps them. Only the query pays for it (time), not the index.
3. **Triplets**: each peak (the anchor) is joined with pairs among the first
   ``REF_FAN_OUT`` (8) peaks at least ``MIN_GAP`` frames after it (the third at least
   ``MIN_GAP`` after the second), the last within ``MIN_SPAN``..``MAX_SPAN`` frames. A query
   takes pairs among its first ``QUERY_FAN_OUT`` (12): with half again as many peaks, the
   reference's first 8 after an anchor are among the query's first 12 in most places.
   The hash (uint32) packs only quantities that a tempo or pitch change of a few per cent
   leaves (nearly) unchanged: the time ratio (t2 - t1) / (t3 - t1), the two frequency
   intervals log2(f2 / f1) and log2(f3 / f1) in octaves, and, coarsely, the anchor's
   frequency band and the span t3 - t1 on a log scale. Resampling (tempo and pitch together,
   a sped-up upload), time stretching (tempo alone) and pitch shifting (pitch alone) scale
   times and/or frequencies, and ratios of times and of frequencies are invariant under
   both scalings (the idea of Six and Leman's Panako). The coarse band and span are moved at
   most by ``log2(1.05)``; a query hashes a triplet with every neighbouring quantisation
   level within ``QUERY_TOLERANCE`` of a feature, so boundaries do not lose it. The
   reference stores one hash per triplet.
   Pairs (Wang's Shazam hashes) were rejected: their hash includes an absolute frequency and
   a time difference, so a 5 % change breaks nearly all of them unless the query is hashed
   again at every scale of a grid (both axes for tempo-only change: hundreds of variants).
4. **Matching** (``AudioMatcher``, index in copyguard.fingerprint.index.audio): each query
   hash found in the index gives (work, reference anchor time, query anchor time, ratio of
   the spans). Works are aligned by a vote over a small grid of time scales (0.93..1.07): for
   each scale s the offsets t_ref - s * t_query of the hashes whose span ratio is near s fall
   into histogram bins, one vote per query anchor and bin; the fullest (work, scale, offset)
   cell wins. Its hashes are refitted by least squares (t_ref = tempo * t_query + offset);
   those within ``ALIGN_TOLERANCE`` frames of the line whose own span ratio agrees with the
   tempo within ``SPAN_AGREEMENT`` fit, and the distinct query anchor frames that fit are the
   evidence n, scored
   ``n^g / (n^g + N0^g)``: ``score >= 0.5`` (``DEFAULT_THRESHOLD``) means n >= N0. Chance
   coincidences among unrelated recordings are scattered over offsets and scales and rarely
   line up; the matched segment runs from the first to the last fitting anchor.

The candidate works of step 4 are first narrowed by a coarse vote (copyguard.fingerprint.index
.audio, ``AudioIndex._coarse``): (work, offset at scale 1 about the query's middle) cells of
64 frames; only the hits near the fullest cells go on to the vote over scales.

Parameters are general, not tuned to particular recordings. N0 is the decision threshold,
calibrated on unrelated material: v0 set it to 13 from synthetic test music (unrelated 10 s
queries reached n = 9 against six 60 s references). bench/audio_accuracy.py, on music rendered
from MIDI (100 registered pieces, 2.5 hours; 520 unrelated 5 and 10 s queries of 60 other
pieces, clean or disturbed as the true ones), found unrelated queries reaching n = 20 (99th
percentile 18: pieces sharing a drum kit and a tempo line up beat by beat), 5 % of them
above 13. N0 = 21 is the least n none of them reached. Chance evidence grows with the number
of hits a query draws, so with the index: docs/engine.md says where it stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.fft
from numpy.lib.stride_tricks import sliding_window_view

from copyguard.fingerprint.extract.audio import AUDIO_RATE, DecodedAudio, Source, load_audio

if TYPE_CHECKING:
    from copyguard.fingerprint.index.audio import AudioIndex

__all__ = [
    "DEFAULT_THRESHOLD",
    "N0",
    "AudioFingerprint",
    "AudioMatch",
    "AudioMatcher",
    "ShortAudioError",
    "evidence_score",
    "gen_audio_fingerprint",
    "gen_audio_fingerprint_v0",
    "gen_query_fingerprint",
    "read_audio",
]

VERSION = 0
RATE = AUDIO_RATE
#: 1024 samples (93 ms at 11025 Hz): 10.8 Hz bins, fine enough to separate the harmonics of
#: a low note, short enough that a note's onset is placed within a few frames.
FFT_SIZE = 1024
#: 128 samples = 11.6 ms per frame: offsets are reported to about a frame, and time ratios
#: of spans of 10+ frames are measured to a few per cent.
HOP = 128
FRAMES_PER_SECOND = RATE / HOP
#: The band where music keeps strong peaks through noise and lossy coding.
LOW_HZ = 100.0
HIGH_HZ = 5000.0
#: Peak neighbourhood: +-7 bins (+-75 Hz) by +-6 frames (+-70 ms).
PEAK_BINS = 15
PEAK_FRAMES = 13
#: dB above the bin's median a peak must stand.
PEAK_CONTRAST = 6.0
#: Density limits (step 2) and triplet fan-outs (step 3) of references and of queries.
REF_PEAKS_PER_SECOND = 30
REF_FAN_OUT = 8
QUERY_PEAKS_PER_SECOND = 36
QUERY_FAN_OUT = 10
#: Triplets: the span t3 - t1 in frames.
MIN_SPAN = 8
#: Frames between the anchor and the second peak, and between the second and the third: a
#: peak one frame from another may swap order with it when the excerpt's frames fall
#: between the reference's.
MIN_GAP = 3
MAX_SPAN = 96
#: Quantisation: time ratio in TIME_LEVELS steps; frequency intervals of INTERVAL_STEP
#: octaves within +-INTERVAL_RANGE; anchor band BAND_STEP octaves; span SPAN_STEP octaves.
TIME_LEVELS = 8
INTERVAL_STEP = 1.0 / 8.0
INTERVAL_RANGE = 2.0
BAND_STEP = 0.5
SPAN_STEP = 0.5
#: A query feature within this share of a step (time ratio, intervals) of a boundary is
#: hashed on both sides; the band and span, moved by a tempo/pitch change, by log2(1.06).
QUERY_TOLERANCE = 0.2
SCALE_TOLERANCE = float(np.log2(1.06))
#: Matching: scales searched; offset bin width and the fit tolerance, frames.
SCALES = np.round(np.arange(0.93, 1.0701, 0.005), 3)
OFFSET_BIN = 4
ALIGN_TOLERANCE = 1.5
#: A fitting triplet's span ratio agrees with the fitted tempo within this (log) factor.
SPAN_AGREEMENT = 0.03
#: Evidence: distinct fitting query anchors at which the score is 0.5, and the steepness.
N0 = 21.0
N_GAMMA = 4.0
#: A reference or query needs at least one FFT window of audio.
MIN_SECONDS = FFT_SIZE / RATE

_TIME_BITS, _INTERVAL_BITS, _BAND_BITS, _SPAN_BITS = 3, 5, 4, 3


class ShortAudioError(ValueError):
    """The audio is too short (or empty) to fingerprint."""


@dataclass(frozen=True)
class AudioFingerprint:
    """Triplet hashes of one recording, in anchor-time order.

    ``hashes`` uint32; ``times`` the anchor frame (uint32); ``spans`` t3 - t1 in frames
    (uint16). For a query, a triplet may appear several times with neighbouring hashes."""

    version: int
    duration: float  # seconds
    peaks: int
    hashes: np.ndarray
    times: np.ndarray
    spans: np.ndarray

    def __len__(self) -> int:
        return int(self.hashes.size)


def evidence_score(count: np.ndarray | float) -> np.ndarray:
    n = np.power(np.maximum(np.asarray(count, dtype=np.float64), 0.0) / N0, N_GAMMA)
    return n / (1.0 + n)


# ---------------------------------------------------------------- spectrogram and peaks


def _spectrogram(samples: np.ndarray) -> tuple[np.ndarray, int]:
    """Log magnitude (frames, bins) over LOW_HZ..HIGH_HZ, and the first bin's number."""
    x = np.asarray(samples, dtype=np.float32)
    frames = sliding_window_view(x, FFT_SIZE)[::HOP]
    window = np.hanning(FFT_SIZE).astype(np.float32)
    low = int(np.ceil(LOW_HZ * FFT_SIZE / RATE))
    high = int(np.floor(HIGH_HZ * FFT_SIZE / RATE)) + 1
    # scipy's pocketfft keeps single precision and vectorises: 4x numpy's rfft here.
    spectrum = scipy.fft.rfft(frames * window, axis=1)[:, low:high]
    power = spectrum.real**2 + spectrum.imag**2
    return 10.0 * np.log10(power + 1e-10, dtype=np.float32), low


def _window(a: np.ndarray, start: int, length: int, axis: int) -> np.ndarray:
    where = [slice(None)] * a.ndim
    where[axis] = slice(start, start + length)
    return a[tuple(where)]


def _running_max(a: np.ndarray, size: int, axis: int) -> np.ndarray:
    """The maximum over the ``size`` (odd) values centred on each, along ``axis``, with
    -1e9 beyond the edges: windows of 1, 2, 4, 8 … by doubling, then two overlapping ones
    (the same values as scipy.ndimage.maximum_filter, in half the time for these sizes)."""
    pad = [(0, 0)] * a.ndim
    pad[axis] = (size // 2, size // 2)
    m = np.pad(a, pad, constant_values=-1e9)
    n, width = a.shape[axis], 1
    while width * 2 <= size:
        length = m.shape[axis] - width
        m = np.maximum(_window(m, 0, length, axis), _window(m, width, length, axis))
        width *= 2
    return np.maximum(_window(m, 0, n, axis), _window(m, size - width, n, axis))


def _peaks(samples: np.ndarray, per_second: int) -> tuple[np.ndarray, np.ndarray]:
    """Peak frames (int64) and frequencies (log2 Hz, float64), sorted by frame."""
    db, low = _spectrogram(samples)
    if db.shape[0] < 3:
        return np.zeros(0, np.int64), np.zeros(0)
    contrast = db - np.median(db, axis=0)
    local = _running_max(_running_max(contrast, PEAK_BINS, 1), PEAK_FRAMES, 0)
    is_peak = (contrast == local) & (contrast >= PEAK_CONTRAST)
    is_peak[:, 0] = is_peak[:, -1] = False
    frame, column = np.nonzero(is_peak)
    # Ranked by level, not by contrast: the bin medians depend on how much audio is given,
    # and an excerpt must rank its peaks as its source does.
    strength = db[frame, column]
    # Density limit: a peak is kept when fewer than PEAKS_PER_SECOND peaks within half a
    # second either side are stronger (local, so an excerpt keeps the peaks its source kept).
    half = FRAMES_PER_SECOND / 2
    reach = np.searchsorted(frame, frame + half, side="right") - np.arange(frame.size)
    stronger = np.zeros(frame.size, np.int64)
    for d in range(1, int(reach.max(initial=1))):
        near = frame[d:] - frame[:-d] <= half
        stronger[:-d] += near & (strength[d:] > strength[:-d])
        stronger[d:] += near & (strength[:-d] > strength[d:])
    keep = stronger < per_second
    frame, column = frame[keep], column[keep]
    # Parabolic refinement of the frequency, in dB.
    a, b, c = db[frame, column - 1], db[frame, column], db[frame, column + 1]
    denominator = a - 2.0 * b + c
    shift = np.where(denominator < 0, 0.5 * (a - c) / np.where(denominator < 0, denominator, 1), 0)
    hz = (low + column + np.clip(shift, -0.5, 0.5)) * RATE / FFT_SIZE
    return frame.astype(np.int64), np.log2(hz)


# ---------------------------------------------------------------- triplets and hashes


def _triplets(frames: np.ndarray, pitch: np.ndarray, fan_out: int) -> tuple[np.ndarray, ...]:
    """Indices (i, j, k) of the triplets: anchor i, then j and k among the ``fan_out`` peaks
    that come first after the anchor's frame."""
    n = frames.size
    after = np.searchsorted(frames, frames + MIN_GAP, side="left")
    parts = []
    for a in range(fan_out - 1):
        for b in range(a + 1, fan_out):
            i = np.nonzero(after + b < n)[0]
            j, k = after[i] + a, after[i] + b
            span = frames[k] - frames[i]
            ok = (
                (frames[k] >= frames[j] + MIN_GAP)
                & (span >= MIN_SPAN)
                & (span <= MAX_SPAN)
                & (np.abs(pitch[j] - pitch[i]) < INTERVAL_RANGE)
                & (np.abs(pitch[k] - pitch[i]) < INTERVAL_RANGE)
            )
            parts.append(np.stack([i[ok], j[ok], k[ok]]))
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    ijk = np.concatenate(parts, axis=1)
    order = np.argsort(ijk[0], kind="stable")
    return ijk[0][order], ijk[1][order], ijk[2][order]


def _features(
    frames: np.ndarray, pitch: np.ndarray, fan_out: int
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Continuous features in units of their quantisation step, anchor times and spans."""
    i, j, k = _triplets(frames, pitch, fan_out)
    span = (frames[k] - frames[i]).astype(np.float64)
    features = [
        (frames[j] - frames[i]) / span * TIME_LEVELS,
        (pitch[j] - pitch[i] + INTERVAL_RANGE) / INTERVAL_STEP,
        (pitch[k] - pitch[i] + INTERVAL_RANGE) / INTERVAL_STEP,
        (pitch[i] - np.log2(LOW_HZ)) / BAND_STEP,
        np.log2(span / MIN_SPAN) / SPAN_STEP,
    ]
    return features, frames[i], span


_LIMITS = (
    (1 << _TIME_BITS) - 1,
    (1 << _INTERVAL_BITS) - 1,
    (1 << _INTERVAL_BITS) - 1,
    (1 << _BAND_BITS) - 1,
    (1 << _SPAN_BITS) - 1,
)
_SHIFTS = (0, 3, 8, 13, 17)


def _pack(levels: list[np.ndarray]) -> np.ndarray:
    h = np.zeros(levels[0].shape, np.uint32)
    for value, limit, shift in zip(levels, _LIMITS, _SHIFTS, strict=True):
        h |= np.clip(value, 0, limit).astype(np.uint32) << np.uint32(shift)
    return h


def _tolerances() -> tuple[float, ...]:
    return (
        QUERY_TOLERANCE,
        QUERY_TOLERANCE,
        QUERY_TOLERANCE,
        SCALE_TOLERANCE / BAND_STEP,
        SCALE_TOLERANCE / SPAN_STEP,
    )


def _check(audio: DecodedAudio | np.ndarray) -> tuple[np.ndarray, float]:
    if isinstance(audio, DecodedAudio):
        if audio.rate != RATE:
            raise ValueError(f"audio must be at {RATE} Hz, not {audio.rate}")
        samples = audio.samples
    else:
        samples = np.asarray(audio, dtype=np.float32)
    if samples.ndim != 1:
        raise ValueError("audio must be mono (one dimension)")
    if samples.size < FFT_SIZE:
        raise ShortAudioError(
            f"audio too short to fingerprint: {samples.size / RATE:.3f} s "
            f"(at least {MIN_SECONDS:.3f} s)"
        )
    if not np.all(np.isfinite(samples)):
        samples = np.nan_to_num(samples, nan=0.0, posinf=0.0, neginf=0.0)
    return samples, samples.size / RATE


def gen_audio_fingerprint_v0(audio: DecodedAudio | np.ndarray) -> AudioFingerprint:
    """A reference's fingerprint: one hash per triplet."""
    samples, duration = _check(audio)
    frames, pitch = _peaks(samples, REF_PEAKS_PER_SECOND)
    features, times, span = _features(frames, pitch, REF_FAN_OUT)
    hashes = _pack([np.floor(f) for f in features])
    return AudioFingerprint(
        VERSION,
        duration,
        int(frames.size),
        hashes,
        times.astype(np.uint32),
        span.astype(np.uint16),
    )


def gen_audio_fingerprint(audio: DecodedAudio | np.ndarray) -> AudioFingerprint:
    return gen_audio_fingerprint_v0(audio)


def gen_query_fingerprint(audio: DecodedAudio | np.ndarray) -> AudioFingerprint:
    """A query's fingerprint: each triplet with every quantisation level within the
    tolerance of its features (1 to 32 hashes, about 6 on average)."""
    samples, duration = _check(audio)
    frames, pitch = _peaks(samples, QUERY_PEAKS_PER_SECOND)
    features, times, span = _features(frames, pitch, QUERY_FAN_OUT)
    lows = [np.floor(f - t) for f, t in zip(features, _tolerances(), strict=True)]
    highs = [np.floor(f + t) for f, t in zip(features, _tolerances(), strict=True)]
    hashes, kept_times, kept_spans = [], [], []
    for mask in range(1 << len(features)):
        chosen, ok = [], np.ones(times.size, bool)
        for bit, (lo, hi) in enumerate(zip(lows, highs, strict=True)):
            if mask >> bit & 1:
                chosen.append(hi)
                ok &= hi != lo
            else:
                chosen.append(lo)
        if not ok.any():
            continue
        hashes.append(_pack([c[ok] for c in chosen]))
        kept_times.append(times[ok])
        kept_spans.append(span[ok])
    if hashes:
        h, t, s = np.concatenate(hashes), np.concatenate(kept_times), np.concatenate(kept_spans)
    else:
        h, t, s = np.zeros(0, np.uint32), np.zeros(0), np.zeros(0)
    return AudioFingerprint(
        VERSION, duration, int(frames.size), h, t.astype(np.uint32), s.astype(np.uint16)
    )


# ---------------------------------------------------------------- matching

#: A pair scoring at least this is a match (see the module docstring, step 4).
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class AudioMatch:
    reference_id: str | int
    score: float
    match: bool
    # The matched segment, seconds, in the query and in the reference.
    query_start: float
    query_end: float
    reference_start: float
    reference_end: float
    # Reference time at the query's time 0 (seconds): reference = offset + tempo * query.
    offset: float
    # Reference seconds per query second: above 1 the query plays faster than the reference.
    tempo: float
    evidence: int  # distinct query anchor frames that fit the alignment


AudioSource = Source | DecodedAudio


def read_audio(source: AudioSource) -> DecodedAudio:
    """``source`` decoded at the engine's rate; raises ``ExtractionError`` when it cannot be
    read."""
    if isinstance(source, DecodedAudio):
        return source
    return load_audio(source)


class AudioMatcher:
    """Reference recordings in an ``AudioIndex``, and queries against them.

    Sources are paths, file bytes, file objects or decoded audio; unreadable ones raise
    ``copyguard.fingerprint.extract.ExtractionError`` and too short ones ``ShortAudioError``."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        from copyguard.fingerprint.index.audio import AudioIndex

        self.threshold = threshold
        self.index: AudioIndex = AudioIndex()

    def add_reference(self, reference_id: str | int, source: AudioSource) -> AudioFingerprint:
        fingerprint = gen_audio_fingerprint(read_audio(source))
        self.index.add(reference_id, fingerprint)
        return fingerprint

    def query(self, source: AudioSource, candidates: bool = True) -> list[AudioMatch]:
        """Matches of the query, best first: every aligned reference when ``candidates``,
        else only those scoring at least the threshold."""
        fingerprint = gen_query_fingerprint(read_audio(source))
        found = []
        for hit in self.index.search(fingerprint):
            if not candidates and hit.score < self.threshold:
                continue
            found.append(
                AudioMatch(
                    reference_id=self.index.work_id(hit.work),
                    score=hit.score,
                    match=hit.score >= self.threshold,
                    query_start=hit.query_start,
                    query_end=hit.query_end,
                    reference_start=hit.reference_start,
                    reference_end=hit.reference_end,
                    offset=hit.offset,
                    tempo=hit.tempo,
                    evidence=hit.evidence,
                )
            )
        return found
