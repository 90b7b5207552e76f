"""Extraction and decoding on arbitrary bytes: text, code, picture or recording, or one
ExtractionError line; detection always answers."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copyguard.fingerprint.extract import ExtractionError, detect_media, extract, load_image
from copyguard.fingerprint.extract.audio import load_audio
from copyguard.fingerprint.extract.detect import detect_format
from copyguard.fingerprint.extract.text import decode_text
from copyguard.fingerprint.extract.video import load_video
from fuzz.make_corpus import audios, images, videos

ANY_BYTES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = st.sampled_from([None, "a.txt", "a.html", "a.pdf", "a.epub", "a.docx", "a.py", "a.bin"])


def one_line(error: ExtractionError) -> bool:
    return bool(str(error)) and "\n" not in str(error)


@ANY_BYTES
@given(st.binary(max_size=4096), NAMES, st.sampled_from(["auto", "text", "code"]))
def test_extract_gives_text_or_one_extraction_error(data, name, media) -> None:  # type: ignore[no-untyped-def]
    try:
        result = extract(data, filename=name, media=media)
    except ExtractionError as error:
        assert one_line(error)
    else:
        assert isinstance(result.text, str)


@ANY_BYTES
@given(st.binary(max_size=4096), NAMES)
def test_detection_always_answers(data, name) -> None:  # type: ignore[no-untyped-def]
    assert detect_media(name, data) in {"text", "code", "image", "audio", "video"}
    assert detect_format(name, data) in {"pdf", "epub", "docx", "html", "txt", "zip"}


@ANY_BYTES
@given(st.binary(min_size=1, max_size=2048))
def test_decoding_text_gives_text_without_nul_or_one_error(data) -> None:  # type: ignore[no-untyped-def]
    try:
        decoded = decode_text(data)
    except ExtractionError as error:
        assert one_line(error)
    else:
        assert "\x00" not in decoded.text


def _damaged(seed: bytes, at: float, value: bytes, cut: float) -> bytes:
    position = int(at * len(seed))
    data = seed[:position] + value + seed[position + len(value) :]
    return data[: max(1, int(len(data) * cut))]


DAMAGE = (
    st.floats(0, 1, exclude_max=True),
    st.binary(min_size=1, max_size=16),
    st.sampled_from([1.0, 0.7, 0.3]),
)


@ANY_BYTES
@given(st.sampled_from(sorted(images().values())), *DAMAGE)
def test_a_damaged_picture_decodes_or_gives_one_error(seed, at, value, cut) -> None:  # type: ignore[no-untyped-def]
    try:
        image = load_image(_damaged(seed, at, value, cut))
    except ExtractionError as error:
        assert one_line(error)
    else:
        assert image.pixels.ndim == 3 and image.pixels.shape[2] == 3


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(audios().values())), *DAMAGE)
def test_a_damaged_recording_decodes_or_gives_one_error(seed, at, value, cut) -> None:  # type: ignore[no-untyped-def]
    try:
        audio = load_audio(_damaged(seed, at, value, cut))
    except ExtractionError as error:
        assert one_line(error)
    else:
        assert audio.samples.ndim == 1


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(videos().values())), *DAMAGE)
def test_a_damaged_video_gives_frames_or_one_error(seed, at, value, cut) -> None:  # type: ignore[no-untyped-def]
    try:
        with load_video(_damaged(seed, at, value, cut), max_side=32) as video:
            for frame in video.frames():
                assert frame.pixels.ndim == 3
    except ExtractionError as error:
        assert one_line(error)
