# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""Demo data of the works registry: registered works with certificates, and the queue.

Loaded by ``copyguard.demo.load_demo`` after the demo organisations and log-ins:

- seven works of the demo publishers and the enterprise (Chinese prose, an English story
  opening, a software work with its source deposit, a photograph and a tune), registered by
  the Jiangmen bureau's registrar, each with its certificate (the PDF is rendered by the
  worker); the photograph and the tune are made from a seed (``copyguard.works.samples``),
  so that monitoring has pictures and sound to find;
- a Traditional-script copy of one of them, submitted by another publisher and waiting in
  the examination queue with the conflict the check found;
- an application returned with the registrar's reasons, and a draft;
- an approved licence and an approved pledge, so public verification shows them.

Every text was written for the demo. Everything goes through the registry's actions as the
demo accounts (the audit log and the ledger show it); a work is identified by its owner and
title, so loading again creates nothing new.
"""

from __future__ import annotations

import datetime
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from copyguard.accounts.audit import Actor
from copyguard.accounts.enums import Role
from copyguard.accounts.models import Membership, Organisation, User
from copyguard.works import actions, registry_index
from copyguard.works.actions.drafts import AuthorData
from copyguard.works.checks import run_check
from copyguard.works.enums import RegistrationStatus
from copyguard.works.models import Registration, Work
from copyguard.works.ownership import actions as ownership
from copyguard.works.ownership.enums import RecordKind
from copyguard.works.ownership.models import OwnershipRecord
from copyguard.works.samples import landscape_png, tune_wav

__all__ = ["REGISTRAR_OF", "DemoWork", "load_demo_works"]

# The demo administration whose registrar examines every demo application (Jiangmen).
REGISTRAR_OF = "jm"

ARCADE_RAIN = textwrap.dedent(
    """\
    骑楼下的雨季

    江门的雨总是从午后开始。先是珠西的天边压过来一层铅灰色的云，接着骑楼顶上的瓦片响起细碎的声音，
    不到一刻钟，整条长堤路就被雨帘罩住了。街上的人并不慌张，他们只是往骑楼的廊柱下退一步，
    收起手里的报纸，看着雨水沿着廊檐连成一串串透明的珠子。

    外婆说，骑楼是为了雨而造的。一百年前，从金山和南洋回来的侨胞把钱寄回家乡，
    在江边盖起一排排两三层的楼房，楼下让出一条有顶的走廊，晴天遮阳，雨天挡水，
    行人和挑担的小贩都能从这头走到那头，一滴雨也淋不着。她年轻时在廊下摆过凉茶摊，
    一只铜壶，几只粗瓷碗，雨越大，来喝茶的人越多。

    我小时候最喜欢蹲在廊柱旁数雨。雨点落进石板缝里，溅起的水花像一朵朵开了就谢的白花。
    对面的裁缝铺亮着昏黄的灯，老师傅戴着老花镜踩缝纫机，机器的哒哒声和雨声混在一起，
    听久了竟分不清哪一种更急。有时候一只湿透的麻雀飞进廊下，抖一抖翅膀，
    歪着头看我，好像在问这场雨什么时候停。

    后来我去了北方读书，那里的雨来得少，去得也快，落在柏油路上只留下一片深色，
    太阳一出来就什么都不剩了。我常常在宿舍里想起骑楼下的雨季，想起铜壶里冒出的白气，
    想起外婆把凉茶递给陌生人时说的那句话：雨大，歇一歇再走。

    今年夏天回到江门，长堤路修整一新，廊柱刷了米黄色的漆，裁缝铺改成了咖啡馆。
    午后照旧下起雨来，我站在廊下，看游客举着手机拍雨中的老街。雨还是那样的雨，
    落在瓦上，落在石板上，落在一百年前侨胞们亲手砌起的屋檐上。我忽然明白，
    骑楼留住的不只是行人，还有一座城市在雨里慢慢说出的往事。
    """
)

LIGHTHOUSE = textwrap.dedent(
    """\
    The Lighthouse Keeper's Ledger

    On the morning the supply boat failed to come, Mei Lan opened the ledger to a clean
    page and wrote the date at the top in her grandfather's careful hand. Below it she wrote
    nothing at all. For forty-one years the keepers of Shangchuan Light had recorded the
    wind, the weather, the ships that passed and the oil that burned, and never once had a
    page been left empty. She sat with the pen above the paper until the ink dried on the
    nib.

    The sea below the rocks was flat and grey, the colour of an old coin. No wind. No ships.
    The radio had been silent since midnight, not with the hiss of a dead battery but with a
    deliberate quiet, as if someone on the mainland had reached out and laid a hand over the
    speaker.

    She climbed the hundred and twelve steps to the lamp room, counting them the way her
    grandfather had taught her, and wiped the salt from the great lens with a square of
    chamois. Through the glass the island looked smaller than it had the day before. The
    fishing huts on the western beach stood with their doors open. The nets were hung to dry,
    but there was no one mending them.

    It was then that she noticed the second lighthouse. It stood on the far headland where
    there had only ever been scrub and goats, a white tower exactly like her own, and at its
    top a figure in a blue coat was wiping the salt from a lens, slowly, with a square of
    chamois, and looking back at her.
    """
)

SOUTH_LAKE = textwrap.dedent(
    """\
    南湖菱歌

    秋分一过，南湖的菱角就熟了。清早的湖面浮着一层薄雾，采菱的船是椭圆形的木盆，
    只容得下一个人盘腿坐着。采菱人用双手轻轻拨水，木盆便打着转儿滑进菱叶丛里，
    翻开一片片油绿的叶子，底下藏着两角弯弯、青里透红的菱角。

    祖母采了一辈子菱。她说南湖的菱没有角，是因为从前有位皇帝嫌菱角扎手，
    湖里的菱便一夜之间把角收了回去。我知道这是故事，可每次剥开一只圆滚滚的无角菱，
    还是忍不住想，是不是连湖水也懂得体贴人。

    采菱的时候要唱歌。歌词是祖母的祖母传下来的，一句一句没有谱，全凭嗓子记着：
    菱叶青，菱花白，湖上的姑娘划盆来。唱到一半，远处别家的木盆里也有人接上，
    歌声在雾里飘来飘去，分不清是哪一家的。等到太阳升高，雾散了，
    满湖的木盆像一片片落叶，载着一湖的歌声慢慢往岸边靠。

    如今湖边盖起了高楼，采菱的人少了，每年秋天倒有许多城里的孩子来学划木盆。
    他们坐不稳，常常在原地打转，笑得前仰后合。祖母坐在岸边的竹椅上看着，
    有时候会轻轻哼起那支老歌。风从湖面吹过来，把歌声送得很远很远。
    """
)

ARCHIVE_MANUAL = textwrap.dedent(
    """\
    侨批档案数字化操作手册（第一版）

    一、适用范围
    本手册适用于本公司承接的侨批、侨汇单据及相关书信的数字化加工，
    规定了接收、清点、扫描、著录、校对和归还各环节的操作要求。

    二、接收与清点
    档案入库时由两名工作人员共同清点，逐件核对件数、页数和保存状况，
    发现破损、霉变、粘连的，单独装袋并在交接清单上注明，不得自行揭开或修补。

    三、扫描
    书信类档案采用非接触式顶置扫描仪，分辨率不低于四百像素每英寸，
    色彩模式为二十四位真彩色。信封正反面、信笺每一页及附件均须扫描，
    折叠的信笺应在修复人员指导下展平后扫描，不得强行压平。

    四、著录
    著录项目包括寄信人、收信人、寄出地、收件地、日期、金额和批局名称。
    日期按原件照录，另在备注中换算为公历；字迹无法辨认的，以方框代替，不得臆补。

    五、校对与归还
    著录完成后由另一名工作人员逐项校对，差错率不得超过千分之二。
    原件按原顺序装回档案盒，经双方签字确认后归还委托单位。
    """
)

COLD_CHAIN = textwrap.dedent(
    '''\
    """Wuyi Cold Chain Monitor: temperature alarms for refrigerated delivery vans.

    Each van reports one reading a minute. A reading outside the product's band raises a
    warning; three in a row raise an alarm for the dispatcher.
    """

    from __future__ import annotations

    import csv
    import statistics
    import sys
    from dataclasses import dataclass, field
    from datetime import datetime

    BANDS = {
        "frozen": (-25.0, -15.0),
        "chilled": (0.0, 4.0),
        "fresh": (2.0, 8.0),
    }
    ALARM_AFTER = 3


    @dataclass
    class Van:
        plate: str
        product: str
        readings: list[tuple[datetime, float]] = field(default_factory=list)
        outside: int = 0
        alarms: list[datetime] = field(default_factory=list)

        def record(self, at: datetime, celsius: float) -> str:
            low, high = BANDS[self.product]
            self.readings.append((at, celsius))
            if low <= celsius <= high:
                self.outside = 0
                return "ok"
            self.outside += 1
            if self.outside == ALARM_AFTER:
                self.alarms.append(at)
                return "alarm"
            return "warning"

        def summary(self) -> str:
            values = [c for _at, c in self.readings]
            if not values:
                return f"{self.plate}: no readings"
            return (
                f"{self.plate} ({self.product}): {len(values)} readings, "
                f"mean {statistics.fmean(values):.1f} C, "
                f"min {min(values):.1f} C, max {max(values):.1f} C, "
                f"{len(self.alarms)} alarm(s)"
            )


    def read_log(path: str) -> dict[str, Van]:
        """Readings from a CSV log with columns plate, product, time, celsius."""
        vans: dict[str, Van] = {}
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                plate = row["plate"].strip().upper()
                van = vans.setdefault(plate, Van(plate, row["product"].strip()))
                at = datetime.fromisoformat(row["time"])
                state = van.record(at, float(row["celsius"]))
                if state == "alarm":
                    print(f"ALARM {plate} at {at:%H:%M}: {row['celsius']} C", file=sys.stderr)
        return vans


    def main(argv: list[str]) -> int:
        if len(argv) != 1:
            print("usage: coldchain LOG.csv", file=sys.stderr)
            return 2
        vans = read_log(argv[0])
        for plate in sorted(vans):
            print(vans[plate].summary())
        return 1 if any(van.alarms for van in vans.values()) else 0


    if __name__ == "__main__":
        sys.exit(main(sys.argv[1:]))
    '''
)

TOUR_SCRIPT = textwrap.dedent(
    """\
    五邑侨乡旅游导览解说词

    各位游客，欢迎来到开平碉楼与村落。眼前这片稻田里错落矗立的高楼，
    就是被列入世界文化遗产的开平碉楼。它们大多建于二十世纪初，
    由远渡重洋的华侨寄钱回乡修建，既用来防御盗匪和洪水，也寄托着游子对家乡的牵挂。

    请大家注意碉楼顶部的样式：有的是罗马式的穹顶，有的是哥特式的尖拱，
    还有的是中国传统的硬山顶。华侨们把在异国看到的建筑样式带了回来，
    和本地的青砖、灰塑结合在一起，形成了独一无二的中西合璧风格。

    接下来我们将步行前往村口的更楼。沿途请注意脚下的田埂，
    拍照时不要踩踏稻田。更楼二层保存着当年的铜锣和值更簿，
    解说员会为大家讲述村民轮流守夜、鸣锣报警的故事。
    """
)

NIGHT_RIVER = textwrap.dedent(
    """\
    珠江夜航（暂定名）

    第一章

    船开出白鹅潭的时候，两岸的灯刚好一齐亮起来。阿娟靠在船舷上，
    看着水面被灯光切成一条一条的金色，心里盘算着明天早上的那场面试。
    她在这座城市住了六年，却是第一次坐夜游船，票是房东太太塞给她的，
    说是朋友送的，自己腿脚不便，去不了。
    """
)


@dataclass(frozen=True)
class DemoWork:
    """One demo application: whose it is, what it holds, and how far it goes."""

    owner: str
    title: str
    file_name: str
    text: str
    authors: tuple[AuthorData, ...]
    fields: dict[str, Any]
    outcome: str  # "registered", "submitted", "returned" or "draft"
    software: dict[str, Any] | None = None
    return_reasons: str = ""
    # A picture or sound file instead of the text: its bytes, made when the work is loaded.
    content: Callable[[], bytes] | None = None

    def file_bytes(self) -> bytes:
        return self.content() if self.content is not None else self.text.encode("utf-8")


def _traditional(text: str) -> str:
    import opencc

    return str(opencc.OpenCC("s2t").convert(text))


def _published(on: str, place: str) -> dict[str, Any]:
    return {
        "publication_status": "published",
        "first_published_on": datetime.date.fromisoformat(on),
        "first_published_place": place,
    }


def demo_works() -> tuple[DemoWork, ...]:
    """The demo applications in the order they are loaded (originals before the copy)."""
    return (
        DemoWork(
            "pearl-tide", "骑楼下的雨季", "qilou-yuji.txt", ARCADE_RAIN,
            ({"real_name": "梁嘉怡", "pen_name": "江门阿嘉"},),
            {
                "rights_obtained": "assignment",
                "completed_on": datetime.date(2025, 9, 18),
                "completed_place": "广东省江门市",
                **_published("2025-11-02", "广州"),
                "originality_statement": "作者根据童年在江门长堤路骑楼下的生活记忆独立创作的散文，"
                "出版社经作者书面转让取得著作财产权。",
            },
            "registered",
        ),
        DemoWork(
            "pearl-tide", "The Lighthouse Keeper's Ledger", "lighthouse-ch1.txt", LIGHTHOUSE,
            ({"real_name": "Chen Wenbo", "pen_name": "W. B. Chen"},),
            {
                "rights_obtained": "commissioned",
                "completed_on": datetime.date(2026, 3, 7),
                "completed_place": "Guangzhou, Guangdong",
                "publication_status": "unpublished",
                "originality_statement": "The opening chapter of a novel written by the author "
                "under a commission of the press.",
            },
            "registered",
        ),
        DemoWork(
            "nanhu-books", "南湖菱歌", "nanhu-lingge.txt", SOUTH_LAKE,
            ({"real_name": "周静", "pen_name": "禾城周静"},),
            {
                "rights_obtained": "assignment",
                "completed_on": datetime.date(2025, 10, 1),
                "completed_place": "浙江省嘉兴市",
                **_published("2026-01-15", "嘉兴"),
                "originality_statement": "作者以嘉兴南湖采菱习俗为题材独立创作的散文。",
            },
            "registered",
        ),
        DemoWork(
            "qiaoxiang", "侨批档案数字化操作手册", "qiaopi-manual.txt", ARCHIVE_MANUAL,
            ({"real_name": "江门侨乡数字科技有限公司", "kind": "organisation"},),
            {
                "rights_obtained": "employment",
                "completed_on": datetime.date(2026, 2, 20),
                "completed_place": "广东省江门市",
                "publication_status": "unpublished",
                "originality_statement": "公司档案数字化项目组在工作中编写的内部操作规范，"
                "由公司主持并承担责任。",
            },
            "registered",
        ),
        DemoWork(
            "qiaoxiang", "五邑冷链温度监测软件 V1.0", "coldchain.py", COLD_CHAIN,
            ({"real_name": "江门侨乡数字科技有限公司", "kind": "organisation"},),
            {
                "category": "software",
                "rights_obtained": "original",
                "completed_on": datetime.date(2026, 4, 30),
                "completed_place": "广东省江门市",
                "publication_status": "unpublished",
            },
            "registered",
            software={
                "name": "五邑冷链温度监测软件",
                "version": "V1.0",
                "development_mode": "original",
                "programming_language": "Python 3.11",
                "hardware_environment": "x86-64 服务器，2 核 4 GB 内存",
                "software_environment": "Linux，Python 3.11",
                "main_features": "读取冷藏车每分钟上报的温度记录，按货品温区判断告警，"
                "连续三次越界时通知调度员，并输出每辆车的温度统计。",
            },
        ),
        DemoWork(
            "pearl-tide", "长堤晨雾", "changdi-chenwu.png", "",
            ({"real_name": "梁嘉怡"},),
            {
                "category": "photography",
                "rights_obtained": "original",
                "completed_on": datetime.date(2026, 4, 12),
                "completed_place": "广东省江门市",
                **_published("2026-05-01", "江门"),
                "originality_statement": "作者清晨在江边拍摄的风景摄影作品。",
            },
            "registered",
            content=lambda: landscape_png(2026),
        ),
        DemoWork(
            "nanhu-books", "采菱小调", "cailing-xiaodiao.wav", "",
            ({"real_name": "周静"},),
            {
                "category": "music",
                "rights_obtained": "assignment",
                "completed_on": datetime.date(2026, 2, 2),
                "completed_place": "浙江省嘉兴市",
                "publication_status": "unpublished",
                "originality_statement": "作者为散文《南湖菱歌》配写的器乐小调。",
            },
            "registered",
            content=lambda: tune_wav(2026, seconds=20.0),
        ),
        # Another publisher applies for the first essay in Traditional script.
        DemoWork(
            "nanhu-books", _traditional("骑楼下的雨季"), "qilou-yuji-fanti.txt",
            _traditional(ARCADE_RAIN),
            ({"real_name": "吴勇", "pen_name": "雨巷"},),
            {
                "rights_obtained": "original",
                "completed_on": datetime.date(2026, 5, 20),
                "completed_place": "浙江省嘉兴市",
                "publication_status": "unpublished",
                "originality_statement": "作者独立创作。",
            },
            "submitted",
        ),
        DemoWork(
            "qiaoxiang", "五邑侨乡旅游导览解说词", "daolan.txt", TOUR_SCRIPT,
            ({"real_name": "何海燕"},),
            {
                "rights_obtained": "commissioned",
                "completed_on": datetime.date(2026, 5, 8),
                "completed_place": "广东省江门市",
                "publication_status": "unpublished",
            },
            "returned",
            return_reasons="1. 作品为受委托创作，请上传委托创作合同，并写明合同对著作权归属的约定。\n"
            "2. 请补充作品创作说明及独创性声明。",
        ),
        DemoWork(
            "pearl-tide", "珠江夜航（暂定名）", "zhujiang-yehang.txt", NIGHT_RIVER,
            ({"real_name": "林晓东"},),
            {"rights_obtained": "original", "publication_status": "unpublished"},
            "draft",
        ),
    )  # fmt: skip


def _member(organisation: Organisation, role: str) -> User | None:
    membership = (
        Membership.objects.filter(organisation=organisation, role=role)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership is not None else None


def _actor(organisation: Organisation, role: str, via: str) -> Actor:
    user = _member(organisation, role)
    return Actor(user=user, via=via) if user is not None else Actor.system(via=via)


def _apply(spec: DemoWork, owner: Organisation, applicant: Actor) -> Registration:
    work = actions.create_work(
        applicant, owner, title=spec.title, authors=list(spec.authors), **spec.fields
    )
    actions.add_file(applicant, work, spec.file_bytes(), spec.file_name)
    if spec.software is not None:
        actions.set_software_details(applicant, work, **spec.software)
        actions.make_source_deposit(applicant, work)
    registration = work.current_registration
    assert registration is not None
    if spec.outcome == "draft":
        return registration
    registration = actions.submit(applicant, registration, enqueue=False)
    # The check runs here rather than in the worker: the registrar's next step needs it.
    run_check(registration.pk)
    registration.refresh_from_db()
    return registration


def _examine(
    spec: DemoWork, registration: Registration, bureau: Organisation, registrar: Actor
) -> Registration:
    if spec.outcome in ("draft", "submitted"):
        return registration
    registration = actions.take_for_examination(registrar, registration, bureau)
    if spec.outcome == "returned":
        return actions.return_for_correction(registrar, registration, bureau, spec.return_reasons)
    reason = "演示数据：经审查，作品不构成冲突。" if registration.approval_needs_reason() else ""
    registration = actions.approve(registrar, registration, bureau, reason)
    # The worker indexes it too (after commit); done here so the copy's check finds it.
    registry_index.add_files(registration.work.files.all())
    return registration


def _registered(owner: Organisation, title: str) -> Registration | None:
    return Registration.objects.filter(
        work__owner=owner, work__title=title, status=RegistrationStatus.REGISTERED
    ).first()


def _ownership_records(organisations: dict[str, Organisation], registrar: Actor, via: str) -> int:
    """A licence of the first essay to the video platform and a pledge of the software."""
    created = 0
    essay = _registered(organisations["pearl-tide"], "骑楼下的雨季")
    if (
        essay is not None
        and not OwnershipRecord.objects.filter(registration=essay, kind=RecordKind.LICENCE).exists()
    ):
        record = ownership.apply_licence(
            _actor(organisations["pearl-tide"], Role.OWNER, via),
            essay,
            licensee_organisation_id=organisations["bay-video"].pk,
            licence_type="non_exclusive",
            territory="CN",
            starts_on="2026-07-01",
            ends_on="2028-06-30",
            rights=["network", "broadcasting"],
            note="有声读物及短视频改编作品的信息网络传播。",
        )
        ownership.approve(registrar, record)
        created += 1
    software = _registered(organisations["qiaoxiang"], "五邑冷链温度监测软件 V1.0")
    if (
        software is not None
        and not OwnershipRecord.objects.filter(
            registration=software, kind=RecordKind.PLEDGE
        ).exists()
    ):
        record = ownership.apply_pledge(
            _actor(organisations["qiaoxiang"], Role.OWNER, via),
            software,
            pledgee_name="江门侨都商业银行（演示）",
            secured_amount="1500000",
            currency="CNY",
            starts_on="2026-08-01",
            ends_on="2028-07-31",
            note="知识产权质押融资，用于冷链监测平台二期开发。",
        )
        ownership.approve(registrar, record)
        created += 1
    return created


def load_demo_works(organisations: dict[str, Organisation], via: str = "cli") -> int:
    """Load what is missing of the demo applications; returns how many works it created.

    ``organisations`` maps the keys of ``copyguard.demo.ORGANISATIONS`` to the loaded
    organisations. Call inside the demo's transaction: the jobs queued here (index update,
    certificate PDFs) start after it commits.
    """
    bureau = organisations[REGISTRAR_OF]
    registrar = _actor(bureau, Role.REGISTRAR, via)
    created = 0
    for spec in demo_works():
        owner = organisations[spec.owner]
        if Work.objects.filter(owner=owner, title=spec.title).exists():
            continue
        registration = _apply(spec, owner, _actor(owner, Role.OWNER, via))
        _examine(spec, registration, bureau, registrar)
        created += 1
    _ownership_records(organisations, registrar, via)
    return created
