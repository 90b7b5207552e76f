"""Every state change of monitoring: one function, one transaction, one audit event.

Split by workflow: sources, runs (and the crawl job's bookkeeping), hits (recording and
review), re-checking whether a hit's copy is still online, the allow-list, the watchlist
of key works (and the priority of their hits), and notifications.
"""

from copyguard.monitoring.actions.allowlist import (
    add_allow_list_entry,
    remove_allow_list_entry,
    update_allow_list_entry,
)
from copyguard.monitoring.actions.hits import (
    RecordResult,
    confirm_hit,
    dismiss_hit,
    license_hit,
    record_matches,
    reopen_hit,
)
from copyguard.monitoring.actions.notifications import mark_all_read, mark_read
from copyguard.monitoring.actions.recheck import recheck_hit
from copyguard.monitoring.actions.runs import cancel_run, queue_due_runs, start_run
from copyguard.monitoring.actions.sources import create_source, set_source_enabled, update_source
from copyguard.monitoring.actions.watchlist import (
    add_key_work,
    remove_key_work,
    sweep_key_work_priorities,
    update_key_work,
)

__all__ = [
    "RecordResult",
    "add_allow_list_entry",
    "add_key_work",
    "cancel_run",
    "confirm_hit",
    "create_source",
    "dismiss_hit",
    "license_hit",
    "mark_all_read",
    "mark_read",
    "queue_due_runs",
    "recheck_hit",
    "record_matches",
    "remove_allow_list_entry",
    "remove_key_work",
    "reopen_hit",
    "set_source_enabled",
    "start_run",
    "sweep_key_work_priorities",
    "update_allow_list_entry",
    "update_key_work",
    "update_source",
]
