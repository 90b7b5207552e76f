from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "copyguard.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from copyguard.ops import logs

        logs.install_record_factory()
        logs.connect_job_signals()
