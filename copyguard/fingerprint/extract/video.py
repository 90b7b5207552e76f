"""Video decoding for the fingerprints: frames sampled at a fixed rate, as RGB pixels.

:func:`load_video` takes a path, the file's bytes or a binary file object and returns a
:class:`DecodedVideo`: the stream's description, read and checked at once, and
:meth:`DecodedVideo.frames`, which decodes lazily and yields :class:`VideoFrame` (a time in
seconds and uint8 RGB pixels), so a film never sits in memory whole. Decoding is PyAV's (the
FFmpeg inside the wheel) with frame and slice threads (``thread_type = "AUTO"``) and no
hardware decoder, so results do not depend on the machine.

1. Opening is the audio module's (:func:`~copyguard.fingerprint.extract.audio.load_audio`):
   read through Python, at most ``max_bytes``, only the demuxers in its ``FORMATS``. The best
   video stream is used (FFmpeg's choice; cover art attached to a music file is not a video).
2. A frame size over ``max_pixels`` is refused before any frame is decoded (from the stream
   header) and again for each decoded frame (a stream may change size).
3. Sampling: the frames are taken at times ``k / fps`` (k = 0, 1, …) on the file's timeline,
   each time getting the decoded frame whose presentation time is nearest, so the samples
   of a 24, 25, 30 or 12.5 fps source of the same film fall at the same times. Sampling
   ends half a source frame after the last frame, or at ``max_seconds`` (``clipped``).
4. Each sampled frame is converted to RGB (libswscale), reduced with an area filter so that
   its longer side is at most ``max_side`` (never enlarged), after stretching to square
   pixels (a DVD's 720x576 at 16:9 becomes 1024x576 before the reduction) and turning
   upright by the stream's display matrix (phone videos shot in portrait).

Errors are :class:`ExtractionError` with one line: "no video stream", "frame too large: …",
"file too large: …", "truncated or corrupt video (…)". Header problems are raised by
:func:`load_video`; damage found while decoding is raised by :meth:`DecodedVideo.frames`,
after the frames before it (a caller that wants all or nothing collects them first). As for
audio, a few packets the decoder rejects are skipped, more than 5 % is an error, and a stream
shorter than its header declares is "truncated".

The soundtrack: ``has_audio`` says whether the file has one, and ``load_audio`` on the same
source (the same path or bytes; a file object seeked back to where it was) decodes it on the
same timeline: ``DecodedAudio.start`` and ``VideoFrame.time`` are both seconds from the
start of the file.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .audio import Source, container_origin, declared_duration, open_container, translate_errors
from .limits import ExtractionError

__all__ = [
    "FRAME_RATE",
    "MAX_SIDE",
    "MAX_VIDEO_BYTES",
    "MAX_VIDEO_PIXELS",
    "MAX_VIDEO_SECONDS",
    "DecodedVideo",
    "VideoFrame",
    "load_video",
    "recording_media",
]

#: Frames sampled per second: a cut or a camera move shows within half a second, and a
#: 10 s clip gives 20 frames to align; more costs conversion time for little.
FRAME_RATE = 2.0
#: Longer side of the returned frames: PDQ works from 64x64 and the region codes from 512.
MAX_SIDE = 512
#: Pixels a frame may have: DCI 8K (8192x4320). A decoder holds tens of frames of this size.
MAX_VIDEO_PIXELS = 8192 * 4320
#: Seconds sampled at most: a feature film.
MAX_VIDEO_SECONDS = 4 * 3600.0
#: File-size limit: a film at Blu-ray quality; a disc remux is larger.
MAX_VIDEO_BYTES = 16 * 1024 * 1024 * 1024

_MAX_BAD_SHARE = 0.05
_TRUNCATION_SHARE = 0.01
_TRUNCATION_FLOOR = 0.5  # seconds


@dataclass(frozen=True)
class VideoFrame:
    """One sampled frame: ``time`` is its sampling time (``k / fps``) in seconds from the
    start of the file, ``source_time`` the presentation time of the frame shown there, and
    ``pixels`` uint8 RGB of shape (H, W, 3), C-contiguous and read-only (a frame held over
    several sampling times, in a still or a gap, is converted once and shared)."""

    time: float
    source_time: float
    pixels: np.ndarray


@dataclass(eq=False)
class DecodedVideo:
    """A video stream ready to be sampled; close it (or use ``with``) when done.

    ``width`` and ``height`` are the display size (square pixels, before the display
    matrix's turn) before reduction;
    ``duration`` the stream's length in seconds as declared (0.0 when the file declares
    none); ``source_fps`` its average frame rate (None when unknown); ``codec`` FFmpeg's
    decoder name ("h264", "vp9", …); ``format`` the demuxer's. ``clipped`` becomes True when
    :meth:`frames` stopped at ``max_seconds``. :meth:`frames` can be iterated once.
    """

    width: int
    height: int
    duration: float
    source_fps: float | None
    codec: str
    format: str
    has_audio: bool
    fps: float
    max_side: int | None
    clipped: bool = False
    _container: Any = field(default=None, repr=False)
    _stream: Any = field(default=None, repr=False)
    _resources: ExitStack = field(default_factory=ExitStack, repr=False)
    _max_pixels: int = field(default=MAX_VIDEO_PIXELS, repr=False)
    _max_seconds: float = field(default=MAX_VIDEO_SECONDS, repr=False)
    _used: bool = field(default=False, repr=False)
    _sar: Any = field(default=None, repr=False)

    def __enter__(self) -> DecodedVideo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._resources.close()

    def frames(self) -> Iterator[VideoFrame]:
        """Sampled frames in time order; raises ExtractionError on damage found on the way.

        The file is closed when the iteration ends.
        """
        if self._used:
            raise RuntimeError("the frames of a DecodedVideo can be read once")
        self._used = True
        try:
            yield from self._sample()
        finally:
            self.close()

    def _sample(self) -> Iterator[VideoFrame]:
        import av

        container, stream = self._container, self._stream
        origin = container_origin(container)
        step = 1.0 / self.fps
        last_k = math.floor(self._max_seconds * self.fps + 1e-9)
        k = 0  # next sampling time is k * step
        held: Any = None  # the last decoded frame, its time and its pixels once converted
        held_pixels: np.ndarray | None = None
        held_time = 0.0
        interval = 1.0 / self.source_fps if self.source_fps else step
        packets = bad = 0
        first_error = ""
        last_time = -math.inf

        with translate_errors("video"):
            for packet in container.demux(stream):
                if packet.size:
                    packets += 1
                try:
                    decoded = packet.decode()
                except av.error.FFmpegError as error:
                    bad += 1
                    first_error = first_error or _reason(error)
                    continue
                for frame in decoded:
                    self._check_size(frame.width, frame.height)
                    if frame.time is not None:
                        time = float(frame.time) - origin
                    else:
                        time = last_time + interval if held is not None else 0.0
                    if time <= last_time:
                        continue  # out of order or repeated: keep the first shown
                    if held is not None:
                        # Sampling times nearer the held frame than this one get the held one.
                        middle = (held_time + time) / 2
                        while k <= last_k and k * step < middle:
                            if held_pixels is None:
                                held_pixels = self._convert(held)
                            yield VideoFrame(k * step, held_time, held_pixels)
                            k += 1
                        if k > last_k:
                            self.clipped = True
                            break
                    held, held_time, last_time = frame, time, time
                    held_pixels = None
                if self.clipped:
                    break

        if packets and bad > max(2, _MAX_BAD_SHARE * packets):
            raise ExtractionError(
                f"corrupt video ({bad} of {packets} packets could not be decoded: {first_error})"
            )
        if held is None:
            why = f": {first_error}" if first_error else ""
            raise ExtractionError(f"corrupt video (no decodable frame{why})")
        if self.clipped:
            return
        end = held_time + interval / 2
        while k <= last_k and (k == 0 or k * step < end):
            if held_pixels is None:
                held_pixels = self._convert(held)
            yield VideoFrame(k * step, held_time, held_pixels)
            k += 1
        if k > last_k and k * step < end:
            self.clipped = True
            return
        declared, shown = self.duration, held_time + interval
        if declared and declared - shown > max(_TRUNCATION_FLOOR, _TRUNCATION_SHARE * declared):
            raise ExtractionError(
                f"truncated or corrupt video (decoded {shown:.1f} s of the "
                f"{declared:.1f} s the file declares)"
            )

    def _check_size(self, width: int, height: int) -> None:
        if width * height > self._max_pixels:
            raise ExtractionError(
                f"frame too large: {width}x{height} exceeds the {self._max_pixels:,} pixel limit"
            )
        if width < 1 or height < 1:
            raise ExtractionError("corrupt video (a frame has no pixels)")

    def _convert(self, frame: Any) -> np.ndarray:
        width, height = _display_size(frame.width, frame.height, self._sar)
        rotation = round((frame.rotation or 0) / 90) % 4
        if self.max_side is not None and max(width, height) > self.max_side:
            scale = self.max_side / max(width, height)
            width = max(1, round(width * scale))
            height = max(1, round(height * scale))
        pixels = frame.to_ndarray(format="rgb24", width=width, height=height, interpolation="AREA")
        if rotation:
            pixels = np.rot90(pixels, rotation)
        pixels = np.ascontiguousarray(pixels)
        pixels.flags.writeable = False
        return pixels


def _display_size(width: int, height: int, sar: Any) -> tuple[int, int]:
    """Width and height in square pixels: a non-square sample aspect stretches the width."""
    if sar is not None and sar.numerator > 0 and sar.denominator > 0 and sar != 1:
        ratio = float(sar)
        if 0.1 <= ratio <= 10:
            return max(1, round(width * ratio)), height
    return width, height


def load_video(
    source: Source,
    *,
    fps: float = FRAME_RATE,
    max_side: int | None = MAX_SIDE,
    max_seconds: float = MAX_VIDEO_SECONDS,
    max_bytes: int = MAX_VIDEO_BYTES,
    max_pixels: int = MAX_VIDEO_PIXELS,
    skip_frame: str | None = None,
) -> DecodedVideo:
    """Open the best video stream of ``source`` for sampling at ``fps`` frames per second.

    ``source`` is a path, the file's bytes or a binary file object. Frames are reduced to
    ``max_side`` on their longer side (``None``: full size); sampling stops at
    ``max_seconds``; files over ``max_bytes`` and frames over ``max_pixels`` are refused.
    ``skip_frame`` is the decoder's frame skipping (FFmpeg's ``skip_frame``: ``"NONREF"``
    leaves out the frames no other frame refers to, so a sample may be the nearest decoded
    frame instead of the nearest frame); None decodes every frame.
    Raises :class:`ExtractionError` (one line) when the file cannot be read as a video.
    """
    if not 0 < fps <= 120:
        raise ValueError(f"fps must be above 0 and at most 120, not {fps}")
    if max_side is not None and max_side < 1:
        raise ValueError(f"max_side must be at least 1, not {max_side}")
    if not max_seconds > 0:
        raise ValueError(f"max_seconds must be positive, not {max_seconds}")
    resources = ExitStack()
    try:
        container = resources.enter_context(open_container(source, max_bytes))
        stream = container.streams.best("video")
        if stream is None:
            raise ExtractionError("no video stream")
        context = stream.codec_context
        if context is None:
            raise ExtractionError("unsupported video codec (no decoder for the video stream)")
        video = DecodedVideo(
            width=context.width,
            height=context.height,
            duration=declared_duration(container, stream) or 0.0,
            source_fps=_rate(stream),
            codec=context.name,
            format=container.format.name,
            has_audio=bool(container.streams.audio),
            fps=float(fps),
            max_side=max_side,
            _container=container,
            _stream=stream,
            _resources=resources,
            _max_pixels=max_pixels,
            _max_seconds=max_seconds,
        )
        video._check_size(max(context.width, 1), max(context.height, 1))
        video._sar = stream.sample_aspect_ratio or context.sample_aspect_ratio
        video.width, video.height = _display_size(context.width, context.height, video._sar)
        stream.thread_type = "AUTO"
        if skip_frame:
            try:
                context.skip_frame = skip_frame
            except (AttributeError, ValueError):
                raise ValueError(f"unknown skip_frame {skip_frame!r}") from None
        return video
    except BaseException:
        resources.close()
        raise


def recording_media(source: Source, max_bytes: int = MAX_VIDEO_BYTES) -> str:
    """``"video"`` when ``source`` has a moving picture, else ``"audio"`` when it has sound.

    Only the header is read. Cover art attached to a music file (a still picture stream) is
    not a moving picture. Raises :class:`ExtractionError` when the file cannot be opened or
    has neither.
    """
    import av

    still = av.stream.Disposition.attached_pic | av.stream.Disposition.still_image
    with open_container(source, max_bytes) as container:
        for stream in container.streams.video:
            if not stream.disposition & still:
                return "video"
        if container.streams.audio:
            return "audio"
    raise ExtractionError("neither sound nor a moving picture in the file")


def _rate(stream: Any) -> float | None:
    rate = stream.average_rate or stream.guessed_rate
    if rate is None or rate <= 0:
        return None
    value = float(rate)
    return value if 0 < value <= 1000 else None


def _reason(error: BaseException) -> str:
    from .audio import _reason as reason

    return reason(error)
