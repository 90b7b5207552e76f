"""The backup tests run `copyguard` subprocesses on the test database: on SQLite it must be
a file."""

from __future__ import annotations

from copyguard.jobs.testing import use_file_test_database

use_file_test_database()
