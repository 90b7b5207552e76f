# ruff: noqa: RUF001, RUF003  (×, – in prose and tables)
"""Audio (and, later, video) engine speed: fingerprinting throughput, query latency, index size.

    .venv/bin/python bench/av_speed.py [--quick] [--no-record] [--media audio|video|all]
        [--pieces N] [--hours H,H,...] [--queries N] [--core C]

Audio questions (``audio_speed``), one core (the process is pinned to ``--core``):

1. How many times real time does one core fingerprint audio, decoding included (target:
   300)? ``--pieces`` compositions of 90 s (bench/audiogen.py: MIDI rendered by fluidsynth)
   are written as MP3 128 kbit/s 44.1 kHz files and as 16-bit 44.1 kHz WAV files; each file is
   read as ``AudioMatcher`` reads it (``load_audio``: decoded and resampled to 11,025 Hz mono)
   and fingerprinted as a reference (``gen_audio_fingerprint``) and as a query
   (``gen_query_fingerprint``). Peer in the same run: Chromaprint's ``fpcalc -raw`` on the
   same files (the process, decoding included).
2. How many bytes does an hour of reference audio take in the index, in memory (the sorted
   arrays) and saved (``AudioIndex.save``)?
3. How long does the search for a 10 s clip take against large indexes (target: 50 ms against
   10,000 hours)? The index holds the real pieces and a synthetic fill up to each of
   ``--hours``: works of 4 minutes whose entries have the real pieces' density, hashes drawn
   from the real pieces' hashes (so posting lists are as long as real music makes them, the
   common chord shapes included), spans drawn the same way and anchor times uniform. The
   queries are 10 s excerpts of the real pieces (clean, white noise at 5 dB, MP3 64 kbit/s),
   fingerprinted once; the time is ``AudioIndex.search`` alone (the query's fingerprint is
   question 1) with p50, p95 and p99, and whether the true piece still comes first and
   matches. Chance hits grow with the index, so the figure is measured at sizes that fit this
   machine, and the report says what 10,000 hours would hold.

``--media video`` runs ``video_speed(args)`` from ``bench/video_speed_section.py`` when that
module exists (the video engine's part, written separately); ``all`` runs what is there.
``--quick`` uses a few short pieces and a small fill: for checking the script only.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import audiogen as A
from bench.common import markdown_table, parser, record, rng

TARGET_REALTIME = 300.0
TARGET_MS = 50.0
TARGET_HOURS = 10_000
SECONDS = 90.0
WORK_SECONDS = 240.0
RATE = 11025


@contextlib.contextmanager
def one_core(core: int) -> Iterator[int]:
    """Pin this process to ``core`` (or the last allowed one) for the block."""
    if not hasattr(os, "sched_setaffinity"):
        yield -1
        return
    before = os.sched_getaffinity(0)
    chosen = core if core in before else max(before)
    os.sched_setaffinity(0, {chosen})
    try:
        yield chosen
    finally:
        os.sched_setaffinity(0, before)


def _cpu() -> float:
    return time.process_time()


def fingerprint_speed(
    pieces: list[np.ndarray], root: Path, piece_seconds: float
) -> tuple[list[list[object]], float]:
    """Rows (system, files, times real time) and copyguard's reference rate on MP3."""
    from copyguard.fingerprint.audio import gen_audio_fingerprint, gen_query_fingerprint
    from copyguard.fingerprint.extract.audio import load_audio

    files: dict[str, list[Path]] = {"MP3 128 kbit/s": [], "WAV 16-bit": []}
    for i, x in enumerate(pieces):
        files["MP3 128 kbit/s"].append(root / f"p{i}.mp3")
        files["MP3 128 kbit/s"][-1].write_bytes(A.encode(x, "mp3", RATE, bit_rate=128_000))
        files["WAV 16-bit"].append(root / f"p{i}.wav")
        files["WAV 16-bit"][-1].write_bytes(A.wav_bytes(A.resample(x, RATE, 44100), 44100))
    seconds = len(pieces) * piece_seconds
    gen_audio_fingerprint(load_audio(files["WAV 16-bit"][0]))  # warm-up (imports, caches)
    gen_query_fingerprint(load_audio(files["WAV 16-bit"][0]))
    rows: list[list[object]] = []
    reference_mp3 = 0.0
    for kind, paths in files.items():
        for label, fingerprint in (
            ("copyguard, reference", gen_audio_fingerprint),
            ("copyguard, query", gen_query_fingerprint),
        ):
            clock = _cpu()
            decode = 0.0
            for path in paths:
                at = _cpu()
                audio = load_audio(path)
                decode += _cpu() - at
                fingerprint(audio)
            spent = _cpu() - clock
            rows.append(
                [label, kind, len(paths), f"{seconds / spent:,.0f}", f"{seconds / decode:,.0f}"]
            )
            if label == "copyguard, reference" and kind.startswith("MP3"):
                reference_mp3 = seconds / spent
        if shutil.which("fpcalc"):
            clock = time.perf_counter()
            for path in paths:
                subprocess.run(
                    ["fpcalc", "-raw", "-length", "0", str(path)], capture_output=True, check=False
                )
            spent = time.perf_counter() - clock
            rows.append(
                ["Chromaprint (fpcalc process)", kind, len(paths), f"{seconds / spent:,.0f}", ""]
            )
    return rows, reference_mp3


def synthetic_fill(
    index: Any, hashes: np.ndarray, spans: np.ndarray, density: float, hours: float, label: str
) -> int:
    """Add synthetic works of WORK_SECONDS up to ``hours`` of audio; the works added."""
    from copyguard.fingerprint.audio import FRAMES_PER_SECOND, VERSION, AudioFingerprint

    g = rng(label)
    works = int(hours * 3600 / WORK_SECONDS)
    per_work = int(density * WORK_SECONDS)
    frames = int(WORK_SECONDS * FRAMES_PER_SECOND)
    for w in range(works):
        pick = g.integers(0, hashes.size, per_work)
        times = np.sort(g.integers(0, frames, per_work)).astype(np.uint32)
        index.add(
            f"fill{label}/{w}",
            AudioFingerprint(VERSION, WORK_SECONDS, 0, hashes[pick], times, spans[pick]),
        )
    return works


def audio_speed(args: Any) -> str:
    from copyguard.fingerprint.audio import N0, gen_audio_fingerprint, gen_query_fingerprint
    from copyguard.fingerprint.index.audio import HASH_BITS, AudioIndex

    started = time.perf_counter()
    seconds = 30.0 if args.quick else SECONDS
    pieces = A.music(args.pieces, seconds, 300_000)
    unrelated = A.music(max(2, args.pieces // 4), seconds, 400_000)
    with (
        one_core(args.core) as core,
        tempfile.TemporaryDirectory(prefix="copyguard-av-speed-") as tmp,
    ):
        root = Path(tmp)
        speed_rows, reference_rate = fingerprint_speed(pieces, root, seconds)

        # 2. Index size.
        index = AudioIndex()
        prints = [gen_audio_fingerprint(x) for x in pieces]
        for i, fp in enumerate(prints):
            index.add(f"piece{i}", fp)
        hours_real = len(pieces) * seconds / 3600
        entries = sum(len(fp) for fp in prints)
        density = entries / (len(pieces) * seconds)
        fixed = ((1 << HASH_BITS) + 1) * 8  # the bucket directory, whatever the size
        memory = index.nbytes - fixed
        index.save(root / "index")
        disk = sum(p.stat().st_size for p in (root / "index").iterdir()) - fixed
        per_hour_memory, per_hour_disk = memory / hours_real, disk / hours_real

        # 3. Latency.
        all_hashes = np.concatenate([fp.hashes for fp in prints])
        all_spans = np.concatenate([fp.spans for fp in prints])
        g = rng("av_speed/queries")
        queries = []
        for k in range(args.queries):
            piece = int(g.integers(len(pieces)))
            start = float(g.uniform(0, seconds - 11))
            x = A.excerpt(pieces[piece], start, 10.0)
            kind = ("clean", "white noise 5 dB", "MP3 64 kbit/s")[k % 3]
            if kind == "white noise 5 dB":
                x = A.white_noise(x, 5.0, k)
            elif kind == "MP3 64 kbit/s":
                x = A.reencode(x, "mp3")
            queries.append((piece, gen_query_fingerprint(x)))
        strangers = []
        for k in range(args.queries):
            x = unrelated[k % len(unrelated)]
            strangers.append(
                gen_query_fingerprint(A.excerpt(x, float(g.uniform(0, seconds - 11)), 10.0))
            )
        baseline = [index.search(fp) for _, fp in queries]
        latency_rows: list[list[object]] = []
        filled = hours_real
        for hours in sorted(args.hours):
            if hours > filled:
                synthetic_fill(index, all_hashes, all_spans, density, hours - filled, f"{hours}")
                filled = hours
            index.search(queries[0][1])  # seals the added works
            times_ms, same, found = [], 0, 0
            for (piece, fp), before in zip(queries, baseline, strict=True):
                clock = time.perf_counter()
                hits = index.search(fp)
                times_ms.append((time.perf_counter() - clock) * 1000)
                top = hits[0] if hits else None
                found += bool(
                    top and index.work_id(top.work) == f"piece{piece}" and top.score >= 0.5
                )
                same += bool(
                    before
                    and top
                    and top.work == before[0].work
                    and top.evidence == before[0].evidence
                )
            answers = [index.search(fp) for fp in strangers]
            chance = [max((h.evidence for h in found), default=0) for found in answers]
            false = sum(1 for found in answers if any(h.score >= 0.5 for h in found))
            p50, p95, p99 = np.percentile(times_ms, [50, 95, 99])
            latency_rows.append(
                [f"{filled:,.0f}", f"{len(index):,}", f"{index.entries:,}",
                 f"{p50:.0f}", f"{p95:.0f}", f"{p99:.0f}", f"{found}/{len(queries)}",
                 f"{same}/{len(queries)}", f"{false}/{len(strangers)}", max(chance)]
            )  # fmt: skip
        del index

    at_target = density * 3600 * TARGET_HOURS
    table1 = markdown_table(
        [
            "system",
            "files",
            "count",
            "× real time (decoding included)",
            "× real time (decoding alone)",
        ],
        speed_rows,
    )
    table3 = markdown_table(
        ["hours indexed", "works", "entries", "search p50 (ms)", "p95", "p99",
         "true piece first and matching", "same best answer as without the fill",
         "unrelated clips matching", "their largest evidence"],
        latency_rows,
    )  # fmt: skip
    verdict = "met" if reference_rate >= TARGET_REALTIME else "missed"
    return (
        f"One core (CPU {core}); {len(pieces)} pieces of {seconds:.0f} s of rendered MIDI music "
        f"({len(unrelated)} more, never indexed, for the unrelated clips).\n\n"
        f"**1. Fingerprinting** (CPU time; ×real time = audio seconds per CPU second):\n\n{table1}\n\n"
        f"Reference fingerprinting of MP3 files: **{reference_rate:,.0f}× real time** (target ≥ "
        f"{TARGET_REALTIME:.0f}: {verdict}).\n\n"
        f"**2. Index size**: {density:.0f} entries per second of reference audio; "
        f"**{per_hour_memory / 2**20:.1f} MiB per hour** in memory (8 bytes an entry: work, time, span; "
        f"the hash is the bucket), {per_hour_disk / 2**20:.1f} MiB per hour saved, plus the "
        f"bucket directory's {fixed / 2**20:.0f} MiB whatever the size. {TARGET_HOURS:,} hours "
        f"would hold {at_target:.2e} entries, {per_hour_memory * TARGET_HOURS / 2**30:,.0f} GiB.\n\n"
        f"**3. Search latency** of 10 s clips ({args.queries} queries: clean, white noise 5 dB, "
        f"MP3 64 kbit/s; the query's fingerprint apart), real pieces plus a synthetic fill with "
        f"the real hash distribution; as many 10 s clips of unindexed pieces check the decision "
        f"threshold (evidence N0 = {N0:.0f} distinct anchors) as the index grows:\n\n{table3}\n\n"
        f"Run {time.perf_counter() - started:.0f} s.\n"
    )


def _video_section() -> Callable[[Any], str] | None:
    try:
        module = importlib.import_module("bench.video_speed_section")
    except ImportError:
        return None
    return getattr(module, "video_speed", None)


def main(argv: list[str] | None = None) -> int:
    p = parser("audio/video engine speed: fingerprinting, search latency, index size")
    p.add_argument("--media", choices=("audio", "video", "all"), default="all")
    p.add_argument("--pieces", type=int, default=20, help="rendered pieces of 90 s")
    p.add_argument(
        "--hours",
        default="3,10,30",
        help="comma-separated index sizes (hours) for the latency (default 3,10,30)",
    )
    p.add_argument("--queries", type=int, default=30, help="10 s clips searched")
    p.add_argument("--core", type=int, default=1, help="CPU to pin to")
    args = p.parse_args(argv)
    if args.quick:
        args.pieces, args.hours, args.queries = 3, "1", 6
    args.hours = [float(h) for h in str(args.hours).split(",") if h.strip()]
    parts = []
    if args.media in ("audio", "all"):
        missing = A.missing_tools()
        if missing:
            print(f"needs Debian packages: {' '.join(missing)}", file=sys.stderr)
            return 2
        parts.append(audio_speed(args))
    if args.media in ("video", "all"):
        video = _video_section()
        if video is not None:
            parts.append(video(args))
        elif args.media == "video":
            print("bench/video_speed_section.py (video_speed) is not there", file=sys.stderr)
            return 2
    record("Audio/video speed (bench/av_speed.py)", "\n".join(parts), args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
