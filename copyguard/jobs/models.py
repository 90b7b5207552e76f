"""Worker processes report here, so jobs of a dead worker can be handed back."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkerQuerySet(models.QuerySet["Worker"]):
    def alive(self) -> WorkerQuerySet:
        cutoff = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
        return self.filter(last_seen_at__gte=cutoff, stopped_at__isnull=True)

    def dead(self) -> WorkerQuerySet:
        cutoff = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
        return self.filter(models.Q(last_seen_at__lt=cutoff) | models.Q(stopped_at__isnull=False))


class Worker(models.Model):
    """One `copyguard worker` process and the last time it reported."""

    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    hostname = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process id"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now, db_index=True)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    jobs_done = models.PositiveIntegerField(_("jobs done"), default=0)

    objects = WorkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
