"""The back office lists service requests and routing rules for platform staff only."""

from __future__ import annotations

import pytest
from django.test import Client

from copyguard.services.tests.helpers import ServiceWorld
from copyguard.testing import make_user

pytestmark = pytest.mark.django_db


def test_platform_staff_read_requests_and_rules_in_the_back_office(world: ServiceWorld) -> None:
    request = world.submit()
    staff = Client()
    staff.force_login(make_user(is_staff=True, is_superuser=True))
    for path in (
        "/admin/services/servicerequest/",
        f"/admin/services/servicerequest/{request.pk}/change/",
        "/admin/services/routingrule/",
    ):
        response = staff.get(path)
        assert response.status_code == 200, path
    assert request.number in staff.get("/admin/services/servicerequest/").content.decode()
    member = Client()
    member.force_login(world.supervisor)
    assert member.get("/admin/services/servicerequest/").status_code == 302
