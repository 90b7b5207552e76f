"""The ISCC Audio-Code (ISO 24138) of decoded audio, from a Chromaprint vector.

iscc-core builds the Audio-Code from a Chromaprint fingerprint: the raw vector of 32-bit
sub-fingerprints (about eight a second) that ``fpcalc -raw -signed -length 0`` prints. The
vector is computed here by the Chromaprint library itself (``libchromaprint.so.1``, Debian's
``libchromaprint1``: a system library, not a downloaded binary), called through ``ctypes`` on
the samples the audio decoder already produced (mono at 11,025 Hz, the rate Chromaprint
works at, so nothing is resampled again). The default algorithm is the one ``fpcalc``
defaults to (``-algorithm 2``, Chromaprint's ``TEST2``), so a vector equals ``fpcalc``'s for
the same samples.

Where the library is missing, :func:`gen_iscc_audio_code` raises
:class:`ChromaprintUnavailable` with the package to install; the rest of the engine does not
need it.

The ISCC Video-Code cannot be produced here: iscc-core builds it from MPEG-7 video
signatures (ISO/IEC 15938-3 frame signatures), which only FFmpeg's ``signature`` filter
computes, and the FFmpeg inside the PyAV wheel is built without it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from functools import cache

import numpy as np

from .audio import DecodedAudio
from .limits import ExtractionError

__all__ = [
    "CHROMAPRINT_ALGORITHM",
    "ChromaprintUnavailable",
    "chromaprint_vector",
    "chromaprint_version",
    "gen_iscc_audio_code",
]

#: Chromaprint's ``CHROMAPRINT_ALGORITHM_TEST2`` (its default, and ``fpcalc``'s).
CHROMAPRINT_ALGORITHM = 1
#: Environment variable naming the library file, for a system that keeps it elsewhere.
LIBRARY_VARIABLE = "COPYGUARD_CHROMAPRINT_LIBRARY"
#: Samples handed to the library at a time (its buffers stay small).
_CHUNK = 1 << 16


class ChromaprintUnavailable(RuntimeError):
    """The Chromaprint library is not installed (the ISCC Audio-Code needs it)."""


@cache
def _library() -> ctypes.CDLL:
    names = [os.environ.get(LIBRARY_VARIABLE, ""), "libchromaprint.so.1"]
    found = ctypes.util.find_library("chromaprint")
    if found:
        names.append(found)
    for name in filter(None, names):
        try:
            library = ctypes.CDLL(name)
        except OSError:
            continue
        _declare(library)
        return library
    raise ChromaprintUnavailable(
        "the ISCC Audio-Code needs the Chromaprint library "
        "(Debian/Ubuntu: apt-get install libchromaprint1)"
    )


def _declare(library: ctypes.CDLL) -> None:
    context = ctypes.c_void_p
    library.chromaprint_new.argtypes = [ctypes.c_int]
    library.chromaprint_new.restype = context
    library.chromaprint_free.argtypes = [context]
    library.chromaprint_free.restype = None
    library.chromaprint_start.argtypes = [context, ctypes.c_int, ctypes.c_int]
    library.chromaprint_start.restype = ctypes.c_int
    library.chromaprint_feed.argtypes = [context, ctypes.POINTER(ctypes.c_int16), ctypes.c_int]
    library.chromaprint_feed.restype = ctypes.c_int
    library.chromaprint_finish.argtypes = [context]
    library.chromaprint_finish.restype = ctypes.c_int
    library.chromaprint_get_raw_fingerprint.argtypes = [
        context,
        ctypes.POINTER(ctypes.POINTER(ctypes.c_uint32)),
        ctypes.POINTER(ctypes.c_int),
    ]
    library.chromaprint_get_raw_fingerprint.restype = ctypes.c_int
    library.chromaprint_dealloc.argtypes = [ctypes.c_void_p]
    library.chromaprint_dealloc.restype = None
    library.chromaprint_get_version.argtypes = []
    library.chromaprint_get_version.restype = ctypes.c_char_p


def chromaprint_version() -> str:
    """The installed library's version ("1.5.1"); raises ChromaprintUnavailable."""
    return _library().chromaprint_get_version().decode("ascii", "replace")


def chromaprint_vector(audio: DecodedAudio) -> np.ndarray:
    """Chromaprint's raw fingerprint of ``audio`` as signed 32-bit integers (``fpcalc -raw
    -signed -length 0``). Empty when the audio is too short for one sub-fingerprint (about
    1.1 s at least). Raises ChromaprintUnavailable."""
    library = _library()
    samples = np.asarray(audio.samples, np.float32)
    if not np.all(np.isfinite(samples)):
        raise ExtractionError("audio samples are not finite numbers")
    pcm = np.ascontiguousarray(np.clip(np.rint(samples * 32767.0), -32768, 32767), np.int16)
    context = library.chromaprint_new(CHROMAPRINT_ALGORITHM)
    if not context:
        raise MemoryError("Chromaprint could not allocate its context")
    try:
        if not library.chromaprint_start(context, int(audio.rate), 1):
            raise ExtractionError(f"Chromaprint refused the sample rate {audio.rate} Hz")
        pointer = ctypes.POINTER(ctypes.c_int16)
        for at in range(0, pcm.size, _CHUNK):
            piece = pcm[at : at + _CHUNK]
            if not library.chromaprint_feed(context, piece.ctypes.data_as(pointer), piece.size):
                raise ExtractionError("Chromaprint could not read the samples")
        if not library.chromaprint_finish(context):
            raise ExtractionError("Chromaprint could not finish the fingerprint")
        raw = ctypes.POINTER(ctypes.c_uint32)()
        size = ctypes.c_int()
        if not library.chromaprint_get_raw_fingerprint(
            context, ctypes.byref(raw), ctypes.byref(size)
        ):
            raise ExtractionError("Chromaprint gave no fingerprint")
        try:
            values = np.ctypeslib.as_array(raw, shape=(size.value,)).copy() if size.value else None
        finally:
            library.chromaprint_dealloc(raw)
    finally:
        library.chromaprint_free(context)
    if values is None:
        return np.zeros(0, np.int32)
    return values.view(np.int32)


def gen_iscc_audio_code(audio: DecodedAudio, bits: int = 64) -> str:
    """The ISCC Audio-Code of ``audio`` ("ISCC:EI…"). Raises ChromaprintUnavailable, and
    ExtractionError when the audio is too short for a Chromaprint vector."""
    import iscc_core

    vector = chromaprint_vector(audio)
    if not vector.size:
        raise ExtractionError("audio too short for an ISCC Audio-Code (about 1.1 s at least)")
    return str(iscc_core.gen_audio_code_v0(vector.tolist(), bits)["iscc"])
