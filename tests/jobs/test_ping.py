"""The ping job answers with the worker that ran it and the round-trip time."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from copyguard.jobs.tasks import ping


def test_it_answers_with_the_round_trip_and_the_worker() -> None:
    sent = timezone.now() - timedelta(milliseconds=250)

    result = ping.enqueue(sent.isoformat())

    answer = result.return_value
    assert answer is not None
    assert answer["sent_at"] == sent.isoformat()
    assert answer["latency_ms"] >= 250
    assert answer["worker_id"] == result.worker_ids[-1]
    assert answer["pid"] > 0


def test_it_fails_on_a_time_it_cannot_read() -> None:
    result = ping.enqueue("yesterday")

    assert result.errors
    assert result.errors[0].exception_class_path == "builtins.ValueError"
