# ruff: noqa: RUF001, RUF002, RUF003  (full-width CJK punctuation belongs in the Chinese text)
"""The draft of a typical case, written from the case record, and the redaction of names.

``draft_from_case(case)`` writes the title, facts, decision and significance in Chinese and
English from what the case record holds (its number, administration, origin, summary,
parties, facts, works, approved decisions with their amounts, the legal basis cited in the
decision's reasoning, the campaign and partner bureaus, the closing reason). The same record
always gives the same text; the supervisor edits it afterwards.

``party_terms(case)`` lists the names a public text must not show — each party's name, the
persons named inside it (``（经营者何明）``), its site or app and its domain — with the label
put in each one's place: ``某公司`` / "Company A", ``张某`` / "Zhang", ``某网站`` /
"Website A" (甲/乙/丙 and B, C … when there are several of a kind). ``redact(text, terms)``
replaces them, longest first, ignoring case for Latin letters; ``names_in(text, terms)``
says which still appear.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone, translation

from copyguard.enforcement.enums import CaseOrigin, DecisionKind, Measure, PartyRole
from copyguard.enforcement.models import Case, CaseParty
from copyguard.insights.typical.enums import TermKind
from copyguard.insights.typical.models import TEXT_FIELDS
from copyguard.works.enums import WorkCategory

__all__ = [
    "Draft",
    "TermSpec",
    "draft_from_case",
    "names_in",
    "party_terms",
    "redact",
    "surname_label",
]

ZH = "zh-hans"
EN = "en"


@dataclass
class Draft:
    title: str
    title_en: str
    facts: str
    facts_en: str
    decision: str
    decision_en: str
    significance: str
    significance_en: str
    year: int
    region_code: str
    work_category: str

    def texts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in TEXT_FIELDS}


@dataclass
class TermSpec:
    """A name to redact and what replaces it."""

    term: str
    kind: str
    label: str
    label_en: str
    party: CaseParty | None = field(default=None, compare=False)


# ------------------------------------------------------------------ formatting helpers


def _display(choice_label: object, language: str) -> str:
    with translation.override(language):
        return str(choice_label)


_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _english_date(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _number(value: Decimal) -> str:
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def _org(organisation: object, language: str) -> str:
    return organisation.display_name(language) if organisation is not None else ""  # type: ignore[attr-defined]


_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_CN_DIGITS.update({"八": 8, "九": 9})


def chinese_number(text: str) -> int | None:
    """``五十三`` → 53, ``一百二十四`` → 124, ``十`` → 10 (articles of a law)."""
    total, current = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    total += current
    return total or None


_ARTICLE = re.compile(r"第([零一二两三四五六七八九十百]+)条")


def cited_articles(reasoning: str) -> list[int]:
    """The articles of the Copyright Law a decision's reasoning cites, in order."""
    if "著作权法" not in reasoning:
        return []
    found: list[int] = []
    for match in _ARTICLE.finditer(reasoning):
        number = chinese_number(match.group(1))
        if number is not None and number not in found:
            found.append(number)
    return found


# ------------------------------------------------------------------ the draft


def _year(case: Case) -> int:
    moment = case.closed_at or case.opened_at
    return timezone.localtime(moment).year


def _work_category(case: Case) -> str:
    counts = Counter(case.works.order_by("pk").values_list("category", flat=True))
    if not counts:
        return ""
    return counts.most_common(1)[0][0]


def _party_phrase(party: CaseParty, language: str) -> str:
    role = _display(PartyRole(party.role).label, language)
    domain = f", {party.domain}" if party.domain and language == EN else ""
    if party.domain and language != EN:
        domain = f"，{party.domain}"
    return f"{party.name}（{role}{domain}）" if language != EN else f"{party.name} ({role}{domain})"


def _facts(case: Case, language: str) -> str:
    admin = _org(case.administration, language)
    origin = _display(CaseOrigin(case.origin).label, language)
    opened = timezone.localtime(case.opened_at).date()
    parties = list(case.parties.order_by("role", "pk"))
    facts = list(case.facts.order_by("measure"))
    works = list(case.works.order_by("pk"))
    paragraphs: list[str] = []
    if language == EN:
        paragraphs.append(
            f"On {_english_date(opened)}, {admin} opened case {case.number} ({origin.lower()})."
        )
        if parties:
            paragraphs.append(
                "The parties: " + "; ".join(_party_phrase(p, EN) for p in parties) + "."
            )
        if facts:
            paragraphs.append(
                "Facts established: "
                + "; ".join(
                    f"{_display(Measure(f.measure).label, EN)}: {_number(f.value)}" for f in facts
                )
                + "."
            )
        if works:
            paragraphs.append(
                "Works concerned: "
                + "; ".join(
                    f"{w.title} ({_display(WorkCategory(w.category).label, EN)})" for w in works
                )
                + "."
            )
        if case.online:
            paragraphs.append("The works were disseminated over information networks.")
        return "\n\n".join(paragraphs)
    paragraphs.append(
        f"{opened.year}年{opened.month}月{opened.day}日，{admin}立案调查（{origin}，"
        f"案号 {case.number}）。"
    )
    if case.summary.strip():
        paragraphs.append(case.summary.strip())
    if parties:
        paragraphs.append("当事人：" + "；".join(_party_phrase(p, ZH) for p in parties) + "。")
    if facts:
        paragraphs.append(
            "经查明："
            + "；".join(
                f"{_display(Measure(f.measure).label, ZH)}{_number(f.value)}" for f in facts
            )
            + "。"
        )
    if works:
        paragraphs.append(
            "涉案作品："
            + "；".join(
                f"《{w.title}》（{_display(WorkCategory(w.category).label, ZH)}）" for w in works
            )
            + "。"
        )
    return "\n\n".join(paragraphs)


def _penalty(decision: object, language: str) -> str:
    kind = decision.kind  # type: ignore[attr-defined]
    label = _display(DecisionKind(kind).label, language)
    amount = decision.amount  # type: ignore[attr-defined]
    copies = decision.copies  # type: ignore[attr-defined]
    if language == EN:
        if amount is not None and kind in (DecisionKind.FINE, DecisionKind.CONFISCATE_GAINS):
            return f"{label}: {_money(amount)} yuan"
        if copies is not None and kind == DecisionKind.CONFISCATE_COPIES:
            return f"{label}: {copies} copies"
        return label
    if amount is not None and kind in (DecisionKind.FINE, DecisionKind.CONFISCATE_GAINS):
        return f"{label} {_money(amount)} 元"
    if copies is not None and kind == DecisionKind.CONFISCATE_COPIES:
        return f"{label} {copies} 件"
    return label


def _decision(case: Case, language: str) -> str:
    admin = _org(case.administration, language)
    decisions = list(case.decisions.exclude(approved_by=None).order_by("pk"))
    reasonings: list[str] = []
    for decision in decisions:
        text = decision.reasoning.strip()
        if text and text not in reasonings:
            reasonings.append(text)
    articles: list[int] = []
    for text in reasonings:
        articles += [a for a in cited_articles(text) if a not in articles]
    paragraphs: list[str] = []
    if language == EN:
        if decisions:
            day = timezone.localtime(decisions[-1].decided_at).date()
            paragraphs.append(
                f"On {_english_date(day)}, {admin} decided: "
                + "; ".join(_penalty(d, EN) for d in decisions)
                + "."
            )
            if articles:
                listed = ", ".join(str(a) for a in articles)
                noun = "Article" if len(articles) == 1 else "Articles"
                paragraphs.append(
                    "Legal basis cited in the decision: Copyright Law of the People's "
                    f"Republic of China, {noun} {listed}."
                )
        else:
            paragraphs.append(f"{admin} closed the case without an administrative penalty.")
        if case.closed_at:
            closed = timezone.localtime(case.closed_at).date()
            paragraphs.append(f"The case was closed on {_english_date(closed)}.")
        return "\n\n".join(paragraphs)
    if decisions:
        day = timezone.localtime(decisions[-1].decided_at).date()
        paragraphs.append(
            f"{day.year}年{day.month}月{day.day}日，{admin}作出行政处罚决定："
            + "；".join(_penalty(d, ZH) for d in decisions)
            + "。"
        )
        if reasonings:
            paragraphs.append("处罚理由和法律依据：" + "\n".join(reasonings))
    else:
        paragraphs.append(f"{admin}未作出行政处罚决定。")
    if case.closing_reason.strip():
        paragraphs.append("结案情况：" + case.closing_reason.strip())
    return "\n\n".join(paragraphs)


def _significance(case: Case, language: str) -> str:
    admin = _org(case.administration, language)
    partners = [_org(p, language) for p in case.partners.order_by("pk")]
    campaign = case.campaign
    sentences: list[str] = []
    if language == EN:
        if campaign is not None:
            name = campaign.name_en or campaign.name
            sentences.append(f"The case was handled in the special campaign “{name}”.")
        if partners:
            sentences.append(
                f"{admin} handled it jointly with {', '.join(partners)}, an example of "
                "cooperation between regions."
            )
        if case.online:
            sentences.append(
                "It shows that disseminating others' works over information networks without "
                "permission is investigated and penalised like any other infringement."
            )
        sentences.append(
            "Its handling protected the rights holder's lawful interests and serves as a "
            "warning against similar infringements."
        )
        return " ".join(sentences)
    if campaign is not None:
        sentences.append(f"本案系“{campaign.name.strip('“”')}”中查办的案件。")
    if partners:
        sentences.append(f"本案由{admin}会同{'、'.join(partners)}联合办理，体现了跨区域执法协作。")
    if case.online:
        sentences.append("本案表明，未经许可通过信息网络传播他人作品的行为同样会被依法查处。")
    sentences.append("本案的查处维护了权利人的合法权益，对同类侵权行为具有警示作用。")
    return "".join(sentences)


def _title_en(case: Case, year: int, category: str) -> str:
    admin = _org(case.administration, EN)
    kind = "Online copyright infringement" if case.online else "Copyright infringement"
    title = f"{kind} case handled by {admin} ({year})"
    if category:
        title += f": {_display(WorkCategory(category).label, EN).lower()}"
    return title


def draft_from_case(case: Case) -> Draft:
    """The public text of ``case`` in both languages, before redaction."""
    year = _year(case)
    category = _work_category(case)
    return Draft(
        title=case.title,
        title_en=_title_en(case, year, category),
        facts=_facts(case, ZH),
        facts_en=_facts(case, EN),
        decision=_decision(case, ZH),
        decision_en=_decision(case, EN),
        significance=_significance(case, ZH),
        significance_en=_significance(case, EN),
        year=year,
        region_code=case.administration.region_code or "",
        work_category=category,
    )


# ------------------------------------------------------------------ names and labels

_COMPANY_NOUNS = (
    ("有限责任公司", "公司"),
    ("股份有限公司", "公司"),
    ("公司", "公司"),
    ("工作室", "工作室"),
    ("出版社", "出版社"),
    ("书苑", "出版社"),
    ("商行", "商行"),
    ("网吧", "网吧"),
    ("店", "店"),
    ("厂", "厂"),
    ("中心", "中心"),
)
_LATIN_COMPANY = re.compile(r"\b(ltd|limited|co|inc|llc|gmbh|corp|studio|press|media)\b", re.I)
_HAN_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,4}$")
_EMBEDDED_PERSON = re.compile(
    r"[（(](?:经营者|法定代表人|负责人|实际控制人|股东)[：:\s]*([\u4e00-\u9fff]{2,4})[）)]"
)
_SERIAL_ZH = "甲乙丙丁戊己庚辛壬癸"
_SERIAL_EN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# Pinyin of the most common Chinese surnames, for the English label of a person.
SURNAMES = {
    "王": "Wang", "李": "Li", "张": "Zhang", "刘": "Liu", "陈": "Chen", "杨": "Yang",
    "黄": "Huang", "赵": "Zhao", "吴": "Wu", "周": "Zhou", "徐": "Xu", "孙": "Sun",
    "马": "Ma", "朱": "Zhu", "胡": "Hu", "郭": "Guo", "何": "He", "高": "Gao", "林": "Lin",
    "罗": "Luo", "郑": "Zheng", "梁": "Liang", "谢": "Xie", "宋": "Song", "唐": "Tang",
    "许": "Xu", "韩": "Han", "冯": "Feng", "邓": "Deng", "曹": "Cao", "彭": "Peng",
    "曾": "Zeng", "肖": "Xiao", "田": "Tian", "董": "Dong", "袁": "Yuan", "潘": "Pan",
    "于": "Yu", "蒋": "Jiang", "蔡": "Cai", "余": "Yu", "杜": "Du", "叶": "Ye", "程": "Cheng",
    "苏": "Su", "魏": "Wei", "吕": "Lü", "丁": "Ding", "任": "Ren", "沈": "Shen",
    "姚": "Yao", "卢": "Lu", "姜": "Jiang", "崔": "Cui", "钟": "Zhong", "谭": "Tan",
    "陆": "Lu", "汪": "Wang", "范": "Fan", "金": "Jin", "石": "Shi", "廖": "Liao",
    "贾": "Jia", "夏": "Xia", "韦": "Wei", "付": "Fu", "方": "Fang", "白": "Bai",
    "邹": "Zou", "孟": "Meng", "熊": "Xiong", "秦": "Qin", "邱": "Qiu", "江": "Jiang",
    "尹": "Yin", "薛": "Xue", "闫": "Yan", "段": "Duan", "雷": "Lei", "侯": "Hou",
    "龙": "Long", "史": "Shi", "陶": "Tao", "黎": "Li", "贺": "He", "顾": "Gu", "毛": "Mao",
    "郝": "Hao", "龚": "Gong", "邵": "Shao", "万": "Wan", "钱": "Qian", "严": "Yan",
    "覃": "Qin", "武": "Wu", "戴": "Dai", "莫": "Mo", "孔": "Kong", "向": "Xiang",
    "汤": "Tang", "欧阳": "Ouyang", "司马": "Sima", "诸葛": "Zhuge", "上官": "Shangguan",
}  # fmt: skip


def _looks_like_company(name: str) -> bool:
    return any(noun in name for noun, _label in _COMPANY_NOUNS) or bool(_LATIN_COMPANY.search(name))


def classify(name: str, role: str = "") -> str:
    """Whether a party's name names a person, a company, a site or something else."""
    if role == PartyRole.SITE:
        return TermKind.SITE
    if _looks_like_company(name):
        return TermKind.COMPANY
    if _HAN_NAME.match(name):
        return TermKind.PERSON
    if role in (PartyRole.PLATFORM,):
        return TermKind.SITE
    if role in (PartyRole.RIGHTS_HOLDER, PartyRole.INFRINGER):
        return TermKind.COMPANY
    return TermKind.OTHER


def _surname(name: str) -> str:
    for length in (2, 1):
        if name[:length] in SURNAMES:
            return name[:length]
    return name[:1]


def surname_label(name: str) -> tuple[str, str]:
    """``张三`` → (``张某``, ``Zhang``); a surname without known pinyin → (``X某``, "")."""
    surname = _surname(name)
    return f"{surname}某", SURNAMES.get(surname, "")


def _company_noun(name: str) -> str:
    for noun, label in _COMPANY_NOUNS:
        if noun in name:
            return label
    return "公司"


def group_of(kind: str, name: str) -> str:
    """Labels are numbered within a group: companies by their noun (公司, 出版社 …)."""
    return f"{kind}:{_company_noun(name)}" if kind == TermKind.COMPANY else kind


class _Labeller:
    """Hands out labels: the first of a kind 某…/A, the next 乙…/B, and so on; when there
    are several of a kind the first becomes 甲… so the text reads 甲公司 … 乙公司."""

    def __init__(self, total: Counter[str]) -> None:
        self.total = total
        self.used: Counter[str] = Counter()
        self.persons: Counter[str] = Counter()

    def _serial(self, kind: str) -> tuple[str, str]:
        index = self.used[kind]
        self.used[kind] += 1
        several = self.total[kind] > 1
        zh = _SERIAL_ZH[index % len(_SERIAL_ZH)] if several else "某"
        return zh, _SERIAL_EN[index % len(_SERIAL_EN)]

    def label(self, kind: str, name: str) -> tuple[str, str]:
        if kind == TermKind.PERSON:
            zh, en = surname_label(name)
            self.persons[zh] += 1
            count = self.persons[zh]
            if not en:
                _prefix, letter = self._serial(TermKind.PERSON)
                en = f"Person {letter}"
            if count > 1:
                zh, en = f"{zh}{_SERIAL_ZH[count - 1]}", f"{en} ({count})"
            return zh, en
        prefix, letter = self._serial(group_of(kind, name))
        if kind == TermKind.COMPANY:
            noun = _company_noun(name)
            english = "Publisher" if noun == "出版社" else "Company"
            return f"{prefix}{noun}", f"{english} {letter}"
        if kind == TermKind.SITE:
            return f"{prefix}网站", f"Website {letter}"
        return f"{prefix}当事人", f"Party {letter}"


def party_terms(case: Case) -> list[TermSpec]:
    """The names of ``case``'s parties to redact, each with its label (a party's name, the
    persons named inside it, its domain: all with the party's label)."""
    parties = list(case.parties.order_by("role", "pk"))
    kinds = {party.pk: classify(party.name, party.role) for party in parties}
    labeller = _Labeller(Counter(group_of(kinds[p.pk], p.name) for p in parties))
    specs: list[TermSpec] = []
    seen: set[str] = set()

    def add(term: str, kind: str, label: tuple[str, str], party: CaseParty) -> None:
        term = term.strip()
        if len(term) < 2 or term.casefold() in seen:
            return
        # A name already written as a label (an officer typed 某公司 or 何某) names nobody.
        if (len(term) <= 6 and "某" in term) or any(
            term.casefold() in text.casefold() for text in label
        ):
            return
        seen.add(term.casefold())
        specs.append(TermSpec(term, kind, label[0], label[1], party))

    for party in parties:
        kind = kinds[party.pk]
        label = labeller.label(kind, party.name)
        add(party.name, kind, label, party)
        # The name without its parenthesised remark: 某工作室（经营者何明） → 某工作室.
        bare = re.sub(r"[（(][^）)]*[）)]", "", party.name).strip()
        if bare != party.name:
            add(bare, kind, label, party)
        for match in _EMBEDDED_PERSON.finditer(party.name):
            person = match.group(1)
            if not person.endswith("某"):
                add(person, TermKind.PERSON, labeller.label(TermKind.PERSON, person), party)
        if party.domain:
            add(party.domain, TermKind.SITE, label, party)
        if party.organisation_id is not None:
            organisation = party.organisation
            assert organisation is not None
            add(organisation.name, kind, label, party)
            if organisation.name_en:
                add(organisation.name_en, kind, label, party)
    return specs


def _pattern(term: str) -> re.Pattern[str]:
    return re.compile(re.escape(term), re.IGNORECASE)


def redact(text: str, terms: Iterable[tuple[str, str]]) -> str:
    """``text`` with each (term, label) replaced, the longest terms first."""
    pairs = [(term, label) for term, label in terms if term]
    for term, label in sorted(pairs, key=lambda pair: -len(pair[0])):
        text = _pattern(term).sub(label, text)
    # A site and its domain share a label: "某网站（某网站）" reads "某网站".
    for label in {label for _term, label in pairs if label}:
        quoted = re.escape(label)
        text = re.sub(rf"{quoted}\s?[（(]{quoted}[）)]", label, text)
        text = re.sub(rf"({quoted}\s?[（(][^（）()]*?)[，,]\s?{quoted}([）)])", r"\1\2", text)
    return text


def names_in(text: str, terms: Sequence[str]) -> list[str]:
    """The terms that still appear in ``text`` (ignoring case)."""
    folded = text.casefold()
    return [term for term in terms if term and term.casefold() in folded]
