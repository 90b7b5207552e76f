"""Recordings: demuxing and decoding any container's sound (extract/audio.py, on PyAV)
and the audio engine's entry point for file bytes (fingerprint/audio.py)."""

from __future__ import annotations

import numpy as np

from copyguard.fingerprint.audio import ShortAudioError, gen_query_fingerprint, read_audio
from copyguard.fingerprint.extract import ExtractionError
from fuzz.harness import no_stderr


def TestOneInput(data: bytes) -> None:
    with no_stderr():
        try:
            audio = read_audio(data)
        except ExtractionError:
            return
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    try:
        gen_query_fingerprint(audio)
    except ShortAudioError:
        return
