"""Video containers: opening, demuxing and sampling frames (extract/video.py, on PyAV)
and the video engine's entry point for file bytes (fingerprint/video.py)."""

from __future__ import annotations

from copyguard.fingerprint.extract import ExtractionError
from copyguard.fingerprint.video import ShortVideoError, gen_query_fingerprint, read_video
from fuzz.harness import no_stderr


def TestOneInput(data: bytes) -> None:
    with no_stderr():
        try:
            with read_video(data, query=True) as video:
                gen_query_fingerprint(video)
        except (ExtractionError, ShortVideoError):
            return
