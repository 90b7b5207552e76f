"""The demo data of service requests loads on the demo organisations, in every status, and
a second load creates nothing."""

from __future__ import annotations

import pytest

from copyguard.accounts.enums import ROLES_BY_KIND
from copyguard.accounts.models import Membership, Organisation
from copyguard.demo import ORGANISATIONS
from copyguard.services.demo import load_demo_services
from copyguard.services.enums import RequestStatus
from copyguard.services.models import RoutingRule, ServiceRequest
from copyguard.testing import make_user

pytestmark = pytest.mark.django_db


def _demo_organisations() -> dict[str, Organisation]:
    # Only the organisations the services demo uses, with a member per role (as load_demo
    # creates them), without the works and monitoring demo that load_demo also runs.
    wanted = {"gd", "jm", "nanhu-police", "nanhu-station", "nanhu-books", "qiaoxiang"}
    made: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        if spec.key not in wanted:
            continue
        organisation = Organisation.objects.create(
            name=spec.name,
            name_en=spec.name_en,
            kind=spec.kind,
            level=spec.level,
            region_code=spec.region_code,
            rights_holder_type=spec.rights_holder_type,
            parent=made.get(spec.parent),
        )
        made[spec.key] = organisation
        for role in ROLES_BY_KIND[spec.kind]:
            Membership.objects.create(
                user=make_user(f"{role}@{spec.key}.demo.test"), organisation=organisation, role=role
            )
    return made


def test_the_demo_loads_once_in_every_status(services_data_dir) -> None:  # type: ignore[no-untyped-def]
    organisations = _demo_organisations()
    made = load_demo_services(organisations)
    assert made == 2 + 6
    statuses = set(ServiceRequest.objects.values_list("status", flat=True))
    assert statuses == {
        RequestStatus.SUBMITTED,
        RequestStatus.ASSIGNED,
        RequestStatus.IN_PROGRESS,
        RequestStatus.ANSWERED,
        RequestStatus.CLOSED,
        RequestStatus.WITHDRAWN,
    }
    station = organisations["nanhu-station"]
    assert ServiceRequest.objects.filter(station=station).count() == 4
    assert ServiceRequest.objects.filter(station=organisations["jm"]).count() == 2
    assert ServiceRequest.objects.get(status=RequestStatus.CLOSED).rating == 5
    overdue = ServiceRequest.objects.get(status=RequestStatus.SUBMITTED)
    assert overdue.is_overdue() and overdue.officer is None
    assert RoutingRule.objects.filter(is_active=True).count() == 2
    assert load_demo_services(organisations) == 0
    assert ServiceRequest.objects.count() == 6
