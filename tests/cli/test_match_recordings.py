"""`copyguard match` on sound and video files: the jsonl contract with segments in seconds, the
media a file is taken for, a song in a video's soundtrack, and one error line per bad file."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import pytest

from copyguard.fingerprint.extract.audio import AUDIO_RATE
from copyguard.fingerprint.tests.test_audio import music
from copyguard.fingerprint.tests.test_extract_audio import write_audio
from tests.cli.test_match import lines, pairs, run_match

RATE = AUDIO_RATE
SONG_SECONDS = 40.0


def encode(samples: np.ndarray, fmt: str, codec: str, rate: int = 44100) -> bytes:
    """``samples`` (mono, at RATE) encoded as ``codec`` in a ``fmt`` container at ``rate``."""
    out = io.BytesIO()
    with av.open(out, "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=rate)
        stream.layout = "stereo"
        _write_sound(container, stream, samples, rate)
    return out.getvalue()


def _resampled(samples: np.ndarray, rate: int) -> np.ndarray:
    if rate == RATE:
        return samples
    times = np.arange(round(samples.size * rate / RATE)) * (RATE / rate)
    return np.interp(times, np.arange(samples.size), samples).astype(np.float32)


def _write_sound(container, stream, samples: np.ndarray, rate: int) -> None:
    write_audio(container, stream, _resampled(samples, rate), rate, "stereo")


def film(seconds: float, sound: np.ndarray | None, seed: int) -> bytes:
    """An MP4 of moving shapes on a gradient (H.264, 25 fps, 320x180), with ``sound`` (mono at
    RATE) as its AAC soundtrack when given."""
    rng = np.random.default_rng(seed)
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        video = container.add_stream("libx264", rate=25)
        video.width, video.height, video.pix_fmt = 320, 180, "yuv420p"
        audio = None
        if sound is not None:
            audio = container.add_stream("aac", rate=44100)
            audio.layout = "stereo"
        y, x = np.mgrid[0:180, 0:320]
        base = np.stack([x * 255 // 320, y * 255 // 180, (x + y) * 255 // 500], -1)
        centres = rng.uniform([0, 0], [320, 180], (6, 2))
        moves = rng.uniform(-3, 3, (6, 2))
        colours = rng.integers(0, 256, (6, 3))
        for index in range(round(seconds * 25)):
            picture = base.copy()
            for (cx, cy), (dx, dy), colour in zip(centres, moves, colours, strict=True):
                px, py = (cx + dx * index) % 320, (cy + dy * index) % 180
                inside = (x - px) ** 2 + (y - py) ** 2 < 30**2
                picture[inside] = colour
            frame = av.VideoFrame.from_ndarray(picture.astype(np.uint8), format="rgb24")
            frame.pts = index
            for packet in video.encode(frame):
                container.mux(packet)
        for packet in video.encode(None):
            container.mux(packet)
        if audio is not None and sound is not None:
            _write_sound(container, audio, sound, 44100)
    return out.getvalue()


@dataclass(frozen=True)
class Library:
    root: Path
    songs: dict[str, np.ndarray]


def excerpt(samples: np.ndarray, start: float, seconds: float) -> np.ndarray:
    return samples[round(start * RATE) : round((start + seconds) * RATE)]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    root = tmp_path_factory.mktemp("recordings")
    refs, queries, bad = root / "refs", root / "queries", root / "queries" / "bad"
    for folder in (refs, bad):
        folder.mkdir(parents=True)
    songs = {name: music(seed, SONG_SECONDS) for seed, name in enumerate(["anthem", "ballad"])}
    (refs / "anthem.mp3").write_bytes(encode(songs["anthem"], "mp3", "libmp3lame"))
    (refs / "ballad.flac").write_bytes(encode(songs["ballad"], "flac", "flac"))
    # A song in a WebM container (audio only: auto must not call it a video), an excerpt in AAC.
    (queries / "anthem-excerpt.webm").write_bytes(
        encode(excerpt(songs["anthem"], 12.0, 10.0), "webm", "libopus", 48000)
    )
    (queries / "ballad-excerpt.m4a").write_bytes(
        encode(excerpt(songs["ballad"], 20.0, 12.0), "mp4", "aac")
    )
    (queries / "other-song.wav").write_bytes(encode(music(40, 15.0), "wav", "pcm_s16le"))
    # A home video whose soundtrack plays the ballad from its 5th second.
    (queries / "party.mp4").write_bytes(film(12.0, excerpt(songs["ballad"], 5.0, 12.0), 3))
    good = encode(music(41, 10.0), "mp3", "libmp3lame")
    (bad / "truncated.mp3").write_bytes(good[:300])
    (bad / "empty.wav").write_bytes(b"")
    (bad / "junk.mp4").write_bytes(b"\x00\x00\x00\x18ftypisom" + bytes(range(256)) * 4)
    (bad / "too-short.wav").write_bytes(encode(music(42, 0.05), "wav", "pcm_s16le"))
    (bad / "silent-film.mp4").write_bytes(film(3.0, None, 4))
    return Library(root, songs)


@pytest.fixture(scope="module")
def audio_run(library: Library):
    return run_match(library.root, "--refs", "refs", "--queries", "queries")


def test_excerpts_are_found_with_their_place_in_seconds(audio_run) -> None:
    assert audio_run.status == 0, audio_run.err
    found = {pair: line for pair, line in pairs(audio_run).items() if line["match"]}
    assert set(found) == {
        ("queries/anthem-excerpt.webm", "refs/anthem.mp3"),
        ("queries/ballad-excerpt.m4a", "refs/ballad.flac"),
        ("queries/party.mp4", "refs/ballad.flac"),
    }
    expected = {
        "queries/anthem-excerpt.webm": ((0.0, 10.0), (12.0, 22.0)),
        "queries/ballad-excerpt.m4a": ((0.0, 12.0), (20.0, 32.0)),
        "queries/party.mp4": ((0.0, 12.0), (5.0, 17.0)),
    }
    for (query, _), line in found.items():
        assert line["media"] == "audio"
        assert 0.5 <= line["score"] <= 1.0
        [segment] = line["segments"]
        want_query, want_reference = expected[query]
        # The matched stretch lies within the copy and covers most of it; the offset between
        # the two clocks (reference - query) is right to 0.1 s.
        q0, q1 = segment["query"]
        r0, r1 = segment["reference"]
        assert want_query[0] - 0.1 <= q0 < q1 <= want_query[1] + 0.1
        assert q1 - q0 >= 0.7 * (want_query[1] - want_query[0])
        assert abs((r0 - q0) - (want_reference[0] - want_query[0])) <= 0.1
        assert abs((r1 - q1) - (want_reference[0] - want_query[0])) <= 0.1


def test_every_line_has_exactly_the_keys_and_types_of_the_contract(audio_run) -> None:
    for line in lines(audio_run):
        if "error" in line:
            assert set(line) == {"query", "error"}
            continue
        assert set(line) == {"query", "reference", "media", "score", "match", "segments"}
        for segment in line["segments"]:
            assert set(segment) == {"query", "reference"}
            for value in [*segment["query"], *segment["reference"]]:
                assert isinstance(value, float | int)


def test_every_bad_file_gives_one_error_line_and_the_run_goes_on(audio_run) -> None:
    errors = {line["query"]: line["error"] for line in lines(audio_run) if "error" in line}
    assert set(errors) == {
        "queries/bad/truncated.mp3",
        "queries/bad/empty.wav",
        "queries/bad/junk.mp4",
        "queries/bad/too-short.wav",
    }
    assert errors["queries/bad/empty.wav"] == "empty file"
    assert (
        "truncated" in errors["queries/bad/truncated.mp3"]
        or "corrupt" in (errors["queries/bad/truncated.mp3"])
    )
    assert "too short" in errors["queries/bad/too-short.wav"]
    for message in errors.values():
        assert "\n" not in message and len(message) < 300
    # A video without sound is read (its pictures); it just matches no song.
    assert not any(line.get("query") == "queries/bad/silent-film.mp4" for line in lines(audio_run))


def test_media_audio_reads_a_videos_soundtrack(library: Library) -> None:
    run = run_match(
        library.root, "--refs", "refs", "--queries", "queries/party.mp4", "--media", "audio"
    )

    assert [(line["reference"], line["media"], line["match"]) for line in lines(run)] == [
        ("refs/ballad.flac", "audio", True)
    ]


def test_media_audio_refuses_a_document_in_one_line(library: Library, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a song\n" * 100)

    run = run_match(library.root, "--refs", "refs", "--queries", str(tmp_path), "--media", "audio")

    [line] = lines(run)
    assert line["query"] == str(tmp_path / "notes.txt")
    assert "\n" not in line["error"]
    assert run.status == 2
    assert run.err.strip() == "copyguard match: error: none of the queries could be read"


def test_threshold_zero_also_prints_the_unrelated_pairs_retrieved(library: Library) -> None:
    run = run_match(
        library.root, "--refs", "refs", "--queries", "queries/other-song.wav", "--threshold", "0"
    )

    assert run.status == 0
    for line in lines(run):
        assert line["match"] is False and line["score"] < 0.5


def test_the_table_shows_the_segments_as_clock_times(library: Library) -> None:
    run = run_match(
        library.root,
        "--refs",
        "refs",
        "--queries",
        "queries/ballad-excerpt.m4a",
        "--format",
        "table",
    )

    assert run.status == 0
    assert "reference  refs/ballad.flac" in run.out
    assert "· audio · tempo 1.0" in run.out
    assert "0:00." in run.out and "0:2" in run.out  # the query from 0:00, the song from 0:20
    assert run.out.splitlines()[-1].startswith("references read: 2, queries read: 1")


def test_jsonl_lines_parse_one_by_one(audio_run) -> None:
    for text in audio_run.out.splitlines():
        json.loads(text)


# ---------------------------------------------------------------- video


@pytest.fixture(scope="module")
def cinema(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two reference films (A with its music, B silent), a mirrored clip of A's middle, A's
    music alone as a song, and a sound file given as a video by mistake."""
    from copyguard.fingerprint.tests import test_video as films

    root = tmp_path_factory.mktemp("cinema")
    refs, queries = root / "refs", root / "queries"
    refs.mkdir()
    queries.mkdir()
    (refs / "film-a.mp4").write_bytes(films.reference("A"))
    (refs / "film-b.mp4").write_bytes(films.reference("B"))
    (queries / "a-mirrored.mp4").write_bytes(
        films.clip(lambda p, t: np.ascontiguousarray(p[:, ::-1]))
    )
    music_of_a = films.soundtrack("A", films.START, films.CLIP)
    (queries / "a-music.m4a").write_bytes(encode(music_of_a, "mp4", "aac"))
    return root


def test_a_video_clip_is_found_with_its_segment_in_seconds(cinema: Path) -> None:
    from copyguard.fingerprint.tests import test_video as films

    run = run_match(cinema, "--refs", "refs", "--queries", "queries/a-mirrored.mp4")

    assert run.status == 0, run.err
    [line] = lines(run)
    assert (line["reference"], line["media"], line["match"]) == ("refs/film-a.mp4", "video", True)
    segment = max(line["segments"], key=lambda s: s["query"][1] - s["query"][0])
    want = (0.0, films.CLIP, films.START, films.START + films.CLIP)
    got = (*segment["query"], *segment["reference"])
    assert all(abs(g - w) <= 1.0 for g, w in zip(got, want, strict=True)), got


def test_a_song_is_found_in_a_reference_films_soundtrack(cinema: Path) -> None:
    from copyguard.fingerprint.tests import test_video as films

    run = run_match(cinema, "--refs", "refs", "--queries", "queries/a-music.m4a")

    [line] = lines(run)
    assert (line["reference"], line["media"], line["match"]) == ("refs/film-a.mp4", "audio", True)
    [segment] = line["segments"]
    assert abs((segment["reference"][0] - segment["query"][0]) - films.START) <= 0.1


def test_media_video_refuses_a_sound_file_in_one_line(cinema: Path) -> None:
    run = run_match(
        cinema, "--refs", "refs", "--queries", "queries/a-music.m4a", "--media", "video"
    )

    [line] = lines(run)
    assert line == {"query": "queries/a-music.m4a", "error": line["error"]}
    assert "video" in line["error"] and "\n" not in line["error"]
    assert run.status == 2


def test_the_table_shows_picture_and_sound_evidence(cinema: Path) -> None:
    run = run_match(
        cinema, "--refs", "refs", "--queries", "queries/a-mirrored.mp4", "--format", "table"
    )

    assert "reference  refs/film-a.mp4" in run.out
    assert "· video · picture 0." in run.out
    assert "speed 1.0" in run.out
