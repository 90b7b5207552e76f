"""Check-up pages: the list for an enterprise and for its region's bodies, starting a year,
the questionnaire (saving, errors shown, submitting), the report with its findings,
recommended actions and change against last year, the PDF, comments; outsiders get 404,
read-only members 403."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.monitoring.enums import HitStatus
from copyguard.monitoring.tests.core_helpers import make_hit
from copyguard.services.checkups import actions
from copyguard.services.checkups.models import CheckUp, Comment
from copyguard.services.checkups.questionnaire import from_models
from copyguard.services.checkups.testing import answers_for, submitted_checkup
from copyguard.works.testing import text_work

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
YEAR = timezone.localdate().year


def _form(checkup, answers=None, domains=""):
    spec = from_models(checkup.questionnaire)
    answers = answers if answers is not None else answers_for(spec)
    data = {f"q-{code}": value for code, value in answers.items()}
    data["own_domains"] = domains
    return data


def test_an_owner_starts_fills_in_and_submits_a_check_up(client, world):
    text_work(world.holder, title="Unregistered product")
    make_hit(world.work, "https://pirate.example/copy.txt", status=HitStatus.NEW)
    client.force_login(world.owner)
    page = client.get(reverse("checkups:list"))
    assert page.status_code == 200 and b'id="start-form"' in page.content
    response = client.post(reverse("checkups:start"), {"enterprise": world.holder.pk, "year": YEAR})
    checkup = CheckUp.objects.get()
    assert response["Location"] == reverse("checkups:checkup", args=[checkup.pk])
    form = client.get(response["Location"])
    assert b'id="checkup-form"' in form.content
    assert "Does the enterprise keep an inventory" in form.content.decode()
    answers = answers_for(from_models(checkup.questionnaire))
    answers["reg-share"] = "few"
    saved = client.post(
        reverse("checkups:save", args=[checkup.pk]), {**_form(checkup, answers), "save": ""}
    )
    assert saved.status_code == 302
    checkup.refresh_from_db()
    assert checkup.is_draft() and checkup.answers["reg-share"] == "few"
    submitted = client.post(
        reverse("checkups:save", args=[checkup.pk]), {**_form(checkup, answers), "submit": ""}
    )
    assert submitted.status_code == 302
    checkup.refresh_from_db()
    assert checkup.is_submitted()
    report = client.get(reverse("checkups:checkup", args=[checkup.pk])).content.decode()
    assert 'id="overall-score">' + str(checkup.overall_score) in report
    assert f'data-risk="{checkup.risk_level}"' in report
    assert "Unregistered product" in report and 'data-finding="open_hit-' in report
    assert 'data-action="register-works"' in report and 'data-action="handle-hits"' in report
    assert "Own website not checked" in report


def test_a_wrong_answer_is_shown_next_to_its_question_and_nothing_is_saved(client, world):
    checkup = actions.start_checkup(Actor(user=world.owner), world.holder, YEAR)
    client.force_login(world.staff)
    answers = {"own-inventory": "yes", "sw-unlicensed": "-4"}
    response = client.post(reverse("checkups:save", args=[checkup.pk]), _form(checkup, answers))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="question-sw-unlicensed"' in body and "has-error" in body
    assert 'value="-4"' in body  # what was typed is kept
    checkup.refresh_from_db()
    assert checkup.answers == {}


def test_submitting_an_incomplete_check_up_keeps_the_answers_and_says_what_is_missing(
    client, world
):
    checkup = actions.start_checkup(Actor(user=world.owner), world.holder, YEAR)
    client.force_login(world.owner)
    response = client.post(
        reverse("checkups:save", args=[checkup.pk]),
        {**_form(checkup, {"own-inventory": "no"}), "submit": ""},
    )
    assert response.status_code == 400
    assert "Answer every question before submitting" in response.content.decode()
    checkup.refresh_from_db()
    assert checkup.is_draft() and checkup.answers == {"own-inventory": "no"}


def test_bad_websites_are_refused_on_the_form(client, world):
    checkup = actions.start_checkup(Actor(user=world.owner), world.holder, YEAR)
    client.force_login(world.owner)
    response = client.post(
        reverse("checkups:save", args=[checkup.pk]),
        _form(checkup, {}, domains="<script>alert(1)</script>"),
    )
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_read_only_member_sees_but_may_not_change(client, world):
    checkup = actions.start_checkup(Actor(user=world.owner), world.holder, YEAR)
    client.force_login(world.viewer)
    page = client.get(reverse("checkups:checkup", args=[checkup.pk]))
    assert page.status_code == 200 and b'id="not-submitted"' in page.content
    assert b'id="start-form"' not in client.get(reverse("checkups:list")).content
    assert (
        client.post(reverse("checkups:save", args=[checkup.pk]), _form(checkup)).status_code == 403
    )
    assert (
        client.post(
            reverse("checkups:start"), {"enterprise": world.holder.pk, "year": YEAR - 1}
        ).status_code
        == 302
    )
    assert CheckUp.objects.count() == 1


def test_outsiders_get_404(client, world):
    draft = actions.start_checkup(Actor(user=world.owner), world.holder, YEAR - 1)
    checkup = submitted_checkup(world.holder)
    for user in (world.outsider, world.other_liaison, world.other_officer, world.platform_owner):
        client.force_login(user)
        for target in (draft, checkup):
            assert client.get(reverse("checkups:checkup", args=[target.pk])).status_code == 404
            assert client.get(reverse("checkups:pdf", args=[target.pk])).status_code == 404
            assert client.post(reverse("checkups:save", args=[target.pk]), {}).status_code == 404
            assert (
                client.post(
                    reverse("checkups:comment", args=[target.pk]), {"text": "x"}
                ).status_code
                == 404
            )
    assert client.get(reverse("checkups:checkup", args=[999999])).status_code == 404
    assert not Comment.objects.exists()


def test_the_regions_station_sees_submitted_check_ups_only_and_comments(client, world):
    draft = actions.start_checkup(Actor(user=world.owner), world.holder, YEAR - 1)
    checkup = submitted_checkup(world.holder)
    submitted_checkup(world.other_holder)
    client.force_login(world.liaison)
    listing = client.get(reverse("checkups:list")).content.decode()
    assert f'data-checkup="{checkup.pk}"' in listing
    assert f'data-checkup="{draft.pk}"' not in listing
    assert "Beta Books" not in listing
    assert client.get(reverse("checkups:checkup", args=[draft.pk])).status_code == 404
    report = client.get(reverse("checkups:checkup", args=[checkup.pk]))
    assert b'id="comment-form"' in report.content and b'id="checkup-form"' not in report.content
    assert client.post(reverse("checkups:save", args=[checkup.pk]), {}).status_code == 403
    response = client.post(
        reverse("checkups:comment", args=[checkup.pk]), {"text": "Please register the new product."}
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.organisation == world.station
    client.force_login(world.owner)
    assert (
        "Please register the new product."
        in client.get(reverse("checkups:checkup", args=[checkup.pk])).content.decode()
    )


def test_a_read_only_member_of_the_station_reads_but_may_not_comment(client, world):
    checkup = submitted_checkup(world.holder)
    client.force_login(world.station_viewer)
    page = client.get(reverse("checkups:checkup", args=[checkup.pk]))
    assert page.status_code == 200 and b'id="comment-form"' not in page.content
    client.post(reverse("checkups:comment", args=[checkup.pk]), {"text": "x"})
    assert not Comment.objects.exists()


def test_the_province_sees_its_cities_enterprises_and_filters_by_risk(client, world):
    good = submitted_checkup(world.holder, YEAR - 1)
    bad = submitted_checkup(world.holder, best=False)
    submitted_checkup(world.other_holder)  # Jiangmen, also in Guangdong
    client.force_login(world.province_supervisor)
    listing = client.get(reverse("checkups:list")).content.decode()
    assert listing.count('data-checkup="') == 3
    filtered = client.get(reverse("checkups:list"), {"risk": "severe"}).content.decode()
    assert f'data-checkup="{bad.pk}"' in filtered and f'data-checkup="{good.pk}"' not in filtered
    assert client.get(reverse("checkups:list"), {"year": "abc", "risk": "<x>"}).status_code == 200


def test_the_second_year_shows_the_change(client, world):
    text_work(world.holder, title="Old unregistered product")
    last = actions.start_checkup(Actor(user=world.owner), world.holder, YEAR - 1)
    answers = answers_for(from_models(last.questionnaire))
    answers["sw-register"] = "no"
    actions.save_answers(Actor(user=world.owner), last, answers)
    actions.submit_checkup(Actor(user=world.owner), last)
    # Since then: the old product was registered away (deleted here) and a hit appeared.
    world.holder.works.filter(title="Old unregistered product").delete()
    make_hit(world.work, "https://pirate.example/new.txt", status=HitStatus.NEW)
    this = submitted_checkup(world.holder)
    client.force_login(world.owner)
    body = client.get(reverse("checkups:checkup", args=[this.pk])).content.decode()
    assert 'id="overall-change"' in body
    assert 'id="resolved-findings"' in body and "Old unregistered product" in body
    assert "New since last time: 1" in body
    assert 'class="finding-new"' in body
    software = body.split('data-area="software"')[1].split("</tr>")[0]
    assert "+44.44" in software  # 100 * (2*0 + 2*2 + 1*1) / 9 = 55.56 → 100.00


def test_the_report_pdf_is_a_pdf_in_both_languages(client, world):
    checkup = submitted_checkup(world.holder)
    client.force_login(world.viewer)
    response = client.get(reverse("checkups:pdf", args=[checkup.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_draft_has_no_pdf_yet(client, world):
    checkup = actions.start_checkup(Actor(user=world.owner), world.holder, YEAR)
    client.force_login(world.owner)
    assert client.get(reverse("checkups:pdf", args=[checkup.pk])).status_code == 302


def test_starting_the_same_year_again_opens_the_existing_one(client, world):
    checkup = actions.start_checkup(Actor(user=world.owner), world.holder, YEAR)
    client.force_login(world.owner)
    response = client.post(reverse("checkups:start"), {"enterprise": world.holder.pk, "year": YEAR})
    assert response["Location"] == reverse("checkups:checkup", args=[checkup.pk])
    response = client.post(
        reverse("checkups:start"), {"enterprise": world.other_holder.pk, "year": YEAR}
    )
    assert response["Location"] == reverse("checkups:list")
    response = client.post(reverse("checkups:start"), {"enterprise": world.holder.pk, "year": "x"})
    assert CheckUp.objects.count() == 1


def test_pages_need_a_login(client, world):
    response = client.get(reverse("checkups:list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_navigation_shows_check_ups_to_enterprises_and_the_regions_bodies(client, world):
    for user, shown in ((world.owner, True), (world.liaison, True), (world.platform_owner, False)):
        client.force_login(user)
        body = client.get(reverse("front:dashboard")).content.decode()
        assert (reverse("checkups:list") in body) is shown, user
