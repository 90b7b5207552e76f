"""Who sees a typical case and who may change it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from copyguard.accounts.audit import Actor
from copyguard.insights.typical import access, actions
from copyguard.insights.typical.tests.helpers import TypicalWorld, closed_case, proposed, published
from copyguard.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "may_write"),
    [
        ("supervisor", True),
        ("second_supervisor", True),
        ("officer", False),
        ("analyst", False),
        ("admin_viewer", False),
        ("province_supervisor", False),
    ],
)
def test_the_bureau_and_the_province_see_a_proposal(
    tw: TypicalWorld, who: str, may_write: bool
) -> None:
    typical = proposed(tw)
    found, writable = access.get_typical_for_user(getattr(tw, who), typical.pk)
    assert found == typical and writable is may_write
    assert access.typicals_visible_to(getattr(tw, who)).filter(pk=typical.pk).exists()


@pytest.mark.parametrize("who", ["other_officer", "other_supervisor", "outsider"])
def test_other_bureaus_and_outsiders_get_404(tw: TypicalWorld, who: str) -> None:
    typical = proposed(tw)
    with pytest.raises(Http404):
        access.get_typical_for_user(getattr(tw, who), typical.pk)
    assert not access.typicals_visible_to(getattr(tw, who)).exists()


def test_a_published_case_stays_hidden_in_the_back_office_of_others(tw: TypicalWorld) -> None:
    typical = published(tw)
    with pytest.raises(Http404):
        access.get_typical_for_user(tw.other_supervisor, typical.pk)
    assert access.get_published(typical.pk) == typical


@pytest.mark.parametrize("who", ["officer", "admin_viewer", "province_supervisor"])
def test_asking_to_write_without_the_right_is_403(tw: TypicalWorld, who: str) -> None:
    typical = proposed(tw)
    with pytest.raises(PermissionDenied):
        access.get_typical_for_user(getattr(tw, who), typical.pk, write=True)


def test_the_province_does_not_see_a_sibling_provinces_cities(tw: TypicalWorld) -> None:
    from copyguard.accounts.enums import AdministrationLevel, OrganisationKind, Role
    from copyguard.testing import make_member, make_organisation

    typical = proposed(tw)
    other_province = make_organisation(
        OrganisationKind.ADMINISTRATION, level=AdministrationLevel.PROVINCIAL, region_code="450000"
    )
    head = make_member(other_province, Role.SUPERVISOR)
    with pytest.raises(Http404):
        access.get_typical_for_user(head, typical.pk)


def test_a_superuser_sees_and_may_do_all(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    staff = make_user(is_superuser=True)
    assert access.get_typical_for_user(staff, typical.pk) == (typical, True)


@pytest.mark.parametrize("pk", [0, -1, "abc", 2**70])
def test_a_malformed_or_unknown_id_is_404(tw: TypicalWorld, pk: object) -> None:
    with pytest.raises(Http404):
        access.get_typical_for_user(tw.supervisor, pk)  # type: ignore[arg-type]
    with pytest.raises(Http404):
        access.get_published(pk)  # type: ignore[arg-type]


def test_only_published_cases_are_public(tw: TypicalWorld) -> None:
    typical = proposed(tw)
    with pytest.raises(Http404):
        access.get_published(typical.pk)
    actions.approve(Actor(tw.supervisor), typical)
    with pytest.raises(Http404):
        access.get_published(typical.pk)
    actions.publish(Actor(tw.supervisor), typical)
    assert list(access.published_cases()) == [typical]
    actions.withdraw(Actor(tw.supervisor), typical, reason="撤回")
    with pytest.raises(Http404):
        access.get_published(typical.pk)


def test_proposable_cases_are_the_bureaus_closed_cases_not_yet_proposed(tw: TypicalWorld) -> None:
    first = closed_case(tw)
    second = closed_case(tw)
    closed_case(tw, tw.other_administration)
    assert set(access.proposable_cases(tw.officer)) == {first, second}
    actions.propose(Actor(tw.officer), first)
    assert list(access.proposable_cases(tw.officer)) == [second]
    assert not access.proposable_cases(tw.admin_viewer).exists()
    assert not access.proposable_cases(tw.province_supervisor).exists()
    assert not access.typicals_visible_to(AnonymousUser()).exists()  # type: ignore[arg-type]
