"""Video: frames sampled at a fixed rate whatever the source's, damaged files to one-line errors.

The files are made here with PyAV's own encoders: a white bar moving across a coloured
background, with a tone as soundtrack when asked.
"""

from __future__ import annotations

import io
import struct
from fractions import Fraction
from functools import cache

import av
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copyguard.fingerprint.extract import ExtractionError
from copyguard.fingerprint.extract.audio import load_audio
from copyguard.fingerprint.extract.video import FRAME_RATE, MAX_SIDE, load_video

from .test_extract_audio import (
    add_audio_stream,
    one_line_refusal,
    peak_frequency,
    png,
    tone,
    write_audio,
)

FUZZ = settings(max_examples=25, deadline=5000, suppress_health_check=[HealthCheck.too_slow])

CONTAINERS = {"mp4": ("mp4", "aac"), "webm": ("webm", "libopus"), "mkv": ("matroska", "aac")}
FAST = {"libvpx": {"deadline": "realtime", "cpu-used": "8"}, "libvpx-vp9": {"speed": "8"}}


def picture(index: int, count: int, width: int, height: int) -> np.ndarray:
    """Frame ``index`` of ``count``: a white bar at x proportional to the time."""
    pixels = np.zeros((height, width, 3), np.uint8)
    pixels[..., 2] = 60 + (index * 7) % 128
    x = index * (width - width // 8) // max(1, count - 1)
    pixels[:, x : x + width // 8] = 255
    return pixels


def encode_video(
    container: str = "mp4",
    codec: str = "libx264",
    *,
    fps: Fraction = Fraction(24),
    seconds: float = 3.0,
    size: tuple[int, int] = (320, 240),
    audio: bool = False,
    options: dict[str, str] | None = None,
) -> bytes:
    fmt, audio_codec = CONTAINERS[container]
    out = io.BytesIO()
    with av.open(out, "w", format=fmt, options=options or {}) as output:
        stream = output.add_stream(codec, rate=fps, options=FAST.get(codec, {}))
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        sound = add_audio_stream(output, audio_codec, 48000, "mono") if audio else None
        count = round(seconds * fps)
        for index in range(count):
            frame = av.VideoFrame.from_ndarray(picture(index, count, *size), format="rgb24")
            frame.pts, frame.time_base = index, 1 / fps
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode(None):
            output.mux(packet)
        if sound is not None:
            write_audio(output, sound, tone(1000.0, seconds, 48000), 48000, "mono")
    return out.getvalue()


@cache
def sample(container: str = "mp4", audio: bool = False) -> bytes:
    codec = "libvpx" if container == "webm" else "libx264"
    return encode_video(container, codec, audio=audio)


def bar_position(pixels: np.ndarray) -> float:
    """Where the white bar is, as a fraction of the width."""
    white = (pixels.min(axis=2) > 200).mean(axis=0)
    columns = np.flatnonzero(white > 0.5)
    return float(columns.mean() / pixels.shape[1])


# Sampling


@pytest.mark.parametrize(
    ("container", "codec", "fps"),
    [
        ("mp4", "libx264", Fraction(24)),
        ("mp4", "mpeg4", Fraction(30)),
        ("webm", "libvpx", Fraction(25, 2)),
        ("webm", "libvpx-vp9", Fraction(30000, 1001)),
        ("mkv", "libx264", Fraction(25)),
    ],
)
def test_frames_are_sampled_at_the_fixed_rate_whatever_the_source_rate(container, codec, fps):
    video = load_video(encode_video(container, codec, fps=fps))

    frames = list(video.frames())

    assert [frame.time for frame in frames] == [k / FRAME_RATE for k in range(6)]
    for frame in frames:
        assert abs(frame.source_time - frame.time) <= 0.5 / float(fps) + 1e-6
        assert frame.pixels.dtype == np.uint8 and frame.pixels.shape == (240, 320, 3)
        # the bar is where it was at that time: the sampled frame is the right one
        assert abs(bar_position(frame.pixels) - (0.0625 + frame.source_time / 3.0 * 0.875)) < 0.04
    assert (video.width, video.height) == (320, 240)
    assert abs(video.duration - 3.0) < 0.1
    assert video.source_fps is not None and abs(video.source_fps - float(fps)) < 0.01
    assert video.codec in ("h264", "mpeg4", "vp8", "vp9", "libvpx", "libvpx-vp9")
    assert not video.clipped and not video.has_audio


def test_the_same_times_are_sampled_from_24_30_and_12_5_fps_sources():
    positions = []
    for fps in (Fraction(24), Fraction(30), Fraction(25, 2)):
        frames = list(load_video(encode_video(fps=fps, seconds=4.0), fps=4.0).frames())
        positions.append([bar_position(frame.pixels) for frame in frames])

    assert len({len(p) for p in positions}) == 1 and len(positions[0]) == 16
    for other in positions[1:]:
        assert np.abs(np.subtract(other, positions[0])).max() < 0.03


def test_skipping_unreferenced_frames_keeps_the_sample_times_and_near_frames():
    fps = Fraction(30)
    data = encode_video(fps=fps, seconds=4.0)
    every = list(load_video(data).frames())

    skipped = list(load_video(data, skip_frame="NONREF").frames())

    assert [f.time for f in skipped] == [f.time for f in every]
    for frame in skipped:
        assert abs(frame.source_time - frame.time) <= 2.5 / float(fps)
        assert abs(bar_position(frame.pixels) - (0.0625 + frame.source_time / 4.0 * 0.875)) < 0.04


def test_an_unknown_frame_skipping_is_refused():
    with pytest.raises(ValueError, match="unknown skip_frame 'SOME'"):
        load_video(sample(), skip_frame="SOME")


def test_frames_are_reduced_to_max_side_keeping_the_shape():
    data = encode_video(size=(1280, 720), seconds=1.0)

    default = next(load_video(data).frames())
    small = next(load_video(data, max_side=100).frames())
    full = next(load_video(data, max_side=None).frames())

    assert default.pixels.shape == (288, MAX_SIDE, 3)
    assert small.pixels.shape == (56, 100, 3)
    assert full.pixels.shape == (720, 1280, 3)
    assert next(load_video(encode_video(seconds=1.0), max_side=1000).frames()).pixels.shape == (
        240,
        320,
        3,
    )


def test_non_square_pixels_are_stretched_to_the_display_shape():
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as output:
        stream = output.add_stream("libx264", rate=24)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        stream.codec_context.sample_aspect_ratio = Fraction(2, 1)
        for index in range(12):
            frame = av.VideoFrame.from_ndarray(picture(index, 12, 320, 240), format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, 24)
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode(None):
            output.mux(packet)

    with load_video(out.getvalue()) as video:
        first = next(video.frames())

    assert (video.width, video.height) == (640, 240)
    assert first.pixels.shape == (192, 512, 3)


def test_a_portrait_phone_video_is_turned_upright_by_its_display_matrix():
    data = bytearray(sample())
    at = data.find(b"tkhd") + 4
    assert data[at] == 0  # version 0: 32-bit times, the matrix 40 bytes after them
    matrix = at + 4 + 20 + 8 + 8
    assert struct.unpack(">9i", data[matrix : matrix + 36])[0] == 0x10000
    # "rotate 90 degrees clockwise to display", as phones write it
    data[matrix : matrix + 36] = struct.pack(">9i", 0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 1 << 30)

    with load_video(bytes(data)) as video:
        frames = list(video.frames())

    assert frames[0].pixels.shape == (320, 240, 3)
    # the bar moved left to right on the sensor: top to bottom once upright
    rows = [np.flatnonzero((f.pixels.min(axis=2) > 200).mean(axis=1) > 0.5) for f in frames]
    assert rows[0].mean() < 60 and rows[-1].mean() > 220
    assert all(np.diff([r.mean() for r in rows]) > 0)


def test_sampling_stops_at_max_seconds_and_says_so():
    video = load_video(sample(), max_seconds=1.2)

    frames = list(video.frames())

    assert [frame.time for frame in frames] == [0.0, 0.5, 1.0]
    assert video.clipped


def test_the_soundtrack_is_read_by_load_audio_from_the_same_source():
    for container in ("mp4", "webm"):
        data = sample(container, audio=True)
        video = load_video(data)
        video.close()

        audio = load_audio(data)

        assert video.has_audio
        assert abs(audio.duration - 3.0) < 0.1 and audio.start < 0.05
        assert abs(peak_frequency(audio) - 1000.0) < 2.0


def test_a_soundtrack_that_starts_late_says_when_on_the_videos_timeline():
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as output:
        stream = output.add_stream("libx264", rate=24)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        sound = add_audio_stream(output, "aac", 48000, "mono")
        for index in range(48):
            frame = av.VideoFrame.from_ndarray(picture(index, 48, 160, 120), format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, 24)
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode(None):
            output.mux(packet)
        size = sound.codec_context.frame_size
        samples = tone(1000.0, 1.0, 48000)
        for at in range(0, samples.size, size):
            piece = av.AudioFrame.from_ndarray(samples[None, at : at + size], "fltp", "mono")
            piece.sample_rate, piece.pts = 48000, 24000 + at  # half a second in
            for packet in sound.encode(piece):
                output.mux(packet)
        for packet in sound.encode(None):
            output.mux(packet)
    data = out.getvalue()

    audio = load_audio(data)
    with load_video(data) as video:
        first = next(video.frames())

    assert first.time == 0.0 and first.source_time == 0.0
    assert abs(audio.start - 0.5) < 0.03
    assert abs(audio.samples.size / audio.rate - 1.0) < 0.05


def test_a_path_and_a_file_object_give_the_same_frames(tmp_path):
    data = sample()
    file = tmp_path / "clip.mp4"
    file.write_bytes(data)

    results = [[f.pixels for f in load_video(x).frames()] for x in (data, file, io.BytesIO(data))]

    for frames in results[1:]:
        assert all(np.array_equal(a, b) for a, b in zip(frames, results[0], strict=True))


def test_the_frames_can_be_read_once():
    video = load_video(sample())
    list(video.frames())

    with pytest.raises(RuntimeError):
        list(video.frames())


# Bad input


def _all_frames(source, **limits) -> list:
    with load_video(source, **limits) as video:
        return list(video.frames())


def _refused(source, **limits) -> str:
    return one_line_refusal(lambda: _all_frames(source, **limits))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty file"),
        (np.random.default_rng(7).bytes(30_000), "not a readable audio or video file"),
        (b"<html><body>not a film</body></html>\n" * 100, "not a readable audio or video file"),
        (png(), "not a supported audio or video format"),
    ],
    ids=["empty", "random", "text", "png"],
)
def test_what_is_not_video_is_refused_in_one_line(data, expected):
    assert _refused(data).startswith(expected)


def test_an_audio_file_is_refused_as_video_and_a_silent_video_as_audio():
    from .test_extract_audio import sample as audio_sample

    assert _refused(audio_sample("mp3")) == "no video stream"
    with pytest.raises(ExtractionError, match=r"^no audio stream$"):
        load_audio(sample())


@pytest.mark.parametrize("container", ["mp4", "faststart", "webm"])
@pytest.mark.parametrize("keep", ["half", "1 KB"])
def test_a_truncated_file_is_refused(container, keep, tmp_path):
    if container == "faststart":  # the index first: the muxer rewrites a file for it
        path = tmp_path / "clip.mp4"
        with (
            av.open(io.BytesIO(sample())) as source,
            av.open(str(path), "w", options={"movflags": "faststart"}) as output,
        ):
            stream = output.add_stream_from_template(source.streams.video[0])
            for packet in source.demux(source.streams.video[0]):
                if packet.dts is not None:
                    packet.stream = stream
                    output.mux(packet)
        data = path.read_bytes()
        assert data[4:8] == b"ftyp" and data.find(b"moov") < data.find(b"mdat")
    else:
        data = sample(container)
    cut = data[: len(data) // 2] if keep == "half" else data[:1024]

    message = _refused(cut)

    assert message.startswith(
        ("truncated or corrupt video", "corrupt video", "not a readable audio or video file")
    )


def test_a_file_over_the_byte_limit_is_refused():
    data = sample()

    assert _refused(data, max_bytes=len(data) - 1).startswith("file too large: ")


def test_a_frame_over_the_pixel_limit_is_refused_before_decoding():
    data = encode_video(size=(640, 480), seconds=0.5)

    assert _refused(data, max_pixels=640 * 479) == (
        "frame too large: 640x480 exceeds the 306,560 pixel limit"
    )


@pytest.mark.parametrize("container", ["mp4", "webm"])
@FUZZ
@given(data=st.data())
def test_damaged_files_give_frames_or_one_line_errors(container, data):
    original = bytearray(sample(container))
    flips = data.draw(st.lists(st.integers(0, len(original) * 8 - 1), min_size=1, max_size=12))
    for bit in flips:
        original[bit // 8] ^= 1 << (bit % 8)
    end = data.draw(st.integers(1, len(original)))

    try:
        with load_video(bytes(original[:end]), max_side=64) as video:
            frames = list(video.frames())
    except ExtractionError as error:
        assert "\n" not in str(error)
    else:
        assert frames and all(frame.pixels.dtype == np.uint8 for frame in frames)
