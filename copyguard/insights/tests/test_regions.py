"""Regions: children, prefixes and who may see which region."""

from __future__ import annotations

import pytest

from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, Role
from copyguard.accounts.models import Organisation
from copyguard.insights.regions import (
    children,
    covers,
    descendants,
    get_region,
    region_filter,
    region_prefix,
    regions_visible_to,
    top_regions,
)
from copyguard.testing import make_member, make_organisation, make_user

A = OrganisationKind.ADMINISTRATION
L = AdministrationLevel


def admin(name: str, code: str, level: str, parent: Organisation | None = None) -> Organisation:
    return make_organisation(A, name=name, region_code=code, level=level, parent=parent)


@pytest.fixture
def tree(db):  # type: ignore[no-untyped-def]
    gd = admin("广东省版权局", "440000", L.PROVINCIAL)
    gz = admin("广州市版权局", "440100", L.MUNICIPAL, gd)
    jm = admin("江门市版权局", "440700", L.MUNICIPAL, gd)
    # A city whose parent was never recorded: found by its code.
    zh = admin("珠海市版权局", "440400", L.MUNICIPAL)
    xinhui = admin("新会区版权局", "440705", L.DISTRICT, jm)
    hn = admin("湖南省版权局", "430000", L.PROVINCIAL)
    cs = admin("长沙市版权局", "430100", L.MUNICIPAL, hn)
    return {"gd": gd, "gz": gz, "jm": jm, "zh": zh, "xinhui": xinhui, "hn": hn, "cs": cs}


@pytest.mark.parametrize(
    ("code", "prefix"),
    [("440000", "44"), ("440700", "4407"), ("440705", "440705"), ("", ""), ("4407", "4407")],
)
def test_the_prefix_of_a_region_is_shared_by_the_regions_inside_it(code: str, prefix: str) -> None:
    assert region_prefix(code) == prefix


def test_a_province_has_its_cities_as_children_and_a_city_its_districts(tree) -> None:  # type: ignore[no-untyped-def]
    assert children(tree["gd"]) == [tree["gz"], tree["zh"], tree["jm"]]
    assert children(tree["jm"]) == [tree["xinhui"]]
    assert children(tree["xinhui"]) == []
    assert children(tree["hn"]) == [tree["cs"]]


def test_a_rights_holder_has_no_region_children(tree) -> None:  # type: ignore[no-untyped-def]
    holder = make_organisation(OrganisationKind.RIGHTS_HOLDER, region_code="440700")
    assert children(holder) == []


def test_descendants_and_covers_follow_the_code_prefix(tree) -> None:  # type: ignore[no-untyped-def]
    assert set(descendants(tree["jm"])) == {tree["jm"], tree["xinhui"]}
    assert set(descendants(tree["gd"])) == {
        tree["gd"],
        tree["gz"],
        tree["jm"],
        tree["zh"],
        tree["xinhui"],
    }
    assert covers(tree["gd"], tree["xinhui"])
    assert covers(tree["jm"], tree["jm"])
    assert not covers(tree["jm"], tree["gz"])
    assert not covers(tree["jm"], tree["gd"])
    assert not covers(tree["gd"], tree["cs"])


def test_region_filter_builds_a_prefix_query() -> None:
    q = region_filter("region_code", "440700")
    assert ("region_code__startswith", "4407") in q.children
    assert not region_filter("region_code", "").children


def test_a_city_member_sees_only_their_city_and_its_districts(tree) -> None:  # type: ignore[no-untyped-def]
    viewer = make_member(tree["jm"], Role.VIEWER)
    assert set(regions_visible_to(viewer)) == {tree["jm"], tree["xinhui"]}
    assert get_region(viewer, tree["xinhui"].pk) == tree["xinhui"]
    assert get_region(viewer, tree["gz"].pk) is None
    assert get_region(viewer, tree["gd"].pk) is None
    assert get_region(viewer, "not a number") is None
    assert top_regions(viewer) == [tree["jm"]]


def test_a_province_member_sees_its_cities_but_not_another_province(tree) -> None:  # type: ignore[no-untyped-def]
    analyst = make_member(tree["gd"], Role.ANALYST)
    visible = set(regions_visible_to(analyst))
    assert {tree["gz"], tree["zh"], tree["jm"], tree["xinhui"], tree["gd"]} == visible


def test_members_of_other_kinds_and_strangers_see_no_region(tree) -> None:  # type: ignore[no-untyped-def]
    holder = make_organisation(OrganisationKind.RIGHTS_HOLDER, region_code="440700")
    owner = make_member(holder)
    assert not regions_visible_to(owner).exists()
    assert get_region(owner, tree["jm"].pk) is None
    assert not regions_visible_to(make_user()).exists()


def test_an_inactive_membership_gives_no_region(tree) -> None:  # type: ignore[no-untyped-def]
    former = make_member(tree["jm"], Role.ANALYST)
    former.memberships.update(is_active=False)
    assert not regions_visible_to(former).exists()


def test_platform_staff_see_every_region_starting_from_the_provinces(tree) -> None:  # type: ignore[no-untyped-def]
    staff = make_user(is_superuser=True)
    assert set(regions_visible_to(staff)) == set(tree.values())
    assert top_regions(staff) == [tree["hn"], tree["gd"]]
