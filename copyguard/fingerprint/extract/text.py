"""Decoding plain text: which encoding, and how sure we are.

``decode_text(data)`` returns the text, the encoding and a confidence in [0, 1]. Order of
evidence, strongest first:

1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) — the bytes must then decode strictly;
2. NUL bytes: the pattern of NULs at even/odd positions identifies BOM-less UTF-16/32; any
   other NULs mean binary data;
3. pure ASCII, then strict UTF-8 (other encodings of real text are almost never valid UTF-8);
4. a charset the container declares (``<meta charset>``, the XML declaration), if it decodes
   to plausible text (scored as in 5; otherwise it only joins the candidates);
5. otherwise candidates — GB18030 (covers GBK/GB2312), Big5 (CP950), Windows-1252, BOM-less
   UTF-16 when the high bytes look like CJK, and whatever charset-normalizer proposes — are
   each decoded strictly on a sample and scored by how plausible their non-ASCII characters
   are: common Chinese characters (either script), kana, hangul, letters of one alphabet
   count for; rare ideographs, private-use code points, C1 controls and runs of accented
   Latin letters count against. The best one must also decode the whole input strictly.

The confidence is 1 for cases 1 to 4. For case 5 it grows with the score margin over the
runner-up and with the number of characters scored; under 0.9 the close runners-up are
listed in ``alternatives`` so a caller can say the guess was uncertain. Nothing decodes →
``ExtractionError("cannot determine the text encoding")``; control characters or NULs →
``ExtractionError("binary data, not text")``.
"""

from __future__ import annotations

import codecs
import functools
import math
import re
from dataclasses import dataclass, field

import numpy as np

from .limits import ExtractionError

__all__ = ["Decoded", "decode_text"]

SAMPLE_BYTES = 256 * 1024
MIN_SCORE = 0.3
DECLARED_SCORE = 0.45
CONFIDENT = 0.9

# Frequent Simplified Chinese characters; their Traditional forms are added with OpenCC, so
# the set recognises correctly decoded text of either script.
_COMMON_HANZI = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年"
    "过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心"
    "她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间"
    "由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给"
    "世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变"
    "四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社"
    "便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北"
    "边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济"
    "车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团"
    "集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企"
    "八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考"
    "落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音"
    "跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采"
    "举杀攻父苏密低朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普"
    "怕弹校苦创假久错承印晚兰试股拿脑预谁益阳若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆"
    "习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷洲冲射略范竟句室异激汉村哈策演简卡罪判担"
    "州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚善妈刘读啊超免压银买皇养伊怀执副乱"
    "抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶块顿敢守酒岛托央户烈洋哥索胡款靠评版"
    "宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括舰鱼杂误湾"
    "吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移娘朋画班智亦耳恩短掌恐遗固席松秘谢鲁遇康"
    "虑幸均销钟诗藏赶剧票损忽巨炮旧端探湖录叶春乡附吸予礼港雨呀板庭妇归睛饭额含顺输摇招婚脱补谓"
    "督毒油疗旅泽材灭逐莫笔亡鲜词圣择寻厂睡博勒烟授诺伦岸奥唐卖俄炸载洛健堂旁宫喝借君禁阴园谋宋"
    "避抓荣姑孙逃牙束跳顶玉镇雪午练迫爷篇肉嘴馆遍凡础洞卷坦牛宁纸诸训私庄祖丝翻暴森塔默握戏隐熟"
    "骨访弱蒙歌店鬼软典欲萨伙遭盘爸扩盖弄雄稳忘亿刺拥徒姆杨齐赛趣曲刀床迎冰虚玩析窗醒妻透购替塞"
    "努休虎扬途侵刑绿兄迅套贸毕唯谷轮库迹尤竞街促延震弃甲伟麻川申缓潜闪售灯针哲络抵朱埃抱鼓植纯"
    "夏忍页杰筑折郑贝尊吴秀混臣雅振染盛怒舞圆搞狂措姓残秋培迷诚宽宇猛摆梅毁伸摩盟末乃悲拍丁赵滑"
    "碰吐顺敬旦厚啦聚零谈晨饮汽驾抽洗签遥雾映浪珍陪夺孤吹阻翼拒柔嘛奖偏剩涌闭葡狗饱抢梁傅弗键辈"
    "辆叹酸贯仁谷甘唱秦巡恋骂暖虫赞腰误召蛋童坛仪缩泪佳扫爆辞桥惯逼鸡壁漫拔跨赏贴凯乘摸陷仙阅贫"
    "滚巧扶悉蓝猪呆忆耐堆脏辛尾颜诊俗奉宜羊棒欣甜洪恨扔祝壮疯逆宾姻纷炼粮绍欺蛇袋泥偷肥摄荡挂拖"
    "迟鸟恢纵奋肩慕箱胸刷隔菜峰怖脉啥坡舍昨仿衡轨扣辑咱姿井惜朗慧吨斤鼻蔡籍挤凭沿桌旋汇祥径锋堡"
    "唤葛惨谱旗懂搬吓泛稍盐掘灾冒吵亏漂锁绕秒淡慰厉蒂劝寄辩喊挺芬恒戴吞铺庆赖尺勇喂聊荷倍津扎霸"
    "聪拜孔溪坎瓦裂姨幻寒悄桃壳杯漠杆凤斜乌碎淘炉毅宪捕侧辑撤携肃乔缘哭娃姜抚蓄"
    "里于后发么只干台复制面系历划冲据术钟须才并几网价义当听说读写书汉语国学东车马门问间闻风飞"
)

_SCRIPT_WEIGHTS: tuple[tuple[int, int, float], ...] = (
    # (first, last, weight) for non-ASCII code points; everything else weighs 0.1
    (0x0080, 0x009F, -3.0),  # C1 controls: a single-byte decode of multi-byte text
    (0x00A0, 0x024F, 0.5),  # Latin-1 and Latin Extended (down-weighted in runs, below)
    (0x0370, 0x03FF, 0.6),  # Greek
    (0x0400, 0x04FF, 0.6),  # Cyrillic
    (0x0590, 0x06FF, 0.5),  # Hebrew, Arabic
    (0x0E00, 0x0E7F, 0.5),  # Thai
    (0x2000, 0x206F, 0.8),  # general punctuation: dashes, quotes, ellipsis
    (0x2100, 0x27BF, 0.3),  # symbols, arrows, box drawing, shapes
    (0x3000, 0x303F, 1.0),  # CJK punctuation
    (0x3040, 0x30FF, 0.7),  # kana (GB2312 row 4 too: Big5 text misread as GBK)
    (0x3100, 0x312F, 0.3),  # bopomofo
    (0x3400, 0x4DBF, 0.0),  # CJK extension A: rare
    (0x4E00, 0x9FFF, 0.25),  # CJK unified ideographs, not in the common list
    (0xAC00, 0xD7A3, 0.7),  # hangul syllables
    (0xE000, 0xF8FF, -2.0),  # private use: unmapped bytes of a wrong CJK codec
    (0xF900, 0xFAFF, 0.0),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F, 0.3),  # CJK vertical forms
    (0xFF01, 0xFF5E, 1.0),  # fullwidth ASCII
    (0xFF61, 0xFF9F, 0.2),  # halfwidth katakana: typical of Shift_JIS mis-decodes
    (0xFFE0, 0xFFE6, 0.8),  # fullwidth signs
    (0xFFFD, 0xFFFD, -3.0),  # replacement character
)
_LATIN_RUN_WEIGHT = 0.15
_CONTROL_WEIGHT = -3.0

# ASCII controls other than \t \n \v \f \r, SUB (DOS end of file) and ESC (terminal colours)
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1A), *range(0x1C, 0x20), 0x7F])
_ASCII_CONTROL_CP = np.array(list(_CONTROL_BYTES), dtype=np.uint32)
_CONTROL_RE = re.compile("[" + "".join(f"\\x{c:02x}" for c in _CONTROL_BYTES) + "]")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Declared or proposed names → the codec we decode with (supersets; WHATWG does the same).
_UPGRADE = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "hz": "gb18030",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "big5hkscs": "big5",
    "cp950": "big5",
}


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    confidence: float = 1.0
    bom: bool = False
    alternatives: list[str] = field(default_factory=list)


def decode_text(data: bytes, *, declared: str | None = None) -> Decoded:
    """Decode ``data`` as text, or raise :class:`ExtractionError` (see the module docstring).

    ``declared`` is a charset the container names (``<meta charset>``); it is used when the
    bytes are not valid UTF-8 and it decodes them strictly.
    """
    if not data:
        raise ExtractionError("empty file")
    for bom, name in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], name)
            if text is None:
                raise ExtractionError(f"invalid {name} text after its byte-order mark")
            _check_controls(text)
            return Decoded(text, name, bom=True)

    head = data[:SAMPLE_BYTES]
    wide = _wide_without_bom(head) if b"\x00" in head else None
    if wide is not None:
        text = _strict(data, wide)
        if text is not None:
            _check_controls(text)
            return Decoded(text, wide)
    if b"\x00" in data or _control_bytes(data) > len(data) // 1000:
        # Binary, unless it is CJK-only UTF-16 (whose low bytes look like anything).
        for name in _cjk_utf16_candidates(head):
            sample = _strict(head, name, final=len(head) == len(data))
            if sample is not None and _plausibility(sample)[0] >= 0.6:
                text = _strict(data, name)
                if text is not None:
                    _check_controls(text)
                    return Decoded(text, name)
        raise ExtractionError("binary data, not text")
    if data.isascii():
        return Decoded(data.decode("ascii"), "ascii")
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8")
    extra = []
    if declared:
        codec = _codec_name(declared)
        if codec is not None and codec not in ("utf-8", "utf-16-le", "utf-16-be"):
            as_declared = _strict(data, codec)
            # A wrong declaration (Big5 bytes labelled GBK) decodes too, to rare characters.
            if (
                as_declared is not None
                and _plausibility(as_declared[:SAMPLE_BYTES])[0] >= DECLARED_SCORE
            ):
                return Decoded(as_declared, codec)
            extra.append(codec)
    return _detect(data, head, extra)


def _detect(data: bytes, head: bytes, extra: list[str] | None = None) -> Decoded:
    final = len(head) == len(data)
    scored: list[tuple[float, int, str, str]] = []  # (score, characters scored, name, sample)
    names = _candidates(head)
    names += [name for name in extra or () if name not in names]
    for name in names:
        sample = _strict(head, name, final=final)
        if sample is None:
            continue
        score, n = _plausibility(sample)
        scored.append((score, n, name, sample))
    scored.sort(key=lambda s: s[0], reverse=True)
    for score, n, name, sample in scored:
        if score < MIN_SCORE:
            break
        text = sample if final else _strict(data, name)
        if text is None:
            continue
        if name.startswith("utf-16"):
            _check_controls(text)
        # Codecs that agree on these bytes (cp1252 and cp1250 on "café") are no rival.
        others = [s for s in scored if s[0] <= score and s[2] != name and s[3] != sample]
        margin = score - others[0][0] if others else score
        confidence = (1.0 - math.exp(-max(n, 1) * max(margin, 0.0) / 2.0)) * min(1.0, score / 0.6)
        confidence = round(confidence, 3)
        alternatives = []
        if confidence < CONFIDENT:
            alternatives = [s[2] for s in others if s[0] >= MIN_SCORE][:3]
        return Decoded(text, name, confidence=confidence, alternatives=alternatives)
    raise ExtractionError("cannot determine the text encoding")


def _candidates(head: bytes) -> list[str]:
    names = ["gb18030", "big5", "cp1252"]
    if len(head) % 2 == 0:
        names += _cjk_utf16_candidates(head)
    try:
        from charset_normalizer import from_bytes

        proposals = [match.encoding for match in from_bytes(head[:65536])]
    except Exception:  # a detector failure only loses proposals: the fixed candidates remain
        proposals = []
    for proposal in proposals[:5]:
        name = _codec_name(proposal)
        if name is not None and not name.startswith(("utf-16", "utf-32")) and name not in names:
            names.append(name)
    return names


def _codec_name(label: str) -> str | None:
    try:
        name = codecs.lookup(label.strip().lower()).name
    except (LookupError, ValueError):
        return None
    name = _UPGRADE.get(name, name)
    if name == "utf-8-sig":
        name = "utf-8"
    return name


def _strict(data: bytes, name: str, *, final: bool = True) -> str | None:
    """Strictly decode; for a sample cut mid-character (``final=False``) drop the tail."""
    # Plain Big5 first; CP950 adds the Microsoft extensions many Big5 files rely on.
    for codec in ("big5", "cp950") if name == "big5" else (name,):
        try:
            if final:
                return data.decode(codec, "strict")
            return codecs.getincrementaldecoder(codec)("strict").decode(data, final=False)
        except UnicodeDecodeError as error:
            # A file cut off inside its last character (a truncated download) keeps the rest.
            if final and error.end == len(data) and error.start >= len(data) - 3:
                try:
                    return data[: error.start].decode(codec, "strict")
                except UnicodeDecodeError:
                    continue
            continue
        except LookupError:
            continue
    return None


def _wide_without_bom(head: bytes) -> str | None:
    """UTF-16/32 without a BOM from where the NULs sit (mostly-ASCII or mixed text)."""
    n = len(head) - len(head) % 4
    if n < 4:
        return None
    b = np.frombuffer(head[:n], dtype=np.uint8) == 0
    lanes = [float(b[i::4].mean()) for i in range(4)]
    if lanes[2] > 0.9 and lanes[3] > 0.9 and lanes[1] > 0.3:
        return "utf-32-le"
    if lanes[0] > 0.9 and lanes[1] > 0.9 and lanes[2] > 0.3:
        return "utf-32-be"
    even, odd = (lanes[0] + lanes[2]) / 2, (lanes[1] + lanes[3]) / 2
    if odd >= 0.2 and even <= odd / 10:
        return "utf-16-le"
    if even >= 0.2 and odd <= even / 10:
        return "utf-16-be"
    return None


def _cjk_utf16_candidates(head: bytes) -> list[str]:
    """BOM-less UTF-16 without NULs: CJK-only text, whose high bytes fall in few ranges."""
    if len(head) < 4:
        return []
    b = np.frombuffer(head[: len(head) - len(head) % 2], dtype=np.uint8)
    found = []
    for name, high in (("utf-16-le", b[1::2]), ("utf-16-be", b[0::2])):
        plausible = (
            ((high >= 0x4E) & (high <= 0x9F)) | (high == 0x30) | (high == 0xFF) | (high == 0x20)
        )
        if plausible.mean() >= 0.9:
            found.append(name)
    return found


@functools.cache
def _weight_table() -> np.ndarray:
    table = np.full(0x10000, 0.1, dtype=np.float32)
    table[:0x80] = 0.0
    table[_ASCII_CONTROL_CP] = _CONTROL_WEIGHT
    for first, last, weight in _SCRIPT_WEIGHTS:
        table[first : last + 1] = weight
    common = set(_COMMON_HANZI)
    import opencc

    common |= set(opencc.OpenCC("s2t").convert(_COMMON_HANZI))
    common |= set(opencc.OpenCC("s2tw").convert(_COMMON_HANZI))
    table[np.array(sorted(ord(c) for c in common), dtype=np.int64)] = 1.0
    return table


def _plausibility(text: str) -> tuple[float, int]:
    """Mean weight of the informative characters (non-ASCII and controls), and their count."""
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    informative = (cp >= 0x80) | np.isin(cp, _ASCII_CONTROL_CP)
    n = int(np.count_nonzero(informative))
    if n == 0:
        return 1.0, 0
    table = _weight_table()
    weights = np.where(cp < 0x10000, table[np.minimum(cp, 0xFFFF)], 0.0)
    # Accented letters sit in words of ASCII letters, and alphabetic words end at a space;
    # runs of three accented letters, or of 25 Cyrillic ones, are a wrong single-byte codec.
    latin = (cp >= 0xA0) & (cp <= 0x24F)
    weights = np.where(_run_lengths(latin) >= 3, _LATIN_RUN_WEIGHT, weights)
    alphabetic = (cp >= 0x370) & (cp <= 0x6FF)
    weights = np.where(_run_lengths(alphabetic) >= 25, _LATIN_RUN_WEIGHT, weights)
    return float(weights[informative].mean()), n


def _run_lengths(mask: np.ndarray) -> np.ndarray:
    """For each True element, the length of the run of True it belongs to (0 elsewhere)."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.view(np.int8), [0]))))
    lengths = edges[1::2] - edges[0::2]
    out = np.zeros(len(mask), dtype=np.int64)
    out[mask] = np.repeat(lengths, lengths)
    return out


def _control_bytes(data: bytes) -> int:
    """Control bytes in ASCII-compatible data (they never occur inside multi-byte characters)."""
    return len(data) - len(data.translate(None, _CONTROL_BYTES))


def _check_controls(text: str) -> None:
    controls = len(_CONTROL_RE.findall(text))
    if controls > len(text) // 1000:
        raise ExtractionError("binary data, not text")
