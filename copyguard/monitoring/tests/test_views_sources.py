"""Sources: the list, choosing a kind, the form (kind settings validated by the kind), a
source's page, starting a run."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from copyguard.monitoring.enums import RunStatus
from copyguard.monitoring.models import CrawlRun, Source
from copyguard.monitoring.tests.core_helpers import make_source
from copyguard.monitoring.tests.views_helpers import data_dir, english, world

pytestmark = pytest.mark.django_db
__all__ = ["data_dir", "english", "world"]

SITE_FORM = {
    "owner": "",
    "name": "Pirate forum",
    "schedule": "daily",
    "enabled": "on",
    "scope": "own",
    "obey_robots": "on",
    "start_urls": "https://forum.pirate.example/\nhttps://forum.pirate.example/new",
    "allowed_domains": "",
    "max_depth": "2",
    "max_pages": "200",
}


def _form(world, **changes):
    data = dict(SITE_FORM, owner=str(world.holder.pk))
    data.update(changes)
    return data


def test_the_list_groups_sources_by_organisation(client, world):
    ours = make_source(world.holder, name="Our watch")
    theirs = make_source(world.other_holder, name="Their watch")
    client.force_login(world.viewer)
    body = client.get(reverse("monitoring:sources")).content.decode()
    assert reverse("monitoring:source", args=[ours.pk]) in body
    assert reverse("monitoring:source", args=[theirs.pk]) not in body
    assert world.holder.name in body
    assert reverse("monitoring:source_kinds") not in body  # a viewer creates nothing


def test_a_manager_chooses_a_kind_then_creates_a_site_source(client, world):
    client.force_login(world.staff)
    body = client.get(reverse("monitoring:source_kinds")).content.decode()
    assert reverse("monitoring:source_create", args=["site"]) in body
    url = reverse("monitoring:source_create", args=["site"])
    assert 'name="start_urls"' in client.get(url).content.decode()
    response = client.post(url, _form(world))
    source = Source.objects.get(name="Pirate forum")
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:source", args=[source.pk])
    assert source.owner == world.holder
    assert source.config["start_urls"] == [
        "https://forum.pirate.example/",
        "https://forum.pirate.example/new",
    ]
    assert source.config["max_depth"] == 2
    assert source.schedule == "daily"


def test_a_bad_setting_shows_next_to_its_field(client, world):
    client.force_login(world.owner)
    url = reverse("monitoring:source_create", args=["site"])
    response = client.post(url, _form(world, start_urls="not an address", max_depth="99"))
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count('class="errorlist') >= 2
    assert not Source.objects.exists()


def test_a_rights_holder_may_not_ignore_robots_txt_or_watch_every_work(client, world):
    client.force_login(world.owner)
    url = reverse("monitoring:source_create", args=["site"])
    body = client.get(url).content.decode()
    assert 'name="obey_robots"' not in body and 'value="all"' not in body
    response = client.post(url, _form(world, scope="all"))
    assert response.status_code == 400
    assert not Source.objects.exists()
    data = _form(world, robots_override_reason="campaign")
    del data["obey_robots"]
    assert client.post(url, data).status_code == 302
    assert Source.objects.get().obey_robots is True


def test_an_administration_runs_a_campaign_wide_source_ignoring_robots_with_a_reason(client, world):
    client.force_login(world.officer)
    url = reverse("monitoring:source_create", args=["site"])
    data = _form(
        world,
        owner=str(world.administration.pk),
        scope="all",
        robots_override_reason="2026 Sword Net campaign",
    )
    del data["obey_robots"]
    assert client.post(url, data).status_code == 302
    source = Source.objects.get()
    assert (source.scope, source.obey_robots) == ("all", False)


def test_an_upload_feed_names_its_platform(client, world):
    client.force_login(world.owner)
    url = reverse("monitoring:source_create", args=["upload"])
    body = client.get(url).content.decode()
    assert 'name="platform"' in body and 'name="start_urls"' not in body
    data = {"owner": world.holder.pk, "name": "Uploads", "scope": "own", "enabled": "on"}
    assert client.post(url, data).status_code == 400
    data["platform"] = world.platform.pk
    assert client.post(url, data).status_code == 302
    assert Source.objects.get().platform == world.platform


def test_an_unknown_kind_is_404_and_a_viewer_may_not_create(client, world):
    client.force_login(world.owner)
    assert client.get(reverse("monitoring:source_create", args=["telepathy"])).status_code == 404
    client.force_login(world.viewer)
    assert client.get(reverse("monitoring:source_kinds")).status_code == 403
    url = reverse("monitoring:source_create", args=["site"])
    assert client.post(url, _form(world)).status_code == 403
    assert not Source.objects.exists()


def test_a_manager_may_not_create_a_source_for_another_organisation(client, world):
    client.force_login(world.owner)
    url = reverse("monitoring:source_create", args=["site"])
    response = client.post(url, _form(world, owner=str(world.other_holder.pk)))
    assert response.status_code == 400  # not one of the form's choices
    assert not Source.objects.exists()


def test_editing_changes_settings_and_pauses_the_source(client, world):
    source = make_source(world.holder)
    client.force_login(world.staff)
    url = reverse("monitoring:source_edit", args=[source.pk])
    body = client.get(url).content.decode()
    assert "https://pirate.example/" in body
    data = _form(world, name="Renamed", start_urls="https://other.pirate.example/")
    del data["enabled"]
    assert client.post(url, data).status_code == 302
    source.refresh_from_db()
    assert source.name == "Renamed"
    assert source.config["start_urls"] == ["https://other.pirate.example/"]
    assert source.enabled is False


def test_a_viewer_sees_the_source_but_may_not_edit_or_start_it(client, world):
    source = make_source(world.holder)
    client.force_login(world.viewer)
    body = client.get(reverse("monitoring:source", args=[source.pk])).content.decode()
    assert source.name in body and 'id="start-now"' not in body
    assert client.get(reverse("monitoring:source_edit", args=[source.pk])).status_code == 403
    response = client.post(reverse("monitoring:source_start", args=[source.pk]))
    assert response.status_code == 403
    assert not CrawlRun.objects.exists()


def test_an_outsider_gets_404_everywhere(client, world):
    source = make_source(world.holder)
    client.force_login(world.outsider)
    for name in ("monitoring:source", "monitoring:source_edit"):
        assert client.get(reverse(name, args=[source.pk])).status_code == 404
    assert client.post(reverse("monitoring:source_start", args=[source.pk])).status_code == 404


def test_start_now_queues_a_run_once(client, world, django_capture_on_commit_callbacks):
    source = make_source(world.holder)
    client.force_login(world.owner)
    body = client.get(reverse("monitoring:source", args=[source.pk])).content.decode()
    assert 'id="start-now"' in body
    response = client.post(reverse("monitoring:source_start", args=[source.pk]))
    run = CrawlRun.objects.get()
    assert response["Location"] == reverse("monitoring:run", args=[run.pk])
    assert run.status == RunStatus.QUEUED
    body = client.get(reverse("monitoring:source", args=[source.pk])).content.decode()
    assert 'id="start-now"' not in body
    response = client.post(reverse("monitoring:source_start", args=[source.pk]), follow=True)
    assert CrawlRun.objects.count() == 1
    assert "already" in response.content.decode()


def test_forms_need_the_csrf_token(world):
    source = make_source(world.holder)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    assert client.post(reverse("monitoring:source_start", args=[source.pk])).status_code == 403
    url = reverse("monitoring:source_create", args=["site"])
    assert client.post(url, _form(world)).status_code == 403
    assert Source.objects.count() == 1
