"""`copyguard match`: compare reference files with query files, using the engine alone.

The engine's command line (DESIGN.md, "Engine CLI"): no Django settings and no database, so
benchmarks and people comparing files can run it anywhere the package is installed. References
are read and indexed first (``Matcher.add_reference``); queries are then read one at a time and
each one's results are printed as soon as it is done, so memory does not grow with the number
of queries. Text, code and images are separate media: a query is compared with references
of its own media only. Images go to the image engine (``ImageMatcher``); their lines carry
``"box"``, where the reference lies in the query image, and no segments.

Recordings go to the audio engine (``AudioMatcher``) and the video engine (``VideoMatcher``,
which weighs the soundtrack beside the pictures); their segments are in seconds. A video
query is also compared, through its soundtrack, with the audio references (a song in a
video's soundtrack: a line with ``"media": "audio"``), and an audio query with the
soundtracks of the video references. ``--media auto`` calls a file with a moving picture a
video and one with sound only (cover art aside) audio, whatever its name says.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import re
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO, TypedDict

from rich.cells import cell_len
from rich.console import Console, Group
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from copyguard.cli import ArgumentParser, UsageError

if TYPE_CHECKING:
    from copyguard.fingerprint import Match, Matcher
    from copyguard.fingerprint.engines import Engines, Heard
    from copyguard.fingerprint.extract.image import DecodedImage
    from copyguard.fingerprint.image import ImageMatch, ImageMatcher

__all__ = ["FORMATS", "MEDIA", "cmd_match", "match_parser", "walk"]

MEDIA = ("auto", "text", "code", "image", "audio", "video")
FORMATS = ("jsonl", "table")
#: Table format: how much of a copied passage is shown (terminal cells), and how many passages.
EXCERPT_CELLS = 160
SEGMENTS_SHOWN = 8
_SPACES = re.compile(r"\s+")
_WIDE_GAP = re.compile(r"(?<=[\u2e80-\uffef]) (?=[\u2e80-\uffef])")


class SegmentLine(TypedDict):
    query: list[int] | list[float]  # characters for text and code, seconds for recordings
    reference: list[int] | list[float]


class PairLine(TypedDict, total=False):
    """One jsonl line: a (query, reference) pair scoring at least the threshold."""

    query: str
    reference: str
    media: str
    score: float
    match: bool
    segments: list[SegmentLine]
    box: list[int] | None  # images: [x0, y0, x1, y1] of the reference in the query


# ---------------------------------------------------------------- command line


def _threshold(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not (math.isfinite(number) and 0.0 <= number <= 1.0):
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 1")
    return number


def match_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="copyguard match",
        description=(
            "Find the passages of query files copied from reference files. Directories are "
            "walked recursively (hidden files and __pycache__ skipped). Needs no database."
        ),
    )
    parser.add_argument(
        "--refs",
        nargs="+",
        required=True,
        metavar="PATH",
        help="Reference files or directories: the works to look for.",
    )
    parser.add_argument(
        "--queries",
        nargs="+",
        required=True,
        metavar="PATH",
        help="Query files or directories: where to look for them.",
    )
    parser.add_argument(
        "--media",
        choices=MEDIA,
        default="auto",
        help="Read every file as this media; auto decides per file (default: %(default)s).",
    )
    parser.add_argument(
        "--threshold",
        type=_threshold,
        default=None,
        metavar="T",
        help=(
            "Print the pairs scoring at least T, between 0 and 1; 0 prints every pair the "
            "index retrieved (default: the engine's calibrated decision threshold)."
        ),
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="jsonl",
        help="jsonl: one JSON object per line; table: for people (default: %(default)s).",
    )
    return parser


# ---------------------------------------------------------------- input files


@dataclass(frozen=True)
class InputFile:
    """A file to read: its path as the user gave it (joined with the walked part)."""

    path: str
    problem: str | None = None  # found while walking: the file cannot be read

    @property
    def shown(self) -> str:
        # Names that are not UTF-8 still print (with \\x escapes) instead of failing the output.
        return os.fsencode(self.path).decode("utf-8", "backslashreplace")


def _skipped(name: str) -> bool:
    return name.startswith(".") or name == "__pycache__"


def walk(roots: Sequence[str]) -> Iterator[InputFile]:
    """The files under ``roots``, in order, each once (directories sorted; hidden names and
    Python's ``__pycache__`` byte-code directories skipped).

    Symbolic links are followed, but a directory (or file) already seen is not visited again,
    so a link back to a parent ends there.
    """
    seen: set[tuple[int, int]] = set()
    for root in roots:
        pending = [root]  # a stack: the next path to visit is last
        while pending:
            path = pending.pop()
            try:
                info = os.stat(path)
            except OSError as exc:
                yield InputFile(path, f"cannot read the file ({exc.strerror or exc})")
                continue
            key = (info.st_dev, info.st_ino)
            if key in seen:
                continue
            seen.add(key)
            if stat.S_ISDIR(info.st_mode):
                try:
                    names = sorted(n for n in os.listdir(path) if not _skipped(n))
                except OSError as exc:
                    yield InputFile(path, f"cannot read the directory ({exc.strerror or exc})")
                    continue
                pending.extend(os.path.join(path, name) for name in reversed(names))
            elif stat.S_ISREG(info.st_mode):
                yield InputFile(path)
            else:
                yield InputFile(path, "not a regular file")


@dataclass(frozen=True)
class Document:
    text: str
    media: str  # "text" or "code"
    language: str | None


@dataclass(frozen=True)
class Picture:
    image: DecodedImage


@dataclass(frozen=True)
class Recording:
    """A sound or video file, decoded by its engine when it is indexed or queried."""

    path: str
    media: str  # "audio" or "video"


def _detected(file: InputFile, media: str) -> str:
    """The media ``read`` treats the file as: ``media`` itself unless it is auto."""
    if media != "auto":
        return media
    from copyguard.fingerprint.extract import detect_media

    try:
        with open(file.path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return "text"  # extract() reports it
    detected = detect_media(os.path.basename(file.path), head)
    if detected in ("audio", "video"):
        # The name and first bytes cannot tell a song in an MP4 or WebM from a film: the
        # streams can. A file that cannot be opened keeps its guess, and its reader says why.
        from copyguard.fingerprint.extract import ExtractionError
        from copyguard.fingerprint.extract.video import recording_media

        try:
            return recording_media(file.path)
        except ExtractionError:
            return detected
    return detected


def _read_image(file: InputFile) -> Picture | str:
    from copyguard.fingerprint.extract import ExtractionError
    from copyguard.fingerprint.image import read_image

    try:
        return Picture(read_image(file.path))
    except ExtractionError as exc:
        return str(exc)
    except Exception as exc:  # hostile input must not end a run over thousands of files
        return f"unexpected {type(exc).__name__} while reading the image: {exc}"


def read(file: InputFile, media: str) -> Document | Picture | Recording | str:
    """The file's text, image or recording, or why it cannot be read (one line). Recordings
    are decoded later, by their engine."""
    from copyguard.fingerprint import ExtractionError, extract

    if file.problem:
        return file.problem
    detected = _detected(file, media)
    if detected == "image":
        return _read_image(file)
    if detected in ("audio", "video"):
        return Recording(file.path, detected)
    try:
        extracted = extract(file.path, media=media)
    except ExtractionError as exc:
        return str(exc)
    except Exception as exc:  # hostile input must not end a run over thousands of files
        return str(ExtractionError(f"unexpected {type(exc).__name__} while reading: {exc}"))
    if not extracted.text.strip():
        return "no text in the file"
    return Document(extracted.text, extracted.media, extracted.language)


# ---------------------------------------------------------------- output


def _one_line(text: str) -> str:
    """White space collapsed to single spaces, and none kept between CJK characters (a line
    break in Chinese text is not a space)."""
    return _WIDE_GAP.sub("", _SPACES.sub(" ", text).strip())


def _fit(text: str, cells: int, from_end: bool = False) -> str:
    """The longest start (or end) of ``text`` within ``cells`` cells, cut between words when a
    space is near."""
    kept, used = [], 0
    for ch in reversed(text) if from_end else text:
        used += cell_len(ch)
        if used > cells:
            break
        kept.append(ch)
    piece = "".join(kept)  # backwards when from_end
    if len(piece) < len(text):
        space = piece.rfind(" ")
        if space > 0 and space >= len(piece) - 20:
            piece = piece[:space]
    return piece[::-1] if from_end else piece


def _excerpt(text: str, cells: int = EXCERPT_CELLS) -> str:
    """``text`` on one line; if longer than ``cells`` cells, its start and end around " … "."""
    window = cells * 4  # characters enough to fill ``cells`` cells once white space is collapsed
    head = _one_line(text[:window])
    if len(text) <= window and cell_len(head) <= cells:
        return head
    tail = _one_line(text[-window:])
    return _fit(head, cells * 2 // 3) + " … " + _fit(tail, cells // 3 - 3, from_end=True)


class Report:
    """Prints the results as they come: jsonl lines or table blocks, then flushes."""

    def __init__(self, fmt: str, console: Console, live: bool) -> None:
        self.fmt = fmt
        self.console = console
        self.live = live  # a progress bar is on the same terminal: print through its console
        self.pairs = 0
        self.errors = 0

    def _line(self, line: object) -> None:
        text = json.dumps(line, ensure_ascii=False)
        if self.live:
            self.console.print(text, markup=False, emoji=False, highlight=False, soft_wrap=True)
        else:
            self.console.file.write(text + "\n")

    def error(self, role: str, file: InputFile, message: str) -> None:
        self.errors += 1
        if self.fmt == "jsonl":
            self._line({role: file.shown, "error": message})
        else:
            self.console.print(Text(f"{role} {file.shown}: {message}", style="yellow"))

    def pair(
        self, query: str, reference: str, media: str, found: Match, texts: tuple[str, str]
    ) -> None:
        self.pairs += 1
        if self.fmt == "jsonl":
            segments = [(s.query, s.reference) for s in found.segments]
            self._line(_pair_line(query, reference, media, found.score, found.match, segments))
            return
        self.console.print(_pair_block(query, reference, media, found, texts))

    def image_pair(self, query: str, reference: str, found: ImageMatch) -> None:
        self.pairs += 1
        box = list(found.box) if found.box is not None else None
        if self.fmt == "jsonl":
            line = _pair_line(query, reference, "image", found.score, found.match, [])
            line["box"] = box
            self._line(line)
            return
        verdict = "[bold green]match[/]" if found.match else "[dim]no match[/]"
        where = (
            "" if box is None else f" · in the query at x {box[0]}-{box[2]}, y {box[1]}-{box[3]}"
        )
        evidence = f"{found.inliers} matching places"
        if found.pdq_distance < 256:
            evidence += f", PDQ distance {found.pdq_distance}"
        if found.mirrored:
            evidence += ", mirrored"
        self.console.print(
            Text.from_markup(
                f"[bold]query[/]      {escape(query)}\n[bold]reference[/]  {escape(reference)}\n"
                f"score [bold]{found.score:.3f}[/] {verdict} · image · {evidence}{escape(where)}\n"
            )
        )

    def recording_pair(self, query: str, reference: str, media: str, found: Heard) -> None:
        self.pairs += 1
        if self.fmt == "jsonl":
            seconds = [
                ((_second(q0), _second(q1)), (_second(r0), _second(r1)))
                for (q0, q1), (r0, r1) in found.segments
            ]
            self._line(_pair_line(query, reference, media, found.score, found.match, seconds))
            return
        self.console.print(_recording_block(query, reference, media, found))

    def flush(self) -> None:
        self.console.file.flush()


def _pair_line(
    query: str,
    reference: str,
    media: str,
    score: float,
    match: bool,
    segments: Sequence[tuple[Sequence[float], Sequence[float]]],
) -> PairLine:
    """A jsonl pair line; ``segments`` are (query span, reference span) pairs."""
    return {
        "query": query,
        "reference": reference,
        "media": media,
        "score": round(score, 6),
        "match": match,
        "segments": [{"query": list(q), "reference": list(r)} for q, r in segments],
    }


def _second(value: float) -> float:
    return round(float(value), 3)


def _clock(seconds: float) -> str:
    """``seconds`` as m:ss.s (h:mm:ss.s from an hour)."""
    tenths = round(seconds * 10)
    minutes, rest = divmod(tenths, 600)
    hours, minutes = divmod(minutes, 60)
    second = f"{rest // 10:02d}.{rest % 10}"
    return f"{hours}:{minutes:02d}:{second}" if hours else f"{minutes}:{second}"


def _recording_block(query: str, reference: str, media: str, found: Heard) -> Group:
    verdict = "[bold green]match[/]" if found.match else "[dim]no match[/]"
    header = Text.from_markup(
        f"[bold]query[/]      {escape(query)}\n[bold]reference[/]  {escape(reference)}\n"
        f"score [bold]{found.score:.3f}[/] {verdict} · {media} · {escape(found.evidence)}"
    )
    table = Table(show_lines=False, expand=False)
    table.add_column("query")
    table.add_column("reference")
    for (q0, q1), (r0, r1) in found.segments[:SEGMENTS_SHOWN]:
        table.add_row(f"{_clock(q0)} - {_clock(q1)}", f"{_clock(r0)} - {_clock(r1)}")
    more = len(found.segments) - SEGMENTS_SHOWN
    if more > 0:
        table.add_row(Text(f"… and {more} more segments", style="dim"), "")
    if not found.segments:
        table.add_row(Text("no segment in common", style="dim"), "")
    return Group(header, table, Text(""))


def _pair_block(
    query: str, reference: str, media: str, found: Match, texts: tuple[str, str]
) -> Group:
    verdict = "[bold green]match[/]" if found.match else "[dim]no match[/]"
    header = Text.from_markup(
        f"[bold]query[/]      {escape(query)}\n[bold]reference[/]  {escape(reference)}\n"
        f"score [bold]{found.score:.3f}[/] {verdict} · {media} · coverage: "
        f"{found.coverage.query:.0%} of the query, {found.coverage.reference:.0%} of the reference"
    )
    table = Table(show_lines=True, expand=True)
    table.add_column("query", ratio=1, overflow="fold")
    table.add_column("reference", ratio=1, overflow="fold")
    for segment in found.segments[:SEGMENTS_SHOWN]:
        cells = []
        for text, (start, end) in zip(texts, (segment.query, segment.reference), strict=True):
            cell = Text(f"characters {start}-{end}\n", style="dim")
            cell.append(_excerpt(text[start:end]))
            cells.append(cell)
        table.add_row(*cells)
    more = len(found.segments) - SEGMENTS_SHOWN
    if more > 0:
        table.add_row(Text(f"… and {more} more passages", style="dim"), "")
    if not found.segments:
        table.add_row(Text("no passage in common", style="dim"), "")
    return Group(header, table, Text(""))


# ---------------------------------------------------------------- running


def _add_reference(engines: Engines, name: str, document: Picture | Recording) -> str | None:
    """Index a picture or recording; why it could not be, or None."""
    media = "image" if isinstance(document, Picture) else document.media
    try:
        if isinstance(document, Picture):
            engines.images.add_reference(name, document.image)
        elif document.media == "audio":
            engines.audio.add_reference(name, document.path)
        else:
            engines.video.add_reference(name, document.path)
    except Exception as exc:  # hostile input must not end a run over thousands of files
        return _problem(exc, media)
    return None


def _index_references(
    files: list[InputFile],
    media: str,
    matcher: Matcher,
    engines: Engines,
    report: Report,
    progress: Progress,
) -> int:
    """Add every readable reference to ``matcher`` (which keeps its text) or, for images and
    recordings, to their engine in ``engines``; how many were read."""
    indexed = 0
    task = progress.add_task("Indexing references", total=len(files), current="")
    for file in files:
        progress.update(task, current=file.shown[-60:])
        document = read(file, media)
        if isinstance(document, str):
            report.error("reference", file, document)
        elif isinstance(document, Picture | Recording):
            problem = _add_reference(engines, file.shown, document)
            if problem is None:
                indexed += 1
            else:
                report.error("reference", file, problem)
        else:
            filename = os.path.basename(file.path)
            matcher.add_reference(
                file.shown, document.text, document.media, document.language, filename
            )
            indexed += 1
        progress.advance(task)
    report.flush()
    return indexed


def _image_query(images: ImageMatcher, picture: Picture, threshold: float) -> list[ImageMatch]:
    from copyguard.fingerprint import DEFAULT_THRESHOLD
    from copyguard.fingerprint.image import FlatImageError

    try:
        return images.query(picture.image, candidates=threshold < DEFAULT_THRESHOLD)
    except FlatImageError:
        return []  # nothing in it to identify: it matches no reference


def _recording_query(
    engines: Engines, recording: Recording, threshold: float
) -> tuple[list[tuple[str, str, Heard]], str | None]:
    """(reference, media, match) for every pair the engines retrieved for the query, and why
    the query could not be read (None when it could); see ``recording_query``."""
    from copyguard.fingerprint import DEFAULT_THRESHOLD
    from copyguard.fingerprint.engines import recording_query

    found, problem = recording_query(
        engines, recording.path, recording.media, candidates=threshold < DEFAULT_THRESHOLD
    )
    return [(str(reference), media, heard) for reference, media, heard in found], problem


def _problem(exc: Exception, media: str) -> str:
    from copyguard.fingerprint.engines import problem

    return problem(exc, media)


def _on_terminal(stream: TextIO) -> bool:
    return stream.isatty()


def cmd_match(argv: Sequence[str]) -> int:
    args = match_parser().parse_args(argv)
    for root in dict.fromkeys([*args.refs, *args.queries]):
        if not os.path.lexists(root):
            raise UsageError(f"{root}: no such file or directory")
    from copyguard.fingerprint import DEFAULT_THRESHOLD, Matcher

    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[current]}", style="dim"),
        console=Console(stderr=True),
        transient=True,
        disable=not _on_terminal(sys.stderr),
        redirect_stdout=False,
        redirect_stderr=False,
    )
    # With the bar on the same terminal, results go through its console, which keeps the bar
    # below them; otherwise straight to standard output.
    live = not progress.disable and _on_terminal(sys.stdout)
    width = None if _on_terminal(sys.stdout) else 120
    console = progress.console if live else Console(file=sys.stdout, width=width, soft_wrap=False)
    report = Report(args.format, console, live)
    # Parsers log what they make of a damaged file (pypdf: "EOF marker not found"); its error
    # line says it already, and standard error is kept for the progress bar and a fatal error.
    logging_was = logging.root.manager.disable
    logging.disable(logging.ERROR)
    try:
        with progress:
            refs = list(walk(args.refs))
            matcher = Matcher(threshold=DEFAULT_THRESHOLD)
            from copyguard.fingerprint.engines import Engines

            engines = Engines()
            references = _index_references(refs, args.media, matcher, engines, report, progress)
            # Without references the queries are still read: each unreadable one is reported.
            queries = _scan_queries(args, threshold, matcher, engines, report, progress)
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, like other command-line tools.
        # Point standard output at /dev/null so that flushing it at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        logging.disable(logging_was)
    if args.format == "table":
        console.print(
            f"references read: {references}, queries read: {queries}, pairs scoring at least "
            f"{threshold:g}: {report.pairs}, unreadable files: {report.errors}",
            markup=False,
        )
    if not references:
        raise UsageError("none of the references could be read")
    if not queries:
        raise UsageError("none of the queries could be read")
    return 0


def _scan_queries(
    args: argparse.Namespace,
    threshold: float,
    matcher: Matcher,
    engines: Engines,
    report: Report,
    progress: Progress,
) -> int:
    """Compare each query with the references, printing as it goes; how many were read."""
    from copyguard.fingerprint import DEFAULT_THRESHOLD

    total = sum(1 for _ in walk(args.queries)) if not progress.disable else None
    task = progress.add_task("Scanning queries", total=total, current="")
    scanned = 0
    for file in walk(args.queries):
        progress.update(task, current=file.shown[-60:])
        document = read(file, args.media)
        if isinstance(document, str):
            report.error("query", file, document)
        elif isinstance(document, Picture):
            scanned += 1
            pictured = (
                _image_query(engines.images, document, threshold) if engines.has("image") else []
            )
            for hit in pictured:
                if hit.score >= threshold:
                    report.image_pair(file.shown, str(hit.reference_id), hit)
        elif isinstance(document, Recording):
            heard, problem = _recording_query(engines, document, threshold)
            if problem is not None:
                report.error("query", file, problem)
            else:
                scanned += 1
                for reference, media, sounded in heard:
                    if sounded.score >= threshold:
                        report.recording_pair(file.shown, reference, media, sounded)
        else:
            scanned += 1
            found = matcher.query(
                document.text,
                document.media,
                document.language,
                os.path.basename(file.path),
                candidates=threshold < DEFAULT_THRESHOLD,
            )
            for match in found:
                if match.score >= threshold:
                    kept = matcher.references[(document.media, match.reference_id)]
                    pair_texts = (document.text, kept.text)
                    report.pair(
                        file.shown, str(match.reference_id), document.media, match, pair_texts
                    )
        report.flush()
        progress.advance(task)
    return scanned
