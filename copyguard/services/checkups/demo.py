# ruff: noqa: RUF001  (full-width CJK punctuation in the Chinese comment)
"""Demo data of check-ups: Qiaoxiang Digital (key "qiaoxiang") has a submitted check-up
for last year and one for this year, so its report shows the change; Jiangmen's bureau
(key "jm") has commented on this year's. Idempotent: a second load creates nothing."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import Role
from copyguard.accounts.models import Membership, Organisation
from copyguard.services.checkups import actions
from copyguard.services.checkups.models import CheckUp, Questionnaire
from copyguard.services.checkups.questionnaire import from_models, model_answers

__all__ = ["load_demo_checkups"]

# Last year: few registrations, no software register, occasional monitoring, an unprepared
# overseas launch. This year several of these were put right.
LAST_YEAR = {
    "own-inventory": "no",
    "own-commissioned": "some",
    "reg-share": "few",
    "reg-new-products": "no",
    "lic-register": "no",
    "lic-expired-use": "1",
    "sw-register": "no",
    "sw-unlicensed": "4",
    "sw-open-source": "no",
    "agr-contractors": "some",
    "agr-training": "no",
    "mon-active": "occasional",
    "ovs-markets": "unprepared",
    "ovs-disputes": "1",
}
THIS_YEAR = {
    "own-commissioned": "some",
    "reg-share": "most",
    "sw-unlicensed": "1",
    "sw-open-source": "no",
    "ovs-markets": "prepared",
    "ovs-disputes": "1",
}
OWN_DOMAINS = ["qiaoxiang-digital.example"]
COMMENT = "已阅。建议将冷链温度监测软件的后续版本及时登记，并参加本局下季度举办的企业版权合规培训。"


def _member(organisation: Organisation, *roles: str) -> Actor | None:
    membership = (
        Membership.objects.filter(organisation=organisation, role__in=roles, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return Actor(user=membership.user) if membership else None


def _checkup(
    enterprise: Organisation, actor: Actor, year: int, answers: dict[str, str], at: datetime
) -> tuple[CheckUp, int]:
    existing = CheckUp.objects.filter(enterprise=enterprise, year=year).first()
    if existing is not None and existing.is_submitted():
        return existing, 0
    checkup = existing or actions.start_checkup(actor, enterprise, year, now=at)
    filled = model_answers(from_models(checkup.questionnaire))
    filled.update(answers)
    actions.save_answers(actor, checkup, filled, own_domains=OWN_DOMAINS, now=at)
    actions.submit_checkup(actor, checkup, now=at)
    return checkup, 1


def load_demo_checkups(organisations: dict[str, Organisation], via: str = "cli") -> int:
    """Load what is missing of the check-up demo; returns how many check-ups and comments it
    made."""
    enterprise = organisations["qiaoxiang"]
    if not Questionnaire.objects.exists():
        return 0
    owner = _member(enterprise, Role.OWNER)
    actor = Actor(user=owner.user, via=via) if owner else Actor.system(via=via)
    now = timezone.now()
    year = timezone.localdate(now).year
    last_at = timezone.make_aware(datetime(year - 1, 12, 15, 10, 0))
    _last, created = _checkup(enterprise, actor, year - 1, LAST_YEAR, last_at)
    this, made = _checkup(enterprise, actor, year, THIS_YEAR, now)
    created += made
    bureau = organisations.get("jm")
    if bureau is not None and not this.comments.exists():
        officer = _member(bureau, Role.ENFORCEMENT_OFFICER, Role.SUPERVISOR)
        if officer is not None:
            actions.add_comment(Actor(user=officer.user, via=via), this, bureau, COMMENT)
            created += 1
    return created
