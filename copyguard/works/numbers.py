"""Registration numbers: ``<region>-<year>-<type letter>-<8 digits>`` (DESIGN.md "Identifiers").

The serial counts per region, year and type letter. It is taken with an UPDATE of the
counter row inside the approving transaction: the row stays locked until that transaction
ends, so two approvals at once get consecutive serials, and a rolled-back approval gives
its serial back.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import F

from copyguard.accounts.models import Organisation
from copyguard.works.enums import TYPE_LETTERS
from copyguard.works.models import NUMBER_PATTERN, RegistrationSerial

__all__ = ["NATIONAL_REGION", "allocate_number", "is_registration_number", "region_of"]

# The administration of the whole country has no GB/T 2260 region of its own; its numbers
# carry the code of the country as a whole.
NATIONAL_REGION = "100000"
_NUMBER = re.compile(NUMBER_PATTERN)


def region_of(administration: Organisation) -> str:
    return administration.region_code or NATIONAL_REGION


def is_registration_number(text: str) -> bool:
    return bool(_NUMBER.match(text))


def allocate_number(administration: Organisation, category: str, year: int) -> str:
    """The next number for a work of ``category`` registered by ``administration``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_number must run inside the approving transaction")
    region = region_of(administration)
    letter = TYPE_LETTERS[category]
    RegistrationSerial.objects.get_or_create(region_code=region, year=year, letter=letter)
    counter = RegistrationSerial.objects.filter(region_code=region, year=year, letter=letter)
    counter.update(last=F("last") + 1)
    serial = counter.values_list("last", flat=True).get()
    if serial > 99_999_999:
        raise OverflowError(f"registration serials of {region}-{year}-{letter} are used up")
    return f"{region}-{year:04d}-{letter}-{serial:08d}"
