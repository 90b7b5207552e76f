"""``copyguard awards``: model-unit rounds from the shell — list them, evaluate a round,
print its ranking and a nomination's scores with every step. Refused input is one line on
standard error, exit status 2."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext

from copyguard.accounts.audit import Actor
from copyguard.accounts.errors import ActionError
from copyguard.accounts.models import User
from copyguard.insights.assessment.scoring import render_step
from copyguard.services.awards import access, actions
from copyguard.services.awards.models import AwardRound, Nomination


def _refuse(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Model-unit rounds: list, evaluate, ranking, a nomination's scores."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        listing = sub.add_parser(
            "rounds", help="Every round: id, year, category, organiser, status."
        )
        listing.add_argument("--organiser", metavar="REGION_CODE", help="Only this organiser's.")
        ranking = sub.add_parser("ranking", help="A round's nominations by rank.")
        ranking.add_argument("round_id", type=int, metavar="ROUND_ID")
        ranking.add_argument("--language", choices=("zh-hans", "en"), default="zh-hans")
        evaluate = sub.add_parser(
            "evaluate", help="Evaluate a round (again) and print its ranking."
        )
        evaluate.add_argument("round_id", type=int, metavar="ROUND_ID")
        evaluate.add_argument("--as", dest="as_user", required=True, metavar="EMAIL",
                              help="The organiser's supervisor or analyst (audited as them).")  # fmt: skip
        evaluate.add_argument("--language", choices=("zh-hans", "en"), default="zh-hans")
        report = sub.add_parser("report", help="A nomination's scores with every step.")
        report.add_argument("nomination_id", type=int, metavar="NOMINATION_ID")
        report.add_argument("--language", choices=("zh-hans", "en"), default="zh-hans")

    def handle(self, *args: Any, **options: Any) -> None:
        what = options["what"]
        with translation.override(options.get("language") or "zh-hans"):
            if what == "rounds":
                self._rounds(options.get("organiser"))
            elif what == "ranking":
                self._ranking(self._round(options["round_id"]))
            elif what == "evaluate":
                self._evaluate(options)
            else:
                self._report(options["nomination_id"])

    def _round(self, pk: int) -> AwardRound:
        round_ = AwardRound.objects.select_related("organiser").filter(pk=pk).first()
        if round_ is None:
            raise _refuse(f"No round has id {pk}.")
        return round_

    def _rounds(self, organiser: str | None) -> None:
        query = AwardRound.objects.select_related("organiser").order_by("-year", "category", "pk")
        if organiser:
            query = query.filter(organiser__region_code=organiser)
        for r in query:
            count = r.nominations.count()
            self.stdout.write(
                f"{r.pk}\t{r.year}\t{r.category}\t{r.organiser.region_code}\t{r.status}\t"
                f"{count}\t{r.title}"
            )

    def _ranking(self, round_: AwardRound) -> None:
        for n in round_.nominations.select_related("nominee").order_by("rank", "pk"):
            total = "-" if n.total is None else f"{n.total}"
            self.stdout.write(
                f"{n.rank or '-'}\t{total}\t{n.status}\t{n.pk}\t{n.display_nominee()}"
            )

    def _evaluate(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(email__iexact=options["as_user"], is_active=True).first()
        if user is None:
            raise _refuse(f"No active account has the address {options['as_user']}.")
        try:
            ra = access.round_for_user(user, options["round_id"], manage=True)
        except (Http404, PermissionDenied):
            raise _refuse(f"{user.email} may not evaluate round {options['round_id']}.") from None
        try:
            actions.evaluate(Actor(user=user, via="cli"), ra.round)
        except ActionError as error:
            raise _refuse(str(error.message)) from None
        self._ranking(ra.round)

    def _report(self, pk: int) -> None:
        nomination = Nomination.objects.select_related("round", "nominee").filter(pk=pk).first()
        if nomination is None:
            raise _refuse(f"No nomination has id {pk}.")
        self.stdout.write(
            f"{nomination.display_nominee()} — {nomination.round.display_title()}: "
            f"{nomination.total if nomination.total is not None else '-'} (#{nomination.rank or '-'})"
        )
        for score in nomination.scores.select_related("criterion"):
            c = score.criterion
            self.stdout.write(
                f"{c.code} {c.display_name()}: {score.points} / {c.weight} "
                f"(value {score.value if score.value is not None else '-'})"
            )
            for step in score.steps:
                self.stdout.write(f"    {render_step(step, gettext)}")
            if "count" in score.inputs:
                ids = ", ".join(str(i) for i in score.inputs.get("ids", []))
                self.stdout.write(
                    f"    {score.inputs['count']} {score.inputs.get('records', '')}: {ids}"
                )
