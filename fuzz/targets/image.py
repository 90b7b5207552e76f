"""Pictures: decoding any image file (extract/image.py, on Pillow) and the image engine's
entry point for file bytes (fingerprint/image.py: ``read_image``, the fingerprint, the
ISCC Image-Code)."""

from __future__ import annotations

import PIL.Image  # noqa: F401 - imported here to be instrumented

from copyguard.fingerprint.extract import ExtractionError
from copyguard.fingerprint.extract.image import gen_iscc_image_code
from copyguard.fingerprint.image import FlatImageError, gen_query_fingerprint, read_image

INSTRUMENT = ("PIL",)


def TestOneInput(data: bytes) -> None:
    try:
        image = read_image(data)
    except ExtractionError:
        return
    assert image.pixels.ndim == 3 and image.pixels.shape[2] == 3
    assert len(gen_iscc_image_code(image)) > 0
    try:
        gen_query_fingerprint(image.pixels, image.scale)
    except FlatImageError:
        return
