"""Demo data: organisations of every kind and one log-in per role, for trying copyguard.

Grounded in the public reports the project starts from: the Guangdong provincial copyright
administration with the bureaus of the nine Pearl River Delta cities and Jiangmen's Xinhui
district; Jiangmen's public security bureau, procuratorate and intermediate court, where a
Jiangmen case goes when it is a crime; Jiaxing's public security bureau and its Nanhu
district branch (book piracy cases, police liaison officers and service stations for
enterprises) and the Nanhu district procuratorate; the Guangzhou Intellectual Property
Court. The government bodies carry their real names; the publishers, the enterprise, the
platform and the service station are invented for the demo.

Everything is created through the account actions, so the audit log shows it. Loading is
idempotent: what exists is left alone. Every demo account shares one password, generated
on first use and kept in ``<data dir>/demo_password`` (delete the file to get a new one;
the next load sets it on every demo account).
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import translation

from copyguard.accounts import actions
from copyguard.accounts.audit import Actor, record
from copyguard.accounts.enums import (
    ROLES_BY_KIND,
    AdministrationLevel,
    OrganisationKind,
    RightsHolderType,
    Role,
)
from copyguard.accounts.models import Membership, Organisation, User
from copyguard.enforcement.demo import load_demo_enforcement
from copyguard.insights.assessment.demo import load_demo_assessment
from copyguard.insights.demo import load_demo_insights
from copyguard.insights.typical.demo import load_demo_typical
from copyguard.monitoring.demo import load_demo_monitoring
from copyguard.services.awards.demo import load_demo_awards
from copyguard.services.checkups.demo import load_demo_checkups
from copyguard.services.demo import load_demo_services
from copyguard.services.funds.demo import load_demo_funds
from copyguard.services.publicity.demo import load_demo_publicity
from copyguard.works.demo import load_demo_works

__all__ = [
    "ADMIN_EMAIL",
    "DEMO_DOMAIN",
    "ORGANISATIONS",
    "DemoLoad",
    "DemoLogin",
    "DemoOrganisation",
    "demo_password",
    "load_demo",
    "password_file",
]

DEMO_DOMAIN = "demo.copyguard.test"
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"

_ADMIN = OrganisationKind.ADMINISTRATION
_MUNICIPAL = AdministrationLevel.MUNICIPAL


@dataclass(frozen=True)
class DemoOrganisation:
    """One demo organisation; ``key`` names its e-mail domain (<role>@<key>.demo…)."""

    key: str
    kind: str
    name: str
    name_en: str
    short_en: str
    region_code: str
    level: str = ""
    parent: str = ""
    rights_holder_type: str = ""

    @property
    def domain(self) -> str:
        return f"{self.key}.{DEMO_DOMAIN}"


def _city(key: str, name: str, city_en: str, region: str) -> DemoOrganisation:
    return DemoOrganisation(
        key, _ADMIN, name, f"{city_en} Municipal Copyright Administration", city_en, region,
        level=_MUNICIPAL, parent="gd",
    )  # fmt: skip


# Parents come before their children.
ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        "gd", _ADMIN, "广东省版权局", "Copyright Administration of Guangdong Province",
        "Guangdong", "440000", level=AdministrationLevel.PROVINCIAL,
    ),
    # The nine Pearl River Delta cities.
    _city("gz", "广州市版权局", "Guangzhou", "440100"),
    _city("sz", "深圳市版权局", "Shenzhen", "440300"),
    _city("zh", "珠海市版权局", "Zhuhai", "440400"),
    _city("fs", "佛山市版权局", "Foshan", "440600"),
    _city("hz", "惠州市版权局", "Huizhou", "441300"),
    _city("dg", "东莞市版权局", "Dongguan", "441900"),
    _city("zs", "中山市版权局", "Zhongshan", "442000"),
    _city("jm", "江门市版权局", "Jiangmen", "440700"),
    _city("zq", "肇庆市版权局", "Zhaoqing", "441200"),
    DemoOrganisation(
        "xinhui", _ADMIN, "江门市新会区版权局", "Xinhui District Copyright Administration, Jiangmen",
        "Xinhui", "440705", level=AdministrationLevel.DISTRICT, parent="jm",
    ),
    DemoOrganisation(
        "jx-police", OrganisationKind.POLICE, "嘉兴市公安局",
        "Jiaxing Municipal Public Security Bureau", "Jiaxing police", "330400",
    ),
    DemoOrganisation(
        "nanhu-police", OrganisationKind.POLICE, "嘉兴市公安局南湖区分局",
        "Nanhu District Branch, Jiaxing Public Security Bureau", "Nanhu police", "330402",
        parent="jx-police",
    ),
    DemoOrganisation(
        "nanhu-procuratorate", OrganisationKind.PROCURATORATE, "嘉兴市南湖区人民检察院",
        "People's Procuratorate of Nanhu District, Jiaxing", "Nanhu procuratorate", "330402",
    ),
    # Where a Jiangmen case goes when it is a crime: public security, procuratorate, court.
    DemoOrganisation(
        "jm-police", OrganisationKind.POLICE, "江门市公安局",
        "Jiangmen Municipal Public Security Bureau", "Jiangmen police", "440700",
    ),
    DemoOrganisation(
        "jm-procuratorate", OrganisationKind.PROCURATORATE, "江门市人民检察院",
        "People's Procuratorate of Jiangmen Municipality", "Jiangmen procuratorate", "440700",
    ),
    DemoOrganisation(
        "jm-court", OrganisationKind.COURT, "江门市中级人民法院",
        "Jiangmen Intermediate People's Court", "Jiangmen court", "440700",
    ),
    DemoOrganisation(
        "gz-ip-court", OrganisationKind.COURT, "广州知识产权法院",
        "Guangzhou Intellectual Property Court", "Guangzhou IP court", "440100",
    ),
    DemoOrganisation(
        "pearl-tide", OrganisationKind.RIGHTS_HOLDER, "珠江潮出版社", "Pearl Tide Press",
        "Pearl Tide Press", "440100", rights_holder_type=RightsHolderType.PUBLISHER,
    ),
    DemoOrganisation(
        "nanhu-books", OrganisationKind.RIGHTS_HOLDER, "南湖书苑出版社", "Nanhu Book Garden Press",
        "Nanhu Book Garden", "330402", rights_holder_type=RightsHolderType.PUBLISHER,
    ),
    DemoOrganisation(
        "qiaoxiang", OrganisationKind.RIGHTS_HOLDER, "江门侨乡数字科技有限公司",
        "Qiaoxiang Digital Technology Co., Ltd.", "Qiaoxiang Digital", "440700",
        rights_holder_type=RightsHolderType.ENTERPRISE,
    ),
    DemoOrganisation(
        "bay-video", OrganisationKind.PLATFORM, "湾区视听网", "Bay Area Video Network",
        "Bay Area Video", "440300",
    ),
    DemoOrganisation(
        "nanhu-station", OrganisationKind.STATION, "南湖区企业知识产权服务站",
        "Nanhu District Enterprise IP Service Station", "Nanhu station", "330402",
        parent="nanhu-police",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class DemoLogin:
    email: str
    organisation: str
    organisation_en: str
    role: str
    role_label: str


@dataclass
class DemoLoad:
    """What a load did, and every demo log-in (all share ``password``)."""

    password: str
    password_file: Path
    organisations_created: int = 0
    users_created: int = 0
    passwords_reset: int = 0
    works_created: int = 0
    logins: list[DemoLogin] = field(default_factory=list)


def demo_email(spec: DemoOrganisation, role: str) -> str:
    return f"{role.replace('_', '-')}@{spec.domain}"


def password_file() -> Path:
    return Path(settings.DATA_DIR) / "demo_password"


def demo_password() -> tuple[str, bool]:
    """The install's demo password and whether it was generated just now."""
    path = password_file()
    if path.exists():
        stored = path.read_text(encoding="utf-8").strip()
        if stored:
            return stored, False
    password = f"demo-{secrets.token_hex(3)}-{secrets.token_hex(3)}"
    validate_password(password)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(password + "\n", encoding="utf-8")
    return password, True


def _existing(spec: DemoOrganisation) -> Organisation | None:
    found = Organisation.objects.filter(kind=spec.kind)
    if spec.kind == _ADMIN:
        # One administration per region and level (a database constraint).
        return found.filter(region_code=spec.region_code, level=spec.level).first()
    return found.filter(name=spec.name).first()


# Made-up personal names for the demo accounts: common surnames and given names, paired in a
# fixed order so that every load gives each account the same name.
_SURNAMES = "李王张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁"
_GIVEN_NAMES = (
    "明",
    "芳",
    "伟",
    "静",
    "强",
    "丽",
    "军",
    "敏",
    "磊",
    "燕",
    "洋",
    "艳",
    "勇",
    "娟",
    "杰",
    "霞",
    "涛",
    "婷",
    "斌",
    "秀英",
    "建华",
    "志强",
    "海燕",
    "晓东",
    "文博",
    "嘉怡",
)


def _demo_names() -> Iterator[str]:
    for index in itertools.count():
        surname = _SURNAMES[index % len(_SURNAMES)]
        given = _GIVEN_NAMES[(index * 7 + index // len(_SURNAMES)) % len(_GIVEN_NAMES)]
        yield surname + given


def _role_label(role: str) -> str:
    with translation.override("en"):
        return str(Role(role).label)


@transaction.atomic
def load_demo(actor: Actor | None = None) -> DemoLoad:
    """Create what is missing of the demo organisations and accounts; return the log-ins."""
    actor = actor or Actor.system(via="cli")
    password, new_password = demo_password()
    result = DemoLoad(password=password, password_file=password_file())
    # One hash for every account: hashing ~80 passwords one by one takes most of a minute.
    hashed = make_password(password)

    organisations: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        organisation = _existing(spec)
        if organisation is None:
            organisation = actions.create_organisation(
                actor,
                name=spec.name,
                name_en=spec.name_en,
                kind=spec.kind,
                level=spec.level,
                region_code=spec.region_code,
                rights_holder_type=spec.rights_holder_type,
                parent=organisations.get(spec.parent),
                contact_email=f"office@{spec.domain}",
            )
            result.organisations_created += 1
        organisations[spec.key] = organisation

    def account(email: str, full_name: str, *, superuser: bool = False) -> User:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = actions.create_user(
                actor,
                email=email,
                password=None,
                full_name=full_name,
                verified=True,
                is_superuser=superuser,
            )
            result.users_created += 1
        elif not new_password:
            return user
        else:
            result.passwords_reset += 1
            record(actor, "demo.password.reset", user)
        user.password = hashed
        user.save(update_fields=["password"])
        return user

    people = _demo_names()
    for spec in ORGANISATIONS:
        organisation = organisations[spec.key]
        for role in ROLES_BY_KIND[spec.kind]:
            label = _role_label(role)
            email = demo_email(spec, role)
            user = account(email, next(people))
            if not Membership.objects.filter(user=user, organisation=organisation).exists():
                actions.add_member(actor, organisation, user, role)
            result.logins.append(
                DemoLogin(email, organisation.name, organisation.name_en, str(role), label)
            )
    account(ADMIN_EMAIL, "平台管理员", superuser=True)
    result.logins.append(
        DemoLogin(ADMIN_EMAIL, "copyguard", "copyguard", "superuser", "Platform superuser")
    )
    # The works registry: registered works with certificates, the examination queue.
    result.works_created = load_demo_works(organisations, via=actor.via)
    load_demo_monitoring(organisations, via=actor.via)
    # Cases, a transfer to the police, cooperation, a campaign, a tip-off (see its module).
    load_demo_enforcement(organisations, via=actor.via)
    # Insights: typical cases from closed cases, the year's statistics published, assessment
    # rounds of the nine cities (last year's published, this year's open).
    load_demo_typical(organisations, via=actor.via)
    load_demo_insights(organisations, via=actor.via)
    load_demo_assessment(organisations, via=actor.via)
    # Services: requests to the station, check-ups, news and training (before the model-unit
    # rounds, which count training events), support funds, model units.
    load_demo_services(organisations, via=actor.via)
    load_demo_checkups(organisations, via=actor.via)
    load_demo_publicity(organisations, via=actor.via)
    load_demo_funds(organisations, via=actor.via)
    load_demo_awards(organisations, via=actor.via)
    return result
