"""Base mixins and the models every app leans on: audit events, schedules, worker heartbeats."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimestampedModel(models.Model):
    """Who created and last changed a row, and when."""

    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True


class AuditEventImmutableError(RuntimeError):
    """Application code tried to change or delete an audit event."""

    def __init__(self, operation: str) -> None:
        super().__init__(f"Audit events are append-only: {operation} is refused.")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Reads and inserts only: a bulk update or delete of the audit trail raises.

    A trail that the application itself can rewrite proves nothing, so the refusal sits on
    the QuerySet, the one door every ORM update and delete goes through. Inserts
    (`create`, `bulk_create`) stay open; test databases are emptied by TRUNCATE/flush,
    which does not pass through here.
    """

    def update(self, **kwargs: Any) -> int:
        # The one update allowed: deleting a user account nulls `actor` (ON DELETE SET NULL,
        # run by Django's deletion collector); `actor_label` keeps the name.
        if kwargs == {"actor": None}:
            return super().update(**kwargs)
        raise AuditEventImmutableError("update")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditEventImmutableError("delete")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AuditEventImmutableError("update")

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        raise AuditEventImmutableError("update")

    def _update(self, values: Any) -> int:
        # Saving an instance whose primary key is set tries an UPDATE first (loaddata does
        # too): let it find nothing for a new row, refuse it for a stored one.
        if self.exists():
            raise AuditEventImmutableError("update")
        return 0


class AuditEvent(models.Model):
    """One recorded action: who did what to which object, with the fields before and after.

    Rows are written only by `accord.core.audit.log_action`, in the same transaction as the
    change they describe, and never edited or deleted by the application: `save()` of a
    stored row, `delete()` and the QuerySet's `update()`/`delete()` raise
    `AuditEventImmutableError`. On PostgreSQL a trigger refuses UPDATE and DELETE as well
    (migration 0003), except the `ON DELETE SET NULL` of a deleted actor's account.
    """

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id", "-at"])]
        ordering = ["-at", "-id"]
        # Related lookups and Model.save() use the base manager: make it the guarded one.
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Refused before Model.save() opens its transaction, so the caller's stays usable.
        stored = not self._state.adding or (
            self.pk is not None and AuditEvent.objects.filter(pk=self.pk).exists()
        )
        if stored:
            raise AuditEventImmutableError("update")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditEventImmutableError("delete")


class Schedule(models.Model):
    """A background task that the worker enqueues on a cron expression.

    Users edit schedules (exchange every hour, a report every Monday) without a sysadmin.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    task_path = models.CharField(
        _("task"), max_length=200, help_text=_("Dotted path of a task in the accord package.")
    )
    cron = models.CharField(_("cron expression"), max_length=100)
    kwargs = models.JSONField(_("arguments"), default=dict, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True, db_index=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_task_id = models.CharField(_("last task id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.cron})"


class WorkerHeartbeat(models.Model):
    """The last sign of life of each background worker process, read by /healthz."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    hostname = models.CharField(_("host"), max_length=200)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started"))
    seen_at = models.DateTimeField(_("last seen"), db_index=True)
    tasks_done = models.PositiveIntegerField(_("tasks done"), default=0)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id}@{self.hostname}"


def model_label(obj: Any) -> str:
    """`app.model` of an instance or a class, the name used in audit rows and permissions."""
    meta = obj._meta
    return f"{meta.app_label}.{meta.model_name}"
