"""The Simplified Chinese catalogue is complete, current and compiled.

Walks the committed .po file: every message is translated, nothing is fuzzy, placeholders
survive translation, the catalogue lists exactly the messages the code marks (re-extracted
here from a copy of the sources), and the committed .mo is what the .po compiles to.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = REPO_DIR / "copyguard"
PO_FILE = PACKAGE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
MAKEMESSAGES_ARGS = [
    "makemessages",
    "-l",
    "zh_Hans",
    "--ignore",
    "fingerprint/*",
    "--ignore",
    "tests/*",
    "--ignore",
    "*/tests/*",
    "--no-location",
    "--no-obsolete",
]

needs_gettext = pytest.mark.skipif(
    shutil.which("msgfmt") is None or shutil.which("xgettext") is None,
    reason="GNU gettext (Debian package gettext) is not installed",
)


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def _unquote(fragment: str) -> str:
    body = fragment.strip()
    assert body.startswith('"') and body.endswith('"'), f"not a PO string: {fragment!r}"
    return re.sub(
        r"\\(.)",
        lambda m: {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(m.group(1), m.group(1)),
        body[1:-1],
    )


def parse_po(path: Path) -> list[Entry]:
    """A small PO reader: enough for catalogues written by xgettext/msgmerge."""
    entries: list[Entry] = []
    entry = Entry()
    current: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal entry, current
        if entry.msgid or entry.msgstr or entry.msgctxt is not None:
            entries.append(entry)
        entry, current = Entry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            entry.msgctxt, current = _unquote(line[8:]), ("msgctxt", None)
        elif line.startswith("msgid_plural "):
            entry.msgid_plural, current = _unquote(line[13:]), ("msgid_plural", None)
        elif line.startswith("msgid "):
            entry.msgid, current = _unquote(line[6:]), ("msgid", None)
        elif line.startswith("msgstr["):
            index = int(line[7 : line.index("]")])
            entry.msgstr[index] = _unquote(line[line.index("]") + 1 :])
            current = ("msgstr", index)
        elif line.startswith("msgstr "):
            entry.msgstr[0], current = _unquote(line[7:]), ("msgstr", 0)
        elif line.startswith('"') and current is not None:
            kind, index = current
            text = _unquote(line)
            if kind == "msgstr":
                entry.msgstr[index or 0] += text
            elif kind == "msgid":
                entry.msgid += text
            elif kind == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + text
            else:
                entry.msgctxt = (entry.msgctxt or "") + text
        else:
            raise AssertionError(f"{path}: cannot read line {raw!r}")
    finish()
    return entries


def messages(path: Path) -> list[Entry]:
    return [entry for entry in parse_po(path) if entry.msgid]


PLACEHOLDER = re.compile(
    r"%\([a-z_]+\)[sd]|%[sd]|\{\{\s*[\w.|]+\s*\}\}"
    r"|</?(?:a|abbr|b|br|code|em|i|kbd|li|p|span|strong|ul)\b[^>]*>"
)


def placeholders(text: str) -> list[str]:
    return sorted(re.sub(r"\s+", "", p) for p in PLACEHOLDER.findall(text))


def test_the_catalogue_exists_and_has_messages() -> None:
    assert PO_FILE.exists(), f"{PO_FILE} is missing"
    assert len(messages(PO_FILE)) > 100


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    untranslated = [
        e.msgid for e in messages(PO_FILE) if not all(e.msgstr.values()) or not e.msgstr
    ]
    fuzzy = [e.msgid for e in messages(PO_FILE) if "fuzzy" in e.flags]
    assert untranslated == [], f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_translations_keep_every_placeholder_and_tag() -> None:
    broken = []
    for entry in messages(PO_FILE):
        source = entry.msgid_plural if entry.msgid_plural else entry.msgid
        expected = placeholders(source)
        if entry.msgid_plural:
            # The single Chinese form may use the plural's placeholders or the singular's.
            allowed = {tuple(expected), tuple(placeholders(entry.msgid))}
        else:
            allowed = {tuple(expected)}
        for text in entry.msgstr.values():
            if tuple(placeholders(text)) not in allowed:
                broken.append((entry.msgid, text))
    assert broken == [], f"placeholders differ in {len(broken)} messages, e.g. {broken[:3]}"


def test_translations_look_like_chinese() -> None:
    # A message "translated" by copying the English would pass the checks above.
    han = re.compile(r"[\u4e00-\u9fff]")
    copied = [
        e.msgid
        for e in messages(PO_FILE)
        if re.search(r"[A-Za-z]{3,}\s+[A-Za-z]{3,}", e.msgid)
        and not any(han.search(text) for text in e.msgstr.values())
    ]
    assert copied == [], f"{len(copied)} messages left in English, e.g. {copied[:5]}"


@needs_gettext
def test_the_catalogue_lists_exactly_the_messages_the_code_marks(tmp_path: Path) -> None:
    copy = tmp_path / "copyguard"
    shutil.copytree(
        PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static")
    )
    result = subprocess.run(
        [str(REPO_DIR / ".venv" / "bin" / "django-admin"), *MAKEMESSAGES_ARGS]
        if (REPO_DIR / ".venv" / "bin" / "django-admin").exists()
        else ["django-admin", *MAKEMESSAGES_ARGS],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    fresh = {(e.msgctxt, e.msgid) for e in messages(copy / PO_FILE.relative_to(PACKAGE_DIR))}
    committed = {(e.msgctxt, e.msgid) for e in messages(PO_FILE)}
    missing = sorted(fresh - committed, key=str)
    stale = sorted(committed - fresh, key=str)
    assert missing == [], (
        f"{len(missing)} marked strings are not in the catalogue (run `cd copyguard && "
        f"django-admin {' '.join(MAKEMESSAGES_ARGS)}` and translate them): {missing[:5]}"
    )
    assert stale == [], f"{len(stale)} catalogue entries are no longer used: {stale[:5]}"


@needs_gettext
def test_the_compiled_catalogue_is_current(tmp_path: Path) -> None:
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(PO_FILE)], check=True)
    assert MO_FILE.exists(), "the .mo file is not committed; run compilemessages"
    # Digests, not the bytes: pytest would spend minutes writing a diff of two 1 MB files.
    committed = hashlib.sha256(MO_FILE.read_bytes()).hexdigest()
    assert committed == hashlib.sha256(compiled.read_bytes()).hexdigest(), (
        "django.mo is older than django.po: run compilemessages and commit django.mo"
    )
