# ruff: noqa: RUF001  (full-width CJK punctuation is sample text here)
"""The load scenario's clients for locust (run by bench/load.py; see its docstring).

Every simulated client does the whole mix, so that even a small load exercises every kind
of request; each has its own credentials from the world file (bench/load_world.py) named by
``COPYGUARD_LOAD_WORLD``. Per client, ``COPYGUARD_LOAD_RATE`` tasks a second at most
(locust's ``constant_throughput``); ``COPYGUARD_LOAD_MAX_REQUESTS`` stops the run once that
many requests have been sent, whatever the time left. The kinds and their weights are in
``KINDS`` (bench/load_world.py); a request counts as an error when its status or its content is not what a
correct server answers (for instance a registration number not found, a registered
excerpt the scan does not find, or a page without its list).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import sys
import uuid
from pathlib import Path
from typing import Any, cast

from locust import FastHttpUser, constant_throughput, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_world import KINDS

WORLD: dict[str, Any] = json.loads(
    open(os.environ["COPYGUARD_LOAD_WORLD"], encoding="utf-8").read()  # noqa: SIM115
)
RATE = float(os.environ.get("COPYGUARD_LOAD_RATE", "2"))
MAX_REQUESTS = int(os.environ.get("COPYGUARD_LOAD_MAX_REQUESTS", "0"))

#: Share of verification requests for a well-formed number nobody registered (answered 404).
UNKNOWN_SHARE = 0.1
#: Share of scans of texts that copy no registered work.
UNRELATED_SHARE = 0.3

_clients = itertools.count()
_sent = itertools.count(1)


@events.request.add_listener
def _bound(**_kwargs: Any) -> None:
    """Stop the whole run once MAX_REQUESTS have been sent (the bound on request counts)."""
    if MAX_REQUESTS and next(_sent) >= MAX_REQUESTS:
        runner = _environment.runner if _environment is not None else None
        if runner is not None:
            runner.quit()


_environment: Any = None


@events.init.add_listener
def _remember(environment: Any, **_kwargs: Any) -> None:
    global _environment
    _environment = environment


def _multipart(name: str, content: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


class Client(FastHttpUser):
    """One client of the mix: a visitor verifying, a platform scanning, a reviewer."""

    wait_time = constant_throughput(RATE)

    def on_start(self) -> None:
        index = next(_clients)
        clients = WORLD["clients"]
        me = clients[index % len(clients)]
        self.rng = random.Random(20261203 + index)
        self.platform = {"Authorization": f"Bearer {me['platform_token']}"}
        self.staff = {"Authorization": f"Bearer {me['staff_token']}"}
        self.session = {"Cookie": f"{WORLD['session_cookie']}={me['session']}"}
        self.hits: list[int] = list(me["hits"])
        self.dismissed: set[int] = set()
        self.next_hit = 0
        self.works_made = 0
        self.index = index

    def _number(self) -> tuple[str, bool]:
        if self.rng.random() < UNKNOWN_SHARE:
            return self.rng.choice(WORLD["unknown"]), False
        return self.rng.choice(WORLD["numbers"]), True

    @task(KINDS["verify page"])
    def verify_page(self) -> None:
        number, known = self._number()
        with self.client.get(
            f"/verify/{number}/", name="verify page", catch_response=True
        ) as response:
            expected = 200 if known else 404
            if response.status_code != expected:
                response.failure(f"status {response.status_code}, expected {expected}")
            elif number not in (response.text or ""):
                response.failure("the page does not name the number")
            else:
                response.success()

    @task(KINDS["verify API"])
    def verify_api(self) -> None:
        number, known = self._number()
        with self.client.get(
            f"/api/v1/registrations/{number}/verify", name="verify API", catch_response=True
        ) as response:
            expected = 200 if known else 404
            if response.status_code != expected:
                response.failure(f"status {response.status_code}, expected {expected}")
            elif known and not (response.json() or {}).get("found"):
                response.failure("a registered number was not found")
            else:
                response.success()

    @task(KINDS["scan API"])
    def scan(self) -> None:
        related = self.rng.random() >= UNRELATED_SHARE
        texts = WORLD["scan_texts"] if related else WORLD["unrelated_texts"]
        body, kind = _multipart(
            "page.txt", self.rng.choice(texts).encode(), "text/plain; charset=utf-8"
        )
        with self.client.post(
            "/api/v1/scan",
            data=cast(Any, body),  # bytes: the stubs say str, geventhttpclient takes both
            headers={**self.platform, "Content-Type": kind},
            name="scan API",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}: {(response.text or '')[:200]}")
                return
            matches = (response.json() or {}).get("matches", [])
            if related and not matches:
                response.failure("a registered excerpt was not found")
            elif not related and matches:
                response.failure("an unrelated text matched")
            else:
                response.success()

    @task(KINDS["review queue page"])
    def review_queue(self) -> None:
        page = self.rng.randint(1, WORLD["hit_pages"])
        with self.client.get(
            f"/monitoring/hits/?page={page}",
            headers=self.session,
            name="review queue page",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif "/monitoring/hits/" not in (response.text or ""):
                response.failure("the queue lists no hits")
            else:
                response.success()

    @task(KINDS["hit page"])
    def hit_page(self) -> None:
        hit = self.rng.choice(self.hits)
        with self.client.get(
            f"/monitoring/hits/{hit}/",
            headers=self.session,
            name="hit page",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            else:
                response.success()

    @task(KINDS["API: create work"])
    def create_work(self) -> None:
        self.works_made += 1
        payload = {
            "title": f"负载客户 {self.index + 1} 的新作品 {self.works_made}",
            "category": "written",
        }
        with self.client.post(
            f"/api/v1/organisations/{WORLD['rights_holder_id']}/works",
            json=payload,
            headers=self.staff,
            name="API: create work",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"status {response.status_code}: {(response.text or '')[:200]}")
            elif (response.json() or {}).get("title") != payload["title"]:
                response.failure("the work created is not the one sent")
            else:
                response.success()

    @task(KINDS["API: dismiss/reopen hit"])
    def review_hit(self) -> None:
        # Each client decides only its own share of the hits, in turn: dismiss, later reopen.
        hit = self.hits[self.next_hit % len(self.hits)]
        self.next_hit += 1
        reopen = hit in self.dismissed
        path = f"/api/v1/monitoring/hits/{hit}/{'reopen' if reopen else 'dismiss'}"
        payload = {} if reopen else {"reason": "负载测试：引用，未构成侵权"}
        with self.client.post(
            path, json=payload, headers=self.staff, name="API: dismiss/reopen hit",
            catch_response=True,
        ) as response:  # fmt: skip
            expected = "new" if reopen else "dismissed"
            if response.status_code != 200:
                response.failure(f"status {response.status_code}: {(response.text or '')[:200]}")
            elif (response.json() or {}).get("status") != expected:
                response.failure(f"the hit is not {expected}")
            else:
                (self.dismissed.discard if reopen else self.dismissed.add)(hit)
                response.success()
