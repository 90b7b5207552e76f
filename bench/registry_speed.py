"""Works registry throughput: bulk registration through the API, approval, conflict checks.

Question: how many text works a second does ``POST /api/v1/works`` register end to end —
the call (validation, storing the files), then the job that creates each work, reads its
file with the engine (extraction, ISCC Text- and Instance-Codes), stores it, submits it
and runs the conflict check — and what do approval (number, ledger entry, index update)
and the conflict check of a new application cost once works are registered?

Set-up: a fresh SQLite database and data directory in a temporary directory (the default
deployment), migrated; one process, one core. Jobs run inline (django-tasks'
ImmediateBackend) so the figures are the work of the pipeline itself, without the queue's
polling delay; with ``copyguard worker`` processes the same work spreads over them.

Material: ``--works`` distinct texts of 1-4 KB (seeded), half Chinese (characters drawn
from the 3,500 most common ones' Unicode block, with CJK punctuation) and half English-like
(words from a seeded vocabulary), each a work of one file sent as UTF-8 ``content`` in
calls of ``--batch`` works. Then:

1. the same first call is sent again: it must return the existing works (idempotency);
2. ``--approve`` of the works are taken and approved one by one by a registrar; the jobs
   approval queues (the index update, and the certificate other apps issue) are collected
   and timed apart, one by one, as a worker runs them;
3. ``--copies`` of the approved texts (half converted to Traditional script with OpenCC)
   are registered by another rights holder: each check must report the conflict.

There is no peer (no open registry implements this workflow); figures are throughput and
latency on this machine. ``--quick`` runs 200 works: for checking the script only.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import markdown_table, parser, record

COMMON_CJK = 0x4E00, 0x9FA5
CJK_PUNCTUATION = "，。、；：？！"  # noqa: RUF001 (Chinese punctuation)


def _texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    vocabulary = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
        for _ in range(5000)
    ]
    texts = []
    for n in range(count):
        size = rng.randint(1000, 4000)
        if n % 2:
            chars = [chr(rng.randint(*COMMON_CJK)) for _ in range(size // 3)]
            for i in range(12, len(chars), rng.randint(8, 20)):
                chars[i] = rng.choice(CJK_PUNCTUATION)
            texts.append("".join(chars))
        else:
            words: list[str] = []
            length = 0
            while length < size:
                words.append(rng.choice(vocabulary))
                length += len(words[-1]) + 1
            texts.append(" ".join(words) + ".")
    return texts


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return statistics.median(ordered) * 1000, at(0.95), at(0.99)


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--works", type=int, default=10_000, help="works registered (default 10,000)")
    p.add_argument("--batch", type=int, default=1_000, help="works per API call (default 1,000)")
    p.add_argument("--approve", type=int, default=1_000, help="works approved (default 1,000)")
    p.add_argument("--copies", type=int, default=200, help="conflicting copies (default 200)")
    args = p.parse_args()
    if args.quick:
        args.works, args.batch, args.approve, args.copies = 200, 100, 50, 20

    workdir = tempfile.mkdtemp(prefix="copyguard-registry-bench-")
    os.environ["COPYGUARD_DATA_DIR"] = workdir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "copyguard.settings"
    import django

    django.setup()
    from django.test.utils import override_settings

    override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ).enable()
    import opencc
    from django.core.management import call_command
    from django.test import Client

    from copyguard.accounts import actions as accounts
    from copyguard.accounts.audit import Actor
    from copyguard.accounts.enums import Role
    from copyguard.accounts.models import Membership
    from copyguard.ledger.models import LedgerEntry
    from copyguard.works import actions
    from copyguard.works.models import Registration

    try:
        call_command("migrate", verbosity=0)
        system = Actor.system(via="bench")
        holder = accounts.create_organisation(
            system, name="Bench Press", kind="rights_holder", rights_holder_type="publisher"
        )
        other = accounts.create_organisation(
            system, name="Copy Press", kind="rights_holder", rights_holder_type="publisher"
        )
        bureau = accounts.create_organisation(
            system, name="Bench Bureau", kind="administration", level="municipal",
            region_code="440700",
        )  # fmt: skip
        owner = accounts.create_user(system, email="owner@bench.test", password=None, verified=True)
        copier = accounts.create_user(system, email="copy@bench.test", password=None, verified=True)
        registrar = accounts.create_user(
            system, email="reg@bench.test", password=None, verified=True
        )
        Membership.objects.create(user=owner, organisation=holder, role=Role.OWNER)
        Membership.objects.create(user=copier, organisation=other, role=Role.OWNER)
        Membership.objects.create(user=registrar, organisation=bureau, role=Role.REGISTRAR)
        _token, key = accounts.create_api_token(system, owner, "bench")
        _token2, key2 = accounts.create_api_token(system, copier, "bench")

        texts = _texts(args.works, seed=2260)
        client = Client(SERVER_NAME="localhost")

        def call(token: str, works: list[dict[str, object]], owner_id: int) -> dict:
            response = client.post(
                "/api/v1/works",
                {"owner": owner_id, "works": works},
                content_type="application/json",
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status_code == 202, response.content[:300]
            job = client.get(
                f"/api/v1/works/jobs/{response.json()['id']}",
                headers={"Authorization": f"Bearer {token}"},
            ).json()
            assert job["status"] == "done", job["status"]
            return job

        def work(n: int, text: str) -> dict[str, object]:
            return {
                "title": f"作品 {n}",
                "category": "written",
                "authors": [{"real_name": "作者"}],
                "files": [{"name": f"{n}.txt", "content": text}],
            }

        started, cpu = time.perf_counter(), time.process_time()
        first_call = None
        for start in range(0, args.works, args.batch):
            job = call(
                key, [work(n, texts[n]) for n in range(start, min(args.works, start + args.batch))],
                holder.pk,
            )  # fmt: skip
            assert all(r.get("created") for r in job["results"]), job["results"][:3]
            first_call = first_call or job
        bulk_wall, bulk_cpu = time.perf_counter() - started, time.process_time() - cpu
        megabytes = sum(len(t.encode()) for t in texts) / 1e6

        started = time.perf_counter()
        again = call(
            key, [work(n, texts[n]) for n in range(min(args.batch, args.works))], holder.pk
        )
        resend = time.perf_counter() - started
        assert first_call is not None
        assert [r["work_id"] for r in again["results"]] == [
            r["work_id"] for r in first_call["results"]
        ] and not any(r["created"] for r in again["results"])

        examiner = Actor(user=registrar, via="bench")
        approvals: list[float] = []
        pending = Registration.objects.filter(status="submitted").order_by("pk")[: args.approve]
        # The jobs approval queues (index update, and whatever else the apps hang on it)
        # are collected here and timed apart, as a worker would run them.
        dummy = override_settings(
            TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        )
        dummy.enable()
        for registration in pending:
            t = time.perf_counter()
            taken = actions.take_for_examination(examiner, registration, bureau)
            actions.approve(examiner, taken, bureau)
            approvals.append(time.perf_counter() - t)
        from django_tasks import default_task_backend

        queued = list(default_task_backend.results)  # type: ignore[attr-defined]
        dummy.disable()
        job_seconds: dict[str, list[float]] = {}
        for result in queued:
            t = time.perf_counter()
            result.task.call(*result.args, **result.kwargs)
            job_seconds.setdefault(result.task.name, []).append(time.perf_counter() - t)

        convert = opencc.OpenCC("s2t")
        approved_texts = [texts[n] for n in range(args.approve)]
        copies = [
            convert.convert(t) if i % 2 else t for i, t in enumerate(approved_texts[: args.copies])
        ]
        checks: list[float] = []
        found = 0
        for n, text in enumerate(copies):
            t = time.perf_counter()
            job = call(key2, [work(n, text + "\n附记。")], other.pk)
            checks.append(time.perf_counter() - t)
            registration = Registration.objects.get(pk=job["results"][0]["registration_id"])
            found += registration.conflicts.exists()

        p50, p95, p99 = _percentiles(approvals)
        c50, c95, c99 = _percentiles(checks)
        rows = [
            ["bulk registration (call + job: extract, ISCC, store, create, submit, check)",
             f"{args.works / bulk_wall:,.0f} works/s wall, {args.works / bulk_cpu:,.0f} per CPU-s",
             f"{bulk_wall:.1f} s for {args.works:,} works ({megabytes:.1f} MB)", "", ""],
            ["the first call sent again (idempotent: existing works returned)",
             f"{min(args.batch, args.works) / resend:,.0f} works/s", f"{resend:.2f} s", "", ""],
            ["take + approve (conflict check again, number, ledger entry), one by one",
             f"{len(approvals) / sum(approvals):,.0f} /s", f"{p50:.1f}", f"{p95:.1f}", f"{p99:.1f}"],
            *[
                [f"job queued by approval: {name}", f"{len(times) / sum(times):,.0f} /s",
                 *(f"{v:.1f}" for v in _percentiles(times))]
                for name, times in sorted(job_seconds.items())
            ],
            [f"one work by another holder, checked against {args.approve:,} registered "
             "(half Traditional copies)",
             f"{len(checks) / sum(checks):,.0f} /s", f"{c50:.1f}", f"{c95:.1f}", f"{c99:.1f}"],
        ]  # fmt: skip
        table = markdown_table(
            ["operation", "throughput", "p50 ms / total", "p95 ms", "p99 ms"], rows
        )
        body = (
            f"{args.works:,} text works of 1-4 KB (half Chinese) registered through "
            f"`POST /api/v1/works` in calls of {args.batch:,} on SQLite, jobs inline, one "
            f"process. Conflicts found for {found} of {len(copies)} copies "
            f"({LedgerEntry.objects.filter(kind='registration').count():,} registrations in "
            f"the ledger).\n\n{table}\n"
        )
        assert found == len(copies), f"only {found} of {len(copies)} copies raised a conflict"
        record("Works registry throughput", body, args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
