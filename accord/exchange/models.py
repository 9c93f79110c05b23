"""Exchange nodes, protocol sessions, runs with their errors, external ids, order export state."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accord.core.models import TimestampedModel

DEFAULT_FILE_LIMIT = 8 * 1024 * 1024  # 1C cuts files to exactly this size; large is faster


class MissingPolicy(models.TextChoices):
    KEEP = "keep", _("Keep them as they are")
    DEACTIVATE = "deactivate", _("Deactivate them")


class AnswerVersion(models.TextChoices):
    FOLLOW = "", _("The version 1C sent")
    V205 = "2.05", "CommerceML 2.05"
    V207 = "2.07", "CommerceML 2.07"
    V208 = "2.08", "CommerceML 2.08"
    V210 = "2.10", "CommerceML 2.10"


class AnswerEncoding(models.TextChoices):
    UTF8 = "utf-8", "UTF-8"
    CP1251 = "windows-1251", "windows-1251"


class ExchangeNode(TimestampedModel):
    """One 1C base that exchanges with Accord, and how."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    login = models.CharField(_("login for 1C"), max_length=100, unique=True)
    password_hash = models.CharField(max_length=200, editable=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    catalog_in = models.BooleanField(
        _("load the catalog from 1C"),
        default=True,
        help_text=_("Products, groups, properties, prices and stock."),
    )
    orders_out = models.BooleanField(_("send orders to 1C"), default=True)
    statuses_in = models.BooleanField(
        _("load order statuses from 1C"),
        default=True,
        help_text=_("Status, payment and shipment of the orders 1C has taken."),
    )
    missing_policy = models.CharField(
        _("objects missing from a full package"),
        max_length=12,
        choices=MissingPolicy.choices,
        default=MissingPolicy.KEEP,
    )
    create_counterparties = models.BooleanField(
        _("create counterparties that come with orders"), default=True
    )
    stop_on_error = models.BooleanField(
        _("stop on the first error"),
        default=False,
        help_text=_("Otherwise a record that fails is reported and the others load."),
    )
    answer_version = models.CharField(
        _("CommerceML version of Accord's answers"),
        max_length=5,
        choices=AnswerVersion.choices,
        default=AnswerVersion.FOLLOW,
        blank=True,
    )
    answer_encoding = models.CharField(
        _("encoding of Accord's answers"),
        max_length=12,
        choices=AnswerEncoding.choices,
        default=AnswerEncoding.UTF8,
    )
    file_limit = models.PositiveIntegerField(
        _("file part size, bytes"),
        default=DEFAULT_FILE_LIMIT,
        help_text=_("1C cuts larger files into parts of this size."),
    )
    zip_allowed = models.BooleanField(_("let 1C send zip archives"), default=True)
    orders_from = models.DateField(
        _("send orders dated from"),
        null=True,
        blank=True,
        help_text=_("Older orders are never sent. Empty: all orders."),
    )
    status_map = models.JSONField(
        _("1C order statuses"),
        default=dict,
        blank=True,
        help_text=_("1C status (as 1C writes it) -> Accord order status."),
    )
    watch_folder = models.CharField(
        _("folder to watch for files"),
        max_length=500,
        blank=True,
        help_text=_("Files 1C drops there are imported on the node's schedule."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("writes as"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The service account whose rights and name the exchange uses."),
    )
    last_exchange_at = models.DateTimeField(_("last exchange"), null=True, blank=True)
    # Set when a full catalog package starts arriving; products 1C did not send between then
    # and the end of the pass are "missing" (see run_services.full_pass_finish).
    full_pass_started_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("exchange node")
        verbose_name_plural = _("exchange nodes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ExchangeSession(models.Model):
    """One session of 1C's protocol: from `checkauth` to the last call that used its cookie."""

    node = models.ForeignKey(ExchangeNode, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(max_length=10)  # "catalog" or "sale"
    cookie = models.CharField(max_length=64, unique=True)
    sessid = models.CharField(max_length=64)
    # Once 1C has sent a sessid, every later call of the session must carry it (as Bitrix).
    sessid_required = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    closed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.node} {self.kind} {self.started_at:%Y-%m-%d %H:%M}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RunDirection(models.TextChoices):
    IN = "in", _("From 1C")
    OUT = "out", _("To 1C")


class RunSource(models.TextChoices):
    HTTP = "http", _("1C over HTTP")
    CLI = "cli", _("Command line")
    UPLOAD = "upload", _("Uploaded file")
    FOLDER = "folder", _("Watched folder")


COUNT_KEYS = ("read", "inserted", "updated", "unchanged", "skipped", "failed")


class ExchangeRun(models.Model):
    """One file (or one order export) going through the exchange, with what it did.

    `position` is the number of records already applied and committed: a run picked up again
    after a crash skips them, so it reaches the same final state without doing them twice.
    """

    node = models.ForeignKey(ExchangeNode, on_delete=models.CASCADE, related_name="runs")
    session = models.ForeignKey(
        ExchangeSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    direction = models.CharField(_("direction"), max_length=3, choices=RunDirection.choices)
    source = models.CharField(_("source"), max_length=10, choices=RunSource.choices)
    dry_run = models.BooleanField(_("check only"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    filename = models.CharField(_("file"), max_length=255, blank=True)
    path = models.CharField(max_length=1000, blank=True, editable=False)  # in the work folder
    package = models.CharField(_("package"), max_length=20, blank=True)  # formats PackageKind
    full_package = models.BooleanField(default=False)
    step = models.CharField(_("step"), max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=40, blank=True, editable=False)  # worker's token
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("exchange run")
        verbose_name_plural = _("exchange runs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["node", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.node} {self.filename or self.direction} {self.status}"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None:
            return None
        end = self.finished_at or timezone.now()
        return (end - self.started_at).total_seconds()

    def totals(self) -> dict[str, int]:
        """The counts summed over every object kind."""
        totals = dict.fromkeys(COUNT_KEYS, 0)
        per_kind: dict[str, Any] = self.counts or {}
        for kind_counts in per_kind.values():
            for key in COUNT_KEYS:
                totals[key] += int(kind_counts.get(key, 0))
        return totals


class ExchangeRunError(models.Model):
    """A record that could not be applied (or, for a failed run, the reason it stopped)."""

    run = models.ForeignKey(ExchangeRun, on_delete=models.CASCADE, related_name="errors")
    kind = models.CharField(_("object"), max_length=30, blank=True)
    external_id = models.CharField(_("1C id"), max_length=200, blank=True)
    message = models.TextField(_("reason"))

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.external_id}: {self.message}"


class RefKind(models.TextChoices):
    GROUP = "group", _("Product group")
    PROPERTY = "property", _("Property")
    PROPERTY_CHOICE = "property_choice", _("Property value")
    PRICE_TYPE = "price_type", _("Price type")
    WAREHOUSE = "warehouse", _("Warehouse")
    PRODUCT = "product", _("Product")
    VARIANT = "variant", _("Variant")
    COUNTERPARTY = "counterparty", _("Counterparty")
    CONTACT_PERSON = "contact_person", _("Contact person")
    ORDER = "order", _("Order")
    PAYMENT = "payment", _("Payment")
    SHIPMENT = "shipment", _("Shipment")


class ExternalRef(models.Model):
    """A 1C `Ид` of one node, and the Accord row it names. One to one, per node and kind."""

    node = models.ForeignKey(ExchangeNode, on_delete=models.CASCADE, related_name="refs")
    kind = models.CharField(max_length=20, choices=RefKind.choices)
    external_id = models.CharField(max_length=200)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    # When the last full package named this object: "not in the last full package" is
    # `seen_at < that run's start`, which is how missing objects are found.
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["node", "kind", "external_id"], name="exchange_ref_unique_external"
            ),
            models.UniqueConstraint(
                fields=["node", "kind", "object_id"], name="exchange_ref_unique_object"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.node_id}:{self.kind}:{self.external_id} -> {self.object_id}"


class OrderExportState(models.TextChoices):
    PENDING = "pending", _("Sent, waiting for 1C")
    EXPORTED = "exported", _("Taken by 1C")


class OrderExport(models.Model):
    """Which version of an order a node has taken. An order is sent again until 1C says
    `success` after the `query` that carried it, and again whenever it changes."""

    node = models.ForeignKey(ExchangeNode, on_delete=models.CASCADE, related_name="order_exports")
    order = models.ForeignKey("sales.Order", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=OrderExportState.choices)
    sent_version = models.DateTimeField()  # the order's updated_at when it was sent
    exported_version = models.DateTimeField(null=True, blank=True)
    session = models.ForeignKey(
        ExchangeSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    exported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["node", "order"], name="exchange_order_export_unique")
        ]

    def __str__(self) -> str:
        return f"{self.node_id}:{self.order_id} {self.state}"
