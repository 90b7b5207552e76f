"""Transparency ledger speed: appends, proofs and the full check at 10,000 entries.

Question: how many entries per second does ``append_entry`` take (each in its own
transaction, signing a new tree head every time, as the apps call it), and how long do an
inclusion proof, a consistency proof and an API answer take once the log holds
``--entries`` entries? And how fast does ``copyguard ledger check`` rebuild the tree?

Set-up: a fresh SQLite database and data directory in a temporary directory (the default
deployment), migrated; entries are registration-like bodies of ~300 bytes. One process,
one core. There is no peer to compare with (no Python library keeps an RFC 9162 log in a
SQL database), so figures are throughput and latency on this machine, with the share of
an append spent on the Ed25519 signature alone for scale.

Proof latencies are over ``--proofs`` random entries: ``proof_for`` (the proof.json of an
entry against the latest head: O(log n) stored subtree hashes, one query each for leaves
and inner nodes), a consistency proof between a random size and the latest, and the
``GET /api/v1/ledger/entries/{index}`` answer through Django's test client (routing,
JSON, no network).
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


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return statistics.median(ordered) * 1000, at(0.95), at(0.99)


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--entries", type=int, default=10_000, help="log size (default 10,000)")
    p.add_argument("--proofs", type=int, default=1_000, help="proofs timed (default 1,000)")
    args = p.parse_args()
    if args.quick:
        args.entries, args.proofs = 500, 100

    workdir = tempfile.mkdtemp(prefix="copyguard-ledger-bench-")
    os.environ["COPYGUARD_DATA_DIR"] = workdir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "copyguard.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from copyguard.ledger import actions
    from copyguard.ledger.check import check_ledger
    from copyguard.ledger.models import LedgerEntry

    call_command("migrate", verbosity=0)
    rng = random.Random(9162)

    def body(n: int) -> dict[str, object]:
        return {
            "registration_number": f"440700-2026-A-{n:08d}",
            "title": f"作品 {n} — a registered work",
            "category": "literary",
            "rights_holders": [{"organisation_id": rng.randrange(1, 500), "share": 100}],
            "files": [{"sha256": f"{rng.getrandbits(256):064x}", "size": rng.randrange(10**6)}],
        }

    started = time.perf_counter()
    for n in range(args.entries):
        actions.append_entry("work.registered", body(n))
    append_seconds = time.perf_counter() - started
    key = actions.signing_key()
    sign_started = time.perf_counter()
    for _ in range(1000):
        key.sign(b'{"key_id":"x","root_hash":"y","timestamp":1,"tree_size":1}')
    sign_ms = time.perf_counter() - sign_started  # seconds for 1000 = ms for one

    entries = {e.leaf_index: e for e in LedgerEntry.objects.all()}
    head = actions.latest_head()
    assert head is not None and head.tree_size == args.entries
    picks = [rng.randrange(args.entries) for _ in range(args.proofs)]

    inclusion: list[float] = []
    for index in picks:
        t = time.perf_counter()
        actions.proof_for(entries[index], head)
        inclusion.append(time.perf_counter() - t)
    consistency: list[float] = []
    for index in picks:
        t = time.perf_counter()
        actions.consistency_proof(index + 1, args.entries)
        consistency.append(time.perf_counter() - t)
    client = Client(SERVER_NAME="localhost")
    client.get("/api/v1/ledger/entries/0")  # the first request imports and resolves the URLs
    api: list[float] = []
    for index in picks:
        t = time.perf_counter()
        response = client.get(f"/api/v1/ledger/entries/{index}")
        api.append(time.perf_counter() - t)
        assert response.status_code == 200
    t = time.perf_counter()
    result = check_ledger()
    check_seconds = time.perf_counter() - t
    assert result.problem is None, result.problem

    def latency(name: str, samples: list[float]) -> list[str]:
        p50, p95, p99 = _percentiles(samples)
        return [
            name,
            f"{len(samples) / sum(samples):,.0f} /s",
            f"{p50:.2f}",
            f"{p95:.2f}",
            f"{p99:.2f}",
        ]

    append_ms = append_seconds / args.entries * 1000
    rows = [
        ["append_entry (own transaction, a signed head each)", f"{args.entries / append_seconds:,.0f} entries/s", f"{append_ms:.2f} (mean)", "", ""],
        latency("proof_for: inclusion proof against the latest head", inclusion),
        latency("consistency proof, random size to the latest", consistency),
        latency("GET /api/v1/ledger/entries/{index} (test client)", api),
        ["copyguard ledger check (whole log rebuilt)", f"{args.entries / check_seconds:,.0f} entries/s", f"{check_seconds:.2f} s in all", "", ""],
    ]  # fmt: skip
    table = markdown_table(["operation", "throughput", "p50 ms", "p95 ms", "p99 ms"], rows)
    body_text = (
        f"Ledger of {args.entries:,} entries on SQLite (a fresh database in a temporary "
        f"directory), one process; proofs timed over {args.proofs:,} random entries. "
        f"An Ed25519 signature alone takes {sign_ms:.3f} ms of an append's {append_ms:.2f} ms."
        f"\n\n{table}\n"
    )
    shutil.rmtree(workdir, ignore_errors=True)
    record("Ledger speed", body_text, args)


if __name__ == "__main__":
    main()
