"""The people and organisations the service-request tests share (STYLE 9).

Nanhu's station (330402) receives the requests of Nanhu's enterprises by a routing rule; its
supervisor assigns them to one of two liaison officers; a viewer only reads. Jiangmen's
bureau (440700) has no station: its requests fall back to the bureau, whose supervisor
assigns a registrar. An enterprise in each region (owner, staff, viewer), an outside
enterprise and an outside station complete it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, RightsHolderType, Role
from copyguard.accounts.models import Organisation, User
from copyguard.services.actions import requests as actions
from copyguard.services.actions.routing import create_rule
from copyguard.services.enums import RequestKind
from copyguard.services.models import RoutingRule, ServiceRequest
from copyguard.testing import make_member, make_organisation

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


@dataclass
class ServiceWorld:
    station: Organisation
    supervisor: User
    officer: User
    officer2: User
    station_viewer: User
    enterprise: Organisation
    owner: User
    staff: User
    viewer: User
    jm: Organisation
    jm_supervisor: User
    jm_registrar: User
    jm_viewer: User
    qiaoxiang: Organisation
    qx_owner: User
    other_enterprise: Organisation
    outsider: User
    other_station: Organisation
    other_supervisor: User
    rule: RoutingRule

    def submit(self, user: User | None = None, **fields: Any) -> ServiceRequest:
        values: dict[str, Any] = {
            "kind": RequestKind.LEGAL_CONSULTATION,
            "subject": "Licence terms for a textbook",
            "description": "Can we license our textbook to a school abroad?",
        }
        values.update(fields)
        enterprise = values.pop("enterprise", self.enterprise)
        return actions.submit_request(Actor(user or self.owner), enterprise, **values)


def make_service_world() -> ServiceWorld:
    station = make_organisation(
        OrganisationKind.STATION, name="南湖区企业知识产权服务站", name_en="Nanhu station",
        region_code="330402",
    )  # fmt: skip
    jm = make_organisation(
        OrganisationKind.ADMINISTRATION, name="江门市版权局", name_en="Jiangmen bureau",
        region_code="440700", level=AdministrationLevel.MUNICIPAL,
    )  # fmt: skip
    enterprise = make_organisation(
        OrganisationKind.RIGHTS_HOLDER, name="南湖书苑出版社", name_en="Nanhu Book Garden",
        region_code="330402",
    )  # fmt: skip
    qiaoxiang = make_organisation(
        OrganisationKind.RIGHTS_HOLDER, name="江门侨乡数字科技有限公司", name_en="Qiaoxiang",
        region_code="440705", rights_holder_type=RightsHolderType.ENTERPRISE,
    )  # fmt: skip
    other_enterprise = make_organisation(
        OrganisationKind.RIGHTS_HOLDER, name="Beta Books", region_code="330402"
    )
    other_station = make_organisation(
        OrganisationKind.STATION, name="Other station", region_code="330411"
    )
    supervisor = make_member(station, Role.SUPERVISOR, email="head@station.test")
    world_rule = create_rule(Actor.system(), station, region_prefix="3304")
    return ServiceWorld(
        station=station,
        supervisor=supervisor,
        officer=make_member(station, Role.LIAISON_OFFICER, email="officer@station.test"),
        officer2=make_member(station, Role.LIAISON_OFFICER, email="officer2@station.test"),
        station_viewer=make_member(station, Role.VIEWER, email="viewer@station.test"),
        enterprise=enterprise,
        owner=make_member(enterprise, Role.OWNER, email="owner@nanhu-books.test"),
        staff=make_member(enterprise, Role.STAFF, email="staff@nanhu-books.test"),
        viewer=make_member(enterprise, Role.VIEWER, email="viewer@nanhu-books.test"),
        jm=jm,
        jm_supervisor=make_member(jm, Role.SUPERVISOR, email="head@jm.test"),
        jm_registrar=make_member(jm, Role.REGISTRAR, email="registrar@jm.test"),
        jm_viewer=make_member(jm, Role.VIEWER, email="viewer@jm.test"),
        qiaoxiang=qiaoxiang,
        qx_owner=make_member(qiaoxiang, Role.OWNER, email="owner@qiaoxiang.test"),
        other_enterprise=other_enterprise,
        outsider=make_member(other_enterprise, Role.OWNER, email="owner@beta.test"),
        other_station=other_station,
        other_supervisor=make_member(other_station, Role.SUPERVISOR, email="head@other.test"),
        rule=world_rule,
    )


@pytest.fixture
def services_data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture
def world(db: Any, services_data_dir: Path) -> ServiceWorld:
    return make_service_world()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def stored_files(data_dir: Path) -> list[Path]:
    root = data_dir / "services" / "attachments"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
