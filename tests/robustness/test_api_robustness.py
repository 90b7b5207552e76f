"""The short schemathesis pass CI runs: every API operation, 15 test cases each, each case
sent as the next of the 24 (organisation kind, role) personas and anonymous, against the
demo world on a live server. No answer may be a 5xx or break the OpenAPI document.

The server has a database of its own (SQLite in its data directory, or a PostgreSQL database
created for the run when DATABASE_URL is set), so this test runs in both database passes
and leaves the test database alone. The long pass is ``python -m tests.robustness.run
--examples 200 --phases examples,coverage,fuzzing,stateful`` (docs/api-robustness.md).
"""

from __future__ import annotations

from tests.robustness.run import run_passes
from tests.robustness.world import demo_world

# Operations the API has at least (the test must not pass by testing nothing).
MIN_OPERATIONS = 300


def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_schema(tmp_path):
    with demo_world(keep_dir=tmp_path / "world") as world:
        assert len(world.personas) == 24
        result = run_passes(world, seed=20261203)
        outputs = "\n".join(p.output for p in result.passes if not p.ok)
        tested = sum(p.operations for p in result.passes)
        print(result.summary())
    assert result.ok, f"{result.summary()}\n{outputs[-60000:]}"
    assert tested >= MIN_OPERATIONS, result.summary()
