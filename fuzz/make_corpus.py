"""Seed corpora: small real files in real formats, written by the libraries that make them.

``python -m fuzz corpus`` rewrites fuzz/corpus/<target>/ from this script. Targets that
read a few choice bytes before the payload (``FuzzedInput``: a file name, a content type)
get those bytes in front of each seed, so that each seed reaches the parser it is for.
Files are kept small (a few KB; a DOCX is ~36 KB because of python-docx's template).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import shutil
import wave
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np

from fuzz import CORPUS_DIR

__all__ = ["write_corpora"]

ENGLISH = (
    "It is a truth universally acknowledged, that a single man in possession of a good "
    "fortune, must be in want of a wife.\nHowever little known the feelings or views of such "
    "a man may be on his first entering a neighbourhood, this truth is so well fixed."
)
CHINESE = (
    "天下大勢，分久必合，合久必分。周末七國分爭，并入於秦。及秦滅之後，楚、漢分爭，又并入於漢。"  # noqa: RUF001 - Chinese punctuation
)
PYTHON = b'#!/usr/bin/env python3\n"""A module."""\n\n\ndef area(r: float) -> float:\n    return 3.14159 * r * r\n\n\nprint(area(2))\n'
C_SOURCE = b'#include <stdio.h>\n\nint main(void) {\n    int total = 0;\n    for (int i = 0; i < 10; i++) total += i;\n    printf("%d\\n", total);\n    return 0;\n}\n'


def _page(title: str, text: str, charset: str = "utf-8") -> bytes:
    paragraphs = "".join(f"<p>{line}</p>\n" for line in text.split("\n"))
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head>'
        f"<body><nav><a href='/'>Home</a> <a href='/new'>New</a></nav><main><article>"
        f"<h1>{title}</h1>\n{paragraphs}<p>Caf&eacute; &amp; &#x4E2D;&#25991;</p></article></main>"
        f"<footer>&copy; Reading Corner</footer></body></html>"
    ).encode(charset, "xmlcharrefreplace")


def texts() -> dict[str, bytes]:
    return {
        "utf8.txt": ENGLISH.encode(),
        "utf8-bom.txt": b"\xef\xbb\xbf" + CHINESE.encode(),
        "gb18030.txt": CHINESE.encode("gb18030"),
        "big5.txt": CHINESE.encode("big5", "replace"),
        "utf16le-bom.txt": CHINESE.encode("utf-16"),
        "utf16be.txt": ENGLISH.encode("utf-16-be"),
        "shift-jis.txt": "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。".encode(
            "shift_jis"
        ),
        "latin1.txt": "Café crème, déjà vu, naïve façade.".encode("latin-1"),
    }


def htmls() -> dict[str, bytes]:
    return {
        "utf8.html": _page("A page", ENGLISH),
        "gbk.html": _page("一页", CHINESE, "gbk"),
        "xhtml.html": (
            b'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
            b"<head><title>x</title><script>var a = '<p>';</script></head><body><div><p>One two "
            b"three four five.</p><pre>  kept   spaces </pre><table><tr><td>cell</td></tr>"
            b"</table></div></body></html>"
        ),
    }


def pdf() -> bytes:
    """A one-page PDF with text in Helvetica, written object by object (pypdf reads it)."""
    stream = b"BT /F1 12 Tf 72 720 Td (" + ENGLISH[:80].encode() + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title (A seed) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n"
        f"{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def pdf_compressed() -> bytes:
    """The same page rewritten by pypdf with its content stream deflated."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf())).pages:
        writer.add_page(page)
    for page in writer.pages:
        page.compress_content_streams()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def epub() -> bytes:
    from ebooklib import epub as ebook

    book = ebook.EpubBook()
    book.set_identifier("seed-1")
    book.set_title("A seed")
    book.set_language("en")
    chapters = []
    for number, text in enumerate((ENGLISH, CHINESE), 1):
        chapter = ebook.EpubHtml(title=f"Chapter {number}", file_name=f"c{number}.xhtml")
        chapter.content = f"<h1>Chapter {number}</h1><p>{text}</p>"
        book.add_item(chapter)
        chapters.append(chapter)
    book.toc = chapters
    book.spine = chapters
    book.add_item(ebook.EpubNcx())
    out = io.BytesIO()
    ebook.write_epub(out, book)
    return out.getvalue()


def docx() -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_heading("A seed", 1)
    document.add_paragraph(ENGLISH)
    document.add_paragraph(CHINESE)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "left"
    table.cell(0, 1).text = "right"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zips() -> dict[str, bytes]:
    found = {}
    for name, method in (
        ("stored", zipfile.ZIP_STORED),
        ("deflated", zipfile.ZIP_DEFLATED),
        ("bzip2", zipfile.ZIP_BZIP2),
        ("lzma", zipfile.ZIP_LZMA),
    ):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", method) as archive:
            archive.writestr(
                "word/document.xml", b"<w:document>" + b"text " * 40 + b"</w:document>"
            )
            archive.writestr("[Content_Types].xml", b"<Types/>")
        found[f"{name}.zip"] = out.getvalue()
    return found


def images() -> dict[str, bytes]:
    from PIL import Image

    y, x = np.mgrid[0:48, 0:64]
    pixels = np.stack([x * 4, y * 5, (x + y) * 2], axis=2).astype(np.uint8)
    pixels[10:30, 20:40] = (200, 30, 30)
    picture = Image.fromarray(pixels, "RGB")
    found = {}
    for name, fmt, options in (
        ("a.png", "PNG", {}),
        ("a.jpg", "JPEG", {"quality": 70}),
        ("a.gif", "GIF", {}),
        ("a.bmp", "BMP", {}),
        ("a.tiff", "TIFF", {"compression": "tiff_deflate"}),
        ("a.webp", "WEBP", {"quality": 60}),
        ("a.ico", "ICO", {}),
    ):
        out = io.BytesIO()
        picture.save(out, fmt, **options)
        found[name] = out.getvalue()
    out = io.BytesIO()
    picture.convert("L").save(out, "PNG")
    found["grey.png"] = out.getvalue()
    out = io.BytesIO()
    picture.convert("RGBA").save(out, "PNG")
    found["alpha.png"] = out.getvalue()
    return found


def _tone(seconds: float, rate: int) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    notes = 440 * 2 ** (np.floor(t * 4) / 12)  # a new note every quarter second
    return (0.4 * np.sin(2 * np.pi * notes * t)).astype(np.float32)


def _encode_audio(fmt: str, codec: str, rate: int, seconds: float) -> bytes:
    import av

    samples = _tone(seconds, rate)
    out = io.BytesIO()
    with av.open(out, "w", format=fmt) as container:
        stream: Any = container.add_stream(codec, rate=rate)
        stream.layout = "mono"
        stream.bit_rate = 24000
        frame_size = 1024
        for start in range(0, len(samples), frame_size):
            frame = av.AudioFrame.from_ndarray(
                samples[None, start : start + frame_size], format="flt", layout="mono"
            )
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def audios() -> dict[str, bytes]:
    rate = 8000
    pcm = (_tone(2.0, rate) * 32767).astype("<i2").tobytes()
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm)
    found = {"a.wav": out.getvalue()}
    for name, fmt, codec, codec_rate in (
        ("a.mp3", "mp3", "libmp3lame", 16000),
        ("a.ogg", "ogg", "libopus", 48000),
        ("a.flac", "flac", "flac", 8000),
        ("a.m4a", "ipod", "aac", 16000),
    ):
        found[name] = _encode_audio(fmt, codec, codec_rate, 2.0)
    return found


def videos() -> dict[str, bytes]:
    import av

    found = {}
    for name, fmt, codec in (
        ("a.mp4", "mp4", "mpeg4"),
        ("a.mkv", "matroska", "libx264"),
        ("a.webm", "webm", "libvpx"),
        ("a.avi", "avi", "mjpeg"),
        ("a.mpg", "mpeg", "mpeg2video"),
    ):
        out = io.BytesIO()
        with av.open(out, "w", format=fmt) as container:
            stream: Any = container.add_stream(codec, rate=5)
            stream.width, stream.height = 32, 24
            stream.pix_fmt = "yuvj420p" if codec == "mjpeg" else "yuv420p"
            for n in range(12):
                y, x = np.mgrid[0:24, 0:32]
                image = np.stack([(x * 8 + n * 20) % 256, y * 10, (x + y + n) * 4], axis=2)
                frame = av.VideoFrame.from_ndarray(image.astype(np.uint8), format="rgb24")
                for packet in stream.encode(frame):
                    container.mux(packet)
            for packet in stream.encode(None):
                container.mux(packet)
        found[name] = out.getvalue()
    return found


def warcs() -> dict[str, bytes]:
    from copyguard.monitoring.corpus.testing import Record, warc_bytes

    records = [
        Record("https://example.org/a", _page("A page", ENGLISH)),
        Record("https://example.org/b.txt", CHINESE.encode(), "text/plain", kind="resource"),
        Record("https://example.org/c", ENGLISH.encode(), "text/plain", kind="conversion"),
        Record("https://example.org/gone", b"not here", status="404 Not Found"),
    ]
    return {
        "records.warc.gz": warc_bytes(records),
        "records.warc": warc_bytes(records, gzip=False),
        "one.warc": warc_bytes(records[:1], gzip=False, warcinfo=False),
        "stream.warc.gz": gzip.compress(warc_bytes(records, gzip=False)),
    }


def responses() -> dict[str, bytes]:
    body = _page("A page", ENGLISH)
    gzipped = gzip.compress(body)
    deflated = zlib.compress(body)
    chunked = b"".join(
        f"{len(body[i : i + 100]):x}\r\n".encode() + body[i : i + 100] + b"\r\n"
        for i in range(0, len(body), 100)
    )
    head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
    return {
        "length.http": f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body,
        "chunked.http": f"{head}Transfer-Encoding: chunked\r\n\r\n".encode()
        + chunked
        + b"0\r\n\r\n",
        "gzip.http": (
            f"{head}Content-Encoding: gzip\r\nContent-Length: {len(gzipped)}\r\n\r\n".encode()
            + gzipped
        ),
        "deflate.http": (
            f"{head}Content-Encoding: deflate\r\nContent-Length: {len(deflated)}\r\n\r\n".encode()
            + deflated
        ),
        "notfound.http": b"HTTP/1.0 404 Not Found\r\nServer: x\r\n\r\nno such page",
        "nocontent.http": b"HTTP/1.1 204 No Content\r\n\r\n",
    }


# ------------------------------------------------------------------ bundles


def _signing_key():  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"copyguard fuzz seed").digest())


def bundles() -> dict[str, bytes]:
    """Valid evidence bundles (they verify), made the way the ledger makes them."""
    from copyguard.ledger import bundle, merkle

    key = _signing_key()
    public_raw = key.public_key().public_bytes_raw()

    def sign(message: bytes) -> str:
        return base64.b64encode(key.sign(message)).decode()

    found = {}
    for size, index, files in (
        (1, 0, {"capture.warc.gz": warcs()["records.warc.gz"]}),
        (5, 3, {"content.txt": ENGLISH.encode(), "screenshot.png": images()["a.png"]}),
    ):
        hashes = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
        entries = [
            merkle.canonical_json({"kind": "test", "n": n, "files": hashes}) for n in range(size)
        ]
        leaves = [merkle.leaf_hash(e) for e in entries]
        nodes: dict = {}
        tree = merkle.CompactRange()
        for n, leaf in enumerate(leaves):
            nodes[(0, n)] = leaf
            for level, node_index, value in tree.append(leaf):
                nodes[(level, node_index)] = value
        head = {
            "tree_size": size,
            "root_hash": tree.root().hex(),
            "timestamp": 1767225600000,
            "key_id": hashlib.sha256(public_raw).hexdigest(),
        }
        head["signature"] = sign(bundle.head_message(head))
        proof = {
            "entry": json.loads(entries[index]),
            "leaf_index": index,
            "tree_size": size,
            "inclusion_path": [h.hex() for h in merkle.inclusion_proof(index, size, nodes)],
            "signed_tree_head": head,
            "public_key": base64.b64encode(public_raw).decode(),
        }
        data = bundle.pack_bundle(proof, files, {"kind": "test"}, sign)  # type: ignore[arg-type]
        assert bundle.verify_bundle(data) == [], bundle.verify_bundle(data)
        found[f"bundle-{size}-{index}.zip"] = data
    return found


def _proof_json(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("proof.json")


# ------------------------------------------------------------------ API requests


def _request(query: bytes, content_type: int, body: bytes) -> bytes:
    """The bytes fuzz.targets._api.build_request reads: query, content type, length, body."""
    return bytes([len(query)]) + query + bytes([content_type, 1, 0]) + body


def _multipart() -> bytes:
    return (
        b'--b\r\nContent-Disposition: form-data; name="title"\r\n\r\nA title\r\n'
        b'--b\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n" + ENGLISH.encode() + b"\r\n--b--\r\n"
    )


def api_requests() -> dict[str, bytes]:
    found = {
        "json.req": _request(b"", 0, b'{"title": "A title", "description": "x", "page": 1}'),
        "multipart.req": _request(b"", 1, _multipart()),
        "form.req": _request(b"", 2, b"title=A+title&text=%E4%B8%AD"),
        "query.req": _request(b"page=2&page_size=50&q=%E4%B8%AD&status=open", 0, b""),
        "list.req": _request(b"", 0, b"[1, 2]"),
    }
    return found


# ------------------------------------------------------------------ writing


def _seeds() -> dict[str, Callable[[], dict[str, bytes]]]:
    def prefixed(prefix: bytes, files: dict[str, bytes]) -> dict[str, bytes]:
        return {name: prefix + data for name, data in files.items()}

    def extract_seeds() -> dict[str, bytes]:
        # name index: 0 none, 1 .txt, 2 .html, 3 .pdf, 4 .epub, 5 .docx, 7 .py; media 0 auto
        seeds = {f"txt-{n}": bytes([1, 0]) + d for n, d in texts().items()}
        seeds.update({f"html-{n}": bytes([0, 0]) + d for n, d in htmls().items()})
        seeds["pdf"] = bytes([0, 0]) + pdf()
        seeds["epub"] = bytes([4, 0]) + epub()
        seeds["docx"] = bytes([0, 0]) + docx()
        seeds["code-python"] = bytes([7, 0]) + PYTHON
        return seeds

    def code_seeds() -> dict[str, bytes]:
        return {
            "python": bytes([1, 0]) + PYTHON,
            "c": bytes([2, 0]) + C_SOURCE,
            "python-guessed": bytes([0, 1]) + PYTHON,
            "shebang": bytes([0, 0]) + PYTHON,
        }

    def detect_seeds() -> dict[str, bytes]:
        heads = {**images(), **{k: v[:64] for k, v in audios().items()}}
        heads.update({"pdf": pdf()[:64], "docx": docx()[:64], "epub": epub()[:64]})
        heads.update({"html": htmls()["utf8.html"][:64], "py": PYTHON[:64]})
        return {name: bytes([0, 0]) + data[:256] for name, data in heads.items()}

    def bundle_seeds() -> dict[str, bytes]:
        return bundles()

    def proof_seeds() -> dict[str, bytes]:
        seeds = {f"proof-{n}": b"\x00" + _proof_json(d) for n, d in bundles().items()}
        seeds["inclusion"] = b"\x01" + bytes([1, 3, 1, 5, 2]) + bytes(64) + bytes([32]) + bytes(32)
        seeds["consistency"] = (
            b"\x02" + bytes([1, 2, 1, 5, 1]) + bytes(32) + bytes([32]) + bytes(32)
        )
        return seeds

    def api_request_seeds() -> dict[str, bytes]:
        from fuzz.targets.api_request import OPERATIONS

        seeds = {}
        requests = api_requests()
        for index, (_prefix, path, method, _op) in enumerate(OPERATIONS):
            if method not in ("POST", "PUT", "PATCH") and index % 4:
                continue
            params = path.count("{")
            # each path parameter: a whole number (odd flag byte, 1-byte length, value 7)
            parameters = b"\x01\x01\x07" * params
            name = "json.req" if method != "GET" else "query.req"
            seeds[f"op{index:03d}-{method}"] = (
                index.to_bytes(2, "big") + parameters + requests[name]
            )
        return seeds

    return {
        "detect": detect_seeds,
        "text": lambda: prefixed(b"\x00", texts()),
        "html": htmls,
        "pdf": lambda: {"a.pdf": pdf(), "b.pdf": pdf_compressed()},
        "epub": lambda: {"a.epub": epub()},
        "docx": lambda: {"a.docx": docx()},
        "zipsafe": lambda: {**zips(), "a.docx": docx(), "a.epub": epub()},
        "code": code_seeds,
        "extract": extract_seeds,
        "image": images,
        "audio": audios,
        "video": videos,
        "warc_read": warcs,
        "warc_write": lambda: prefixed(b"\x01a", responses()),
        "exchange": lambda: prefixed(b"\x40", responses()),
        "bundle": bundle_seeds,
        "ledger_proof": proof_seeds,
        "api_body": lambda: prefixed(b"\x00", api_requests()),
        "api_request": api_request_seeds,
    }


def write_corpora(names: list[str] | None = None) -> dict[str, int]:
    """Rewrite fuzz/corpus/<name>/ for each target (all by default); the counts written."""
    from fuzz.harness import django_setup

    django_setup()  # the API seeds list the API's routes
    counts = {}
    for name, make in _seeds().items():
        if names and name not in names:
            continue
        directory = CORPUS_DIR / name
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        files = make()
        for file_name, data in files.items():
            (directory / file_name).write_bytes(data)
        counts[name] = len(files)
    return counts
