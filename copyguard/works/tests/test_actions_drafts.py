"""Drafting a work: details, authors, shares, files, software deposit (given / when / then)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.storage import default_storage

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import AuditEvent
from copyguard.works import actions, blobs
from copyguard.works.enums import FileMedia, RegistrationStatus, WorkErrorCode
from copyguard.works.models import SoftwareDetails, Work, WorkFile
from copyguard.works.testing import SAMPLE_TEXT, submitted_work, text_work

ACTOR = Actor.system(via="test")


def docx_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>hi</w:t></w:r></w:p></w:body></w:document>",
        )
        archive.writestr("word/media/zeros.bin", bytes(8 * 1024 * 1024))
    return buffer.getvalue()


def test_it_creates_a_work_with_a_draft_registration_and_the_owner_holding_all(people):
    work = actions.create_work(
        ACTOR, people.org, title=" 江南 ", category="written", authors=[{"real_name": "张三"}]
    )
    assert work.title == "江南"
    assert work.current_registration.status == RegistrationStatus.DRAFT
    assert [(s.organisation, s.share) for s in work.shares.all()] == [(people.org, 100)]
    assert AuditEvent.objects.filter(action="works.work.create", object_id=str(work.pk)).exists()


def test_it_refuses_a_work_owned_by_an_administration(registry):
    with pytest.raises(ActionError) as error:
        actions.create_work(ACTOR, registry.administration, title="x", category="written")
    assert error.value.code == WorkErrorCode.NOT_RIGHTS_HOLDER
    assert not Work.objects.exists()


def test_it_refuses_an_unknown_category_without_writing_anything(people):
    with pytest.raises(ActionError) as error:
        actions.create_work(ACTOR, people.org, title="x", category="poem")
    assert error.value.field == "category"
    assert not Work.objects.exists()


def test_it_refuses_shares_that_do_not_add_up_to_100(people):
    work = text_work(people.org)
    with pytest.raises(ActionError) as error:
        actions.update_work(
            ACTOR,
            work,
            shares=[{"holder_name": "A", "share": 60}, {"holder_name": "B", "share": 30}],
        )
    assert error.value.code == WorkErrorCode.SHARES
    assert work.shares_total() == 100  # unchanged


def test_it_replaces_authors_and_shares_on_update(people):
    work = text_work(people.org)
    actions.update_work(
        ACTOR,
        work,
        title="新名",
        authors=[{"real_name": "李四"}, {"real_name": "某公司", "kind": "organisation"}],
        shares=[{"holder_name": "A", "share": "50.5"}, {"holder_name": "B", "share": "49.5"}],
    )
    work.refresh_from_db()
    assert work.title == "新名"
    assert [a.real_name for a in work.authors.all()] == ["李四", "某公司"]
    assert work.shares_total() == 100


def test_it_refuses_to_change_a_submitted_work(people):
    registration = submitted_work(people.org)
    with pytest.raises(ActionError) as error:
        actions.update_work(ACTOR, registration.work, title="changed")
    assert error.value.code == WorkErrorCode.NOT_EDITABLE


def test_a_file_is_stored_once_under_its_sha256_with_its_iscc_codes(people):
    one = text_work(people.org)
    two = text_work(people.other_org)
    file_one, file_two = one.files.get(), two.files.get()
    assert file_one.sha256 == file_two.sha256 == blobs.sha256_of(SAMPLE_TEXT.encode())
    assert file_one.storage_name == file_two.storage_name
    assert default_storage.listdir(f"works/blobs/{file_one.sha256[:2]}")[1] == [file_one.sha256]
    assert file_one.iscc_text_code.startswith("ISCC:EA")
    assert file_one.iscc_instance_code.startswith("ISCC:IA")
    assert file_one.media == FileMedia.TEXT and file_one.size == len(SAMPLE_TEXT.encode())


def test_it_refuses_the_same_file_twice_in_one_work(people):
    work = text_work(people.org)
    with pytest.raises(ActionError) as error:
        actions.add_file(ACTOR, work, SAMPLE_TEXT.encode(), "again.txt")
    assert error.value.code == WorkErrorCode.FILE_DUPLICATE
    assert work.files.count() == 1


def test_it_refuses_an_empty_file(people):
    work = actions.create_work(ACTOR, people.org, title="x", category="written")
    with pytest.raises(ActionError) as error:
        actions.add_file(ACTOR, work, b"", "empty.txt")
    assert error.value.code == WorkErrorCode.FILE_EMPTY
    assert not WorkFile.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(people, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    work = actions.create_work(ACTOR, people.org, title="x", category="written")
    with pytest.raises(ActionError) as error:
        actions.add_file(ACTOR, work, b"a" * 1001, "big.txt")
    assert error.value.code == WorkErrorCode.FILE_TOO_LARGE
    assert error.value.status == 413
    assert not WorkFile.objects.exists()


def test_a_zip_bomb_inside_a_docx_is_refused_with_the_extractors_reason(people):
    work = actions.create_work(ACTOR, people.org, title="x", category="written")
    with pytest.raises(ActionError) as error:
        actions.add_file(ACTOR, work, docx_bomb(), "novel.docx")
    assert error.value.code == WorkErrorCode.FILE_UNREADABLE
    assert "novel.docx" in str(error.value.message)
    assert "zip bomb: word/media/zeros.bin expands" in str(error.value.message)
    assert not WorkFile.objects.exists()


def test_binary_garbage_named_as_text_is_refused(people):
    work = actions.create_work(ACTOR, people.org, title="x", category="written")
    with pytest.raises(ActionError) as error:
        actions.add_file(ACTOR, work, bytes(range(256)) * 64, "notes.txt")
    assert error.value.code == WorkErrorCode.FILE_UNREADABLE


def test_an_image_is_read_as_an_image_with_its_iscc_image_code(people):
    from copyguard.works.samples import landscape_png

    work = actions.create_work(ACTOR, people.org, title="photo", category="photography")
    file = actions.add_file(ACTOR, work, landscape_png(1), "photo.png")
    assert file.media == FileMedia.IMAGE
    assert file.media_type == "image/png"
    assert file.iscc_text_code == "" and file.iscc_instance_code
    assert file.iscc_content_code.startswith("ISCC:")


def test_a_file_name_with_a_path_is_reduced_to_its_last_part(people):
    work = actions.create_work(ACTOR, people.org, title="x", category="written")
    file = actions.add_file(ACTOR, work, SAMPLE_TEXT.encode(), "../../etc/passwd.txt")
    assert file.original_name == "passwd.txt"


def test_it_removes_a_file_of_a_draft(people):
    work = text_work(people.org)
    actions.remove_file(ACTOR, work.files.get())
    assert not work.files.exists()
    assert AuditEvent.objects.filter(action="works.file.remove").exists()


def test_it_deletes_a_draft_but_not_a_submitted_work(people):
    draft = text_work(people.org)
    actions.delete_work(ACTOR, draft)
    assert not Work.objects.filter(pk=draft.pk).exists()
    registration = submitted_work(people.org)
    with pytest.raises(ActionError):
        actions.delete_work(ACTOR, registration.work)


def _software(people, lines: int) -> Work:
    work = actions.create_work(
        ACTOR, people.org, title="App", category="software", authors=[{"real_name": "王五"}]
    )
    source = "\n".join(f"def f{i}(x):\n    return x + {i}" for i in range(lines // 2))
    actions.add_file(ACTOR, work, source.encode(), "app.py")
    actions.set_software_details(
        ACTOR, work, name="App", version="1.0", programming_language="Python"
    )
    return work


def test_the_source_deposit_holds_the_first_and_last_30_pages_of_50_lines(people):
    work = _software(people, 4000)  # 4001 lines with the file header: 81 pages
    details = actions.make_source_deposit(ACTOR, work, redact_pages=[1, 81])
    pages = details.deposit["pages"]
    assert details.deposit["total_pages"] == 81
    assert [p["number"] for p in pages] == list(range(1, 31)) + list(range(52, 82))
    assert all(len(p["lines"]) == 50 for p in pages[:-1])
    assert pages[0]["redacted"] and set("".join(pages[0]["lines"])) <= {"█"}
    assert not pages[1]["redacted"] and "def f" in "".join(pages[1]["lines"])
    assert details.lines_of_code == 4000


def test_a_short_source_is_deposited_whole(people):
    details = actions.make_source_deposit(ACTOR, _software(people, 120))
    assert [p["number"] for p in details.deposit["pages"]] == [1, 2, 3]


def test_it_refuses_to_black_out_more_than_half_of_the_deposit(people):
    work = _software(people, 120)
    with pytest.raises(ActionError) as error:
        actions.make_source_deposit(ACTOR, work, redact_pages=[1, 2])
    assert error.value.code == WorkErrorCode.DEPOSIT
    assert not SoftwareDetails.objects.get(work=work).has_deposit()


def test_it_refuses_to_black_out_a_page_not_in_the_deposit(people):
    with pytest.raises(ActionError) as error:
        actions.make_source_deposit(ACTOR, _software(people, 120), redact_pages=[40])
    assert error.value.field == "redact_pages"


def test_software_details_only_for_software(people):
    with pytest.raises(ActionError):
        actions.set_software_details(ACTOR, text_work(people.org), name="x", version="1")


def test_a_software_work_cannot_be_submitted_without_its_deposit(people):
    work = _software(people, 120)
    with pytest.raises(ActionError) as error:
        actions.submit(ACTOR, work.current_registration)
    assert error.value.code == WorkErrorCode.DEPOSIT
    actions.make_source_deposit(ACTOR, work)
    assert actions.submit(ACTOR, work.current_registration).status == RegistrationStatus.SUBMITTED
