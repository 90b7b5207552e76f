"""Audio fingerprint v0 and its matcher on synthetic music: seeded note sequences played by a
few harmonic instruments and a drum, excerpts disturbed by noise, speech-like noise, lossy
codecs, volume, equalisation and tempo changes."""

from __future__ import annotations

import io
from functools import cache

import av
import numpy as np
import pytest
from scipy import signal

from copyguard.fingerprint.audio import (
    DEFAULT_THRESHOLD,
    AudioMatcher,
    ShortAudioError,
    gen_audio_fingerprint,
)
from copyguard.fingerprint.extract import ExtractionError
from copyguard.fingerprint.extract.audio import AUDIO_RATE, DecodedAudio, load_audio

from .test_extract_audio import add_audio_stream, write_audio

RATE = AUDIO_RATE
REFERENCES = 6
UNRELATED = 4
SECONDS = 60.0
EXCERPT = 10.0
START = 25.0  # the excerpt's start in the reference, seconds


def music(seed: int, seconds: float = SECONDS) -> np.ndarray:
    """A seeded piece: three harmonic instruments playing notes of a scale, and a drum."""
    rng = np.random.default_rng(seed)
    n = round(seconds * RATE)
    out = np.zeros(n, np.float64)
    tonic = 40 + rng.integers(0, 12)
    scale = np.array([0, 2, 4, 5, 7, 9, 11])
    for voice, (octave, beat, partials, decay) in enumerate(
        [(0, 0.5, 6, 3.0), (12, 0.25, 4, 6.0), (24, 0.125, 3, 10.0)]
    ):
        t = 0.0
        while t < seconds:
            length = beat * rng.choice([1, 1, 2, 3])
            step = scale[rng.integers(0, 7)] + 12 * rng.integers(0, 2)
            freq = 440.0 * 2 ** ((tonic + octave + step - 69) / 12)
            count = min(round(length * RATE), n - round(t * RATE))
            time = np.arange(count) / RATE
            envelope = np.minimum(time / 0.01, 1.0) * np.exp(-decay * time / length)
            amplitudes = rng.uniform(0.3, 1.0, partials) / np.arange(1, partials + 1)
            harmonics = np.arange(1, partials + 1)[:, None]
            tone = (amplitudes[:, None] * np.sin(2 * np.pi * freq * harmonics * time)).sum(0)
            at = round(t * RATE)
            out[at : at + count] += (0.3 / (voice + 1)) * envelope * tone
            t += length
    beats = np.arange(0.0, seconds, 0.5)[rng.random(int(np.ceil(seconds / 0.5))) < 0.6]
    burst = round(0.15 * RATE)
    shape = np.exp(-np.arange(burst) / (0.03 * RATE))
    for beat in beats:
        at = round(beat * RATE)
        piece = rng.standard_normal(burst) * shape * 0.3
        out[at : at + burst] += piece[: n - at]
    return (out / np.abs(out).max() * 0.8).astype(np.float32)


@cache
def matcher() -> AudioMatcher:
    m = AudioMatcher()
    for seed in range(REFERENCES):
        m.add_reference(f"song{seed}", decoded(music(seed)))
    return m


def decoded(samples: np.ndarray) -> DecodedAudio:
    samples = np.asarray(samples, np.float32)
    return DecodedAudio(samples, RATE, 0.0, samples.size / RATE, "wav", "pcm_f32le", False)


def excerpt(seed: int, start: float = START, seconds: float = EXCERPT) -> np.ndarray:
    return music(seed)[round(start * RATE) : round((start + seconds) * RATE)]


def with_noise(x: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    gain = np.sqrt(np.mean(x**2) / np.mean(noise**2) / 10 ** (snr_db / 10))
    return (x + gain * noise).astype(np.float32)


def speechlike(n: int, seed: int) -> np.ndarray:
    """Noise in the speech band (300-3400 Hz) modulated at syllable rate (about 4 Hz)."""
    rng = np.random.default_rng(seed)
    noise = signal.sosfilt(
        signal.butter(4, [300, 3400], "bandpass", fs=RATE, output="sos"), rng.standard_normal(n)
    )
    syllables = np.repeat(rng.uniform(0, 1, n // 2000 + 1) ** 2, 2000)[:n]
    envelope = signal.sosfiltfilt(signal.butter(2, 8, fs=RATE, output="sos"), syllables)
    return noise * np.maximum(envelope, 0)


def encode(samples: np.ndarray, fmt: str, codec: str, rate: int, bit_rate: int) -> bytes:
    """``samples`` at RATE encoded mono with ``codec`` at ``rate`` Hz and ``bit_rate``."""
    up = signal.resample_poly(samples, rate, RATE).astype(np.float32)
    out = io.BytesIO()
    with av.open(out, "w", format=fmt) as container:
        stream = add_audio_stream(container, codec, rate, "mono")
        stream.bit_rate = bit_rate
        write_audio(container, stream, up, rate, "mono")
    return out.getvalue()


def best(query) -> object:
    found = matcher().query(query)
    return found[0] if found else None


def assert_found(query, seed: int, offset: float = START, tempo: float = 1.0) -> None:
    hit = best(query)
    assert hit is not None, "nothing found"
    assert hit.reference_id == f"song{seed}", hit
    assert hit.match and hit.score >= DEFAULT_THRESHOLD, hit
    assert abs(hit.offset - offset) <= 0.1, hit
    assert abs(hit.tempo - tempo) <= 0.01, hit


# Clean and disturbed excerpts


@pytest.mark.parametrize("seed", range(REFERENCES))
def test_a_clean_excerpt_is_found_with_its_offset_and_segment(seed):
    start = 10.0 + 7.0 * seed
    assert_found(decoded(excerpt(seed, start)), seed, start)
    hit = best(decoded(excerpt(seed, start)))
    assert 0 <= hit.query_start < hit.query_end <= EXCERPT + 0.1
    assert hit.query_end - hit.query_start > EXCERPT / 2
    assert abs(hit.reference_start - (start + hit.query_start)) < 0.1


def test_a_five_second_excerpt_is_the_best_candidate_at_its_offset():
    # Five seconds carry half the evidence of ten: the right work and offset come first, but
    # the score reaches the threshold only for some excerpts (4 of 6 in the measurements).
    for seed, start in ((1, 40.0), (4, 12.5)):
        hit = best(decoded(excerpt(seed, start, 5.0)))
        assert hit.reference_id == f"song{seed}" and abs(hit.offset - start) <= 0.1, hit


def test_white_noise_at_5_db_snr():
    x = excerpt(2)
    noise = np.random.default_rng(99).standard_normal(x.size)
    assert_found(decoded(with_noise(x, noise, 5.0)), 2)


def test_speech_like_noise_at_5_db_snr():
    x = excerpt(3)
    assert_found(decoded(with_noise(x, speechlike(x.size, 7), 5.0)), 3)


@pytest.mark.xfail(
    strict=True,
    reason="4 to 11 fitting anchors at 0 dB speech-like noise (N0 = 21), the denser query included",
)
def test_speech_like_noise_at_0_db_snr():
    x = excerpt(3)
    assert_found(decoded(with_noise(x, speechlike(x.size, 7), 0.0)), 3)


@pytest.mark.parametrize(
    ("fmt", "codec", "rate", "bit_rate"),
    [
        ("mp3", "libmp3lame", 44100, 64000),
        ("ogg", "libopus", 48000, 32000),
        ("adts", "aac", 44100, 64000),
    ],
)
def test_lossy_encodings_decoded_with_load_audio(fmt, codec, rate, bit_rate):
    data = encode(excerpt(4), fmt, codec, rate, bit_rate)
    audio = load_audio(data)
    # Encoder delay (a few ms to 50 ms of priming) shifts the start a little.
    assert_found(audio, 4)


def test_volume_and_equalisation():
    x = excerpt(5)
    assert_found(decoded(0.3 * x), 5)
    bass_cut = signal.sosfilt(signal.butter(2, 400, "highpass", fs=RATE, output="sos"), x)
    treble_cut = signal.sosfilt(signal.butter(2, 2500, "lowpass", fs=RATE, output="sos"), x)
    assert_found(decoded(bass_cut), 5)
    assert_found(decoded(treble_cut), 5)


@pytest.mark.parametrize("tempo", [0.95, 1.05])
def test_tempo_and_pitch_change_by_resampling(tempo):
    # Played back tempo times faster: the query's second t is the reference's START + tempo t.
    source = excerpt(0, START, EXCERPT * tempo + 0.2)
    up, down = (round(100 / tempo), 100)
    query = signal.resample_poly(source, up, down)[: round(EXCERPT * RATE)]
    assert_found(decoded(query), 0, START, tempo)


def stretch(x: np.ndarray, tempo: float) -> np.ndarray:
    """``x`` played ``tempo`` times faster at the same pitch (a plain phase vocoder)."""
    size, hop = 1024, 256
    window = np.hanning(size)
    spectra = np.fft.rfft(np.lib.stride_tricks.sliding_window_view(x, size)[::hop] * window)
    steps = np.arange(0, spectra.shape[0] - 1, tempo)
    at = steps.astype(int)
    part = (steps - at)[:, None]
    magnitude = (1 - part) * np.abs(spectra[at]) + part * np.abs(spectra[at + 1])
    expected = 2 * np.pi * hop * np.arange(spectra.shape[1]) / size
    advance = np.angle(spectra[at + 1]) - np.angle(spectra[at]) - expected
    advance = advance - 2 * np.pi * np.round(advance / (2 * np.pi)) + expected
    phase = np.angle(spectra[0]) + np.cumsum(np.vstack([0 * advance[:1], advance[:-1]]), axis=0)
    frames = np.fft.irfft(magnitude * np.exp(1j * phase), size) * window
    out = np.zeros(steps.size * hop + size)
    for k, frame in enumerate(frames):
        out[k * hop : k * hop + size] += frame
    return (out / 1.5).astype(np.float32)


@pytest.mark.parametrize("tempo", [0.95, 1.05])
def test_tempo_change_without_pitch_change(tempo):
    source = excerpt(1, START, EXCERPT * tempo + 0.3)
    query = stretch(source, tempo)[: round(EXCERPT * RATE)]
    if tempo == 0.95:
        # This plain phase vocoder smears the peaks: 13 fitting anchors, below N0 = 21 (set
        # on unrelated music, see the engine's docstring), but the best candidate is right.
        hit = best(decoded(query))
        assert hit.reference_id == "song1" and abs(hit.offset - START) <= 0.1, hit
        assert abs(hit.tempo - tempo) <= 0.01, hit
    else:
        assert_found(decoded(query), 1, START, tempo)


# Nothing found


def test_unrelated_music_matches_nothing():
    for seed in range(100, 100 + UNRELATED):
        for start in (5.0, 30.0):
            found = matcher().query(decoded(excerpt(seed, start)))
            assert not any(h.match for h in found), found


def test_silence_and_a_pure_tone_match_nothing():
    assert matcher().query(decoded(np.zeros(5 * RATE, np.float32))) == []
    t = np.arange(5 * RATE) / RATE
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    assert not any(h.match for h in matcher().query(decoded(tone)))


def test_empty_and_too_short_audio():
    with pytest.raises(ShortAudioError, match="too short"):
        gen_audio_fingerprint(np.zeros(100, np.float32))
    with pytest.raises(ShortAudioError):
        matcher().query(decoded(np.zeros(0, np.float32)))
    with pytest.raises(ExtractionError):
        matcher().query(b"")
    # Half a second: too little to identify, nothing matches.
    assert not any(h.match for h in matcher().query(decoded(excerpt(1, 30.0, 0.5))))


def test_the_index_is_saved_and_opened_with_the_same_results(tmp_path):
    from copyguard.fingerprint.index.audio import AudioIndex, AudioIndexError

    m = AudioMatcher()
    m.add_reference("a", decoded(music(0)))
    m.add_reference("b", decoded(music(1)))
    m.index.delete("b")
    m.index.save(tmp_path / "audio")
    opened = AudioMatcher()
    opened.index = AudioIndex.open(tmp_path / "audio")
    assert opened.query(decoded(excerpt(0))) == m.query(decoded(excerpt(0)))
    assert not any(h.reference_id == "b" for h in opened.query(decoded(excerpt(1))))
    (tmp_path / "audio" / "manifest.json").write_text("{", encoding="utf-8")
    with pytest.raises(AudioIndexError, match="unreadable audio index"):
        AudioIndex.open(tmp_path / "audio")


def test_a_deleted_reference_is_no_longer_found():
    m = AudioMatcher()
    m.add_reference("a", decoded(music(0)))
    m.add_reference("b", decoded(music(1)))
    assert m.query(decoded(excerpt(0)))[0].reference_id == "a"
    assert m.index.delete("a")
    assert not any(h.reference_id == "a" for h in m.query(decoded(excerpt(0))))


def test_a_saved_index_maps_its_entries_and_the_first_format_still_opens(tmp_path):
    import json

    from copyguard.fingerprint.index.audio import AudioIndex

    m = AudioMatcher()
    fingerprint = m.add_reference("a", decoded(music(0)))
    m.index.save(tmp_path / "v2")
    opened = AudioIndex.open(tmp_path / "v2")
    assert isinstance(opened._sealed.entries, np.memmap)
    assert opened.entries == len(fingerprint) and opened.nbytes == m.index.nbytes
    # Format 1: the four columns sorted by hash in hashes.npz.
    order = np.argsort(fingerprint.hashes, kind="stable")
    (tmp_path / "v1").mkdir()
    np.savez(
        tmp_path / "v1" / "hashes.npz",
        hashes=fingerprint.hashes[order],
        works=np.zeros(len(fingerprint), np.uint32),
        times=fingerprint.times[order],
        spans=fingerprint.spans[order],
    )
    manifest = {"format": 1, "ids": ["a"], "deleted": [False], "durations": [SECONDS]}
    (tmp_path / "v1" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    old = AudioMatcher()
    old.index = AudioIndex.open(tmp_path / "v1")
    assert old.query(decoded(excerpt(0))) == m.query(decoded(excerpt(0)))
