"""Sample media made from a seed: a landscape photograph (PNG) and a short tune (WAV).

The demo registers them as a photographic and a musical work, so that monitoring has
pictures and sound to find; the registry's tests use them as real files. Both are made with
NumPy and Pillow (the standard library's ``wave`` writes the sound): no data to download and
no system package. The same seed gives the same bytes.
"""

from __future__ import annotations

import io
import wave

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

__all__ = ["landscape_png", "tune_samples", "tune_wav"]

#: Samples per second of the tunes.
TUNE_RATE = 22050


def _noise(rng: np.random.Generator, height: int, width: int, octaves: int = 5) -> np.ndarray:
    """Fractal value noise in [0, 1]: random grids of doubling detail, smoothly enlarged and
    added with halving weight."""
    total = np.zeros((height, width), np.float32)
    weight, norm = 1.0, 0.0
    for octave in range(octaves):
        cells = 3 * 2**octave
        grid = rng.random((cells, cells)).astype(np.float32)
        layer = Image.fromarray(grid, mode="F").resize((width, height), Image.Resampling.BICUBIC)
        total += weight * np.asarray(layer, np.float32)
        norm += weight
        weight /= 2
    total /= norm
    return (total - total.min()) / max(float(np.ptp(total)), 1e-6)


def _ridge(rng: np.random.Generator, width: int, base: float, height: float) -> np.ndarray:
    """A mountain ridge: the height of the skyline at each column, in pixels from the top."""
    line = np.zeros(width, np.float64)
    for octave in range(6):
        points = 4 * 2**octave
        knots = rng.random(points + 1)
        line += np.interp(np.linspace(0, points, width), np.arange(points + 1), knots) / 2**octave
    line = (line - line.min()) / max(float(np.ptp(line)), 1e-6)
    return base - line * height


def landscape_png(seed: int, width: int = 640, height: int = 427) -> bytes:
    """A photograph-like landscape: sky with clouds, mountain ranges, a lake, fields, a
    village of houses with windows, and trees, all placed by ``seed``."""
    rng = np.random.default_rng(seed)
    rows = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    top = np.array(rng.uniform([60, 110, 180], [110, 160, 230]), np.float32)
    horizon = np.array(rng.uniform([190, 200, 215], [235, 235, 245]), np.float32)
    picture = top + (horizon - top) * rows
    clouds = np.clip(_noise(rng, height, width) * 1.6 - 0.7, 0.0, 1.0)[..., None]
    picture = picture * (1 - clouds) + 250.0 * clouds
    columns = np.arange(height)[:, None]
    for layer, (base, rise) in enumerate([(0.45, 0.3), (0.55, 0.22), (0.66, 0.15)]):
        skyline = _ridge(rng, width, base * height, rise * height)
        shade = np.array(rng.uniform([40, 60, 50], [90, 110, 100]), np.float32) * (1 - 0.2 * layer)
        texture = _noise(rng, height, width, octaves=6)[..., None]
        rock = shade * (0.7 + 0.6 * texture)
        inside = (columns >= skyline[None, :])[..., None]
        picture = np.where(inside, rock, picture)
    water = int(0.72 * height)
    ripples = _noise(rng, height - water, width, octaves=6)[..., None]
    reflected = picture[water - 1 :: -1][: height - water] * 0.6 + np.array([10, 30, 60]) * 0.4
    picture[water:] = reflected * (0.85 + 0.3 * ripples)
    image = Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    shore = water - 4
    field = [(0, shore), (width, shore), (width, shore + 14), (0, shore + 14)]
    draw.polygon(field, fill=tuple(int(v) for v in rng.integers([60, 100, 30], [90, 140, 60])))
    for _house in range(int(rng.integers(9, 15))):
        w, h = int(rng.integers(18, 42)), int(rng.integers(16, 36))
        x, y = int(rng.integers(0, width - w)), shore - h + int(rng.integers(0, 10))
        wall = tuple(int(v) for v in rng.integers([150, 130, 110], [240, 220, 200]))
        draw.rectangle([x, y, x + w, y + h], fill=wall, outline=(60, 50, 40))
        roof = tuple(int(v) for v in rng.integers([90, 30, 20], [170, 70, 60]))
        draw.polygon([(x - 4, y), (x + w + 4, y), (x + w // 2, y - h // 2)], fill=roof)
        for wx in range(x + 4, x + w - 6, 9):
            for wy in range(y + 4, y + h - 6, 10):
                draw.rectangle([wx, wy, wx + 4, wy + 5], fill=(40, 50, 70))
    for _tree in range(int(rng.integers(20, 35))):
        x, size = int(rng.integers(0, width)), int(rng.integers(6, 16))
        y = shore + int(rng.integers(-4, 10))
        leaf = tuple(int(v) for v in rng.integers([20, 60, 20], [60, 120, 50]))
        draw.ellipse([x - size, y - 2 * size, x + size, y], fill=leaf, outline=(20, 40, 20))
        draw.line([(x, y), (x, y + size // 2)], fill=(70, 50, 30), width=2)
    grain = rng.normal(0.0, 4.0, (height, width, 3))
    pixels = np.asarray(image.filter(ImageFilter.SMOOTH), np.float64) + grain
    out = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB").save(out, "PNG")
    return out.getvalue()


def tune_samples(seed: int, seconds: float = 12.0, rate: int = TUNE_RATE) -> np.ndarray:
    """A tune in [-1, 1]: a plucked melody, an inner voice and a bass line on a mode and at
    a tempo chosen by ``seed``, over a brushed beat."""
    rng = np.random.default_rng(seed)
    total = round(seconds * rate)
    out = np.zeros(total, np.float64)
    root = 45 + int(rng.integers(0, 12))
    modes = ([0, 2, 4, 5, 7, 9, 11], [0, 2, 3, 5, 7, 8, 10], [0, 2, 3, 5, 7, 9, 10])
    mode = np.array(modes[int(rng.integers(0, len(modes)))])
    steps = np.concatenate([mode, mode + 12])
    pulse = float(rng.uniform(0.18, 0.3))  # seconds per beat
    tuning = float(rng.uniform(425.0, 455.0))  # the A above middle C, Hz
    for part, (octave, beats, loud, partials) in enumerate(
        [(12, (1, 1, 2, 3), 0.5, 5), (0, (2, 4), 0.35, 4), (24, (1, 1, 1, 2), 0.25, 3)]
    ):
        at = 0.0
        while at < seconds:
            length = pulse * float(rng.choice(beats))
            pitch = root + octave + int(steps[rng.integers(0, len(steps))])
            # Played by a person: each note a little out of tune and off the beat.
            freq = tuning * 2 ** ((pitch - 69 + rng.normal(0.0, 0.15)) / 12)
            start = min(total - 1, max(0, round((at + rng.normal(0.0, 0.02)) * rate)))
            count = min(round(length * rate * 1.5), total - start)
            time = np.arange(count) / rate
            envelope = np.minimum(time / 0.005, 1.0) * np.exp(-time * (3 + part) / length)
            tone = sum(
                rng.uniform(0.4, 1.0)
                * np.sin(2 * np.pi * freq * k * time + rng.uniform(0, 6.3))
                / k**1.2
                for k in range(1, partials + 1)
            )
            out[start : start + count] += loud * envelope * tone
            at += length
    hit = round(0.08 * rate)
    fade = np.exp(-np.arange(hit) / (0.015 * rate))
    for beat in np.arange(0.0, seconds, pulse):
        if rng.random() < 0.6:
            start = round(beat * rate)
            piece = rng.standard_normal(hit) * fade * 0.15
            out[start : start + hit] += piece[: total - start]
    return out / np.abs(out).max() * 0.8


def tune_wav(seed: int, seconds: float = 12.0, rate: int = TUNE_RATE) -> bytes:
    """:func:`tune_samples` as a 16-bit mono WAV file."""
    return wav_bytes(tune_samples(seed, seconds, rate), rate)


def wav_bytes(samples: np.ndarray, rate: int = TUNE_RATE) -> bytes:
    """Mono samples in [-1, 1] as a 16-bit WAV file."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return out.getvalue()
