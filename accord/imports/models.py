"""Imports of spreadsheets: saved mapping profiles, the import log (one job per uploaded
file, with its check and apply counts), the rows that failed, and what each import wrote,
so that an untouched import can be undone.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accord.core.models import TimestampedModel
from accord.users.access import can


class ImportObject(models.TextChoices):
    COUNTERPARTIES = "counterparties", _("Counterparties with contact persons")
    PRODUCTS = "products", _("Products and services")


class ImportKey(models.TextChoices):
    """How a row finds the record it updates."""

    INN_KPP = "inn_kpp", _("INN and KPP")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    CODE = "code", _("External code")
    ARTICLE = "article", _("Article")
    BARCODE = "barcode", _("Barcode")
    NONE = "none", _("None: every row is a new record")


class ImportPolicy(models.TextChoices):
    ADD = "add", _("Add new records only")
    UPDATE = "update", _("Update existing records only")
    UPSERT = "upsert", _("Add new and update existing")


class OnError(models.TextChoices):
    SKIP = "skip", _("Skip the bad row, load the others")
    STOP = "stop", _("Stop: load nothing if any row is bad")


class ImportStatus(models.TextChoices):
    NEW = "new", _("Waiting for the column mapping")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    APPLYING = "applying", _("Loading")
    DONE = "done", _("Loaded")
    STOPPED = "stopped", _("Stopped on a bad row")
    FAILED = "failed", _("Failed")
    UNDONE = "undone", _("Undone")


class ImportProfile(TimestampedModel):
    """A saved column mapping: `settings` is the profile JSON of docs/import.md."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_profiles"
    )
    name = models.CharField(_("name"), max_length=100)
    object = models.CharField(_("object"), max_length=20, choices=ImportObject.choices)
    settings = models.JSONField(_("settings"), default=dict)

    class Meta:
        verbose_name = _("import profile")
        verbose_name_plural = _("import profiles")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="import_profile_owner_name")
        ]

    def __str__(self) -> str:
        return self.name


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def visible_to(self, user: Any) -> ImportJobQuerySet:
        """A user sees his own imports; "admin.imports" view shows everyone's."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if can(user, "view", "admin.imports"):
            return self
        return self.filter(created_by=user)


class ImportJob(TimestampedModel):
    object = models.CharField(_("object"), max_length=20, choices=ImportObject.choices)
    filename = models.CharField(_("file"), max_length=255)
    path = models.CharField(max_length=500, editable=False)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    # How the file is read (kind, encoding, delimiter) and its header.
    dialect = models.JSONField(default=dict)
    header = models.JSONField(default=list)
    # The mapping in force: columns, key, policy, on_error (the profile JSON).
    mapping = models.JSONField(default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.NEW
    )
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    # Counts per outcome: inserted, updated, unchanged, skipped, failed.
    check_counts = models.JSONField(default=dict)
    counts = models.JSONField(default=dict)
    sample_updates = models.JSONField(default=list)
    message = models.TextField(blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    # Worker bookkeeping: who holds the job and when it last reported.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="import_job_author")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_object_display()})"

    def get_absolute_url(self) -> str:
        return reverse("web:import_detail", args=[self.pk])

    @property
    def progress(self) -> int:
        """Per cent of rows done in the running step (0 when the size is unknown)."""
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class RowPhase(models.TextChoices):
    CHECK = "check", _("check")
    APPLY = "apply", _("load")


class ImportRowError(models.Model):
    """A row that could not be loaded, with the raw text to fix and load again."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    phase = models.CharField(max_length=10, choices=RowPhase.choices)
    line = models.PositiveIntegerField(_("line"))
    column = models.CharField(_("column"), max_length=255, blank=True)
    reason = models.TextField(_("reason"))
    values = models.JSONField(default=list)  # the row's cells, or [raw text] if unreadable

    class Meta:
        ordering = ["phase", "line", "id"]
        indexes = [models.Index(fields=["job", "phase", "line"], name="import_error_job_line")]

    def __str__(self) -> str:
        return f"{self.line}: {self.reason}"


class RecordAction(models.TextChoices):
    INSERTED = "inserted", _("inserted")
    UPDATED = "updated", _("updated")


class ImportedRecord(models.Model):
    """What an import wrote, for undo: a new row, or the values an update replaced."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="records")
    model = models.CharField(max_length=80)  # "directory.counterparty", ...
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=10, choices=RecordAction.choices)
    before = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["job", "model", "action"], name="import_record_job")]

    def __str__(self) -> str:
        return f"{self.action} {self.model} #{self.object_id}"
