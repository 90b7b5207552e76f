from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import OrganisationKind, Role
from copyguard.front.current import SESSION_KEY, current_membership
from copyguard.testing import make_organisation, make_user

pytestmark = pytest.mark.django_db


def request_for(user, chosen=None):
    request = RequestFactory().get("/")
    request.user = user
    request.session = SessionStore()
    if chosen is not None:
        request.session[SESSION_KEY] = chosen
    return request


@pytest.fixture
def platform(people):
    organisation = make_organisation(OrganisationKind.PLATFORM)
    actions.add_member(Actor.system(), organisation, people.owner, Role.NOTICE_HANDLER)
    return organisation


def test_anonymous_visitors_have_no_membership():
    assert current_membership(request_for(AnonymousUser())) is None


def test_a_user_without_organisation_has_no_membership(db):
    assert current_membership(request_for(make_user())) is None


def test_it_falls_back_to_the_first_membership(people, platform):
    membership = current_membership(request_for(people.owner))
    assert membership is not None
    assert membership.organisation == people.org


def test_it_follows_the_organisation_chosen_in_the_session(people, platform):
    membership = current_membership(request_for(people.owner, platform.pk))
    assert membership is not None
    assert membership.organisation == platform
    assert membership.role == Role.NOTICE_HANDLER


def test_it_ignores_a_session_pointing_at_someone_elses_organisation(people, platform):
    membership = current_membership(request_for(people.owner, people.other_org.pk))
    assert membership is not None
    assert membership.organisation == people.org


def test_it_ignores_an_organisation_that_was_switched_off(people, platform):
    platform.is_active = False
    platform.save(update_fields=["is_active"])
    membership = current_membership(request_for(people.owner, platform.pk))
    assert membership is not None
    assert membership.organisation == people.org


def test_it_ignores_garbage_in_the_session(people):
    membership = current_membership(request_for(people.owner, "not-a-number"))
    assert membership is not None
    assert membership.organisation == people.org


def test_it_is_offered_to_every_template(client, people, platform):
    client.force_login(people.owner)
    response = client.get("/about/")
    assert response.context["current_membership"].organisation == people.org
    assert len(response.context["memberships"]) == 2
