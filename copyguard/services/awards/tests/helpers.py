"""Records for the computed criteria: registrations, cases and notices at known dates."""

from __future__ import annotations

import datetime
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from copyguard.accounts.models import Organisation
from copyguard.enforcement.enums import NoticeStatus
from copyguard.enforcement.models import Case, Notice
from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import Registration, Work

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_serial = itertools.count(1)


def pdf(name: str = "证明材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF)


def registration(
    owner: Organisation, registered_on: datetime.date, region: str = "440700"
) -> Registration:
    n = next(_serial)
    work = Work.objects.create(owner=owner, title=f"作品 {n}", category="written")
    return Registration.objects.create(
        work=work,
        status=RegistrationStatus.REGISTERED,
        number=f"{region}-{registered_on.year}-A-{n:08d}",
        registered_on=registered_on,
    )


def closed_case(administration: Organisation, closed: datetime.datetime) -> Case:
    n = next(_serial)
    at = timezone.make_aware(closed) if timezone.is_naive(closed) else closed
    return Case.objects.create(
        number=f"AW-{n}",
        administration=administration,
        title=f"案件 {n}",
        origin="inspection",
        opened_at=at - datetime.timedelta(days=30),
        closed_at=at,
    )


def sent_notice(sender: Organisation, sent: datetime.datetime) -> Notice:
    n = next(_serial)
    return Notice.objects.create(
        number=f"NT-AW-{n}",
        jurisdiction="cn",
        sender=sender,
        status=NoticeStatus.SENT,
        sent_at=timezone.make_aware(sent),
        claimant_name=sender.name,
    )
