"""Audio material and transformations for the audio and video benchmarks.

Material (real instruments and voices from Debian packages, compositions drawn from a seed):

* :func:`music` — seeded MIDI compositions written here (a key, a mode, a tempo, a chord
  progression, a melody, a bass line and a drum pattern, each part given a General-MIDI
  instrument drawn from its family) rendered by ``fluidsynth`` with the FluidR3 General-MIDI
  sound font (``fluid-soundfont-gm``) to float32 mono at the requested rate.
* :func:`speech` — English fortunes (bench/common.py) read by ``espeak-ng`` with a voice,
  variant, speed and pitch drawn from the seed.

Renders are cached under ``~/.cache/copyguard-bench/audio`` (``COPYGUARD_BENCH_CACHE``
overrides) keyed by everything that determines them, so repeated runs do not render again.

Transformations (all deterministic given their arguments; those that draw take a seed):
white noise or another signal mixed at a signal-to-noise ratio, lossy re-encoding through
PyAV (MP3 64 kbit/s, Opus, AAC) and decoding back, volume and a random equaliser, resampling
(tempo and pitch together), tempo alone (a phase vocoder), pitch alone (tempo then
resampling), and excerpts.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import struct
import subprocess
import tempfile
import wave
from functools import cache
from math import gcd
from pathlib import Path
from typing import Any

import numpy as np
from scipy import signal

from bench.common import fortunes_en, rng

SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
PACKAGES = ("fluidsynth", "fluid-soundfont-gm", "espeak-ng", "libchromaprint-tools")
RENDER_RATE = 22050
_VERSION = 1  # of the compositions and renders: bump when either changes

# General-MIDI programs by role (0-based program numbers).
MELODY = [0, 4, 6, 11, 13, 21, 24, 25, 40, 41, 56, 57, 60, 64, 65, 68, 71, 73, 80, 81]
HARMONY = [0, 1, 2, 4, 5, 16, 19, 24, 26, 46, 48, 49, 50, 52, 88, 89, 90]
BASS = [32, 33, 34, 35, 36, 38, 39, 42, 43, 58]
MAJOR = [0, 2, 4, 5, 7, 9, 11]
MINOR = [0, 2, 3, 5, 7, 8, 10]
PROGRESSIONS = [[0, 3, 4, 0], [0, 5, 3, 4], [0, 4, 5, 3], [5, 3, 0, 4], [0, 3, 0, 4], [1, 4, 0, 0]]
VOICES = ["en", "en-us", "en-gb-x-rp", "en-gb-scotland", "en-029", "en-us-nyc"]
VARIANTS = ["", "+f1", "+f2", "+f3", "+f4", "+m1", "+m2", "+m3", "+m4", "+m5", "+m6", "+m7"]


def missing_tools() -> list[str]:
    """The Debian packages among PACKAGES that are not installed."""
    missing = []
    if shutil.which("fluidsynth") is None:
        missing.append("fluidsynth")
    if not SOUNDFONT.exists():
        missing.append("fluid-soundfont-gm")
    if shutil.which("espeak-ng") is None:
        missing.append("espeak-ng")
    if shutil.which("fpcalc") is None:
        missing.append("libchromaprint-tools")
    return missing


def _cache_dir() -> Path:
    root = os.environ.get("COPYGUARD_BENCH_CACHE") or Path.home() / ".cache" / "copyguard-bench"
    path = Path(root) / "audio"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _cached(key: str, make: object) -> np.ndarray:
    name = hashlib.sha256(f"{_VERSION}:{key}".encode()).hexdigest()[:24]
    path = _cache_dir() / f"{name}.npy"
    if path.exists():
        return np.load(path)
    samples = make()  # type: ignore[operator]
    partial = path.with_suffix(f".{os.getpid()}.tmp.npy")
    np.save(partial, samples)
    partial.replace(path)
    return samples


def resample(x: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """``x`` at ``rate_in`` Hz brought to ``rate_out`` Hz (polyphase, anti-aliased)."""
    if rate_in == rate_out:
        return np.asarray(x, np.float32)
    g = gcd(rate_in, rate_out)
    return signal.resample_poly(x, rate_out // g, rate_in // g).astype(np.float32)


# ---------------------------------------------------------------- MIDI


def _vlq(value: int) -> bytes:
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def midi_file(events: list[tuple[int, int, bytes]], division: int) -> bytes:
    """A format-0 standard MIDI file from (tick, order, message) events (sorted by tick and
    order; events equal in both keep the order given)."""
    track = bytearray()
    now = 0
    for tick, _, message in sorted(events, key=lambda e: (e[0], e[1])):
        track += _vlq(tick - now) + message
        now = tick
    track += b"\x00\xff\x2f\x00"
    header = b"MThd" + struct.pack(">IHHH", 6, 0, 1, division)
    return header + b"MTrk" + struct.pack(">I", len(track)) + bytes(track)


def composition(seconds: float, seed: int) -> bytes:
    """A seeded piece of about ``seconds`` as a standard MIDI file."""
    g = rng(f"audiogen/music/{seed}")
    division = 480
    bpm = float(g.uniform(72, 160))
    beats = int(np.ceil(seconds * bpm / 60.0)) + 4
    tonic = 48 + int(g.integers(0, 12))
    scale = MAJOR if g.random() < 0.6 else MINOR
    progression = PROGRESSIONS[int(g.integers(len(PROGRESSIONS)))]
    melody, harmony, bass = (int(g.choice(c)) for c in (MELODY, HARMONY, BASS))
    events: list[tuple[int, int, bytes]] = []
    tempo = round(60_000_000 / bpm)
    events.append((0, 0, b"\xff\x51\x03" + tempo.to_bytes(3, "big")))
    for channel, program in ((0, melody), (1, harmony), (2, bass)):
        events.append((0, 1, bytes([0xC0 | channel, program])))
        events.append((0, 1, bytes([0xB0 | channel, 7, int(g.integers(90, 121))])))

    def note(channel: int, pitch: int, start: float, length: float, velocity: int) -> None:
        on, off = round(start * division), round((start + length) * division)
        pitch = int(np.clip(pitch, 0, 127))
        events.append((on, 3, bytes([0x90 | channel, pitch, int(np.clip(velocity, 1, 127))])))
        events.append((max(off - 1, on + 1), 2, bytes([0x80 | channel, pitch, 0])))

    def degree(d: int) -> int:
        return tonic + 12 * (d // 7) + scale[d % 7]

    # Harmony: one chord per bar of four beats, arpeggiated or held.
    arpeggio = g.random() < 0.5
    for bar in range(beats // 4 + 1):
        root = progression[bar % len(progression)]
        chord = [degree(root + k) for k in (0, 2, 4)]
        if arpeggio:
            for k in range(8):
                note(1, chord[k % 3] + 12 * (k // 3 % 2), bar * 4 + k / 2, 0.5, 60 + k % 2 * 10)
        else:
            for p in chord:
                note(1, p, bar * 4, 3.9, int(g.integers(50, 75)))
        # Bass: the root on the beats, sometimes the fifth.
        for b in range(4):
            p = degree(root) - 12 if b % 2 == 0 or g.random() < 0.5 else degree(root + 4) - 12
            note(2, p, bar * 4 + b, 0.9, int(g.integers(70, 100)))
    # Melody: a random walk over the scale, in the chord's neighbourhood.
    t, d = 0.0, 7 + int(g.integers(0, 5))
    while t < beats:
        length = float(g.choice([0.5, 0.5, 1.0, 1.0, 1.5, 2.0]))
        if g.random() < 0.12:
            t += length  # a rest
            continue
        d = int(np.clip(d + g.choice([-2, -1, -1, 0, 1, 1, 2, 3, -3]), 3, 16))
        note(0, degree(d) + 12, t, length * 0.95, int(g.integers(75, 115)))
        t += length
    # Drums (channel 10): kick, snare, hi-hat in a seeded pattern.
    kick = g.random(8) < 0.35
    kick[0] = True
    snare = np.zeros(8, bool)
    snare[[2, 6]] = True
    hat_step = 1 if g.random() < 0.5 else 2
    for bar in range(beats // 4 + 1):
        for step in range(8):
            at = bar * 4 + step / 2
            if kick[step]:
                note(9, 36, at, 0.25, 100)
            if snare[step]:
                note(9, 38, at, 0.25, 90)
            if step % hat_step == 0:
                note(9, 42, at, 0.2, int(g.integers(50, 80)))
    return midi_file(events, division)


def _render_midi(data: bytes) -> np.ndarray:
    with tempfile.TemporaryDirectory(prefix="copyguard-audiogen-") as tmp:
        mid, wav = Path(tmp) / "piece.mid", Path(tmp) / "piece.wav"
        mid.write_bytes(data)
        subprocess.run(
            ["fluidsynth", "-ni", "-q", "-g", "0.7", "-r", str(RENDER_RATE), "-T", "wav",
             "-O", "s16", "-F", str(wav), str(SOUNDFONT), str(mid)],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        return _read_wav(wav.read_bytes())


def _read_wav(data: bytes) -> np.ndarray:
    """Mono float32 of a 16-bit PCM WAV (stereo mixed down); tolerates a bogus data size."""
    with wave.open(io.BytesIO(data)) as w:
        channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
    if width != 2:
        raise ValueError(f"16-bit WAV expected, not {8 * width}-bit")
    at = data.find(b"data") + 8
    raw = np.frombuffer(data[at : at + (len(data) - at) // (2 * channels) * 2 * channels], "<i2")
    x = raw.reshape(-1, channels).mean(axis=1) / 32768.0
    return resample(x.astype(np.float32), rate, RENDER_RATE)


def music(n: int, seconds: float, seed: int, rate: int = 11025) -> list[np.ndarray]:
    """``n`` pieces of ``seconds`` each (float32 mono at ``rate``), pieces seed, seed+1, …"""
    return [piece(seed + k, seconds, rate) for k in range(n)]


def piece(seed: int, seconds: float, rate: int = 11025) -> np.ndarray:
    def make() -> np.ndarray:
        x = _render_midi(composition(seconds, seed))
        x = resample(x, RENDER_RATE, rate)[: round(seconds * rate)]
        x = np.pad(x, (0, max(0, round(seconds * rate) - x.size)))
        peak = float(np.abs(x).max()) or 1.0
        return (x * (0.8 / peak)).astype(np.float32)

    return _cached(f"music:{seed}:{seconds}:{rate}", make)


@cache
def _fortunes() -> list[str]:
    texts = []
    for doc in fortunes_en():
        text = " ".join(doc.text.split())
        if 40 <= len(text) <= 400 and text.isascii():
            texts.append(text)
    return texts


def speech(seconds: float, seed: int, rate: int = 11025) -> np.ndarray:
    """About ``seconds`` of fortunes read by one seeded espeak-ng voice (float32 mono)."""

    def make() -> np.ndarray:
        g = rng(f"audiogen/speech/{seed}")
        voice = str(g.choice(VOICES)) + str(g.choice(VARIANTS))
        speed, pitch = int(g.integers(140, 200)), int(g.integers(25, 75))
        texts = _fortunes()
        parts, total = [], 0
        while total < seconds * RENDER_RATE:
            text = texts[int(g.integers(len(texts)))]
            out = subprocess.run(
                ["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", text],
                check=True, capture_output=True,
            ).stdout  # fmt: skip
            x = _read_wav(out)
            parts += [x, np.zeros(int(g.integers(2, 8)) * RENDER_RATE // 10, np.float32)]
            total += x.size + parts[-1].size
        x = resample(np.concatenate(parts), RENDER_RATE, rate)[: round(seconds * rate)]
        x = np.pad(x, (0, max(0, round(seconds * rate) - x.size)))
        peak = float(np.abs(x).max()) or 1.0
        return (x * (0.8 / peak)).astype(np.float32)

    return _cached(f"speech:{seed}:{seconds}:{rate}", make)


# ---------------------------------------------------------------- transformations


def excerpt(x: np.ndarray, start: float, seconds: float, rate: int = 11025) -> np.ndarray:
    return np.asarray(x[round(start * rate) : round((start + seconds) * rate)], np.float32)


def _power(x: np.ndarray) -> float:
    return float(np.mean(np.asarray(x, np.float64) ** 2)) + 1e-20


def mix(x: np.ndarray, other: np.ndarray, snr_db: float) -> np.ndarray:
    """``x`` with ``other`` (repeated or cut to its length) added at ``snr_db`` dB below it."""
    other = np.resize(np.asarray(other, np.float64), x.size)
    gain = np.sqrt(_power(x) / _power(other) / 10 ** (snr_db / 10))
    y = x + gain * other
    peak = float(np.abs(y).max())
    return (y / peak * 0.9 if peak > 1 else y).astype(np.float32)


def white_noise(x: np.ndarray, snr_db: float, seed: int) -> np.ndarray:
    noise = np.random.default_rng([seed, 1]).standard_normal(x.size)
    return mix(x, noise, snr_db)


def volume(x: np.ndarray, gain_db: float) -> np.ndarray:
    return np.clip(x * 10 ** (gain_db / 20), -1, 1).astype(np.float32)


def equalise(x: np.ndarray, seed: int, rate: int = 11025, depth_db: float = 10.0) -> np.ndarray:
    """Three seeded peaking filters (200 Hz-4 kHz, gains within +-``depth_db``)."""
    g = np.random.default_rng([seed, 2])
    y = np.asarray(x, np.float64)
    for _ in range(3):
        f0 = float(np.exp(g.uniform(np.log(200), np.log(4000))))
        gain = float(g.uniform(-depth_db, depth_db))
        q = float(g.uniform(0.5, 2.0))
        a = 10 ** (gain / 40)
        w = 2 * np.pi * f0 / rate
        alpha = np.sin(w) / (2 * q)
        b = [1 + alpha * a, -2 * np.cos(w), 1 - alpha * a]
        den = [1 + alpha / a, -2 * np.cos(w), 1 - alpha / a]
        y = signal.lfilter(b, den, y)
    peak = float(np.abs(y).max())
    return (y / peak * 0.9 if peak > 1 else y).astype(np.float32)


def speed(x: np.ndarray, factor: float) -> np.ndarray:
    """Played ``factor`` times faster by resampling: tempo and pitch both change."""
    up = 1000
    down = round(up * factor)
    g = gcd(up, down)
    return signal.resample_poly(x, up // g, down // g).astype(np.float32)


def tempo(x: np.ndarray, factor: float) -> np.ndarray:
    """``factor`` times faster at the same pitch: a phase vocoder (1024-sample frames, hop
    256) that advances each bin's phase by its measured frequency."""
    size, hop = 1024, 256
    window = np.hanning(size)
    padded = np.pad(np.asarray(x, np.float64), (0, size))
    frames = np.lib.stride_tricks.sliding_window_view(padded, size)[::hop]
    spectra = np.fft.rfft(frames * window, axis=1)
    positions = np.arange(0, spectra.shape[0] - 1, factor)
    base = positions.astype(int)
    frac = (positions - base)[:, None]
    magnitude = (1 - frac) * np.abs(spectra[base]) + frac * np.abs(spectra[base + 1])
    nominal = 2 * np.pi * hop * np.arange(spectra.shape[1]) / size
    delta = np.angle(spectra[base + 1]) - np.angle(spectra[base]) - nominal
    delta = nominal + (delta + np.pi) % (2 * np.pi) - np.pi
    phase = np.angle(spectra[0]) + np.vstack([np.zeros_like(delta[:1]), np.cumsum(delta, 0)[:-1]])
    out_frames = np.fft.irfft(magnitude * np.exp(1j * phase), size, axis=1) * window
    out = np.zeros(positions.size * hop + size)
    for k, frame in enumerate(out_frames):
        out[k * hop : k * hop + size] += frame
    out /= (window**2).sum() / hop
    return out[: round(x.size / factor)].astype(np.float32)


def pitch(x: np.ndarray, factor: float) -> np.ndarray:
    """Pitch times ``factor`` at the same tempo: slowed by the factor, then sped up by it."""
    return speed(tempo(x, 1.0 / factor), factor)[: x.size]


CODECS = {
    # name: (container format, encoder, sample rate, bit rate)
    "mp3": ("mp3", "libmp3lame", 44100, 64000),
    "opus": ("ogg", "libopus", 48000, 32000),
    "aac": ("adts", "aac", 44100, 64000),
}


def encode(x: np.ndarray, codec: str, rate: int = 11025, bit_rate: int | None = None) -> bytes:
    """``x`` (at ``rate``) as a file compressed by ``codec`` (a key of CODECS), via PyAV, at
    the codec's bit rate in CODECS unless ``bit_rate`` is given."""
    import av

    fmt, encoder, codec_rate, default_rate = CODECS[codec]
    bit_rate = bit_rate or default_rate
    up = resample(x, rate, codec_rate)
    out = io.BytesIO()
    with av.open(out, "w", format=fmt) as container:
        stream: Any = container.add_stream(encoder, rate=codec_rate)
        stream.layout = "mono"
        stream.bit_rate = bit_rate
        size = stream.codec_context.frame_size or 1024
        for at in range(0, up.size, size):
            frame = av.AudioFrame.from_ndarray(
                up[None, at : at + size], format="fltp", layout="mono"
            )
            frame.sample_rate = codec_rate
            frame.pts = at
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def reencode(x: np.ndarray, codec: str, rate: int = 11025) -> np.ndarray:
    """``x`` through ``codec`` and decoded back to ``rate`` (encoder delay included)."""
    from copyguard.fingerprint.extract.audio import load_audio

    return load_audio(encode(x, codec, rate), rate=rate).samples[: x.size]


def wav_bytes(x: np.ndarray, rate: int = 11025) -> bytes:
    """16-bit mono WAV of ``x``."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())
    return out.getvalue()
