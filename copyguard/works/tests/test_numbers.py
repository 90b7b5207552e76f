"""Registration numbers: format, counting, and no duplicates under concurrent approvals."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection, connections, transaction

from copyguard.testing import make_organisation
from copyguard.works.models import RegistrationSerial
from copyguard.works.numbers import allocate_number, is_registration_number


def test_a_number_has_region_year_letter_and_eight_digits(db):
    bureau = make_organisation("administration", region_code="440700")
    with transaction.atomic():
        number = allocate_number(bureau, "software", 2026)
    assert number == "440700-2026-R-00000001"
    assert is_registration_number(number)
    assert not is_registration_number("440700-2026-R-123")


def test_serials_count_per_region_year_and_letter(db):
    one = make_organisation("administration", region_code="440700")
    two = make_organisation("administration", region_code="440600")
    with transaction.atomic():
        got = [
            allocate_number(one, "written", 2026),
            allocate_number(one, "written", 2026),
            allocate_number(one, "music", 2026),
            allocate_number(two, "written", 2026),
            allocate_number(one, "written", 2027),
        ]
    assert got == [
        "440700-2026-A-00000001",
        "440700-2026-A-00000002",
        "440700-2026-C-00000001",
        "440600-2026-A-00000001",
        "440700-2027-A-00000001",
    ]


def test_a_rolled_back_approval_gives_its_serial_back(db):
    bureau = make_organisation("administration", region_code="440700")
    with pytest.raises(RuntimeError), transaction.atomic():
        allocate_number(bureau, "written", 2026)
        raise RuntimeError("approval failed")
    with transaction.atomic():
        assert allocate_number(bureau, "written", 2026).endswith("-00000001")


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_run_outside_a_transaction():
    bureau = make_organisation("administration", region_code="440700")
    with pytest.raises(RuntimeError):
        allocate_number(bureau, "written", 2026)


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_share_a_number():
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and ("memory" in name or name == ""):
        # Shared-cache in-memory SQLite answers "table is locked" instead of waiting; the
        # file database (tests/cli's conftest) and PostgreSQL wait for the lock as they should.
        pytest.skip("needs a database that waits for locks")
    bureau = make_organisation("administration", region_code="440700")
    results: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def approve() -> None:
        try:
            start.wait()
            for _ in range(5):
                with transaction.atomic():
                    results.append(allocate_number(bureau, "written", 2026))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(results) == [f"440700-2026-A-{n:08d}" for n in range(1, 31)]
    assert RegistrationSerial.objects.get().last == 30
    assert all(re.fullmatch(r"440700-2026-A-\d{8}", n) for n in results)
