"""Video fingerprint v0 and its matcher on films made here: scenes of scikit-image's bundled
photographs with camera motion (pan and zoom), encoded with PyAV's H.264, and copies of
clips from their middle under each transformation the engine must survive."""

from __future__ import annotations

import io
from fractions import Fraction
from functools import cache

import av
import cv2
import numpy as np
import pytest
from skimage import data

from copyguard.fingerprint.extract import ExtractionError
from copyguard.fingerprint.video import (
    DEFAULT_THRESHOLD,
    ShortVideoError,
    VideoMatch,
    VideoMatcher,
)

from .test_audio import music
from .test_extract_audio import add_audio_stream, write_audio

SIZE = (480, 270)
FPS = 24
SECONDS = 36.0
START = 14.0  # where the clips are cut from, seconds into the reference
CLIP = 12.0
TOLERANCE = 1.0  # segment boundaries, seconds
AUDIO_RATE = 11025

#: Disjoint sets of photographs: two reference films and the unrelated material.
PHOTOS = {
    "A": ("astronaut", "coffee", "rocket", "hubble_deep_field", "camera", "clock"),
    "B": ("chelsea", "immunohistochemistry", "retina", "coins", "moon", "page"),
    "other": ("colorwheel", "text", "logo", "grass", "gravel", "brick"),
}
SEEDS = {"A": 1, "B": 2, "other": 3}


@cache
def photo(name: str) -> np.ndarray:
    pixels = np.asarray(getattr(data, name)())
    if pixels.dtype == bool:
        pixels = pixels.astype(np.uint8) * 255
    if pixels.ndim == 2:
        pixels = np.stack([pixels] * 3, axis=-1)
    return np.ascontiguousarray(pixels[..., :3].astype(np.uint8))


@cache
def scenes(film: str, seconds: float = 60.0) -> tuple[tuple[float, float, str, tuple], ...]:
    """(start, length, photo, motion) of each scene: a region of a photo, panned and zoomed."""
    rng = np.random.default_rng(SEEDS[film])
    out, t = [], 0.0
    while t < seconds:
        length = float(rng.uniform(2.5, 4.5))
        name = PHOTOS[film][int(rng.integers(0, len(PHOTOS[film])))]
        motion = tuple(float(v) for v in rng.uniform(-1, 1, 5))
        out.append((t, length, name, motion))
        t += length
    return tuple(out)


def shot(film: str, t: float, size: tuple[int, int] = SIZE) -> np.ndarray:
    """The film's picture at time ``t`` seconds, at ``size``."""
    width, height = size
    scene = next(s for s in scenes(film) if s[0] <= t < s[0] + s[1])
    start, length, name, (cx, cy, zoom, dx, dy) = scene
    image = photo(name)
    h, w = image.shape[:2]
    u = (t - start) / length
    crop_w = w * (0.55 + 0.1 * zoom + 0.15 * u * np.sign(zoom))
    crop_h = crop_w * height / width
    if crop_h > h * 0.95:
        crop_h = h * 0.95
        crop_w = crop_h * width / height
    x = w / 2 + cx * (w - crop_w) / 4 + dx * (w - crop_w) / 4 * (2 * u - 1)
    y = h / 2 + cy * (h - crop_h) / 4 + dy * (h - crop_h) / 4 * (2 * u - 1)
    sx, sy = width / crop_w, height / crop_h
    matrix = np.array([[sx, 0, -(x - crop_w / 2) * sx], [0, sy, -(y - crop_h / 2) * sy]])
    return cv2.warpAffine(
        image, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
    )


def encode(
    frames, fps: float = FPS, size: tuple[int, int] = SIZE, sound: np.ndarray | None = None,
    crf: int = 23, preset: str = "ultrafast",
) -> bytes:  # fmt: skip
    """Frames (RGB arrays) as an H.264 MP4, with ``sound`` (mono at 11025 Hz) as AAC.

    ``preset``: x264's; "ultrafast" (the tests) makes no B-frames, the slower ones do."""
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        rate = Fraction(fps).limit_denominator(1001)
        stream = container.add_stream(
            "libx264", rate=rate, options={"preset": preset, "crf": str(crf)}
        )
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        audio = (
            add_audio_stream(container, "aac", AUDIO_RATE, "mono") if sound is not None else None
        )
        for index, pixels in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(pixels), format="rgb24")
            frame.pts, frame.time_base = index, 1 / rate
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
        if audio is not None and sound is not None:
            write_audio(container, audio, sound, AUDIO_RATE, "mono")
    return out.getvalue()


def render(picture, seconds: float, fps: float = FPS) -> list[np.ndarray]:
    return [picture(k / fps) for k in range(round(seconds * fps))]


def soundtrack(film: str, start: float = 0.0, seconds: float = SECONDS) -> np.ndarray:
    samples = music(SEEDS[film], 60.0)
    return samples[round(start * AUDIO_RATE) : round((start + seconds) * AUDIO_RATE)]


@cache
def reference(film: str) -> bytes:
    sound = soundtrack(film) if film == "A" else None
    return encode(render(lambda t: shot(film, t), SECONDS), sound=sound)


@cache
def matcher() -> VideoMatcher:
    m = VideoMatcher()
    m.add_reference("A", io.BytesIO(reference("A")))  # a file object: read twice (picture, sound)
    m.add_reference("B", reference("B"))
    return m


# ---------------------------------------------------------------- transformations


def fit(pixels: np.ndarray, size: tuple[int, int] = SIZE) -> np.ndarray:
    return cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)


def cropped(pixels: np.ndarray) -> np.ndarray:
    """20 % of the width and height cut away, unevenly, then back to the frame size."""
    h, w = pixels.shape[:2]
    return fit(pixels[int(0.12 * h) : int(0.92 * h), int(0.05 * w) : int(0.85 * w)])


def overlaid(pixels: np.ndarray) -> np.ndarray:
    out = pixels.copy()
    logo = fit(photo("logo"), (90, 90))
    out[12:102, 378:468] = logo
    cv2.putText(out, "Subtitles burned into the picture", (30, 250), 0, 0.7, (255, 255, 255), 2)
    return out


def picture_in_picture(pixels: np.ndarray, t: float) -> np.ndarray:
    """The film shrunk to 45 % of the frame over unrelated moving material."""
    out = shot("other", t + 7.0).copy()
    inset = fit(pixels, (round(SIZE[0] * 0.45), round(SIZE[1] * 0.45)))
    y, x = 20, 230
    out[y : y + inset.shape[0], x : x + inset.shape[1]] = inset
    return out


def letterboxed(pixels: np.ndarray) -> np.ndarray:
    """Into a 4:3 frame with black bars above and below."""
    out = np.zeros((360, 480, 3), np.uint8)
    out[45:315] = pixels
    return out


def clip(transform, fps: float = FPS, speed: float = 1.0, size=SIZE, crf: int = 23) -> bytes:
    seconds = CLIP / speed
    frames = render(lambda t: transform(shot("A", START + speed * t), t), seconds, fps)
    return encode(frames, fps, size=size, crf=crf)


TRANSFORMS = {
    "re-encoded": lambda: clip(lambda p, t: p, crf=38),
    "resized": lambda: clip(lambda p, t: fit(p, (256, 144)), size=(256, 144)),
    "cropped 20 %": lambda: clip(lambda p, t: cropped(p)),
    "overlaid": lambda: clip(lambda p, t: overlaid(p)),
    "mirrored": lambda: clip(lambda p, t: np.ascontiguousarray(p[:, ::-1])),
    "24 to 30 fps": lambda: clip(lambda p, t: p, fps=30),
    "sped up 5 %": lambda: clip(lambda p, t: p, speed=1.05),
    "picture in picture 45 %": lambda: clip(picture_in_picture),
    "letterboxed": lambda: clip(lambda p, t: letterboxed(p), size=(480, 360)),
}


def best(found: list[VideoMatch]) -> VideoMatch:
    assert found, "nothing found"
    return found[0]


def assert_segment(hit: VideoMatch, query: tuple[float, float], ref: tuple[float, float]) -> None:
    segment = max(hit.segments, key=lambda s: s.query_end - s.query_start)
    got = (segment.query_start, segment.query_end, segment.reference_start, segment.reference_end)
    want = (*query, *ref)
    assert all(abs(g - w) <= TOLERANCE for g, w in zip(got, want, strict=True)), (got, want)


@pytest.mark.parametrize("name", TRANSFORMS)
def test_a_transformed_clip_from_the_middle_is_found_with_its_segment(name):
    speed = 1.05 if "sped" in name else 1.0
    hit = best(matcher().query(TRANSFORMS[name]()))
    assert hit.reference_id == "A", hit
    assert hit.match and hit.score >= DEFAULT_THRESHOLD, hit
    assert hit.visual_score >= DEFAULT_THRESHOLD, hit
    assert abs(hit.speed - speed) <= 0.02, hit
    assert_segment(hit, (0.0, CLIP / speed), (START, START + CLIP))


def test_a_copy_amid_other_material_is_found_where_it_is():
    frames = render(lambda t: shot("other", t), 6.0)
    frames += render(lambda t: shot("A", 20.0 + t), CLIP)
    frames += render(lambda t: shot("other", 20.0 + t), 6.0)
    hit = best(matcher().query(encode(frames)))
    assert hit.reference_id == "A" and hit.match, hit
    assert_segment(hit, (6.0, 6.0 + CLIP), (20.0, 20.0 + CLIP))


def test_unrelated_videos_match_nothing():
    for start, candidates in ((0.0, True), (20.0, False)):
        query = encode(render(lambda t, s=start: shot("other", s + t), CLIP))
        found = matcher().query(query, candidates=candidates)
        assert all(not m.match and m.score < DEFAULT_THRESHOLD for m in found), found
        assert candidates or found == []


def test_the_same_soundtrack_under_another_picture_is_found_by_its_sound():
    frames = render(lambda t: shot("other", t), CLIP)
    query = encode(frames, sound=soundtrack("A", 10.0, CLIP))
    hit = best(matcher().query(query))
    assert hit.reference_id == "A" and hit.match, hit
    assert hit.audio_score is not None and hit.audio_score >= DEFAULT_THRESHOLD, hit
    assert hit.visual_score < DEFAULT_THRESHOLD, hit
    assert_segment(hit, (0.0, CLIP), (10.0, 10.0 + CLIP))


def test_picture_and_sound_together_score_higher_than_either():
    frames = render(lambda t: shot("A", START + t), CLIP)
    query = encode(frames, sound=soundtrack("A", START, CLIP))
    hit = best(matcher().query(query))
    assert hit.reference_id == "A" and hit.match, hit
    assert hit.audio_score is not None
    assert hit.score >= max(hit.visual_score, hit.audio_score), hit
    assert_segment(hit, (0.0, CLIP), (START, START + CLIP))


def test_a_silent_soundtrack_gives_no_audio_evidence():
    frames = render(lambda t: shot("B", START + t), CLIP)
    query = encode(frames, sound=np.zeros(round(CLIP * AUDIO_RATE), np.float32))
    hit = best(matcher().query(query))
    assert hit.reference_id == "B" and hit.match, hit
    assert hit.audio_score is None, hit


def test_the_index_is_saved_and_opened(tmp_path):
    saved = matcher().index
    saved.save(tmp_path / "index")
    opened = VideoMatcher()
    from copyguard.fingerprint.index.video import VideoIndex

    opened.index = VideoIndex.open(tmp_path / "index")
    assert len(opened.index) == 2 and opened.index.work_id(0) == "A"
    query = encode(render(lambda t: shot("B", 5.0 + t), CLIP))
    hit = best(opened.query(query))
    assert hit.reference_id == "B" and hit.match, hit
    assert_segment(hit, (0.0, CLIP), (5.0, 5.0 + CLIP))
    assert opened.index.delete("B")
    keyframes = opened.index.keyframes  # B's keyframes are tombstoned with it
    assert all(
        keyframes.work(n).deleted == (keyframes.work_id(n) == 1) for n in range(len(keyframes))
    )
    assert all(m.reference_id != "B" for m in opened.query(query))


def test_a_broken_index_directory_is_refused(tmp_path):
    from copyguard.fingerprint.index.video import VideoIndex, VideoIndexError

    matcher().index.save(tmp_path / "index")
    (tmp_path / "index" / "entries.npz").write_bytes(b"not an archive")
    with pytest.raises(VideoIndexError):
        VideoIndex.open(tmp_path / "index")


# ---------------------------------------------------------------- bad input


def audio_only() -> bytes:
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = add_audio_stream(container, "aac", AUDIO_RATE, "mono")
        write_audio(container, stream, soundtrack("A", 0.0, 3.0), AUDIO_RATE, "mono")
    return out.getvalue()


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"this is not a video at all\n" * 40, id="not a video"),
        pytest.param(lambda: reference("B")[: len(reference("B")) // 2], id="truncated"),
        pytest.param(audio_only, id="audio only"),
    ],
)
def test_unreadable_input_gives_a_clear_error(source):
    data_ = source() if callable(source) else source
    with pytest.raises(ExtractionError):
        matcher().query(data_)


def test_a_too_short_or_blank_video_is_refused():
    short = encode(render(lambda t: shot("A", t), 0.4))
    with pytest.raises(ShortVideoError):
        matcher().query(short)
    with pytest.raises(ShortVideoError):
        VideoMatcher().add_reference("short", short)
    black = encode([np.zeros((SIZE[1], SIZE[0], 3), np.uint8)] * (3 * FPS))
    with pytest.raises(ShortVideoError):
        matcher().query(black)
    empty = VideoMatcher()
    with pytest.raises(ShortVideoError):
        empty.add_reference("black", black)
    assert len(empty.index) == 0


def test_a_long_query_describes_a_bounded_number_of_keyframes_spread_over_it(monkeypatch):
    from types import SimpleNamespace

    import copyguard.fingerprint.video as video

    monkeypatch.setattr(video, "QUERY_KEYFRAMES", 8)
    frames = (
        SimpleNamespace(time=k / 2, pixels=shot("B", k / 2 % SECONDS, (160, 90)))
        for k in range(100)
    )
    fingerprint = video.gen_query_fingerprint(frames)
    assert fingerprint.frames == 100 and fingerprint.duration == pytest.approx(50.0)
    assert 4 <= len(fingerprint.keyframes) <= 8
    assert fingerprint.key_times[0] < 5.0 and fingerprint.key_times[-1] > 40.0


def test_a_logo_and_caption_shared_by_unrelated_videos_are_no_evidence():
    # Keypoints that stay put while the pictures change are left out, on both sides: a
    # channel's logo would otherwise match every video of the channel.
    m = VideoMatcher()
    m.add_reference("B with the logo", encode(render(lambda t: overlaid(shot("B", t)), 22.0)))
    found = m.query(encode(render(lambda t: overlaid(shot("other", t)), 10.0)))
    assert all(not hit.match for hit in found), found


def sampled(picture, seconds: float, start: float = 0.0):
    """Frames as the decoder samples them (2 a second), without encoding: for the engine's
    functions that take frames."""
    from types import SimpleNamespace

    return [
        SimpleNamespace(time=k / 2, pixels=picture(start + k / 2))
        for k in range(round(seconds * 2))
    ]


def test_black_bars_of_a_reference_are_cut_away_too():
    from copyguard.fingerprint.index.video import VideoIndex
    from copyguard.fingerprint.video import gen_query_fingerprint, gen_video_fingerprint

    def boxed(t: float) -> np.ndarray:  # pillarboxed into 4:3, then letterboxed into 21:9
        inner = np.zeros((270, 360, 3), np.uint8)
        inner[45:225] = fit(shot("B", t), (360, 180))
        out = np.zeros((270, 630, 3), np.uint8)
        out[:, 135:495] = inner
        return out

    fingerprint = gen_video_fingerprint(sampled(lambda t: fit(boxed(t), (320, 137)), 24.0))
    # Keypoints and hashes are of the picture inside the bars (2:1, 183 x 91 pixels here).
    assert all(abs(k.width - 183) <= 2 and abs(k.height - 91) <= 2 for k in fingerprint.keyframes)
    index = VideoIndex()
    index.add("B boxed", fingerprint)
    hits = index.search(gen_query_fingerprint(sampled(lambda t: shot("B", t), CLIP, 6.0)))
    assert hits and hits[0].score >= DEFAULT_THRESHOLD, hits
    segment = hits[0].segments[0]
    assert abs(segment.reference_start - 6.0) <= TOLERANCE, segment
    assert abs(segment.reference_end - 6.0 - CLIP) <= TOLERANCE, segment
