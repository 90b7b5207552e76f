"""Audio: every container and codec to mono samples at one rate, damaged files to one-line errors.

The files are made here with PyAV's own encoders: a known tone in each format.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from functools import cache

import av
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from copyguard.fingerprint.extract import ExtractionError
from copyguard.fingerprint.extract.audio import AUDIO_RATE, DecodedAudio, load_audio

FUZZ = settings(max_examples=40, deadline=3000, suppress_health_check=[HealthCheck.too_slow])

# (container, encoder, sample rate): one of each kind people upload
FORMATS = {
    "wav": ("wav", "pcm_s16le", 44100),
    "flac": ("flac", "flac", 44100),
    "mp3": ("mp3", "libmp3lame", 44100),
    "m4a": ("ipod", "aac", 44100),
    "aac": ("adts", "aac", 22050),
    "opus": ("ogg", "libopus", 48000),
    "vorbis": ("ogg", "vorbis", 44100),
    "webm": ("webm", "libopus", 48000),
    "mka": ("matroska", "flac", 32000),
}


def tone(freq: float, seconds: float, rate: int) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def add_audio_stream(container: av.container.OutputContainer, codec: str, rate: int, layout: str):
    options = {"strict": "experimental"} if codec == "vorbis" else {}
    stream = container.add_stream(codec, rate=rate, options=options)
    stream.layout = layout
    return stream


def write_audio(container, stream, samples: np.ndarray, rate: int, layout: str) -> None:
    """Encode mono ``samples`` (copied to every channel of ``layout``) into ``stream``."""
    channels = 2 if layout == "stereo" else 1
    size = stream.codec_context.frame_size or 1024
    for at in range(0, samples.size, size):
        piece = np.tile(samples[at : at + size], (channels, 1))
        frame = av.AudioFrame.from_ndarray(piece, format="fltp", layout=layout)
        frame.sample_rate = rate
        frame.pts = at
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode(None):
        container.mux(packet)


def encode_audio(
    kind: str,
    *,
    freq: float = 440.0,
    seconds: float = 2.0,
    layout: str = "stereo",
    samples: np.ndarray | None = None,
) -> bytes:
    fmt, codec, rate = FORMATS[kind]
    return _encode(fmt, codec, rate, freq, seconds, layout, samples)


def _encode(fmt, codec, rate, freq, seconds, layout, samples=None) -> bytes:
    out = io.BytesIO()
    with av.open(out, "w", format=fmt) as container:
        stream = add_audio_stream(container, codec, rate, layout)
        data = tone(freq, seconds, rate) if samples is None else samples
        write_audio(container, stream, data, rate, layout)
    return out.getvalue()


@cache
def sample(kind: str) -> bytes:
    return encode_audio(kind)


def peak_frequency(audio: DecodedAudio) -> float:
    spectrum = np.abs(np.fft.rfft(audio.samples * np.hanning(audio.samples.size)))
    return float(np.argmax(spectrum) * audio.rate / audio.samples.size)


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


# Formats


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_each_format_decodes_to_mono_samples_at_the_rate_with_the_tone_intact(kind):
    audio = load_audio(sample(kind))

    assert audio.rate == AUDIO_RATE
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert not audio.samples.flags.writeable
    # raw AAC keeps its encoder priming (2,048 samples at 22,050 Hz): nothing declares it
    assert abs(audio.samples.size / AUDIO_RATE - 2.0) < 0.1
    assert abs(audio.duration - 2.0) < 0.1
    assert abs(peak_frequency(audio) - 440.0) < 2.0
    assert 0.2 < np.abs(audio.samples).max() <= 1.0
    assert not audio.clipped and audio.start < 0.05
    assert audio.codec and audio.format


@pytest.mark.parametrize(
    ("fmt", "codec", "rate"),
    [
        ("mpegts", "mp2", 48000),
        ("mpeg", "mp2", 48000),
        ("avi", "libmp3lame", 44100),
        ("flv", "aac", 44100),
        ("aiff", "pcm_s16be", 44100),
        ("caf", "pcm_s16le", 44100),
        ("au", "pcm_s16be", 8000),
        ("w64", "pcm_s16le", 44100),
        ("wv", "wavpack", 44100),
        ("ac3", "ac3", 48000),
        ("nut", "flac", 44100),
        ("tta", "tta", 44100),
    ],
)
def test_the_other_containers_the_wheel_reads_are_allowed(fmt, codec, rate):
    audio = load_audio(_encode(fmt, codec, rate, 440.0, 2.0, "stereo"))

    assert abs(audio.duration - 2.0) < 0.06
    assert abs(peak_frequency(audio) - 440.0) < 2.0


@pytest.mark.parametrize("rate", [8000, 11025, 16000])
def test_the_rate_is_the_callers_and_a_tone_below_its_nyquist_survives(rate):
    audio = load_audio(encode_audio("flac", freq=3000.0), rate=rate)

    assert audio.rate == rate
    assert abs(audio.samples.size - 2 * rate) <= 2
    assert abs(peak_frequency(audio) - 3000.0) < 2.0


def test_stereo_is_mixed_down_to_mono_without_losing_a_channel():
    rate = 44100
    left, right = tone(500, 1.0, rate), tone(1500, 1.0, rate)
    out = io.BytesIO()
    with av.open(out, "w", format="wav") as container:
        stream = add_audio_stream(container, "pcm_s16le", rate, "stereo")
        frame = av.AudioFrame.from_ndarray(np.stack([left, right]), format="fltp", layout="stereo")
        frame.sample_rate, frame.pts = rate, 0
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)

    audio = load_audio(out.getvalue())

    spectrum = np.abs(np.fft.rfft(audio.samples))
    bins = audio.samples.size / audio.rate
    assert spectrum[int(500 * bins)] > 0.5 * spectrum.max()
    assert spectrum[int(1500 * bins)] > 0.5 * spectrum.max()


def test_a_path_str_path_bytes_bytearray_and_file_object_give_the_same_samples(tmp_path):
    data = sample("flac")
    file = tmp_path / "tone.flac"
    file.write_bytes(data)

    results = [
        load_audio(x).samples for x in (file, str(file), data, bytearray(data), io.BytesIO(data))
    ]

    for samples in results[1:]:
        assert np.array_equal(samples, results[0])


def test_a_rate_change_midway_is_resampled_piece_by_piece():
    first = _encode("mp3", "libmp3lame", 44100, 440.0, 2.0, "mono")
    second = _encode("mp3", "libmp3lame", 22050, 880.0, 2.0, "mono")

    audio = load_audio(first + second)

    assert abs(audio.samples.size / audio.rate - 4.0) < 0.15
    half = audio.samples.size // 2
    assert abs(peak_frequency(_part(audio, 0, half - 2000)) - 440.0) < 3
    assert abs(peak_frequency(_part(audio, half + 2000, audio.samples.size)) - 880.0) < 3


def _part(audio: DecodedAudio, start: int, end: int) -> DecodedAudio:
    return DecodedAudio(audio.samples[start:end], audio.rate, 0.0, 0.0, "", "", False)


def test_decoding_stops_at_max_seconds_and_says_so():
    audio = load_audio(sample("mp3"), max_seconds=0.5)

    assert audio.clipped
    assert audio.samples.size == round(0.5 * AUDIO_RATE)
    assert abs(audio.duration - 2.0) < 0.06  # the file's declared length


def test_threads_decode_at_once_with_the_same_results():
    data = [sample(kind) for kind in ("mp3", "opus", "m4a", "flac")]
    expected = [load_audio(x).samples for x in data]
    results: dict[int, list[np.ndarray]] = {}

    def work(index: int) -> None:
        results[index] = [load_audio(x).samples for x in data]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for decoded in results.values():
        assert all(np.array_equal(a, b) for a, b in zip(decoded, expected, strict=True))


# Bad input


def one_line_refusal(action: Callable[[], object]) -> str:
    """The message of the ExtractionError ``action`` raises, checked to be one line."""
    with pytest.raises(ExtractionError) as caught:
        action()
    message = str(caught.value)
    assert "\n" not in message and message
    return message


def _refused(source, **limits) -> str:
    return one_line_refusal(lambda: load_audio(source, **limits))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty file"),
        (np.random.default_rng(6).bytes(20_000), "not a readable audio or video file"),
        (b"Lorem ipsum dolor sit amet.\n" * 200, "not a readable audio or video file"),
        (png(), "not a supported audio or video format"),
    ],
    ids=["empty", "random", "text", "png"],
)
def test_what_is_not_audio_is_refused_in_one_line(data, expected):
    assert _refused(data).startswith(expected)


@pytest.mark.parametrize(
    "playlist",
    [
        b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n",
        b"#EXTM3U\n#EXTINF:10,\nhttp://127.0.0.1:9/song.mp3\n",
        b"ffconcat version 1.0\nfile /etc/passwd\n",
    ],
    ids=["hls-file", "hls-http", "concat"],
)
def test_playlists_that_would_open_other_files_are_refused(playlist):
    assert _refused(playlist).startswith(
        ("not a supported audio or video format", "not a readable audio or video file")
    )


@pytest.mark.parametrize("kind", ["mp3", "flac", "webm"])
@pytest.mark.parametrize("keep", ["half", "1 KB"])
def test_a_truncated_file_is_refused(kind, keep):
    data = sample(kind)
    cut = data[: len(data) // 2] if keep == "half" else data[:1024]

    message = _refused(cut)

    assert message.startswith(("truncated or corrupt audio", "unreadable audio or video"))


def test_a_truncated_m4a_is_refused():
    data = sample("m4a")

    assert _refused(data[: len(data) // 2]).startswith("not a readable audio or video file")


def test_files_over_the_byte_limit_are_refused_however_given(tmp_path):
    data = sample("wav")
    file = tmp_path / "tone.wav"
    file.write_bytes(data)

    for source in (data, file, io.BytesIO(data)):
        assert _refused(source, max_bytes=10_000).startswith("file too large: ")


def test_an_unseekable_stream_over_the_byte_limit_is_refused():
    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    assert load_audio(Pipe(sample("mp3"))).samples.size > 0
    assert _refused(Pipe(sample("wav")), max_bytes=10_000).startswith("file too large")


def test_a_missing_file_and_a_directory_are_refused(tmp_path):
    assert _refused(tmp_path / "nothing.mp3") == "no such file"
    assert _refused(tmp_path) == "is a directory, not a file"


@pytest.mark.parametrize("kind", ["mp3", "m4a", "opus", "flac"])
@FUZZ
@given(data=st.data())
def test_damaged_files_give_samples_or_one_line_errors(kind, data):
    original = bytearray(sample(kind))
    flips = data.draw(st.lists(st.integers(0, len(original) * 8 - 1), min_size=1, max_size=12))
    for bit in flips:
        original[bit // 8] ^= 1 << (bit % 8)
    end = data.draw(st.integers(1, len(original)))

    try:
        audio = load_audio(bytes(original[:end]))
    except ExtractionError as error:
        assert "\n" not in str(error)
    else:
        assert audio.samples.dtype == np.float32 and np.isfinite(audio.samples).all()
