"""Audio decoding for the fingerprints: any container and codec to mono samples at one rate.

:func:`load_audio` takes a path, the file's bytes or a binary file object (read from where it
stands, seeked by FFmpeg) and returns a :class:`DecodedAudio`: float32 mono samples in
[-1, 1] at ``rate`` Hz. Decoding is PyAV's: the FFmpeg inside the wheel, no system FFmpeg.

1. The file is read through Python (a path is opened here, never handed to FFmpeg, so no
   ``http:``, ``concat:`` or other protocol name is ever interpreted) and at most
   ``max_bytes`` are read; an empty or larger file is refused.
2. Only the demuxers in :data:`FORMATS` may read it (FFmpeg's ``format_whitelist``): WAV,
   FLAC, MP3, MP4/M4A/MOV, Matroska/WebM, Ogg (Vorbis, Opus, FLAC), AAC (ADTS), AIFF, CAF,
   AVI, ASF (WMA/WMV), FLV, MPEG-PS/TS and a few more. Playlists (HLS, concat), image
   sequences and network formats, which open further files, are never used.
3. The best audio stream (FFmpeg's choice: the default track of a film) is decoded with any
   codec the wheel has; every other stream is skipped. A file without one is refused.
4. PyAV's :class:`~av.AudioResampler` (libswresample) mixes the channels down to mono with
   FFmpeg's standard matrix and resamples to ``rate``. A stream that changes its rate or
   channel layout midway (a broadcast recording) gets a fresh resampler for each part.
5. Decoding stops after ``max_seconds`` of audio: the samples so far are returned with
   ``clipped=True`` (the head of a long recording still identifies it; refusing would lose
   it). ``duration`` is then the length the file declares, when it declares one.

Damage. A packet the decoder rejects is skipped (a real recording with a few damaged frames
still decodes); more than 5 % of packets rejected, or no sample at all, is an error. A
stream shorter than its header declares (WAV data size, MP4 track length, MP3 Xing/Info frame
count, Matroska segment duration) by more than 1 % (at least 0.25 s) is "truncated". Every
failure raises :class:`ExtractionError` with one line ("no audio stream", "truncated or
corrupt audio (…)", "file too large: …").

The default rate, :data:`AUDIO_RATE` = 11025 Hz, keeps the spectrum up to 5.5 kHz, where the
strong, noise-robust spectral peaks that landmark fingerprints pair up lie (speech and music
energy above it is weak and the first to go in low-bitrate encoding); it is a quarter of
44.1 kHz (CD, most MP3) so the common case resamples cleanly, and costs 1.4 times fewer
samples than 16 kHz per second of audio. 8 kHz (the telephone band, used in Wang's Shazam
paper) loses the 4 to 5.5 kHz band that still carries peaks in music.

Memory: one call holds the samples (44 KB per second at 11025 Hz, 160 MB an hour) and, at the
end, a second copy while the decoded pieces are joined. Calls share nothing: each opens its
own container, so threads may decode at once.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

import numpy as np

from .limits import ExtractionError, human_size

__all__ = [
    "AUDIO_RATE",
    "FORMATS",
    "MAX_AUDIO_BYTES",
    "MAX_AUDIO_SECONDS",
    "DecodedAudio",
    "load_audio",
]

#: Samples per second of the returned audio (see the module docstring).
AUDIO_RATE = 11025
#: Seconds decoded at most: a feature film's soundtrack (476 MB of samples at 11025 Hz).
MAX_AUDIO_SECONDS = 3 * 3600.0
#: File-size limit: three hours of CD-quality WAV (1.9 GB) fit; so do films' audio tracks.
MAX_AUDIO_BYTES = 2 * 1024 * 1024 * 1024

#: FFmpeg demuxers allowed to read a file (audio and video alike).
FORMATS = (
    "aac",
    "ac3",
    "aiff",
    "amr",
    "ape",
    "asf",
    "au",
    "avi",
    "caf",
    "dts",
    "eac3",
    "flac",
    "flv",
    "matroska",
    "webm",
    "mov",
    "mp4",
    "m4a",
    "3gp",
    "3g2",
    "mp3",
    "mpeg",
    "mpegts",
    "mxf",
    "nut",
    "ogg",
    "truehd",
    "tta",
    "w64",
    "wav",
    "wv",
    "ivf",
    "mpc",
    "mpc8",
    "dv",
    "rm",
)

# Sample rates a recording may have: a header claiming one outside them is damage, and
# resampling from it would cost seconds and hundreds of MB (a 37.9 MHz WAV header) or
# multiply one packet's samples ten-thousandfold (1 Hz).
_SOURCE_RATES = (1000, 768_000)
_MAX_BAD_SHARE = 0.05  # packets the decoder may reject before the file counts as corrupt
_TRUNCATION_SHARE = 0.01  # of the declared length, missing at the end
_TRUNCATION_FLOOR = 0.25  # seconds


@dataclass(frozen=True)
class DecodedAudio:
    """Audio ready for fingerprinting.

    ``samples`` is float32, one dimension (mono), at ``rate`` Hz, read-only. ``start`` is the
    presentation time of the first sample in seconds from the start of the file's timeline
    (which video frames share, see :func:`~copyguard.fingerprint.extract.video.load_video`):
    usually 0, a fraction of a second in some films. ``duration`` is the length of the
    source in seconds: what was decoded, or with ``clipped`` (decoding stopped at
    ``max_seconds``) the length the file declares (what was decoded when it declares none).
    ``format`` is FFmpeg's demuxer name ("wav", "mp3", "mov,mp4,m4a,3gp,3g2,mj2", …) and
    ``codec`` its decoder name ("pcm_s16le", "mp3float", "aac", "opus", …).
    """

    samples: np.ndarray
    rate: int
    start: float
    duration: float
    format: str
    codec: str
    clipped: bool


Source = str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes]


def load_audio(
    source: Source,
    *,
    rate: int = AUDIO_RATE,
    max_seconds: float = MAX_AUDIO_SECONDS,
    max_bytes: int = MAX_AUDIO_BYTES,
) -> DecodedAudio:
    """Decode the best audio stream of ``source`` to mono float32 samples at ``rate`` Hz.

    ``source`` is a path, the file's bytes, or a binary file object (an audio file, or a
    video file for its soundtrack). Decoding stops after ``max_seconds`` (``clipped``);
    files of more than ``max_bytes`` are refused. Raises :class:`ExtractionError` (one line)
    on any unreadable input.
    """
    if rate < 1000 or rate > 192000:
        raise ValueError(f"rate must be from 1000 to 192000 Hz, not {rate}")
    if not max_seconds > 0:
        raise ValueError(f"max_seconds must be positive, not {max_seconds}")
    with open_container(source, max_bytes) as container:
        stream = container.streams.best("audio")
        if stream is None:
            raise ExtractionError("no audio stream")
        if stream.codec_context is None:
            raise ExtractionError("unsupported audio codec (no decoder for the audio stream)")
        return _decode(container, stream, rate, max_seconds)


def _decode(container: Any, stream: Any, rate: int, max_seconds: float) -> DecodedAudio:
    import av

    limit = round(max_seconds * rate)
    pieces: list[np.ndarray] = []
    total = 0
    packets = bad = 0
    first_error = ""
    first_time: float | None = None
    resampler: Any = None
    shape: tuple[str, str, int] | None = None
    clipped = False

    def take(frames: list) -> None:
        nonlocal total
        for frame in frames:
            piece = frame.to_ndarray().reshape(-1).astype(np.float32, copy=False)
            pieces.append(piece)
            total += piece.size

    with translate_errors("audio"):
        for packet in container.demux(stream):
            if packet.size:
                packets += 1
            try:
                frames = packet.decode()
            except av.error.FFmpegError as error:
                bad += 1
                first_error = first_error or _reason(error)
                continue
            for frame in frames:
                if frame.samples == 0 or frame.sample_rate <= 0:
                    continue
                if not _SOURCE_RATES[0] <= frame.sample_rate <= _SOURCE_RATES[1]:
                    raise ExtractionError(
                        f"corrupt audio (a sample rate of {frame.sample_rate} Hz)"
                    )
                if first_time is None and frame.time is not None:
                    first_time = float(frame.time)
                kind = (frame.format.name, frame.layout.name, frame.sample_rate)
                if kind != shape:
                    if resampler is not None:
                        take(resampler.resample(None))
                    resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
                    shape = kind
                take(resampler.resample(frame))
            if total >= limit:
                clipped = True
                break
        if resampler is not None and not clipped:
            take(resampler.resample(None))

    if packets and bad > max(2, _MAX_BAD_SHARE * packets):
        raise ExtractionError(
            f"corrupt audio ({bad} of {packets} packets could not be decoded: {first_error})"
        )
    if total == 0:
        why = f": {first_error}" if first_error else ""
        raise ExtractionError(f"corrupt audio (no decodable sound{why})")
    samples = np.concatenate(pieces) if len(pieces) > 1 else pieces[0]
    if samples.size > limit:
        samples = samples[:limit]
        clipped = True
    samples = np.ascontiguousarray(np.clip(samples, -1.0, 1.0, out=samples))
    samples.flags.writeable = False
    decoded = samples.size / rate
    declared = declared_duration(container, stream)
    missing = 0.0 if clipped or declared is None else declared - decoded
    if declared and missing > max(_TRUNCATION_FLOOR, _TRUNCATION_SHARE * declared):
        raise ExtractionError(
            f"truncated or corrupt audio (decoded {decoded:.1f} s of the "
            f"{declared:.1f} s the file declares)"
        )
    origin = container_origin(container)
    start = 0.0 if first_time is None else max(0.0, first_time - origin)
    return DecodedAudio(
        samples=samples,
        rate=rate,
        start=start,
        duration=declared if clipped and declared else decoded,
        format=container.format.name,
        codec=stream.codec_context.name,
        clipped=clipped,
    )


# Shared with the video module: opening, limits, errors, timeline


class _TooLarge(Exception):
    pass


class _LimitedReader(io.RawIOBase):
    """A binary file object that refuses to read past ``max_bytes``."""

    def __init__(self, raw: IO[bytes], max_bytes: int) -> None:
        super().__init__()
        self._raw = raw
        self._max = max_bytes
        self._seekable = bool(getattr(raw, "seekable", lambda: False)())
        self._count = 0  # bytes read, for a stream that cannot tell its position

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._seekable

    def read(self, size: int = -1) -> bytes:
        position = self._raw.tell() if self._seekable else self._count
        room = self._max + 1 - position
        if size < 0 or size > room:
            size = max(0, room)
        data = self._raw.read(size)
        self._count += len(data)
        if position + len(data) > self._max:
            raise _TooLarge()
        return data

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()


def _too_large(size: int, max_bytes: int) -> str:
    return f"file too large: {human_size(size)} exceeds the {human_size(max_bytes)} limit"


@contextmanager
def open_container(source: Source, max_bytes: int) -> Iterator[Any]:
    """An open PyAV input container for ``source``, limited to :data:`FORMATS`.

    Raises :class:`ExtractionError` for a missing, empty, oversized or unrecognised file.
    """
    import av

    handle: IO[bytes] | None = None
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if not data:
            raise ExtractionError("empty file")
        if len(data) > max_bytes:
            raise ExtractionError(_too_large(len(data), max_bytes))
        raw: IO[bytes] = io.BytesIO(data)
    elif isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        try:
            size = os.stat(path).st_size
            if os.path.isdir(path):
                raise IsADirectoryError
            if size > max_bytes:
                raise ExtractionError(_too_large(size, max_bytes))
            if size == 0:
                raise ExtractionError("empty file")
            handle = raw = open(path, "rb")  # noqa: SIM115 - closed below
        except IsADirectoryError:
            raise ExtractionError("is a directory, not a file") from None
        except FileNotFoundError:
            raise ExtractionError("no such file") from None
        except OSError as error:
            raise ExtractionError(f"cannot read the file ({error.strerror or error})") from None
    elif hasattr(source, "read"):
        raw = source
        if getattr(source, "seekable", lambda: False)():
            here = source.tell()
            size = source.seek(0, io.SEEK_END) - here
            source.seek(here)
            if size <= 0:
                raise ExtractionError("empty file")
            if size > max_bytes:
                raise ExtractionError(_too_large(size, max_bytes))
    else:
        raise TypeError(f"expected a path, bytes or a binary file, not {type(source).__name__}")
    reader = _LimitedReader(raw, max_bytes)
    try:
        try:
            container = av.open(
                reader,
                "r",
                options={"format_whitelist": ",".join(FORMATS), "protocol_whitelist": "none"},
                metadata_errors="replace",
            )
        except _TooLarge:
            raise ExtractionError(_too_large(max_bytes + 1, max_bytes)) from None
        except av.error.ArgumentError:
            raise ExtractionError("not a supported audio or video format") from None
        except (av.error.FFmpegError, ValueError, EOFError) as error:
            if isinstance(error, av.error.InvalidDataError):
                raise ExtractionError(
                    "not a readable audio or video file (unknown format, damaged or truncated)"
                ) from None
            if isinstance(error, av.error.EOFError | EOFError):
                raise ExtractionError(
                    "truncated or corrupt audio or video file (it ends inside its header)"
                ) from None
            raise ExtractionError(f"unreadable audio or video file ({_reason(error)})") from None
        try:
            yield container
        finally:
            container.close()
    finally:
        if handle is not None:
            handle.close()


@contextmanager
def translate_errors(kind: str) -> Iterator[None]:
    """Demuxing errors (a damaged container, a read past the byte limit) → ExtractionError."""
    import av

    try:
        yield
    except _TooLarge:
        raise ExtractionError("file too large: reading went past the byte limit") from None
    except (av.error.FFmpegError, EOFError, ValueError, OverflowError, MemoryError) as error:
        raise ExtractionError(f"truncated or corrupt {kind} ({_reason(error)})") from None


def _reason(error: BaseException) -> str:
    """FFmpeg's message without PyAV's errno and call decorations."""
    import av

    if isinstance(error, av.error.FFmpegError) and error.strerror:
        return str(error.strerror).rstrip(".").lower()
    return str(error).strip() or type(error).__name__


def declared_duration(container: Any, stream: Any) -> float | None:
    """Seconds the file's headers declare for ``stream`` (never a bitrate estimate)."""
    if stream.duration is not None and stream.time_base is not None and stream.duration > 0:
        return float(stream.duration * stream.time_base)
    if container.format.name == "matroska,webm" and container.duration:
        return container.duration / 1_000_000
    return None


def container_origin(container: Any) -> float:
    """The start of the file's timeline in seconds (the earliest stream's start)."""
    start = container.start_time
    return 0.0 if start is None else start / 1_000_000
