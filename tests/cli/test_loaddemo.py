"""`copyguard loaddemo`: the demo organisations and log-ins, loaded once however often run."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from copyguard.accounts.enums import ROLES_BY_KIND, OrganisationKind
from copyguard.accounts.models import AuditEvent, Membership, Organisation, User
from copyguard.demo import ADMIN_EMAIL, ORGANISATIONS, load_demo, password_file

pytestmark = pytest.mark.django_db(transaction=True)

PEARL_RIVER_DELTA = {
    "440100": "广州市版权局",
    "440300": "深圳市版权局",
    "440400": "珠海市版权局",
    "440600": "佛山市版权局",
    "441300": "惠州市版权局",
    "441900": "东莞市版权局",
    "442000": "中山市版权局",
    "440700": "江门市版权局",
    "441200": "肇庆市版权局",
}


@pytest.fixture(autouse=True)
def data_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"  # the demo works' files
    return tmp_path


def administration(region: str) -> Organisation:
    return Organisation.objects.get(kind=OrganisationKind.ADMINISTRATION, region_code=region)


def snapshot() -> tuple[int, int, int, int]:
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )


def test_it_loads_guangdong_and_the_nine_pearl_river_delta_bureaus(copyguard) -> None:
    assert copyguard("loaddemo").status == 0

    guangdong = administration("440000")
    assert (guangdong.name, guangdong.level, guangdong.parent) == (
        "广东省版权局",
        "provincial",
        None,
    )
    for region, name in PEARL_RIVER_DELTA.items():
        bureau = administration(region)
        assert (bureau.name, bureau.level, bureau.parent) == (name, "municipal", guangdong)
    assert set(guangdong.children.values_list("region_code", flat=True)) == set(PEARL_RIVER_DELTA)
    xinhui = administration("440705")
    assert (xinhui.level, xinhui.parent) == ("district", administration("440700"))


def test_it_loads_jiaxing_police_with_nanhu_district_and_the_other_kinds(copyguard) -> None:
    assert copyguard("loaddemo").status == 0

    jiaxing = Organisation.objects.get(kind=OrganisationKind.POLICE, region_code="330400")
    nanhu = Organisation.objects.get(kind=OrganisationKind.POLICE, region_code="330402")
    assert nanhu.parent == jiaxing
    assert "嘉兴" in jiaxing.name
    assert "南湖" in nanhu.name
    # Where a Jiangmen case goes when it is a crime.
    jiangmen = Organisation.objects.filter(region_code="440700")
    assert {"police", "procuratorate", "court"} <= set(jiangmen.values_list("kind", flat=True))
    kinds = list(Organisation.objects.values_list("kind", "rights_holder_type"))
    assert kinds.count((OrganisationKind.PROCURATORATE, "")) == 2
    assert kinds.count((OrganisationKind.COURT, "")) == 2
    assert kinds.count((OrganisationKind.RIGHTS_HOLDER, "publisher")) == 2
    assert kinds.count((OrganisationKind.RIGHTS_HOLDER, "enterprise")) == 1
    assert kinds.count((OrganisationKind.PLATFORM, "")) == 1
    assert kinds.count((OrganisationKind.STATION, "")) == 1
    assert all(Organisation.objects.values_list("name_en", flat=True))


def test_every_organisation_has_one_verified_log_in_per_role(copyguard) -> None:
    run = copyguard("loaddemo")

    password = password_file().read_text(encoding="utf-8").strip()
    for organisation in Organisation.objects.all():
        members = Membership.objects.filter(organisation=organisation).select_related("user")
        assert sorted(m.role for m in members) == sorted(ROLES_BY_KIND[organisation.kind])
        for member in members:
            assert member.user.email_verified
            assert member.user.check_password(password)
            assert member.user.email in run.out
    registrar = User.objects.get(email="registrar@gd.demo.copyguard.test")
    assert registrar.memberships.get().organisation == administration("440000")
    admin = User.objects.get(email=ADMIN_EMAIL)
    assert admin.is_superuser
    assert admin.check_password(password)
    assert password in run.out


def test_loading_twice_creates_nothing_more(copyguard) -> None:
    first = copyguard("loaddemo")
    after_first = snapshot()

    second = copyguard("loaddemo")

    assert second.status == 0
    assert snapshot() == after_first
    assert "Created 23 organisations and 94 users" in first.out
    assert "Created 0 organisations and 0 users" in second.out
    assert after_first[0] == len(ORGANISATIONS)


def test_it_writes_every_change_to_the_audit_log_as_the_command_line() -> None:
    load_demo()

    creations = AuditEvent.objects.filter(action="accounts.organisation.create")
    assert creations.count() == len(ORGANISATIONS)
    assert AuditEvent.objects.filter(action="accounts.user.create").count() == User.objects.count()
    # The monitoring demo's hits are recorded as a crawl records them (by the system, via
    # the crawl channel); everything else is done by the demo accounts from the command line.
    by_hand = AuditEvent.objects.exclude(action="monitoring.hits.record")
    assert set(by_hand.values_list("params__via", flat=True)) == {"cli"}


def test_the_password_is_generated_once_and_kept_in_the_data_directory(data_dir: Path) -> None:
    first = load_demo()
    second = load_demo()

    assert first.password == second.password
    assert first.password_file == data_dir / "demo_password"
    assert (data_dir / "demo_password").stat().st_mode & 0o077 == 0


def test_a_lost_password_file_gives_every_demo_account_a_new_password(data_dir: Path) -> None:
    old = load_demo().password
    (data_dir / "demo_password").unlink()

    load = load_demo()

    assert load.password != old
    assert (load.users_created, load.passwords_reset) == (0, 94)
    for user in User.objects.all():
        assert user.check_password(load.password)
    assert AuditEvent.objects.filter(action="demo.password.reset").count() == 94


def test_a_bureau_created_by_hand_is_kept_not_duplicated(copyguard) -> None:
    assert copyguard(
        "createorg", "江门市版权局 手工登记", "--kind", "administration",
        "--level", "municipal", "--region", "440700",
    ).status == 0  # fmt: skip

    assert copyguard("loaddemo").status == 0

    jiangmen = administration("440700")
    assert jiangmen.name == "江门市版权局 手工登记"
    assert administration("440705").parent == jiangmen
