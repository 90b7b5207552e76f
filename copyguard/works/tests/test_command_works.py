"""`copyguard works register` and `copyguard works reindex`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from copyguard.cli import main
from copyguard.works.models import Registration, Work
from copyguard.works.testing import SAMPLE_TEXT, make_registry

# The command commits like a shell run does: no test transaction around it.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def run(capsys):  # type: ignore[no-untyped-def]
    def call(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = main(["works", *args])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return call


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.txt"
    path.write_text(SAMPLE_TEXT, encoding="utf-8")
    return path


def test_it_registers_and_approves_as_a_registrar_with_json_output(people, run, book):
    registry = make_registry()
    status, out, err = run(
        "register", str(book), "--owner", str(people.org.pk), "--title", "江南",
        "--approve", "--as-registrar", registry.registrar.email, "--json",
    )  # fmt: skip
    assert status == 0, err
    result = json.loads(out)
    assert re.fullmatch(r"440600-\d{4}-A-00000001", result["registration_number"])
    assert result["status"] == "registered"
    work = Work.objects.get(pk=result["work_id"])
    assert work.title == "江南" and work.owner == people.org
    assert result["files"][0]["sha256"] == work.files.get().sha256


def test_without_approve_it_submits_and_the_owner_may_be_named(people, run, book):
    status, out, err = run(
        "register", str(book), "--owner", "Alpha Press", "--title", "x", "--json"
    )
    assert status == 0, err
    result = json.loads(out)
    assert result["status"] == "submitted" and result["registration_number"] is None
    assert Registration.objects.get().check_status == "done"  # the job ran after commit


def test_a_copy_under_another_holder_needs_a_reason_and_nothing_is_left_behind(people, run, book):
    registry = make_registry()
    common = ["--approve", "--as-registrar", registry.registrar.email, "--json"]
    assert (
        run("register", str(book), "--owner", str(people.org.pk), "--title", "a", *common)[0] == 0
    )
    status, out, err = run(
        "register", str(book), "--owner", str(people.other_org.pk), "--title", "b", *common
    )
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "reason" in err
    assert Work.objects.count() == 1
    status, out, err = run(
        "register", str(book), "--owner", str(people.other_org.pk), "--title", "b",
        *common, "--reason", "已取得授权",
    )  # fmt: skip
    assert status == 0, err
    assert json.loads(out)["conflicts"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--owner", "999", "--title", "x"], "--owner"),
        (["--owner", "ORG", "--title", "x", "--approve"], "--as-registrar"),
        (
            ["--owner", "ORG", "--title", "x", "--approve", "--as-registrar", "no@x.test"],
            "registrar",
        ),
        (["--owner", "ORG", "--title", "x", "--category", "poem"], "--category"),
        (["--owner", "ORG"], "--title"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(people, run, book, args, message):
    args = [a.replace("ORG", str(people.org.pk)) for a in args]
    status, _out, err = run("register", str(book), *args)
    assert status == 2
    assert len(err.strip().splitlines()) == 1 and message in err
    assert not Work.objects.exists()


def test_a_missing_or_empty_file_is_one_line_and_exit_2(people, run, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    for path in (tmp_path / "missing.txt", empty):
        status, _out, err = run(
            "register", str(path), "--owner", str(people.org.pk), "--title", "x"
        )
        assert status == 2 and len(err.strip().splitlines()) == 1, err
    assert not Work.objects.exists()


def test_reindex_rebuilds_the_index_of_registered_texts(people, run, book, settings):
    registry = make_registry()
    run(
        "register", str(book), "--owner", str(people.org.pk), "--title", "a",
        "--approve", "--as-registrar", registry.registrar.email,
    )  # fmt: skip
    status, out, _err = run("reindex")
    assert status == 0 and "1" in out
