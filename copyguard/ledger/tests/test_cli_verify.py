"""`copyguard ledger verify BUNDLE`: evidence bundles checked offline, tampering caught."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from copyguard.ledger import bundle
from copyguard.ledger.actions import append_entry, build_bundle, signing_key
from copyguard.ledger.merkle import canonical_json

pytestmark = pytest.mark.django_db

CAPTURE = b"WARC/1.1\r\nWARC-Type: response\r\n\r\n<html>copied chapter</html>" * 20
SCREENSHOT = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture
def bundle_bytes() -> bytes:
    for n in range(6):
        append_entry("test", {"n": n})
    digests = {
        "capture.warc.gz": hashlib.sha256(CAPTURE).hexdigest(),
        "screenshot.png": hashlib.sha256(SCREENSHOT).hexdigest(),
    }
    entry = append_entry("evidence.captured", {"url": "https://example.org/x", "files": digests})
    for n in range(5):
        append_entry("test", {"n": n})
    return build_bundle(
        entry,
        {"capture.warc.gz": CAPTURE, "screenshot.png": SCREENSHOT},
        {"what": "https://example.org/x", "when": "2026-12-01T08:00:00Z", "by": "user 7"},
    )


def _write(tmp_path: Path, data: bytes, name: str = "bundle.zip") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def _flip(content: bytes, at: int) -> bytes:
    return content[:at] + bytes([content[at] ^ 0x01]) + content[at + 1 :]


def test_a_bundle_verifies_and_says_what_it_holds(copyguard, bundle_bytes, tmp_path) -> None:  # type: ignore[no-untyped-def]
    run = copyguard("ledger", "verify", _write(tmp_path, bundle_bytes))

    assert run.status == 0, run.err
    assert "VALID" in run.out
    assert "entry 6 (evidence.captured)" in run.out
    assert "tree of 12 entries" in run.out
    assert signing_key().key_id in run.out
    assert hashlib.sha256(CAPTURE).hexdigest() in run.out
    members = _members(bundle_bytes)
    assert set(members) == {"manifest.json", "proof.json", "capture.warc.gz", "screenshot.png"}
    manifest = json.loads(members["manifest.json"])
    assert manifest["by"] == "user 7"
    assert set(manifest["files"]) == {"proof.json", "capture.warc.gz", "screenshot.png"}
    proof = json.loads(members["proof.json"])
    assert set(proof) == {
        "entry",
        "leaf_index",
        "tree_size",
        "inclusion_path",
        "signed_tree_head",
        "public_key",
    }


def test_a_trusted_key_id_is_checked(copyguard, bundle_bytes, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, bundle_bytes)

    assert copyguard("ledger", "verify", path, "--key-id", signing_key().key_id).status == 0
    run = copyguard("ledger", "verify", path, "--key-id", "ab" * 32)
    assert run.status == 1
    assert "not by the trusted key" in run.err


def test_json_output(copyguard, bundle_bytes, tmp_path) -> None:  # type: ignore[no-untyped-def]
    run = copyguard("ledger", "verify", _write(tmp_path, bundle_bytes), "--json")

    answer = json.loads(run.out)
    assert run.status == 0
    assert answer["valid"] is True and answer["problems"] == []
    assert answer["leaf_index"] == 6


@pytest.mark.parametrize("name", ["capture.warc.gz", "screenshot.png"])
@pytest.mark.parametrize("where", [0, 17, -1])
def test_one_changed_byte_in_a_captured_file_is_caught(
    copyguard, bundle_bytes, tmp_path, name, where
) -> None:  # type: ignore[no-untyped-def]
    members = _members(bundle_bytes)
    members[name] = _flip(members[name], where % len(members[name]))

    run = copyguard("ledger", "verify", _write(tmp_path, _zip(members)))

    assert run.status == 1
    assert f"{name}: SHA-256 differs from manifest.json" in run.err


def test_one_changed_byte_anywhere_in_the_manifest_or_proof_is_caught(
    bundle_bytes, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    members = _members(bundle_bytes)
    for name in ("manifest.json", "proof.json"):
        content = members[name]
        for at in range(0, len(content), max(1, len(content) // 97)):
            changed = dict(members)
            changed[name] = _flip(content, at)
            problems = bundle.verify_bundle(_zip(changed))
            assert problems, (name, at, changed[name][max(0, at - 20) : at + 20])


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda p: p.update(leaf_index=p["leaf_index"] + 1), "inclusion proof fails"),
        (lambda p: p["entry"]["body"].update(url="https://example.org/y"), "inclusion proof fails"),
        (lambda p: p["signed_tree_head"].update(timestamp=1), "signature does not verify"),
        (lambda p: p.update(tree_size=11), "tree_size differs"),
        (
            lambda p: p.update(public_key=bundle_public_key_of_another()),
            "key_id is not the SHA-256",
        ),
        (lambda p: p.pop("inclusion_path"), "proof.json has no inclusion_path"),
        (lambda p: p.update(inclusion_path=["zz"]), "inclusion_path is not a list"),
    ],
)
def test_a_changed_proof_names_the_failure(
    copyguard, bundle_bytes, tmp_path, change, expected
) -> None:  # type: ignore[no-untyped-def]
    members = _members(bundle_bytes)
    proof = json.loads(members["proof.json"])
    change(proof)
    members["proof.json"] = canonical_json(proof)

    run = copyguard("ledger", "verify", _write(tmp_path, _zip(members)))

    assert run.status == 1
    assert expected in run.err


def bundle_public_key_of_another() -> str:
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return base64.b64encode(Ed25519PrivateKey.generate().public_key().public_bytes_raw()).decode()


def test_a_changed_manifest_value_is_caught(copyguard, bundle_bytes, tmp_path) -> None:  # type: ignore[no-untyped-def]
    members = _members(bundle_bytes)
    members["manifest.json"] = members["manifest.json"].replace(b"user 7", b"user 8")

    run = copyguard("ledger", "verify", _write(tmp_path, _zip(members)))

    assert run.status == 1
    assert "manifest.json signature does not verify" in run.err


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ({"capture.warc.gz": b"x"}, "proof.json is missing"),
        ({"proof.json": b"{not json"}, "proof.json is not valid JSON"),
        ({"../evil.txt": b"x", "proof.json": b"{}"}, "unsafe file name"),
        ({"/etc/passwd": b"x"}, "unsafe file name"),
        ({"a\\..\\b": b"x"}, "unsafe file name"),
        ({"C:/x": b"x"}, "unsafe file name"),
    ],
)
def test_hostile_zips_get_a_clear_error(copyguard, tmp_path, members, expected) -> None:  # type: ignore[no-untyped-def]
    run = copyguard("ledger", "verify", _write(tmp_path, _zip(members)))

    assert run.status == 1
    assert expected in run.err
    assert "Traceback" not in run.err


def test_missing_or_extra_files_are_caught(copyguard, bundle_bytes, tmp_path) -> None:  # type: ignore[no-untyped-def]
    members = _members(bundle_bytes)
    for name, expected in [
        ("manifest.json", "manifest.json is missing"),
        ("screenshot.png", "screenshot.png is listed in manifest.json but missing"),
    ]:
        fewer = {k: v for k, v in members.items() if k != name}
        run = copyguard("ledger", "verify", _write(tmp_path, _zip(fewer)))
        assert run.status == 1
        assert expected in run.err
    extra = {**members, "planted.txt": b"later"}
    run = copyguard("ledger", "verify", _write(tmp_path, _zip(extra)))
    assert "planted.txt is in the zip but not in manifest.json" in run.err


def test_not_a_zip_and_no_file(copyguard, tmp_path) -> None:  # type: ignore[no-untyped-def]
    run = copyguard("ledger", "verify", _write(tmp_path, b"%PDF-1.7 not a zip"))
    assert run.status == 1
    assert "not a zip file" in run.err

    run = copyguard("ledger", "verify", str(tmp_path / "nowhere.zip"))
    assert run.status == 2
    assert "no such file" in run.err


def test_a_zip_bomb_is_refused_without_unpacking_it() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("proof.json", b"{}")
        archive.writestr("capture.warc.gz", bytes(8 * 1024 * 1024))  # 8 MiB of zeros, ~8 KiB
    data = out.getvalue()
    assert len(data) < 100_000

    problems = bundle.verify_bundle(data, max_bytes=1024 * 1024)

    assert problems and "zip bomb" in problems[0]


def test_a_zip_whose_declared_sizes_lie_is_still_capped() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("capture.warc.gz", bytes(2 * 1024 * 1024))
    data = bytearray(out.getvalue())
    # Shrink the central directory's uncompressed size to 1 byte.
    at = data.rfind(b"PK\x01\x02")
    data[at + 24 : at + 28] = (1).to_bytes(4, "little")

    problems = bundle.verify_bundle(bytes(data), max_bytes=1024 * 1024)

    assert problems
    assert "capture.warc.gz" in problems[0]  # zipfile stops at the declared size: bad CRC


def test_a_bundle_of_files_the_entry_does_not_record_is_refused() -> None:
    entry = append_entry("test", {"files": {}})

    with pytest.raises(ValueError, match="does not record"):
        build_bundle(entry, {"capture.warc.gz": CAPTURE}, {})
    with pytest.raises(ValueError, match="cannot put"):
        build_bundle(entry, {"../x": b""}, {})


def test_verify_runs_without_django_or_a_database(bundle_bytes, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, bundle_bytes)
    env = {
        **os.environ,
        "DATABASE_URL": "nosuchdb://nowhere",  # any use of the settings would fail
        "COPYGUARD_DATA_DIR": str(tmp_path / "empty"),
    }
    code = (
        "import sys; from copyguard.cli import main; s = main(sys.argv[1:]); "
        "from django.conf import settings; sys.exit(s if not settings.configured else 99)"
    )

    result = subprocess.run(
        [sys.executable, "-c", code, "ledger", "verify", path],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "VALID" in result.stdout
