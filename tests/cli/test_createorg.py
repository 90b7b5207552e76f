"""`copyguard createorg`: organisations from the command line, refused input in one line."""

from __future__ import annotations

import pytest

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.models import AuditEvent, Organisation
from copyguard.testing import make_organisation
from tests.cli.conftest import one_line_error

# The command runs as from a shell, which closes connections at the end: no test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def counts() -> tuple[int, int]:
    return Organisation.objects.count(), AuditEvent.objects.count()


def test_it_creates_a_district_administration_under_its_city(copyguard) -> None:
    city = make_organisation(
        OrganisationKind.ADMINISTRATION, name="江门市版权局", region_code="440700"
    )

    run = copyguard(
        "createorg", "江门市新会区版权局", "--kind", "administration", "--level", "district",
        "--region", "440705", "--parent-region", "440700", "--name-en", "Xinhui District",
    )  # fmt: skip

    assert run.status == 0, run.err
    created = Organisation.objects.get(region_code="440705")
    assert created.name == "江门市新会区版权局"
    assert created.name_en == "Xinhui District"
    assert created.level == "district"
    assert created.parent == city
    assert f"Created organisation {created.pk}: 江门市新会区版权局" in run.out
    event = AuditEvent.objects.get(action="accounts.organisation.create", object_id=str(created.pk))
    assert event.actor is None
    assert event.params["via"] == "cli"


def test_it_creates_a_rights_holder_of_a_type(copyguard) -> None:
    run = copyguard("createorg", "南湖书苑出版社", "--kind", "rights_holder", "--type", "publisher")

    assert run.status == 0, run.err
    created = Organisation.objects.get(name="南湖书苑出版社")
    assert (created.kind, created.rights_holder_type) == ("rights_holder", "publisher")


def test_it_takes_a_parent_by_id(copyguard) -> None:
    city = make_organisation(OrganisationKind.POLICE, name="嘉兴市公安局", region_code="330400")

    run = copyguard(
        "createorg", "南湖区分局", "--kind", "police", "--region", "330402",
        "--parent-id", str(city.pk), "--contact-email", "office@nanhu.test",
    )  # fmt: skip

    assert run.status == 0, run.err
    created = Organisation.objects.get(name="南湖区分局")
    assert created.parent == city
    assert created.contact_email == "office@nanhu.test"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["x"], "the following arguments are required: --kind"),
        (["x", "--kind", "ministry"], "argument --kind: invalid choice: 'ministry'"),
        (["x", "--kind", "administration"], "level: A copyright administration needs a level."),
        (
            ["x", "--kind", "administration", "--level", "municipal", "--region", "44070"],
            "region_code: A GB/T 2260 region code has six digits",
        ),
        (["x", "--kind", "court", "--level", "provincial"], "level: Only copyright"),
        (
            ["x", "--kind", "court", "--type", "publisher"],
            "rights_holder_type: Only rights holders",
        ),
        (["x", "--kind", "rights_holder"], "rights_holder_type: Say what kind"),
        ([" ", "--kind", "court"], "name: This field cannot be blank."),
        (["x", "--kind", "court", "--parent-id", "999999"], "--parent-id: no organisation has id"),
        (["x", "--kind", "court", "--parent-id", "one"], "argument --parent-id: invalid int value"),
        (["x", "--kind", "court", "--parent-region", "110000"], "--parent-region: 0 organisations"),
        (
            ["x", "--kind", "court", "--parent-id", "1", "--parent-region", "110000"],
            "not allowed with argument",
        ),
    ],
)
def test_it_refuses_bad_arguments_in_one_line_and_writes_nothing(
    copyguard, args: list[str], expected: str
) -> None:
    before = counts()

    line = one_line_error(copyguard("createorg", *args), "createorg")

    assert expected in line
    assert counts() == before


def test_it_refuses_a_second_administration_for_the_same_region_and_level(copyguard) -> None:
    make_organisation(OrganisationKind.ADMINISTRATION, region_code="440300", level="municipal")
    before = counts()

    line = one_line_error(
        copyguard(
            "createorg", "深圳市版权局", "--kind", "administration", "--level", "municipal",
            "--region", "440300",
        ),
        "createorg",
    )  # fmt: skip

    assert "one_administration_per_region_and_level" in line
    assert counts() == before
