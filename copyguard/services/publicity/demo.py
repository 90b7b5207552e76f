# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""Demo data of publicity and training, after the Jiangmen report of the "April 26"
copyright protection training (the 20th World Intellectual Property Day, 26 April 2021):

- the training itself as a past event of the Jiangmen bureau, with registrations taken
  before it and the attendance recorded on the day (so its figures have something to show);
- the news item reporting it;
- a material — the key points of the amended Copyright Law in force from 1 June 2021 — with
  a leaflet in both languages as a PDF attachment (rendered with WeasyPrint; without it the
  material is published without the file);
- a coming special training of the Xinhui district bureau for enterprises, a month ahead,
  open for registration.

Everything goes through the publicity actions as the demo accounts, at the times the
things happened (controlled clocks); each object is found by its organisation and title, so
loading again creates nothing new.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import Role
from copyguard.accounts.models import Membership, Organisation
from copyguard.services.publicity.actions import articles, events, registrations
from copyguard.services.publicity.enums import ArticleKind, Audience, EventStatus
from copyguard.services.publicity.models import Article, TrainingEvent

__all__ = ["load_demo_publicity"]

logger = logging.getLogger(__name__)

EVENT_TITLE = "“4·26”版权保护培训暨行业交流会"
NEWS_TITLE = "我市举办“4·26”版权保护培训暨行业交流会"
MATERIAL_TITLE = "新《著作权法》要点（宣传资料）"
COMING_TITLE = "“技术赋能企业知识产权保护”专题培训"

EVENT_DESCRIPTION = """4月26日是第二十个世界知识产权日。为进一步增强全社会版权保护意识，推动我市版权经济发展，举办“4·26”版权保护培训暨行业交流会。

## 主办与承办
- 指导单位：省版权宣传中心
- 主办单位：江门市版权局
- 承办单位：新会区版权局、江门市版权协会
- 支持单位：新会区电子商务协会

## 内容
- 培训主题：全面加强版权工作，助力构建新发展格局
- 结合新《著作权法》，讲解法律修订的背景、新旧条文对照和实施中需要注意的问题
- 发布《2021年广东省版权保护宣传片》，现场派发版权宣传资料
- “技术赋能企业知识产权保护”专题业务培训

参加对象：各级版权主管部门负责人、社会各界代表和相关协会会员。"""

EVENT_DESCRIPTION_EN = """26 April is the 20th World Intellectual Property Day. To raise the whole society's awareness of copyright protection and develop Jiangmen's copyright economy, the city holds the "April 26" copyright protection training and industry exchange meeting.

## Organisers
- Guided by the provincial publicity centre
- Sponsored by the Jiangmen Municipal Copyright Bureau
- Organised by the Xinhui District Copyright Bureau and the Municipal Copyright Association
- Supported by the Xinhui District E-Commerce Association

## Programme
- Theme: comprehensively strengthening copyright work and promoting the construction of a new development pattern
- The new Copyright Law: the background of its promulgation, the old and new provisions compared, and what needs attention in implementing it
- Release of the 2021 copyright protection publicity film of Guangdong Province; publicity materials handed out
- Special business training: intellectual property protection of technology-enabled enterprises

For: the heads of copyright authorities at all levels, representatives from all walks of life and members of the associations."""

NEWS_SUMMARY = "4月26日，我市举办“4·26”版权保护培训暨行业交流会，各级版权主管部门负责人、社会各界代表和相关协会会员参加。"
NEWS_SUMMARY_EN = (
    'On 26 April Jiangmen held the "April 26" copyright protection training and industry '
    "exchange meeting for copyright authorities, representatives from all walks of life and "
    "association members."
)
NEWS_BODY = """4月26日是第二十个世界知识产权日。为进一步增强全社会版权保护意识，推动江门版权经济发展，我市于当天举办“4·26”版权保护培训暨行业交流会。各级版权主管部门相关负责人、社会各界代表及相关协会会员齐聚一堂，聆听讲座，深入交流。

本次活动由省版权宣传中心指导，市版权局主办，新会区版权局、市版权协会承办，新会区电子商务协会协办，培训主题为“全面加强版权工作，助力构建新发展格局”。今年6月1日，新《著作权法》将正式施行。为使参会人员全面了解著作权法、做好版权工作，省版权宣传中心副主任卢毅结合新《著作权法》内容，就法律出台的背景、新旧法律相关条款对比以及新法实施中需要注意的问题进行了交流。活动还发布了《2021年广东省版权保护宣传片》，现场派发版权宣传资料，并开展了“技术赋能企业知识产权保护”专题业务培训。

近年来，我市文化艺术市场蓬勃发展，为推动版权经济发展打下了坚实基础。据不完全统计，2020年江门版权产业经济贡献将超过3.2亿元。下一步，我市将以创意创新为版权工作的灵魂工程，不断培育尊重创造、抵制盗版、诚信守法的版权文化氛围。"""

NEWS_BODY_EN = """26 April is the 20th World Intellectual Property Day. To further raise the whole society's awareness of copyright protection and promote the copyright economy of Jiangmen, the city held the "April 26" copyright protection training and industry exchange meeting on the day. Heads of copyright authorities at all levels, representatives from all walks of life and members of the associations gathered to listen to the lecture and exchange views.

The activity was guided by the provincial publicity centre, sponsored by the Municipal Copyright Bureau, organised by the Copyright Bureau of Xinhui District and the Municipal Copyright Association, and supported by the E-Commerce Association of Xinhui District. Its theme was "Comprehensively strengthening copyright work and promoting the construction of a new development pattern". The new Copyright Law comes into force on 1 June this year; Lu Yi, deputy director of the provincial publicity centre, explained the background of its promulgation, compared the old and new provisions and pointed out what needs attention in implementing it. The 2021 copyright protection publicity film of Guangdong Province was released, publicity materials were handed out, and a special business training on the intellectual property protection of technology-enabled enterprises was held.

The city's cultural and art market has been booming in recent years. By incomplete statistics, the economic contribution of Jiangmen's copyright industry will exceed 320 million yuan in 2020. The city will make creative innovation the soul of its copyright work and cultivate a culture of respecting creation, resisting piracy and being honest and law-abiding."""

MATERIAL_BODY = """修改后的《中华人民共和国著作权法》自2021年6月1日起施行。以下是企业和创作者最需要了解的变化，详见附件宣传单。

- **视听作品**：“电影作品和以类似摄制电影的方法创作的作品”改称“视听作品”。
- **法定赔偿**：权利人的实际损失、侵权人的违法所得、权利使用费难以计算的，由人民法院根据侵权行为的情节，判决给予五百元以上五百万元以下的赔偿。
- **惩罚性赔偿**：故意侵犯著作权或者与著作权有关的权利，情节严重的，可以按照计算数额的一倍以上五倍以下给予赔偿。
- **技术措施**：明确保护技术措施和权利管理信息，未经许可不得故意避开或者破坏。
- **行政执法**：主管著作权的部门可以询问当事人、现场检查、查阅复制有关材料，对涉嫌侵权的场所和物品可以查封、扣押。"""

MATERIAL_BODY_EN = """The amended Copyright Law of the People's Republic of China is in force from 1 June 2021. These are the changes enterprises and creators most need to know; the leaflet attached has them on one page in both languages.

- **Audiovisual works** replace "cinematographic works and works created by a process analogous to cinematography".
- **Statutory damages**: where the right holder's loss, the infringer's gain and the royalties cannot be calculated, the court awards between 500 and 5 million yuan according to the circumstances.
- **Punitive damages**: for intentional and serious infringement, one to five times the amount calculated.
- **Technological measures** and rights management information are protected; they may not be intentionally circumvented or destroyed without permission.
- **Administrative enforcement**: the copyright administrations may question the parties, inspect the premises, consult and copy documents, and seal up or seize the premises and articles suspected of infringement."""

LEAFLET: dict[str, Any] = {
    "zh": {
        "title": "新《著作权法》要点",
        "byline": "江门市版权局 · 2021年6月1日起施行",
        "sections": [
            {"heading": "作品与权利", "points": [
                "“视听作品”取代“电影作品和以类似摄制电影的方法创作的作品”。",
                "保护技术措施和权利管理信息，未经许可不得故意避开或者破坏。",
            ]},
            {"heading": "赔偿", "points": [
                "法定赔偿：五百元以上五百万元以下。",
                "故意侵权、情节严重的：按计算数额的一倍以上五倍以下给予赔偿。",
            ]},
            {"heading": "行政执法", "points": [
                "可以询问当事人、现场检查、查阅复制有关材料。",
                "对涉嫌侵权的场所和物品可以查封、扣押。",
            ]},
        ],
    },
    "en": {
        "title": "The amended Copyright Law: key points",
        "byline": "Jiangmen Municipal Copyright Administration · in force from 1 June 2021",
        "sections": [
            {"heading": "Works and rights", "points": [
                "\"Audiovisual works\" replace cinematographic works and works created by a process analogous to cinematography.",
                "Technological measures and rights management information are protected.",
            ]},
            {"heading": "Damages", "points": [
                "Statutory damages: from 500 to 5 million yuan.",
                "Intentional and serious infringement: one to five times the amount calculated.",
            ]},
            {"heading": "Administrative enforcement", "points": [
                "Question the parties, inspect the premises, consult and copy documents.",
                "Seal up or seize the premises and articles suspected of infringement.",
            ]},
        ],
    },
}  # fmt: skip

# Made-up participants: name, organisation, contact, attended.
PARTICIPANTS = (
    ("陈志明", "江门侨乡数字科技有限公司", "chen.zm@qiaoxiang.example", True),
    ("李晓华", "新会区电子商务协会", "13800000426", True),
    ("黄伟", "江门市版权协会", "huangwei@jm-copyright.example", True),
    ("梁淑仪", "蓬江区文化馆", "13900000426", False),
    ("吴国强", "台山市融媒体中心", "wu.gq@ts-media.example", True),
)


def _actor(organisation: Organisation, role: str, via: str) -> Actor:
    membership = (
        Membership.objects.filter(organisation=organisation, role=role, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise LookupError(f"the demo has no {role} in {organisation}")
    return Actor(user=membership.user, via=via)


def _local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def _training(jm: Organisation, via: str) -> int:
    if TrainingEvent.objects.filter(organiser=jm, title=EVENT_TITLE).exists():
        return 0
    writer, head = _actor(jm, Role.ANALYST, via), _actor(jm, Role.SUPERVISOR, via)
    starts = _local(2021, 4, 26, 9, 0)
    event = events.create_event(
        writer,
        jm,
        fields={
            "title": EVENT_TITLE,
            "title_en": 'The "April 26" copyright protection training and industry exchange meeting',
            "description": EVENT_DESCRIPTION,
            "description_en": EVENT_DESCRIPTION_EN,
            "starts_at": starts,
            "ends_at": _local(2021, 4, 26, 12, 0),
            "place": "江门市新会区",
            "capacity": 120,
            "registration_opens_at": _local(2021, 4, 12, 9, 0),
            "audience": Audience.PUBLIC,
        },
        now=_local(2021, 4, 8, 10, 0),
    )
    events.publish_event(head, event, now=_local(2021, 4, 9, 9, 0))
    marks = {}
    for index, (name, organisation_name, contact, attended) in enumerate(PARTICIPANTS):
        done = registrations.register(
            Actor.system(via=via),
            event,
            name=name,
            organisation_name=organisation_name,
            contact=contact,
            source=registrations.source_hash(f"demo-{index}"),
            now=_local(2021, 4, 13 + index, 15, 0),
        )
        marks[done.registration.pk] = attended
    events.record_attendance(writer, event, marks, now=_local(2021, 4, 26, 11, 30))
    return 1


def _news(jm: Organisation, via: str) -> int:
    if Article.objects.filter(publisher=jm, title=NEWS_TITLE).exists():
        return 0
    writer, head = _actor(jm, Role.ANALYST, via), _actor(jm, Role.SUPERVISOR, via)
    article = articles.create_article(
        writer,
        jm,
        kind=ArticleKind.NEWS,
        texts={
            "title": NEWS_TITLE,
            "title_en": 'Jiangmen holds the "April 26" copyright protection training and industry exchange meeting',
            "summary": NEWS_SUMMARY,
            "summary_en": NEWS_SUMMARY_EN,
            "body": NEWS_BODY,
            "body_en": NEWS_BODY_EN,
        },
        now=_local(2021, 4, 26, 15, 0),
    )
    articles.publish_article(head, article, now=_local(2021, 4, 26, 17, 30))
    return 1


def _material(jm: Organisation, via: str) -> int:
    if Article.objects.filter(publisher=jm, title=MATERIAL_TITLE).exists():
        return 0
    writer, head = _actor(jm, Role.ANALYST, via), _actor(jm, Role.SUPERVISOR, via)
    article = articles.create_article(
        writer,
        jm,
        kind=ArticleKind.MATERIAL,
        texts={
            "title": MATERIAL_TITLE,
            "title_en": "The amended Copyright Law: key points (publicity material)",
            "summary": "新《著作权法》自2021年6月1日起施行：法定赔偿上限提高到五百万元，引入惩罚性赔偿。",
            "summary_en": "In force from 1 June 2021: statutory damages up to 5 million yuan, punitive damages.",
            "body": MATERIAL_BODY,
            "body_en": MATERIAL_BODY_EN,
        },
        now=_local(2021, 4, 20, 10, 0),
    )
    try:
        from copyguard.enforcement.pdf import PdfUnavailable, render_document

        leaflet = render_document(
            "publicity/pdf/leaflet.html", {"leaflet": LEAFLET, "title": LEAFLET["en"]["title"]}
        )
    except (ImportError, OSError, PdfUnavailable) as error:  # WeasyPrint's libraries missing
        logger.warning("publicity demo: the leaflet PDF could not be rendered: %s", error)
    else:
        articles.add_attachment(
            writer, article, SimpleUploadedFile("新著作权法要点.pdf", leaflet, "application/pdf")
        )
    articles.publish_article(head, article, now=_local(2021, 4, 25, 9, 0))
    return 1


def _coming(xinhui: Organisation, via: str) -> int:
    if (
        TrainingEvent.objects.filter(organiser=xinhui, title=COMING_TITLE)
        .exclude(status=EventStatus.CANCELLED)
        .exists()
    ):
        return 0
    writer, head = _actor(xinhui, Role.ANALYST, via), _actor(xinhui, Role.SUPERVISOR, via)
    day = timezone.localdate() + datetime.timedelta(days=30)
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(14, 30)))
    event = events.create_event(
        writer,
        xinhui,
        fields={
            "title": COMING_TITLE,
            "title_en": "Special training: intellectual property protection of technology-enabled enterprises",
            "description": "面向新会区企业：作品登记、软件正版化、员工与外包合同中的权属约定、网络侵权的发现与维权。\n\n名额有限，额满后进入候补名单。",
            "description_en": "For Xinhui enterprises: registering works, licensed software, ownership clauses in employee and contractor agreements, finding and acting against online infringement.\n\nPlaces are limited; when they are taken you join the waiting list.",
            "starts_at": starts,
            "ends_at": starts + datetime.timedelta(hours=2),
            "place": "江门市新会区",
            "capacity": 40,
            "audience": Audience.ENTERPRISES,
        },
    )
    events.publish_event(head, event)
    return 1


def load_demo_publicity(organisations: dict[str, Organisation], via: str = "cli") -> int:
    """Load what is missing of the publicity demo; returns how many articles and events it
    made."""
    jm = organisations["jm"]
    return (
        _training(jm, via)
        + _news(jm, via)
        + _material(jm, via)
        + _coming(organisations["xinhui"], via)
    )
