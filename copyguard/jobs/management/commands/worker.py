"""`copyguard worker`: run background jobs from the database queue (see jobs/worker.py)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.translation import gettext_lazy as _
from django_tasks_db.management.commands import db_worker

from copyguard.jobs.worker import HeartbeatWorker


class Command(db_worker.Command):
    # Django shows command help untranslated, like its own commands' output.
    help = (
        "Run a background worker: takes jobs from the database queue, reports a heartbeat "
        "and queues again the jobs of workers that died."
    )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError(
                _("--exclude-queues can only be used with --queue-name=*"), returncode=2
            )
        worker = HeartbeatWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload and not batch:
            # Only the reloaded child runs jobs; it alone must handle Ctrl-C gracefully.
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
