"""The image, audio and video engines side by side, and how a recording is compared with
all of them: shared by ``copyguard match`` (references read from files) and the works
registry's index (references kept under the data directory).

A video query is compared with the video references and, through its soundtrack, with the
audio references (a song in a film); a sound file with the audio references and with the
soundtracks the video engine keeps of its references. Matches of recordings come out as
:class:`Heard`: a score, segments in seconds and the evidence in words.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copyguard.fingerprint.audio import AudioMatch, AudioMatcher, AudioSource
    from copyguard.fingerprint.image import ImageMatcher
    from copyguard.fingerprint.video import Source, VideoMatch, VideoMatcher

__all__ = ["Engines", "Heard", "problem", "recording_query", "soundtrack_matches", "unreadable"]

Span = tuple[float, float]


@dataclass(frozen=True)
class Heard:
    """An audio or video match: segments in seconds (query span, reference span), the
    evidence in words, and the engine's figures in ``detail``."""

    score: float
    match: bool
    segments: list[tuple[Span, Span]]
    evidence: str
    detail: dict[str, float | int | None]

    @classmethod
    def of_audio(cls, found: AudioMatch) -> Heard:
        return cls(
            found.score,
            found.match,
            [((found.query_start, found.query_end), (found.reference_start, found.reference_end))],
            f"tempo {found.tempo:.3f} · {found.evidence} aligned landmarks",
            {"tempo": round(found.tempo, 4), "offset": round(found.offset, 3),
             "evidence": found.evidence},
        )  # fmt: skip

    @classmethod
    def of_video(cls, found: VideoMatch) -> Heard:
        evidence = f"picture {found.visual_score:.3f}"
        if found.audio_score is not None:
            evidence += f", sound {found.audio_score:.3f}"
        evidence += f" · speed {found.speed:.3f}"
        return cls(
            found.score,
            found.match,
            [
                ((s.query_start, s.query_end), (s.reference_start, s.reference_end))
                for s in found.segments
            ],
            evidence,
            {
                "visual_score": round(found.visual_score, 4),
                "audio_score": None if found.audio_score is None else round(found.audio_score, 4),
                "speed": round(found.speed, 4),
                "evidence": found.evidence,
            },
        )


class Engines:
    """The image, audio and video engines, each loaded (OpenCV, PyAV, …) when first used,
    or given (engines whose indexes were opened from disk)."""

    def __init__(
        self,
        images: ImageMatcher | None = None,
        audio: AudioMatcher | None = None,
        video: VideoMatcher | None = None,
    ) -> None:
        self._images = images
        self._audio = audio
        self._video = video

    @property
    def images(self) -> ImageMatcher:
        if self._images is None:
            from copyguard.fingerprint.image import ImageMatcher

            self._images = ImageMatcher()
        return self._images

    @property
    def audio(self) -> AudioMatcher:
        if self._audio is None:
            from copyguard.fingerprint.audio import AudioMatcher

            self._audio = AudioMatcher()
        return self._audio

    @property
    def video(self) -> VideoMatcher:
        if self._video is None:
            from copyguard.fingerprint.video import VideoMatcher

            self._video = VideoMatcher()
        return self._video

    def has(self, media: str) -> bool:
        """Whether any reference of ``media`` (image, audio or video) is indexed."""
        engine = {"image": self._images, "audio": self._audio, "video": self._video}[media]
        return engine is not None and len(engine.index) > 0


def unreadable(exc: Exception, media: str) -> str | None:
    """The one-line reason for an engine's refusal of a file, or None for a failure that is
    not the file's (a bug, which must not pass for bad input)."""
    from copyguard.fingerprint.audio import ShortAudioError
    from copyguard.fingerprint.extract import ExtractionError
    from copyguard.fingerprint.image import FlatImageError

    if isinstance(exc, ExtractionError | FlatImageError | ShortAudioError):
        return str(exc)
    if media == "video":
        from copyguard.fingerprint.video import ShortVideoError

        if isinstance(exc, ShortVideoError):
            return str(exc)
    return None


def problem(exc: Exception, media: str) -> str:
    """Why a file of ``media`` could not be read, in one line."""
    reason = unreadable(exc, media)
    if reason is None:
        return f"unexpected {type(exc).__name__} while reading the {media}: {exc}"
    return reason


def recording_query(
    engines: Engines, source: Source, media: str, candidates: bool
) -> tuple[list[tuple[str | int, str, Heard]], str | None]:
    """(reference id, media, match) for every pair the engines retrieved for a recording
    (``media`` "audio" or "video"), and why it could not be read (None when it could).

    A video is compared with the video references and, by its soundtrack, with the audio
    references; a sound file with the audio references and the video references'
    soundtracks. A video without a usable soundtrack is no error: its pictures were read.
    ``candidates``: every retrieved pair, else only those the engines call matches.
    """
    own, other = media, "video" if media == "audio" else "audio"
    found: list[tuple[str | int, str, Heard]] = []
    asked = False
    sound: AudioSource = source
    if own == "audio" and (engines.has("audio") or engines.has("video")):
        # Decoded once for both the audio references and the video references' soundtracks.
        from copyguard.fingerprint.audio import read_audio

        try:
            sound = read_audio(source)
        except Exception as exc:  # hostile input must not end a scan of thousands of files
            return [], problem(exc, own)
    for kind in (own, other):
        if not engines.has(kind):
            continue
        try:
            matches: list[tuple[str | int, Heard]]
            if own == "video" and kind == "video":
                matches = [
                    (m.reference_id, Heard.of_video(m))
                    for m in engines.video.query(source, candidates=candidates)
                ]
            elif kind == "audio":
                matches = [
                    (m.reference_id, Heard.of_audio(m))
                    for m in engines.audio.query(sound, candidates=candidates)
                ]
            else:
                matches = soundtrack_matches(engines.video, sound, candidates)
        except Exception as exc:  # hostile input must not end a scan of thousands of files
            if kind == own or own == "audio":
                return [], problem(exc, own)
            continue  # the video's soundtrack: missing, silent or too short
        asked = True
        label = "video" if own == "video" and kind == "video" else "audio"
        found.extend((reference, label, match) for reference, match in matches)
    if not asked:
        # No reference to compare it with: still say whether the file could be read.
        from copyguard.fingerprint.extract.video import recording_media

        try:
            if recording_media(source) != own and own == "video":
                return [], "no video stream"
        except Exception as exc:
            return [], problem(exc, own)
    return found, None


def soundtrack_matches(
    video: VideoMatcher, sound: AudioSource, candidates: bool
) -> list[tuple[str | int, Heard]]:
    """A sound file against the video references' soundtracks, kept by the video engine
    under each video's number and timed from the soundtrack's first sample."""
    found = []
    for match in video.audio.query(sound, candidates=candidates):
        number = int(match.reference_id)
        if video.index.deleted(number):
            continue
        shift = video.index.audio_start(number)
        heard = Heard.of_audio(match)
        segments = [(q, (r0 + shift, r1 + shift)) for q, (r0, r1) in heard.segments]
        found.append((video.index.work_id(number), replace(heard, segments=segments)))
    return found
