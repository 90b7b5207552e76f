# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""The world the load scenario (bench/load.py) runs against, built in its database.

``build(...)`` runs inside a process whose Django settings point at the scenario's
database and data directory (bench/load.py sets ``DATABASE_URL`` and
``COPYGUARD_DATA_DIR`` before calling it). It makes, through the apps' own actions:

- the tables (``migrate``) and the demo data (``load_demo``: organisations, one log-in per
  role, the demo works, hits, cases, statistics…);
- ``works`` registered works of the demo publisher Pearl Tide Press, each with one text
  file of seeded words, registered by the Jiangmen bureau's registrar (number, ledger entry,
  signed certificate version 1), their texts added to the registry's index so that scans
  find them. The jobs approval queues (indexing again, the certificate PDF) are left in the
  queue: no worker runs during the load, and neither verification nor scanning reads them;
- ``hits_per_work`` hits on each of those works, recorded as a crawl of a Pearl Tide source
  would record them (``record_matches``), so the review queue has pages of them;
- for each simulated client ``i`` (``clients`` of them): a notice handler of the demo
  platform Bay Area Video with an API token of its own (its scans count against its own
  ``COPYGUARD_SCAN_RATE`` window, as one platform's integration would), and a staff member
  of Pearl Tide Press with a signed-in session (made on the server side, as a log-in would
  make it, so the load does not go through the log-in form and its rate limit) and an API
  token, who reviews its own share of the hits (no two clients decide the same hit).

What the load needs is returned as a ``World`` (JSON-serialisable): registration numbers,
well-formed unknown numbers, scan texts (excerpts of registered texts inside unrelated
words, and unrelated texts), the rights holder's id and the clients' credentials.
"""

from __future__ import annotations

import random
import time
from typing import Any, TypedDict

__all__ = ["KINDS", "Client", "World", "build"]

#: The load's request kinds and their weights in the mix (bench/locustfile.py sends them,
#: bench/load.py reports per kind in this order).
KINDS = {
    "verify page": 25,
    "verify API": 25,
    "scan API": 15,
    "review queue page": 10,
    "hit page": 10,
    "API: create work": 5,
    "API: dismiss/reopen hit": 10,
}


class Client(TypedDict):
    platform_token: str
    staff_token: str
    session: str
    hits: list[int]


class World(TypedDict):
    numbers: list[str]
    unknown: list[str]
    scan_texts: list[str]
    unrelated_texts: list[str]
    rights_holder_id: int
    hit_pages: int
    session_cookie: str
    clients: list[Client]
    build_seconds: float


_VOCABULARY_SEED = 20261203


def _vocabulary(rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(4000)]


def _session_for(user: Any) -> str:
    """A signed-in session for ``user``, as django.contrib.auth.login would save it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return str(store.session_key)


def build(works: int, hits_per_work: int, clients: int, *, log: Any = print) -> World:
    """Make the world (see the module's docstring) and return what the load needs."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import override_settings

    from copyguard.accounts import actions as accounts
    from copyguard.accounts.audit import Actor
    from copyguard.accounts.enums import Role
    from copyguard.accounts.models import Membership, Organisation, User
    from copyguard.demo import load_demo
    from copyguard.monitoring import actions as monitoring
    from copyguard.monitoring.enums import HitChannel, SourceKind
    from copyguard.monitoring.models import Hit
    from copyguard.works import actions, registry_index
    from copyguard.works.checks import run_check
    from copyguard.works.models import WorkFile

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    log(f"  migrated in {time.perf_counter() - started:.0f} s")
    load_demo()
    log(f"  demo data loaded ({time.perf_counter() - started:.0f} s)")

    press = Organisation.objects.get(name="珠江潮出版社")
    platform = Organisation.objects.get(name="湾区视听网")
    bureau = Organisation.objects.get(
        kind="administration", region_code="440700", level="municipal"
    )

    def member(organisation: Organisation, role: str) -> User:
        found = Membership.objects.filter(organisation=organisation, role=role).order_by("pk")
        return found.select_related("user").first().user  # type: ignore[union-attr]

    owner = Actor(user=member(press, Role.OWNER), via="bench")
    registrar = Actor(user=member(bureau, Role.REGISTRAR), via="bench")
    system = Actor.system(via="bench")

    rng = random.Random(_VOCABULARY_SEED)
    vocabulary = _vocabulary(rng)
    texts: list[str] = []
    numbers: list[str] = []
    registered_files: list[int] = []
    # The jobs submission and approval queue are not run (see the module's docstring).
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ):
        for n in range(works):
            work = actions.create_work(
                owner, press, title=f"负载测试作品 {n + 1} — load world", category="written",
                authors=[{"real_name": "作者", "pen_name": f"笔名{n + 1}"}],
            )  # fmt: skip
            text = " ".join(rng.choice(vocabulary) for _ in range(400))
            texts.append(text)
            actions.add_file(owner, work, text.encode(), f"load-{n + 1}.txt")
            registration = work.current_registration
            assert registration is not None
            registration = actions.submit(owner, registration, enqueue=False)
            run_check(registration.pk)
            registration = actions.take_for_examination(registrar, registration, bureau)
            reason = "load world" if registration.approval_needs_reason() else ""
            registration = actions.approve(registrar, registration, bureau, reason)
            assert registration.number
            numbers.append(registration.number)
            registered_files.extend(work.files.values_list("pk", flat=True))
            if (n + 1) % 50 == 0:
                log(f"  {n + 1} works registered ({time.perf_counter() - started:.0f} s)")
    registry_index.add_files(WorkFile.objects.filter(pk__in=registered_files))
    log(f"  {works} works registered and indexed ({time.perf_counter() - started:.0f} s)")

    source = monitoring.create_source(
        owner, press, name="负载测试：转载站巡查", kind=SourceKind.SITE,
        config={"start_urls": ["https://load-mirror.example/"], "max_depth": 1,
                "max_pages": 100},
    )  # fmt: skip
    files = {
        f.work_id: f
        for f in WorkFile.objects.filter(pk__in=registered_files).select_related("work")
    }
    hit_ids: list[int] = []
    for work_id, work_file in files.items():
        registration = work_file.work.registrations.exclude(number=None).first()
        assert registration is not None
        for k in range(hits_per_work):
            url = f"https://mirror-{k + 1}.load.example/read/{work_id}.html"
            outcome = {
                "media": "text",
                "error": "",
                "matches": [
                    {
                        "work_file_id": work_file.pk, "work_id": work_id,
                        "registration_number": registration.number,
                        "title": work_file.work.title, "owner_id": press.pk, "media": "text",
                        "score": round(0.6 + 0.4 * rng.random(), 3), "match": True,
                        "segments": [{"query": [0, 400], "reference": [0, 400]}], "box": None,
                        "passages": [], "detail": {},
                    }
                ],
            }  # fmt: skip
            result = monitoring.record_matches(
                url=url, page_url=url, page_title=f"转载 {work_file.work.title}",
                outcome=outcome, channel=HitChannel.CRAWL, source=source,
            )  # fmt: skip
            hit_ids.extend(result["created"])
    log(f"  {len(hit_ids)} hits recorded ({time.perf_counter() - started:.0f} s)")

    people: list[Client] = []
    for i in range(clients):
        handler = accounts.create_user(
            system, email=f"scanner-{i + 1}@load.copyguard.test", password=None,
            full_name=f"扫描接口 {i + 1}", verified=True,
        )  # fmt: skip
        accounts.add_member(system, platform, handler, Role.NOTICE_HANDLER)
        _token, platform_key = accounts.create_api_token(system, handler, "load: scans")
        staff = accounts.create_user(
            system, email=f"reviewer-{i + 1}@load.copyguard.test", password=None,
            full_name=f"审核员 {i + 1}", verified=True,
        )  # fmt: skip
        accounts.add_member(system, press, staff, Role.STAFF)
        _token, staff_key = accounts.create_api_token(system, staff, "load: works and hits")
        people.append(
            {
                "platform_token": platform_key,
                "staff_token": staff_key,
                "session": _session_for(staff),
                "hits": hit_ids[i::clients],
            }
        )
    region, year, letter, _serial = numbers[0].split("-")
    unknown = [f"{region}-{year}-{letter}-{90_000_000 + i:08d}" for i in range(200)]
    scan_texts = []
    for n in range(200):
        words = texts[n % len(texts)].split()
        start = rng.randrange(0, len(words) - 120)
        excerpt = words[start : start + 120]
        filler = [rng.choice(vocabulary) for _ in range(80)]
        scan_texts.append(" ".join(filler[:40] + excerpt + filler[40:]))
    unrelated = [" ".join(rng.choice(vocabulary) for _ in range(200)) for _ in range(50)]
    new_hits = Hit.objects.filter(work__owner=press, status="new").count()
    connections.close_all()
    return {
        "numbers": numbers,
        "unknown": unknown,
        "scan_texts": scan_texts,
        "unrelated_texts": unrelated,
        "rights_holder_id": press.pk,
        "hit_pages": max(1, new_hits // 25),
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "clients": people,
        "build_seconds": round(time.perf_counter() - started, 1),
    }
