"""The ISCC Audio-Code from Chromaprint vectors computed through the system library: equal
to ``fpcalc``'s, close for a re-encoded copy, far for another song, clear errors."""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from pathlib import Path

import av
import iscc_core
import numpy as np
import pytest

from copyguard.fingerprint.extract import ExtractionError, chromaprint
from copyguard.fingerprint.extract.audio import AUDIO_RATE, load_audio
from copyguard.fingerprint.extract.chromaprint import (
    ChromaprintUnavailable,
    chromaprint_vector,
    gen_iscc_audio_code,
)
from copyguard.fingerprint.tests.test_audio import decoded, music
from copyguard.fingerprint.tests.test_extract_audio import add_audio_stream, write_audio


def wav(samples: np.ndarray, path: Path) -> Path:
    pcm = np.clip(np.rint(samples * 32767.0), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(AUDIO_RATE)
        out.writeframes(pcm.tobytes())
    return path


def mp3(samples: np.ndarray) -> bytes:
    out = io.BytesIO()
    with av.open(out, "w", format="mp3") as container:
        stream = add_audio_stream(container, "libmp3lame", AUDIO_RATE, "mono")
        stream.bit_rate = 64000
        write_audio(container, stream, samples, AUDIO_RATE, "mono")
    return out.getvalue()


def distance(a: str, b: str) -> int:
    return int(iscc_core.iscc_distance(a, b))


def test_the_vector_is_fpcalcs_for_the_same_samples(tmp_path: Path) -> None:
    if shutil.which("fpcalc") is None:
        pytest.fail("fpcalc is missing: apt-get install libchromaprint-tools")
    path = wav(music(3, 30.0), tmp_path / "song.wav")

    printed = subprocess.run(
        ["fpcalc", "-ignore-errors", "-raw", "-signed", "-length", "0", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in printed.splitlines() if x.startswith("FINGERPRINT="))
    expected = [int(v) for v in line.split("=", 1)[1].split(",")]

    vector = chromaprint_vector(load_audio(path))
    assert vector.dtype == np.int32
    assert vector.tolist() == expected
    assert len(expected) > 200  # about eight a second over 30 s
    code = gen_iscc_audio_code(load_audio(path))
    assert code == iscc_core.gen_audio_code_v0(expected, 64)["iscc"]
    assert code.startswith("ISCC:EI")


def test_a_reencoded_copy_is_near_and_another_song_is_far() -> None:
    song = music(5, 40.0)
    original = gen_iscc_audio_code(decoded(song))
    copy = gen_iscc_audio_code(load_audio(mp3(song)))
    other = gen_iscc_audio_code(decoded(music(6, 40.0)))

    assert distance(original, copy) <= 8
    assert distance(original, other) >= 16


def test_longer_codes_have_more_bits() -> None:
    code = gen_iscc_audio_code(decoded(music(7, 20.0)), bits=128)
    assert len(iscc_core.decode_base32(code.removeprefix("ISCC:"))) == 2 + 16


def test_too_short_audio_has_no_code() -> None:
    with pytest.raises(ExtractionError, match="too short for an ISCC Audio-Code"):
        gen_iscc_audio_code(decoded(music(8, 0.5)))


def test_samples_that_are_not_numbers_are_refused() -> None:
    samples = music(9, 5.0).copy()
    samples[100] = np.nan
    with pytest.raises(ExtractionError, match="not finite"):
        chromaprint_vector(decoded(samples))


def test_a_missing_library_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(chromaprint.LIBRARY_VARIABLE, "/nonexistent/libchromaprint.so")
    monkeypatch.setattr(chromaprint.ctypes.util, "find_library", lambda name: None)
    real = chromaprint.ctypes.CDLL

    def refuse(name, *args, **kwargs):
        if "chromaprint" in str(name):
            raise OSError(f"{name}: cannot open shared object file")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(chromaprint.ctypes, "CDLL", refuse)
    chromaprint._library.cache_clear()
    try:
        with pytest.raises(ChromaprintUnavailable, match="apt-get install libchromaprint1"):
            gen_iscc_audio_code(decoded(music(10, 5.0)))
    finally:
        chromaprint._library.cache_clear()
