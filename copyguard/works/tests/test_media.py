# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""Pictures, sound and video in the registry: read when added, indexed when registered,
and found by ``scanning.scan_source`` in files from elsewhere."""

from __future__ import annotations

import io
from functools import cache

import numpy as np
import pytest
from PIL import Image, ImageDraw

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.works import actions, blobs, registry_index, scanning
from copyguard.works.enums import FileMedia, RegistrationStatus, WorkErrorCode
from copyguard.works.models import Registration, WorkFile
from copyguard.works.samples import landscape_png, tune_samples, tune_wav, wav_bytes
from copyguard.works.testing import SAMPLE_TEXT, after_commit, registered_work

ACTOR = Actor.system(via="test")


@cache
def _mp3(seed: int) -> bytes:
    from copyguard.fingerprint.tests.test_extract_audio import encode_audio

    samples = tune_samples(seed, seconds=10.0, rate=44100).astype(np.float32)
    return encode_audio("mp3", samples=samples, layout="mono")


def _jpeg(png: bytes, quality: int = 85) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def _registered(owner, registry, data: bytes, name: str, category: str) -> Registration:  # type: ignore[no-untyped-def]
    work = actions.create_work(
        ACTOR, owner, title=name, category=category, authors=[{"real_name": "作者"}]
    )
    actions.add_file(ACTOR, work, data, name)
    registrar = Actor(user=registry.registrar)
    with after_commit():
        registration = actions.submit(ACTOR, work.current_registration)
    registration = actions.take_for_examination(registrar, registration, registry.administration)
    reason = "test" if registration.approval_needs_reason() else ""
    with after_commit():
        return actions.approve(registrar, registration, registry.administration, reason)


# ---------------------------------------------------------------- adding files


def test_a_photograph_and_a_sound_file_are_read_with_their_iscc_codes(people):
    work = actions.create_work(ACTOR, people.org, title="photo", category="photography")
    photo = actions.add_file(ACTOR, work, landscape_png(1), "lake.png")
    assert photo.media == FileMedia.IMAGE and photo.media_type == "image/png"
    assert photo.iscc_content_code.startswith("ISCC:") and photo.iscc_text_code == ""
    assert photo.text_storage_name == "" and photo.iscc_code == photo.iscc_content_code
    jpeg = actions.add_file(ACTOR, work, _jpeg(landscape_png(1)), "lake.jpg")
    assert jpeg.media == FileMedia.IMAGE and jpeg.iscc_content_code.startswith("ISCC:")
    song = actions.create_work(ACTOR, people.org, title="song", category="music")
    wav = actions.add_file(ACTOR, song, tune_wav(1, seconds=6.0), "tune.wav")
    assert wav.media == FileMedia.AUDIO and wav.iscc_content_code.startswith("ISCC:")
    mp3 = actions.add_file(ACTOR, song, _mp3(1), "tune.mp3")
    assert mp3.media == FileMedia.AUDIO


def test_a_video_is_read_as_video_and_a_song_in_an_mp4_as_audio(people):
    from copyguard.fingerprint.tests.test_extract_audio import encode_audio
    from copyguard.fingerprint.tests.test_extract_video import encode_video

    work = actions.create_work(ACTOR, people.org, title="film", category="audiovisual")
    film = actions.add_file(ACTOR, work, encode_video("mp4", seconds=2.0), "film.mp4")
    assert film.media == FileMedia.VIDEO and film.iscc_content_code == ""
    song = actions.add_file(ACTOR, work, encode_audio("m4a"), "song.mp4")
    assert song.media == FileMedia.AUDIO


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (SAMPLE_TEXT.encode(), "photo.png", WorkErrorCode.FILE_UNREADABLE),
        (b"\x89PNG\r\n\x1a\n" + b"x" * 100, "photo.png", WorkErrorCode.FILE_UNREADABLE),
        (landscape_png(3)[:5000], "cut.png", WorkErrorCode.FILE_UNREADABLE),
        ("truncated mp3", "song.mp3", WorkErrorCode.FILE_UNREADABLE),
        (b"RIFF\x00\x00\x00\x00WAVEjunk", "song.wav", WorkErrorCode.FILE_UNREADABLE),
        (b"not a film", "film.mp4", WorkErrorCode.FILE_UNREADABLE),
        (b"", "empty.png", WorkErrorCode.FILE_EMPTY),
    ],
)
def test_a_file_that_claims_to_be_media_but_does_not_decode_is_refused(people, data, name, code):
    if data == "truncated mp3":
        data = _mp3(2)[: len(_mp3(2)) // 2]
    work = actions.create_work(ACTOR, people.org, title="x", category="photography")
    with pytest.raises(ActionError) as error:
        actions.add_file(ACTOR, work, data, name)
    assert error.value.code == code
    assert "\n" not in str(error.value.message)
    assert not WorkFile.objects.filter(work=work).exists()
    if data:  # nothing stored either
        from django.core.files.storage import default_storage

        assert not default_storage.exists(blobs.blob_name(blobs.sha256_of(data)))


# ---------------------------------------------------------------- the index


def test_approval_indexes_pictures_and_sound_and_reindex_rebuilds_them(people, registry, settings):
    photo = _registered(people.org, registry, landscape_png(1), "lake.png", "photography")
    song = _registered(people.org, registry, tune_wav(1), "tune.wav", "music")
    text = registered_work(people.org, registry, title="essay")
    photo_file, song_file = photo.work.files.get(), song.work.files.get()
    engines = registry_index.open_engines()
    assert engines.has("image") and engines.has("audio") and not engines.has("video")
    assert engines.images.index.work_id(0) == photo_file.pk
    assert engines.audio.index.work_id(0) == song_file.pk
    assert (settings.DATA_DIR / "works-index" / "image" / "current.json").exists()
    assert registry_index.add_files([photo_file, song_file]) == 0  # already there
    assert registry_index.open_engines().images is engines.images  # unchanged: reused
    registered = WorkFile.objects.filter(
        work__registrations__status=RegistrationStatus.REGISTERED
    ).distinct()
    assert registry_index.rebuild(registered) == 3
    rebuilt = registry_index.open_engines()
    assert rebuilt.images is not engines.images and len(rebuilt.images.index) == 1
    assert len(rebuilt.audio.index) == 1
    assert text.work.files.get().pk in registry_index.open_matcher().indexes["text"]
    # Only the current generation is kept on disk.
    assert [p.name for p in (settings.DATA_DIR / "works-index" / "image").glob("g*")] == ["g1"]


def test_a_picture_too_flat_to_identify_is_registered_but_left_out_of_the_index(
    people, registry, caplog
):
    out = io.BytesIO()
    Image.new("RGB", (200, 120), (200, 200, 200)).save(out, "PNG")
    registration = _registered(people.org, registry, out.getvalue(), "grey.png", "fine_art")
    assert registration.status == RegistrationStatus.REGISTERED
    assert registration.work.files.get().media == FileMedia.IMAGE
    assert not registry_index.open_engines().has("image")
    assert "left out" in caplog.text


# ---------------------------------------------------------------- scanning


@pytest.fixture
def registry_with_media(people, registry):  # type: ignore[no-untyped-def]
    photo = _registered(people.org, registry, landscape_png(1), "lake.png", "photography")
    song = _registered(people.org, registry, tune_wav(1, seconds=20.0), "tune.wav", "music")
    essay = registered_work(people.org, registry, title="essay")
    return photo, song, essay


def _crop_and_watermark(png: bytes) -> bytes:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    image = image.crop((width // 8, height // 10, width - width // 10, height - height // 8))
    draw = ImageDraw.Draw(image)
    draw.rectangle([10, 10, 230, 44], fill=(255, 255, 255))
    draw.text((16, 18), "pirate-pics.example  copy", fill=(200, 0, 0))
    return _jpeg_image(image)


def _jpeg_image(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def test_a_registered_photograph_is_found_under_crop_and_watermark(registry_with_media):
    photo, _song, _essay = registry_with_media
    outcome = scanning.scan_source(_crop_and_watermark(landscape_png(1)), "copy.jpg")
    assert outcome["media"] == "image" and outcome["error"] == ""
    (found,) = outcome["matches"]
    assert found["work_file_id"] == photo.work.files.get().pk
    assert found["work_id"] == photo.work.pk and found["registration_number"] == photo.number
    assert found["owner_id"] == photo.work.owner_id and found["title"] == "lake.png"
    assert found["media"] == "image" and found["match"] and found["score"] >= 0.5
    assert found["box"] is not None and len(found["box"]) == 4
    assert found["detail"]["inliers"] > 0 and found["segments"] == []


def test_a_clip_cut_from_the_middle_of_a_registered_tune_is_found(registry_with_media):
    _photo, song, _essay = registry_with_media
    samples = tune_samples(1, seconds=20.0)
    rate = 22050
    clip = wav_bytes(samples[6 * rate : 14 * rate], rate)
    outcome = scanning.scan_source(clip, "clip.wav")
    assert outcome["media"] == "audio" and outcome["error"] == ""
    (found,) = outcome["matches"]
    assert found["work_file_id"] == song.work.files.get().pk and found["media"] == "audio"
    ((q0, q1), (r0, _r1)) = (found["segments"][0]["query"], found["segments"][0]["reference"])
    assert r0 == pytest.approx(6.0 + q0, abs=0.3) and q1 > q0
    assert "tempo" in found["detail"]


def test_a_registered_text_pasted_into_a_web_page_is_found_with_its_passages(
    registry_with_media,
):
    _photo, _song, essay = registry_with_media
    page = (
        "<html><head><title>论坛</title></head><body><nav><a href='/'>首页</a> "
        "<a href='/bbs'>论坛</a></nav><article><h1>转载一篇好文</h1>"
        "<p>楼主：今天看到一篇文章，分享给大家。</p>"
        f"<p>{SAMPLE_TEXT}</p>"
        "<p>回复：写得真好，收藏了。明天的天气预报说有雨，大家出门记得带伞。</p>"
        "</article><footer>版权所有 © 某论坛</footer></body></html>"
    ).encode()
    outcome = scanning.scan_source(page, "thread-42", content_type="text/html; charset=utf-8")
    assert outcome["media"] == "text" and outcome["error"] == ""
    (found,) = outcome["matches"]
    assert found["work_file_id"] == essay.work.files.get().pk
    assert found["passages"] and found["segments"]
    passage = found["passages"][0]
    assert passage["reference_text"] and passage["reference_text"] in SAMPLE_TEXT
    assert len(passage["query_text"]) <= scanning.PASSAGE_CHARS
    assert passage["query"] == found["segments"][0]["query"]


def test_unrelated_content_matches_nothing(registry_with_media):
    assert scanning.scan_source(landscape_png(7), "other.png")["matches"] == []
    assert scanning.scan_source(tune_wav(7, seconds=20.0), "other.wav")["matches"] == []
    unrelated = "床前明月光，疑是地上霜。举头望明月，低头思故乡。" * 10
    outcome = scanning.scan_source(unrelated.encode(), "poem.txt")
    assert outcome == {"media": "text", "matches": [], "error": ""}


def test_a_work_whose_certificate_was_revoked_is_not_reported(registry_with_media, registry):
    from copyguard.works.certificates import actions as certificates

    photo, _song, _essay = registry_with_media
    query = _crop_and_watermark(landscape_png(1))
    assert scanning.scan_source(query, "copy.jpg")["matches"]
    certificate = photo.certificates.get()
    certificates.revoke(Actor(user=registry.registrar), certificate, "登记材料虚假")
    assert scanning.scan_source(query, "copy.jpg")["matches"] == []


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.png", "empty file"),
        (landscape_png(3)[:3000], "cut.png", ""),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "bad.png", ""),
        (b"ID3\x04\x00" + bytes(300), "bad.mp3", ""),
        (bytes(range(256)) * 64, "blob.bin", ""),
    ],
)
def test_bad_input_is_an_outcome_with_one_line(registry_with_media, data, name, message):
    outcome = scanning.scan_source(data, name)
    assert outcome["media"] == "" and outcome["matches"] == []
    assert outcome["error"] and "\n" not in outcome["error"]
    assert message in outcome["error"]


def test_too_large_and_unknown_media_are_refused_and_a_path_is_read(
    registry_with_media, monkeypatch, tmp_path
):
    monkeypatch.setattr(scanning, "MAX_SCAN_BYTES", 1000)
    assert scanning.scan_source(landscape_png(1), "x.png")["error"].startswith("file too large")
    monkeypatch.undo()
    assert scanning.scan_source(b"x", "x.png", media="smell")["error"] == "unknown media 'smell'"
    path = tmp_path / "copy.jpg"
    path.write_bytes(_crop_and_watermark(landscape_png(1)))
    assert scanning.scan_source(path, "copy.jpg")["matches"]
    assert scanning.scan_source(tmp_path / "missing.png", "missing.png")["error"]


def test_scan_text_compares_text_already_extracted(registry_with_media):
    _photo, _song, essay = registry_with_media
    outcome = scanning.scan_text("前言。" + SAMPLE_TEXT + "后记。")
    assert [m["work_id"] for m in outcome["matches"]] == [essay.work.pk]
    assert scanning.scan_text("   ")["error"] == "no text in the file"


def _pan(seed: int, seconds: float, start: float = 0.0) -> bytes:
    """A video panning across a landscape, 12 frames a second, from ``start`` seconds."""
    import av

    wide = Image.open(io.BytesIO(landscape_png(seed, width=1280, height=480))).convert("RGB")
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=12)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        for index in range(round(seconds * 12)):
            x = int((start + index / 12) * 80)
            view = wide.crop((x, 0, x + 640, 480)).resize((320, 240))
            frame = av.VideoFrame.from_ndarray(np.asarray(view), format="rgb24")
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def test_a_clip_of_a_registered_video_is_found(people, registry):
    film = _registered(people.org, registry, _pan(1, 8.0), "film.mp4", "audiovisual")
    assert film.work.files.get().media == FileMedia.VIDEO
    assert registry_index.open_engines().has("video")
    outcome = scanning.scan_source(_pan(1, 3.0, start=3.0), "clip.mp4")
    assert outcome["media"] == "video" and outcome["error"] == ""
    (found,) = outcome["matches"]
    assert found["work_file_id"] == film.work.files.get().pk and found["media"] == "video"
    assert found["segments"][0]["reference"][0] == pytest.approx(3.0, abs=0.5)
    assert "visual_score" in found["detail"]


def test_readers_reopen_a_media_index_another_process_changed(people, registry, settings):
    import os

    _registered(people.org, registry, landscape_png(1), "lake.png", "photography")
    before = registry_index.open_engines().images
    assert registry_index.open_engines().images is before  # unchanged: the same copy
    pointer = settings.DATA_DIR / "works-index" / "image" / "current.json"
    stat = pointer.stat()
    os.utime(pointer, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    reopened = registry_index.open_engines().images
    assert reopened is not before and len(reopened.index) == len(before.index) == 1
