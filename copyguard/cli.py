"""The `copyguard` command.

A few commands belong to the command line itself (``serve``, ``demo``, ``check``,
``loaddemo``, and the engine's ``match``, which runs without Django set up); everything else
is a Django management command (``worker``, ``migrate``, ``createorg``, ``createuser``, and
every other one Django and the apps provide), run as ``copyguard <command>`` instead of
``python manage.py <command>``. docs/cli.md documents every command and option; a test
keeps it complete.
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.console import Console
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from copyguard.demo import DemoLoad

__all__ = [
    "CLI_PARSERS",
    "COMMANDS",
    "OneLineErrorsMixin",
    "main",
]

# Piped output (logs, scripts) is not cut to 80 columns: tables stay one row per line.
console = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

# The project's own commands, in the order `copyguard --help` lists them.
COMMANDS: dict[str, Promise | str] = {
    "serve": gettext_lazy("Run the web site with the production server (waitress)."),
    "demo": gettext_lazy(
        "Migrate, load the demo data, and run the web site and one worker together."
    ),
    "worker": gettext_lazy("Run a background worker that takes jobs from the database queue."),
    "migrate": gettext_lazy("Create or update the database tables."),
    "createorg": gettext_lazy("Create an organisation (administration, court, rights holder, …)."),
    "createuser": gettext_lazy(
        "Create a user, optionally as a member of an organisation, or a superuser."
    ),
    "createtoken": gettext_lazy(
        "Create an API token for a user, read-only unless --scope says scan or write."
    ),
    "works": gettext_lazy(
        "Works registry: register works from files (optionally approved at once); rebuild "
        "the index of registered texts."
    ),
    "check": gettext_lazy(
        "Check the installation: system checks, database, migrations, data directory, workers."
    ),
    "loaddemo": gettext_lazy("Load the demo organisations and log-ins (safe to run again)."),
    # Not marked for translation: `match` runs without Django set up, so always in English.
    "match": "Find passages of query files copied from reference files (no database needed).",
    # English too: `ledger verify` runs without Django set up.
    "ledger": "Transparency ledger: check the log, verify an evidence bundle offline, print "
    "the latest signed tree head.",
    # English, like the help of the management command behind it.
    "scan": "Scan files or web pages for copies of the works registered here (a table, or "
    "JSON with --json).",
    "scan-corpus": "Scan web-archive files (WARC, WET) for copies of registered works on "
    "Dask; resumable.",
    "monitor": gettext_lazy(
        "Monitoring: list sources, start a run (or crawl it here), queue due runs, send "
        "today's digests."
    ),
    "takedowns": gettext_lazy(
        "Takedown notices: re-check the notified addresses now; time to takedown per platform."
    ),
    "thresholds": gettext_lazy(
        "Criminal threshold tables: list, show, import a new version from JSON, export."
    ),
    "campaigns": gettext_lazy("Special campaigns: list them and print their computed tallies."),
    "cooperation": gettext_lazy(
        "Cross-region cooperation: a bureau's requests sent and received in a period."
    ),
    "statistics": gettext_lazy(
        "Statistics: print figures, export tables (CSV/XLSX), render the annual report, publish."
    ),
    "assessment": gettext_lazy(
        "Regional assessment: indicator systems, rounds (open, compute, publish) and rankings."
    ),
    "services": gettext_lazy(
        "Service requests: overdue requests, routing rules (list, import, export), a station's "
        "workload."
    ),
    "checkups": gettext_lazy(
        "Enterprise risk check-ups: questionnaire versions, check-ups, a report (text or PDF)."
    ),
    "publicity": gettext_lazy(
        "Training events: list them with their figures, print a check-in list, attendance."
    ),
    "funds": gettext_lazy(
        "Special support funds: programmes, applications and totals (table or CSV)."
    ),
    "awards": gettext_lazy(
        "Model units: nomination rounds, evaluation, ranking, a nomination's scores."
    ),
    "backup": gettext_lazy(
        "Back up the database, the files and the keys into one archive with a manifest."
    ),
    "restore": gettext_lazy(
        "Verify a backup archive and restore it into an empty installation (or --force)."
    ),
}


class UsageError(Exception):
    """Bad input on the command line: reported in one line, exit status 2."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line and exits with status 2."""

    def error(self, message: str) -> NoReturn:
        err_console.print(f"{self.prog}: error: {message}", markup=False)
        raise SystemExit(2)


class OneLineErrorsMixin:
    """For management commands: bad arguments and refused actions print one line, exit 2.

    Django prints the whole usage text on an argument error; an operator (or a script)
    wants the reason. ``CommandError(…, returncode=2)`` from ``handle`` is reported the
    same way when the command runs from the command line.
    """

    _prog = "copyguard"

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        parser = super().create_parser(prog_name, subcommand, **kwargs)  # type: ignore[misc]
        self._prog = f"{Path(prog_name).name} {subcommand}"
        prog = self._prog

        def error(message: str) -> NoReturn:
            if getattr(parser, "called_from_command_line", False):
                err_console.print(f"{prog}: error: {message}", markup=False)
                raise SystemExit(2)
            from django.core.management.base import CommandError

            raise CommandError(f"Error: {message}", returncode=2)

        parser.error = error
        return parser

    def execute(self, *args: Any, **options: Any) -> Any:
        from django.core.management.base import CommandError

        try:
            return super().execute(*args, **options)  # type: ignore[misc]
        except CommandError as exc:
            if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
                raise
            err_console.print(f"{self._prog}: error: {exc}", markup=False)
            raise SystemExit(exc.returncode) from None


# ---------------------------------------------------------------- helpers


def _setup() -> None:
    import django
    from django.core.exceptions import ImproperlyConfigured

    from copyguard.env import SettingError

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copyguard.settings")
    try:
        django.setup()
    except (SettingError, ImproperlyConfigured) as exc:
        raise UsageError(str(exc)) from exc


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not between 1 and 65535")
    return port


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not 0 <= number <= 3600:
        raise argparse.ArgumentTypeError("must be between 0 and 3600")
    return number


def _add_listen_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help=_("Address to listen on (default: %(default)s).")
    )
    parser.add_argument(
        "--port", type=_port, default=8000, help=_("Port to listen on (default: %(default)s).")
    )
    parser.add_argument(
        "--threads",
        type=_positive,
        default=8,
        help=_("Threads answering requests (default: %(default)s)."),
    )


def _bind(host: str, port: int, threads: int) -> Any:
    """Open the listening socket now, so a busy port is reported before anything starts."""
    from waitress import create_server

    from copyguard.wsgi import application

    try:
        return create_server(application, host=host, port=port, threads=threads)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {port} on {host} is busy: another program listens there "
                "(choose another with --port)"
            ) from exc
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


def _url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in {"0.0.0.0", ""} else host  # noqa: S104 - display only
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def _serve_until_stopped(server: Any) -> None:
    """Run the server until Ctrl-C or SIGTERM; both stop it cleanly."""

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(0)  # waitress's loop catches it and shuts its threads down

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        server.run()
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.close()


def _demo_table(load: DemoLoad) -> Table:
    table = Table(title=_("Demo log-ins (password: %(password)s)") % {"password": load.password})
    table.add_column(_("E-mail"), min_width=24, overflow="fold")
    table.add_column(_("Password"), no_wrap=True)
    table.add_column(_("Organisation"), min_width=12)
    table.add_column(_("Role"), min_width=10)
    previous = None
    for login in load.logins:
        if previous is not None and login.organisation != previous:
            table.add_section()
        previous = login.organisation
        table.add_row(
            login.email,
            load.password,
            f"{login.organisation} ({login.organisation_en})",
            login.role_label,
        )
    return table


def _load_demo_with_progress() -> DemoLoad:
    from django.db import DatabaseError

    from copyguard.demo import load_demo

    try:
        with console.status(_("Loading demo data…")):
            return load_demo()
    except DatabaseError as exc:
        raise UsageError(
            f"cannot load the demo data ({exc}); run `copyguard migrate` first"
        ) from exc


# ---------------------------------------------------------------- serve


def serve_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="copyguard serve",
        description=_(
            "Run the web site with waitress, a production WSGI server; static files are "
            "served by WhiteNoise. Stops cleanly on Ctrl-C or SIGTERM."
        ),
    )
    _add_listen_arguments(parser)
    return parser


def cmd_serve(argv: Sequence[str]) -> int:
    args = serve_parser().parse_args(argv)
    server = _bind(args.host, args.port, args.threads)
    console.print(
        _("copyguard is serving on [bold]%(url)s[/bold] (Ctrl-C stops it)")
        % {"url": escape(_url(args.host, args.port))}
    )
    _serve_until_stopped(server)
    return 0


# ---------------------------------------------------------------- demo


def demo_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="copyguard demo",
        description=_(
            "Migrate the database, load the demo data, then run the web site and one "
            "worker together until Ctrl-C or SIGTERM stops both."
        ),
    )
    _add_listen_arguments(parser)
    parser.add_argument(
        "--fresh",
        action="store_true",
        help=_("Delete ALL data in the database first, then load the demo data anew."),
    )
    return parser


def _start_worker(log_path: Path) -> subprocess.Popen[bytes]:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        # A session of its own: Ctrl-C in the terminal reaches the demo, which then stops
        # the worker once, letting it finish the job at hand.
        return subprocess.Popen(
            [sys.executable, "-m", "copyguard.cli", "worker", "--no-startup-delay", "--no-reload"],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop_worker(worker: subprocess.Popen[bytes], timeout: float = 30) -> None:
    if worker.poll() is not None:
        return
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=timeout)


def cmd_demo(argv: Sequence[str]) -> int:
    args = demo_parser().parse_args(argv)
    from django.conf import settings
    from django.core.management import call_command

    server = _bind(args.host, args.port, args.threads)
    try:
        with console.status(_("Migrating the database…")):
            call_command("migrate", interactive=False, verbosity=0)
        if args.fresh:
            with console.status(_("Deleting all data…")):
                call_command("flush", interactive=False, verbosity=0)
        load = _load_demo_with_progress()
    except BaseException:
        server.close()
        raise
    log_path = Path(settings.DATA_DIR) / "logs" / "worker.log"
    worker = _start_worker(log_path)
    try:
        console.print(_demo_table(load))
        console.print(
            _(
                "The demo password is kept in %(file)s. Worker log: %(log)s\n"
                "copyguard demo is running on [bold]%(url)s[/bold] (Ctrl-C stops it)"
            )
            % {
                "file": escape(str(load.password_file)),
                "log": escape(str(log_path)),
                "url": escape(_url(args.host, args.port)),
            }
        )
        _serve_until_stopped(server)
    finally:
        with console.status(_("Stopping the worker…")):
            _stop_worker(worker)
    console.print(_("Stopped."))
    return 0


# ---------------------------------------------------------------- loaddemo


def loaddemo_parser() -> ArgumentParser:
    return ArgumentParser(
        prog="copyguard loaddemo",
        description=_(
            "Create the demo organisations and one account per role (what exists is left "
            "alone) and print the log-ins."
        ),
    )


def cmd_loaddemo(argv: Sequence[str]) -> int:
    loaddemo_parser().parse_args(argv)
    load = _load_demo_with_progress()
    console.print(_demo_table(load))
    console.print(
        _("Created %(orgs)d organisations and %(users)d users; the password is kept in %(file)s.")
        % {
            "orgs": load.organisations_created,
            "users": load.users_created,
            "file": load.password_file,
        }
    )
    console.print(
        _("Created %(works)d demo works in the registry.") % {"works": load.works_created}
    )
    return 0


# ---------------------------------------------------------------- check


def check_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="copyguard check",
        description=_(
            "Run Django's system checks and check that the database answers, migrations "
            "are applied, the data directory is writable and a worker is alive. Exit "
            "status 1 if something is wrong; a missing worker is only a warning."
        ),
    )
    parser.add_argument(
        "--deploy",
        action="store_true",
        help=_("Include Django's deployment checks (HTTPS, cookies, secret key)."),
    )
    parser.add_argument(
        "--ping-timeout",
        type=_seconds,
        default=10.0,
        help=_(
            "Seconds to wait for a live worker to answer a ping job; 0 skips the ping "
            "(default: %(default)s)."
        ),
    )
    return parser


@dataclass
class Finding:
    name: str
    level: str  # ok, warning, error
    detail: str


def _system_checks(deploy: bool) -> list[Finding]:
    from django.core import checks

    messages = [
        m for m in checks.run_checks(include_deployment_checks=deploy) if not m.is_silenced()
    ]
    if not messages:
        return [Finding(_("Django system checks"), "ok", _("no issues"))]
    return [
        Finding(
            _("Django system checks"),
            "error" if message.is_serious() else "warning",
            f"{message.id}: {message.msg}",
        )
        for message in messages
    ]


def _database_check() -> Finding:
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Finding(_("Database"), "error", str(exc).strip().splitlines()[0])
    where = (
        str(connection.settings_dict["NAME"])
        if connection.vendor == "sqlite"
        else f"{connection.settings_dict.get('HOST') or 'localhost'}/{connection.settings_dict['NAME']}"
    )
    return Finding(_("Database"), "ok", f"{connection.vendor}: {where}")


def _migrations_check() -> Finding:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return Finding(
            _("Migrations"),
            "error",
            _("%(count)d not applied; run copyguard migrate") % {"count": len(plan)},
        )
    return Finding(_("Migrations"), "ok", _("all applied"))


def _data_dir_check() -> Finding:
    from django.conf import settings

    data_dir = Path(settings.DATA_DIR)
    try:
        with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".write-check-") as probe:
            probe.write(b"ok")
            probe.flush()
    except OSError as exc:
        return Finding(_("Data directory"), "error", f"{data_dir}: {exc.strerror or exc}")
    return Finding(_("Data directory"), "ok", _("%(dir)s is writable") % {"dir": data_dir})


def _worker_check(ping_timeout: float) -> Finding:
    from django.conf import settings
    from django.utils import timezone

    from copyguard.jobs.models import Worker
    from copyguard.jobs.tasks import ping

    name = _("Workers")
    alive = Worker.objects.alive().count()
    if not alive:
        return Finding(
            name,
            "warning",
            _("no worker seen in the last %(seconds)d s; start one with copyguard worker")
            % {"seconds": settings.WORKER_STALE_SECONDS},
        )
    detail = _("%(count)d alive") % {"count": alive}
    if not ping_timeout:
        return Finding(name, "ok", detail)
    result = ping.enqueue(timezone.now().isoformat())
    deadline = time.monotonic() + ping_timeout
    while not result.is_finished and time.monotonic() < deadline:
        time.sleep(0.2)
        result.refresh()
    if not result.is_finished:
        return Finding(
            name,
            "warning",
            detail + "; " + _("a ping job was not answered in %(s)g s") % {"s": ping_timeout},
        )
    if result.errors:
        return Finding(name, "error", detail + "; " + _("the ping job failed"))
    answer = result.return_value or {}
    return Finding(
        name,
        "ok",
        detail
        + "; "
        + _("ping answered by %(worker)s in %(ms)s ms")
        % {"worker": answer.get("worker_id", "?")[:12], "ms": answer.get("latency_ms", "?")},
    )


def cmd_check(argv: Sequence[str]) -> int:
    args = check_parser().parse_args(argv)
    findings = _system_checks(args.deploy)
    database = _database_check()
    findings.append(database)
    migrations = _migrations_check() if database.level == "ok" else None
    if migrations is not None:
        findings.append(migrations)
    findings.append(_data_dir_check())
    if migrations is not None and migrations.level == "ok":
        findings.append(_worker_check(args.ping_timeout))
    styles = {"ok": "green", "warning": "yellow", "error": "bold red"}
    table = Table(title=_("copyguard check"))
    table.add_column(_("Check"))
    table.add_column(_("Result"))
    table.add_column(_("Detail"))
    for finding in findings:
        table.add_row(finding.name, f"[{styles[finding.level]}]{finding.level}[/]", finding.detail)
    console.print(table)
    return 1 if any(f.level == "error" for f in findings) else 0


# ---------------------------------------------------------------- match (copyguard/matchcli.py)


def match_parser() -> ArgumentParser:
    from copyguard.matchcli import match_parser

    return match_parser()


def cmd_match(argv: Sequence[str]) -> int:
    from copyguard.matchcli import cmd_match

    return cmd_match(argv)


# ---------------------------------------------------------------- ledger (copyguard/ledger/cli.py)


def ledger_parser() -> ArgumentParser:
    from copyguard.ledger.cli import ledger_parser

    return ledger_parser()


def cmd_ledger(argv: Sequence[str]) -> int:
    from copyguard.ledger.cli import cmd_ledger

    return cmd_ledger(argv)


# ---------------------------------------------------------------- scan-corpus (monitoring)


def scan_corpus_parser() -> argparse.ArgumentParser:
    from django.core.management import load_command_class

    command = load_command_class("copyguard.monitoring", "scan_corpus")
    parser: argparse.ArgumentParser = command.create_parser("copyguard", "scan-corpus")
    return parser


def cmd_scan_corpus(argv: Sequence[str]) -> int:
    # A management command (it records hits), named with a hyphen like the other commands.
    from django.core.management import load_command_class

    command = load_command_class("copyguard.monitoring", "scan_corpus")
    command.run_from_argv(["copyguard", "scan-corpus", *argv])
    return 0


# ---------------------------------------------------------------- backup, restore (copyguard/ops)


def backup_parser() -> ArgumentParser:
    from copyguard.ops.cli import backup_parser

    return backup_parser()


def cmd_backup(argv: Sequence[str]) -> int:
    from copyguard.ops.cli import cmd_backup

    return cmd_backup(argv)


def restore_parser() -> ArgumentParser:
    from copyguard.ops.cli import restore_parser

    return restore_parser()


def cmd_restore(argv: Sequence[str]) -> int:
    from copyguard.ops.cli import cmd_restore

    return cmd_restore(argv)


# ---------------------------------------------------------------- dispatch

CLI_PARSERS: dict[str, Callable[[], argparse.ArgumentParser]] = {
    "serve": serve_parser,
    "demo": demo_parser,
    "check": check_parser,
    "loaddemo": loaddemo_parser,
    "match": match_parser,
    "ledger": ledger_parser,
    "scan-corpus": scan_corpus_parser,
    "backup": backup_parser,
    "restore": restore_parser,
}
_CLI_COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "serve": cmd_serve,
    "demo": cmd_demo,
    "check": cmd_check,
    "loaddemo": cmd_loaddemo,
    "match": cmd_match,
    "ledger": cmd_ledger,
    "scan-corpus": cmd_scan_corpus,
    "backup": cmd_backup,
    "restore": cmd_restore,
}


def print_help() -> None:
    console.print(
        "[bold]copyguard[/bold] — "
        + _("full-chain copyright protection platform")
        + "\n\n"
        + escape(_("Usage: copyguard <command> [options]"))
    )
    table = Table(show_header=True, box=None, padding=(0, 2, 0, 0))
    table.add_column(_("Command"), style="bold cyan", no_wrap=True)
    table.add_column(_("What it does"))
    for name, text in COMMANDS.items():
        table.add_row(name, str(text))
    console.print(table)
    console.print(
        _(
            "Every Django management command is also available as copyguard <command> "
            "(e.g. copyguard shell, copyguard changepassword); copyguard help --commands "
            "lists them all and copyguard <command> --help explains one."
        )
    )


def _exit_status(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    err_console.print(str(code), markup=False)
    return 1


def _django(argv: list[str]) -> int:
    from django.core.management import execute_from_command_line, get_commands

    name = argv[0]
    if not name.startswith("-") and name != "help" and name not in get_commands():
        raise UsageError(f"unknown command {name!r}; copyguard --help lists the commands")
    execute_from_command_line(["copyguard", *argv])
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `copyguard` console script; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["match"] or args[:2] == ["ledger", "verify"]:
        # The engine's command and the offline bundle check: no settings, no database.
        return _run(args)
    try:
        _setup()
    except UsageError as exc:
        err_console.print(f"copyguard: error: {exc}", markup=False)
        return 2
    from django.utils import translation

    # Like Django's management commands: output in the language the code is written in.
    with translation.override(None):
        return _run(args)


def _run(args: list[str]) -> int:
    try:
        if not args or args[0] in {"-h", "--help"} or args == ["help"]:
            print_help()
            return 0
        if args[0] == "--version":
            from importlib.metadata import version

            console.print(f"copyguard {version('copyguard')}")
            return 0
        if args[0] == "help" and len(args) > 1 and args[1] in CLI_PARSERS:
            CLI_PARSERS[args[1]]().print_help()
            return 0
        if args[0] in _CLI_COMMANDS:
            return _CLI_COMMANDS[args[0]](args[1:])
        return _django(args)
    except UsageError as exc:
        prefix = f"copyguard {args[0]}" if args and args[0] in COMMANDS else "copyguard"
        err_console.print(f"{prefix}: error: {exc}", markup=False)
        return 2
    except SystemExit as exc:
        return _exit_status(exc.code)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
