"""Every works page, rendered in Simplified Chinese, shows no English left untranslated."""

from __future__ import annotations

import pytest
from django.urls import reverse

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, Role
from copyguard.testing import make_member, make_organisation
from copyguard.works import actions
from copyguard.works.models import Conflict
from copyguard.works.testing import SAMPLE_TEXT, registered_work, submitted_work
from tests.test_pages_in_chinese import chinese_client, english_in

pytestmark = pytest.mark.django_db

CODE = "\n".join(f"def step_{i}(x):\n    return x * {i}\n" for i in range(60))


@pytest.fixture
def world(settings, commit):  # type: ignore[no-untyped-def]
    from copyguard.works.testing import Registry

    settings.LANGUAGE_CODE = "zh-hans"
    bureau = make_organisation(
        OrganisationKind.ADMINISTRATION,
        name="佛山市版权局",
        name_en="",
        level=AdministrationLevel.MUNICIPAL,
        region_code="440600",
    )
    registry = Registry(
        administration=bureau,
        registrar=make_member(bureau, Role.REGISTRAR, email="reg@foshan.test", full_name="周"),
        admin_viewer=make_member(bureau, Role.VIEWER),
        other_administration=bureau,
        other_registrar=make_member(bureau, Role.REGISTRAR),
    )
    publisher = make_organisation(OrganisationKind.RIGHTS_HOLDER, name="岭南出版社", name_en="")
    other = make_organisation(OrganisationKind.RIGHTS_HOLDER, name="南方书局", name_en="")
    owner = make_member(publisher, Role.OWNER, email="owner@lingnan.test", full_name="李明")
    registered_work(other, registry, title="原作")
    conflicting = submitted_work(publisher, "前言 " + SAMPLE_TEXT, title="抄本", name="抄本.txt")
    examiner = Actor(user=registry.registrar)
    actions.take_for_examination(examiner, conflicting, registry.administration)
    returned = submitted_work(publisher, SAMPLE_TEXT[::-1], title="塞北", name="塞北.txt")
    actions.take_for_examination(examiner, returned, registry.administration)
    actions.return_for_correction(examiner, returned, registry.administration, "请补充材料。")
    software = actions.create_work(examiner, publisher, title="排版引擎", category="software")
    actions.add_file(examiner, software, CODE.encode(), "engine.py")
    actions.set_software_details(examiner, software, name="排版引擎", version="1.0")
    actions.make_source_deposit(examiner, software, [1])
    return {
        "owner": owner,
        "registrar": registry.registrar,
        "conflicting": conflicting,
        "returned": returned,
        "software": software,
    }


def test_the_applicants_pages_are_all_chinese(world):
    client = chinese_client(world["owner"])
    for url in (
        reverse("works:list"),
        reverse("works:create"),
        reverse("works:work", args=[world["conflicting"].work_id]),
        reverse("works:work", args=[world["returned"].work_id]),
        reverse("works:edit", args=[world["returned"].work_id]),
        reverse("works:software", args=[world["software"].pk]),
        reverse("works:check", args=[world["conflicting"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_in(response.content.decode()) == [], url


def test_the_registrars_pages_are_all_chinese(world):
    client = chinese_client(world["registrar"])
    conflict = Conflict.objects.get(registration=world["conflicting"])
    for url in (
        reverse("works:queue"),
        reverse("works:examination", args=[world["conflicting"].pk]),
        reverse("works:examination", args=[world["returned"].pk]),
        reverse("works:conflict", args=[conflict.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_in(response.content.decode()) == [], url
