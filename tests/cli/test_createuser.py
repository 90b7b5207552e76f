"""`copyguard createuser`: accounts from the command line, refused input in one line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from copyguard.accounts.enums import OrganisationKind
from copyguard.accounts.models import AuditEvent, Membership, User
from copyguard.testing import make_organisation, make_user
from tests.cli.conftest import one_line_error

pytestmark = pytest.mark.django_db(transaction=True)

GOOD_PASSWORD = "river-delta-copyright-7"


def counts() -> tuple[int, int, int]:
    return User.objects.count(), Membership.objects.count(), AuditEvent.objects.count()


def test_it_creates_a_verified_member_of_an_organisation(copyguard) -> None:
    bureau = make_organisation(OrganisationKind.ADMINISTRATION, name="江门市版权局")

    run = copyguard(
        "createuser", "--email", "Registrar@JM.test", "--password", GOOD_PASSWORD,
        "--org", str(bureau.pk), "--role", "registrar", "--name", "Li Registrar",
        "--language", "en",
    )  # fmt: skip

    assert run.status == 0, run.err
    user = User.objects.get(email="registrar@jm.test")
    assert user.check_password(GOOD_PASSWORD)
    assert user.email_verified
    assert (user.full_name, user.language) == ("Li Registrar", "en")
    assert not user.is_superuser
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role) == (bureau, "registrar")
    assert "Created user" in run.out
    actions = set(AuditEvent.objects.filter(params__via="cli").values_list("action", flat=True))
    assert actions == {"accounts.user.create", "accounts.membership.add"}


def test_it_creates_a_superuser(copyguard) -> None:
    run = copyguard(
        "createuser", "--email", "root@example.test", "--password", GOOD_PASSWORD, "--superuser"
    )

    assert run.status == 0, run.err
    user = User.objects.get(email="root@example.test")
    assert user.is_superuser
    assert user.is_staff
    assert not user.memberships.exists()


def test_it_reads_the_password_from_a_file(copyguard, tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text(GOOD_PASSWORD + "\n", encoding="utf-8")

    run = copyguard("createuser", "--email", "file@example.test", "--password-file", str(secret))

    assert run.status == 0, run.err
    assert User.objects.get(email="file@example.test").check_password(GOOD_PASSWORD)


def test_it_asks_for_the_password_only_on_a_terminal(
    copyguard, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD_PASSWORD + "\n"))
    before = counts()

    line = one_line_error(copyguard("createuser", "--email", "a@example.test"), "createuser")

    assert "Give --password or --password-file" in line
    assert counts() == before


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], "the following arguments are required: --email"),
        (["--email", "a@example.test", "--password", "short"], "password: This password is too short"),
        (["--email", "a@example.test", "--password", "582047193650"], "password: This password is entirely numeric"),
        (["--email", "not-an-address", "--password", GOOD_PASSWORD], "email: Enter a valid email address."),
        (["--email", "taken@example.test", "--password", GOOD_PASSWORD], "email: An account with this e-mail address exists."),
        (["--email", "a@example.test", "--password", GOOD_PASSWORD, "--org", "{org}"], "--org and --role go together"),
        (["--email", "a@example.test", "--password", GOOD_PASSWORD, "--role", "judge"], "--org and --role go together"),
        (["--email", "a@example.test", "--password", GOOD_PASSWORD, "--org", "999999", "--role", "judge"], "--org: no organisation has id 999999"),
        (["--email", "a@example.test", "--password", GOOD_PASSWORD, "--org", "{org}", "--role", "judge"], "--role: a Copyright administration has the roles supervisor"),
        (["--email", "a@example.test", "--password", GOOD_PASSWORD, "--org", "{org}", "--role", "chief"], "argument --role: invalid choice: 'chief'"),
        (["--email", "a@example.test", "--password", GOOD_PASSWORD, "--password-file", "/x"], "not allowed with argument"),
        (["--email", "a@example.test", "--password-file", "/nonexistent/password"], "--password-file: cannot read /nonexistent/password"),
        (["--email", "a@example.test", "--password", GOOD_PASSWORD, "--language", "fr"], "argument --language: invalid choice: 'fr'"),
    ],
)  # fmt: skip
def test_it_refuses_bad_arguments_in_one_line_and_writes_nothing(
    copyguard, args: list[str], expected: str
) -> None:
    make_user("taken@example.test")
    bureau = make_organisation(OrganisationKind.ADMINISTRATION)
    args = [arg.replace("{org}", str(bureau.pk)) for arg in args]
    before = counts()

    line = one_line_error(copyguard("createuser", *args), "createuser")

    assert expected in line
    assert counts() == before
