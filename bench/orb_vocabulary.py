"""Train the image engine's ORB vocabulary (copyguard/fingerprint/data/orb_words_v1.npy).

The vocabulary (two sets of 1,024 centroids of 128 bits: copyguard.fingerprint.index.words)
is part of the image fingerprint's version: it is trained once, committed, and changed only
with a new version. It is trained on wallpapers that no benchmark uses — Debian's
``ukui-wallpapers``, ``lomiri-wallpapers``, ``mate-backgrounds`` and
``plasma-workspace-wallpapers`` (photographs of landscapes, cities, animals and plants, and
abstract and vector artwork), fetched with ``apt-get download`` and unpacked here, not
installed — so that the benchmarks (GNOME, desktop-base, scikit-image) measure it on
material it has not seen.

Descriptors: each image's reference and query keypoints (as the engine computes them:
copyguard.fingerprint.image), from the image and from a half-size, blurred JPEG copy of
it, so that the clusters cover the spread of a descriptor under transformation.

Run: ``.venv/bin/python bench/orb_vocabulary.py`` (a few minutes; deterministic).
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PACKAGES = (
    "ukui-wallpapers",
    "lomiri-wallpapers",
    "mate-backgrounds",
    "plasma-workspace-wallpapers",
)
SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
OUTPUT = Path(__file__).resolve().parent.parent / "copyguard/fingerprint/data/orb_words_v1.npy"


def fetch(directory: Path) -> list[Path]:
    subprocess.run(["apt-get", "download", *PACKAGES], cwd=directory, check=True)
    for deb in sorted(directory.glob("*.deb")):
        subprocess.run(["dpkg-deb", "-x", str(deb), str(directory / "root")], check=True)
    found = sorted(p for p in (directory / "root").rglob("*") if p.suffix.lower() in SUFFIXES)
    # One file per design (packages ship several sizes of one picture): the largest.
    best: dict[str, Path] = {}
    for path in found:
        key = str(path.relative_to(directory / "root")).split("/contents/")[0]
        if path.stat().st_size > (best[key].stat().st_size if key in best else -1):
            best[key] = path
    return sorted(best.values())


def descriptors(paths: list[Path]) -> np.ndarray:
    from copyguard.fingerprint.extract import ExtractionError
    from copyguard.fingerprint.extract.image import load_image
    from copyguard.fingerprint.image import FlatImageError, gen_query_fingerprint

    found = []
    for path in paths:
        try:
            image = load_image(path, max_side=1024)
        except ExtractionError as exc:  # a broken wallpaper is skipped, and said
            print(f"skipped {path.name}: {exc}", file=sys.stderr)
            continue
        picture = Image.fromarray(image.pixels)
        small = picture.resize((max(1, picture.width // 2), max(1, picture.height // 2)))
        buffer = io.BytesIO()
        small.filter(ImageFilter.GaussianBlur(1.0)).save(buffer, "JPEG", quality=50)
        variant = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
        for pixels in (image.pixels, variant):
            try:
                fingerprint = gen_query_fingerprint(np.ascontiguousarray(pixels))
            except FlatImageError:
                continue
            found.append(fingerprint.keypoints.descriptors)
    return np.concatenate(found)


def main() -> int:
    from copyguard.fingerprint.index.words import train_halves

    with tempfile.TemporaryDirectory(prefix="copyguard-vocabulary-") as tmp:
        paths = fetch(Path(tmp))
        data = descriptors(paths)
    print(f"{len(paths)} images, {data.shape[0]:,} descriptors")
    centroids = train_halves(data, seed=20261202)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    np.save(OUTPUT, centroids)
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
