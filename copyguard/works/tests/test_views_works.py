"""The applicant's pages: works list, the draft's form, files, software and submission."""

from __future__ import annotations

import pytest
from django.urls import reverse

from copyguard.accounts.audit import Actor
from copyguard.works import actions
from copyguard.works.enums import CheckStatus, RegistrationStatus
from copyguard.works.models import Author, RightsHolderShare, Work
from copyguard.works.testing import SAMPLE_TEXT, submitted_work, text_work

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


CODE = "\n".join(f"def f{i}(x):\n    return x + {i}\n" for i in range(400))


def _form_data(**overrides):
    data = {
        "title": "江南",
        "category": "written",
        "rights_obtained": "original",
        "publication_status": "unpublished",
        "completed_on": "",
        "completed_place": "",
        "first_published_on": "",
        "first_published_place": "",
        "originality_statement": "",
        "authors-TOTAL_FORMS": "1",
        "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "0",
        "authors-MAX_NUM_FORMS": "200",
        "authors-0-kind": "person",
        "authors-0-real_name": "张三",
        "authors-0-pen_name": "江南客",
        "shares-TOTAL_FORMS": "2",
        "shares-INITIAL_FORMS": "0",
        "shares-MIN_NUM_FORMS": "1",
        "shares-MAX_NUM_FORMS": "200",
        "shares-0-holder_name": "Alpha Press",
        "shares-0-share": "60",
        "shares-1-holder_name": "李四",
        "shares-1-share": "40",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- the list


def test_the_list_shows_the_holders_works_with_filters(client, people):
    text_work(people.org, title="江南")
    submitted_work(people.org, SAMPLE_TEXT[::-1], title="塞北")
    text_work(people.other_org, title="别人的书")
    client.force_login(people.viewer)
    body = client.get(reverse("works:list")).content.decode()
    assert "江南" in body and "塞北" in body and "别人的书" not in body
    # A read-only member may look but not start a work.
    assert reverse("works:create") not in body
    body = client.get(reverse("works:list"), {"status": "submitted"}).content.decode()
    assert "塞北" in body and "江南" not in body
    body = client.get(reverse("works:list"), {"q": "江"}).content.decode()
    assert "江南" in body and "塞北" not in body


def test_the_status_filter_looks_at_the_current_registration(client, people, registry):
    registration = submitted_work(people.org)
    examiner = Actor(user=registry.registrar)
    actions.take_for_examination(examiner, registration, registry.administration)
    actions.reject(examiner, registration, registry.administration, "Not a work.")
    actions.start_new_registration(Actor.system(), registration.work)
    client.force_login(people.viewer)
    url = reverse("works:list")
    assert "江南" in client.get(url, {"status": "draft"}).content.decode()
    assert "江南" not in client.get(url, {"status": "rejected"}).content.decode()


def test_a_member_of_no_rights_holder_has_no_works_list(client, registry):
    client.force_login(registry.registrar)
    assert client.get(reverse("works:list")).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("works:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# ---------------------------------------------------------------- the draft's form


def test_an_owner_creates_a_draft_with_authors_and_shares(client, people):
    client.force_login(people.owner)
    assert client.get(reverse("works:create")).status_code == 200
    response = client.post(reverse("works:create"), _form_data())
    work = Work.objects.get(owner=people.org)
    assert response.status_code == 302
    assert response["Location"] == reverse("works:work", args=[work.pk])
    assert [a.real_name for a in work.authors.all()] == ["张三"]
    shares = {s.holder_name: (s.share, s.organisation_id) for s in work.shares.all()}
    assert shares["Alpha Press"][1] == people.org.pk
    assert str(shares["李四"][0]) == "40.00"
    assert work.current_registration.status == RegistrationStatus.DRAFT


def test_shares_not_adding_up_to_100_are_a_form_error_and_nothing_is_saved(client, people):
    client.force_login(people.staff)
    response = client.post(reverse("works:create"), _form_data(**{"shares-1-share": "30"}))
    assert response.status_code == 400
    assert "90 %, not 100 %" in response.content.decode()
    assert not Work.objects.exists()


def test_a_missing_title_is_a_form_error(client, people):
    client.force_login(people.owner)
    response = client.post(reverse("works:create"), _form_data(title=""))
    assert response.status_code == 400
    assert 'id="id_title"' in response.content.decode()
    assert not Work.objects.exists() and not Author.objects.exists()


def test_a_read_only_member_may_not_create_or_edit(client, people):
    work = text_work(people.org)
    client.force_login(people.viewer)
    assert client.get(reverse("works:create")).status_code == 403
    assert client.post(reverse("works:create"), _form_data()).status_code == 403
    assert client.post(reverse("works:edit", args=[work.pk]), _form_data()).status_code == 403
    assert Work.objects.count() == 1


def test_an_outsider_gets_404_for_another_holders_work(client, people):
    work = text_work(people.org)
    client.force_login(people.outsider)
    for name in ("works:work", "works:edit", "works:software"):
        assert client.get(reverse(name, args=[work.pk])).status_code == 404
    assert client.post(reverse("works:edit", args=[work.pk]), _form_data()).status_code == 404


def test_editing_replaces_authors_and_shares(client, people):
    work = text_work(people.org)
    client.force_login(people.owner)
    assert "江南客" in client.get(reverse("works:edit", args=[work.pk])).content.decode()
    data = _form_data(title="江南 修订版", **{"authors-0-real_name": "王五"})
    response = client.post(reverse("works:edit", args=[work.pk]), data)
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.title == "江南 修订版"
    assert [a.real_name for a in work.authors.all()] == ["王五"]
    assert RightsHolderShare.objects.filter(work=work).count() == 2


def test_an_empty_extra_author_row_is_left_out(client, people):
    client.force_login(people.owner)
    data = _form_data(
        **{
            "authors-TOTAL_FORMS": "2",
            "authors-1-kind": "person",
            "authors-1-real_name": "",
            "authors-1-pen_name": "",
        }
    )
    assert client.post(reverse("works:create"), data).status_code == 302
    assert [a.real_name for a in Work.objects.get().authors.all()] == ["张三"]


def test_a_submitted_work_cannot_be_edited(client, people):
    registration = submitted_work(people.org)
    client.force_login(people.owner)
    response = client.get(reverse("works:edit", args=[registration.work_id]))
    assert response.status_code == 302


# ---------------------------------------------------------------- files


def test_an_uploaded_file_is_listed_with_its_hashes(client, people, tmp_path):
    work = text_work(people.org)
    client.force_login(people.owner)
    upload = tmp_path / "chapter2.txt"
    upload.write_text(SAMPLE_TEXT[::-1], encoding="utf-8")
    with upload.open("rb") as handle:
        response = client.post(reverse("works:upload", args=[work.pk]), {"file": handle})
    assert response.status_code == 302
    body = client.get(reverse("works:work", args=[work.pk])).content.decode()
    file = work.files.get(original_name="chapter2.txt")
    assert file.sha256 in body and file.iscc_code in body
    assert 'enctype="multipart/form-data"' in body and "data-upload" in body


def test_an_empty_upload_is_a_form_error(client, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    work = text_work(people.org)
    client.force_login(people.owner)
    response = client.post(
        reverse("works:upload", args=[work.pk]), {"file": SimpleUploadedFile("a.txt", b"")}
    )
    assert response.status_code == 400
    assert work.files.count() == 1


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(client, people, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    work = text_work(people.org)
    settings.MAX_UPLOAD_BYTES = 10
    client.force_login(people.owner)
    data = SimpleUploadedFile("big.txt", b"x" * 11)
    response = client.post(reverse("works:upload", args=[work.pk]), {"file": data})
    assert response.status_code == 413
    assert "big.txt is larger than 0 MB" in response.content.decode()
    assert work.files.count() == 1


def test_a_registrar_cannot_submit_for_the_applicant(client, people, registry):
    registration = submitted_work(people.org)
    actions.take_for_examination(
        Actor(user=registry.registrar), registration, registry.administration
    )
    actions.return_for_correction(
        Actor(user=registry.registrar), registration, registry.administration, "Fix it."
    )
    client.force_login(registry.registrar)
    assert client.post(reverse("works:submit", args=[registration.pk])).status_code == 403
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.RETURNED


def test_a_duplicate_upload_says_so(client, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    work = text_work(people.org)
    client.force_login(people.owner)
    data = SimpleUploadedFile("again.txt", SAMPLE_TEXT.encode())
    response = client.post(reverse("works:upload", args=[work.pk]), {"file": data})
    assert response.status_code == 409
    assert "already has this file" in response.content.decode()


def test_a_read_only_member_and_an_outsider_cannot_upload_or_remove(client, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    work = text_work(people.org)
    file = work.files.get()
    for user, status in ((people.viewer, 403), (people.outsider, 404)):
        client.force_login(user)
        data = SimpleUploadedFile("x.txt", b"some text here")
        assert client.post(reverse("works:upload", args=[work.pk]), {"file": data}).status_code == (
            status
        )
        url = reverse("works:file_remove", args=[work.pk, file.pk])
        assert client.post(url).status_code == status
    assert work.files.count() == 1
    client.force_login(people.viewer)
    body = client.get(reverse("works:work", args=[work.pk])).content.decode()
    assert file.sha256 in body and "data-upload" not in body


def test_the_owner_removes_a_file(client, people):
    work = text_work(people.org)
    file = work.files.get()
    client.force_login(people.owner)
    assert client.post(reverse("works:file_remove", args=[work.pk, file.pk])).status_code == 302
    assert not work.files.exists()


# ---------------------------------------------------------------- submission and the check


def test_submitting_queues_the_check_and_the_page_polls_it(client, people):
    work = text_work(people.org)
    registration = work.current_registration
    client.force_login(people.owner)
    response = client.post(reverse("works:submit", args=[registration.pk]))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED
    assert registration.check_status == CheckStatus.QUEUED
    body = client.get(reverse("works:work", args=[work.pk])).content.decode()
    check_url = reverse("works:check", args=[registration.pk])
    assert f'hx-get="{check_url}"' in body
    fragment = client.get(check_url).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "<progress" in fragment


def test_a_finished_check_stops_polling(client, people):
    registration = submitted_work(people.org)
    assert registration.check_status == CheckStatus.DONE
    client.force_login(people.viewer)
    fragment = client.get(reverse("works:check", args=[registration.pk])).content.decode()
    assert "hx-get" not in fragment


def test_submitting_a_work_without_files_says_why(client, people):
    work = actions.create_work(Actor.system(), people.org, title="空", category="written")
    client.force_login(people.owner)
    response = client.post(
        reverse("works:submit", args=[work.current_registration.pk]), follow=True
    )
    assert work.current_registration.status == RegistrationStatus.DRAFT
    assert "at least one file" in response.content.decode()


def test_a_read_only_member_and_an_outsider_cannot_submit(client, people):
    registration = text_work(people.org).current_registration
    client.force_login(people.viewer)
    assert client.post(reverse("works:submit", args=[registration.pk])).status_code == 403
    client.force_login(people.outsider)
    assert client.post(reverse("works:submit", args=[registration.pk])).status_code == 404
    assert client.get(reverse("works:check", args=[registration.pk])).status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.DRAFT


def test_returned_reasons_are_shown_and_the_work_can_be_resubmitted(client, people, registry):
    registration = submitted_work(people.org)
    examiner = Actor(user=registry.registrar)
    actions.take_for_examination(examiner, registration, registry.administration)
    actions.return_for_correction(
        examiner, registration, registry.administration, "请补充作者身份证明。"
    )
    client.force_login(people.owner)
    body = client.get(reverse("works:work", args=[registration.work_id])).content.decode()
    assert "请补充作者身份证明。" in body
    assert reverse("works:edit", args=[registration.work_id]) in body
    client.post(reverse("works:submit", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED
    assert registration.submissions == 2


def test_a_registered_work_links_to_its_certificates(client, people, registry):
    from copyguard.works.testing import registered_work

    registration = registered_work(people.org, registry)
    client.force_login(people.viewer)
    body = client.get(reverse("works:work", args=[registration.work_id])).content.decode()
    assert reverse("certificates:registration", args=[registration.pk]) in body
    assert registration.number in body


# ---------------------------------------------------------------- software


def _software_work(people):
    actor = Actor.system()
    work = actions.create_work(actor, people.org, title="排版引擎", category="software")
    actions.add_file(actor, work, CODE.encode(), "engine.py")
    return work


def test_software_details_and_a_deposit_with_redaction(client, people):
    work = _software_work(people)
    client.force_login(people.owner)
    url = reverse("works:software", args=[work.pk])
    page = client.get(url).content.decode()
    assert 'name="redact_pages"' in page
    response = client.post(
        url,
        {
            "save_details": "1",
            "name": "排版引擎",
            "version": "1.0",
            "development_mode": "original",
            "programming_language": "Python",
            "lines_of_code": "0",
        },
    )
    assert response.status_code == 302
    response = client.post(url, {"make_deposit": "1", "redact_pages": ["2", "3"]})
    assert response.status_code == 302
    work.software.refresh_from_db()
    redacted = [p["number"] for p in work.software.deposit["pages"] if p["redacted"]]
    assert redacted == [2, 3]
    body = client.get(url).content.decode()
    assert "Page 1" in body or "第 1 页" in body


def test_blacking_out_more_than_half_is_refused(client, people):
    work = _software_work(people)
    actions.set_software_details(Actor.system(), work, name="排版引擎", version="1.0")
    client.force_login(people.owner)
    url = reverse("works:software", args=[work.pk])
    pages = [str(n) for n in range(1, 14)]
    response = client.post(url, {"make_deposit": "1", "redact_pages": pages})
    assert response.status_code == 400
    assert "At most 12 of the 24" in response.content.decode()
    work.software.refresh_from_db()
    assert not work.software.has_deposit()


def test_missing_software_details_are_form_errors(client, people):
    work = _software_work(people)
    client.force_login(people.owner)
    url = reverse("works:software", args=[work.pk])
    response = client.post(url, {"save_details": "1", "name": "", "version": ""})
    assert response.status_code == 400
    assert not hasattr(Work.objects.get(pk=work.pk), "software")


def test_software_pages_refuse_a_read_only_member_and_an_outsider(client, people):
    work = _software_work(people)
    client.force_login(people.viewer)
    url = reverse("works:software", args=[work.pk])
    assert client.get(url).status_code == 200
    assert 'name="redact_pages"' not in client.get(url).content.decode()
    assert client.post(url, {"make_deposit": "1"}).status_code == 403
    client.force_login(people.outsider)
    assert client.post(url, {"make_deposit": "1"}).status_code == 404


# ---------------------------------------------------------------- both languages


@pytest.mark.parametrize(("language", "text"), [("en", "Register a new work"), ("zh-hans", "")])
def test_the_pages_render_in_both_languages(client, people, language, text):
    work = text_work(people.org)
    client.force_login(people.owner)
    client.cookies["django_language"] = language
    for url in (
        reverse("works:list"),
        reverse("works:create"),
        reverse("works:work", args=[work.pk]),
        reverse("works:edit", args=[work.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()
    if text:
        assert text in client.get(reverse("works:list")).content.decode()
