"""Duplicate scans, the candidate pairs they propose, "not a duplicate" decisions, merges.

Pairs name their two records by kind and id rather than by foreign keys: a pair outlives
the record a merge removes (it is the merge's history), and a foreign key to the directory
would be one more link for the merge to move.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accord.directory.masking import may_search_masked
from accord.directory.models import ContactPerson, Counterparty
from accord.directory.similarity import CONTACT_REASONS, reason_label


class Kind(models.TextChoices):
    COUNTERPARTY = "counterparty", _("Counterparties")
    CONTACT_PERSON = "contact_person", _("Contact persons")


class ScanStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


SCAN_ACTIVE = (ScanStatus.QUEUED, ScanStatus.RUNNING)


class Scan(models.Model):
    """One run of the duplicate search over the whole directory."""

    kinds = models.JSONField(_("objects"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=ScanStatus.choices, default=ScanStatus.QUEUED
    )
    step = models.CharField(_("step"), max_length=200, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Written while it runs: a scan whose worker died is seen stale and may be started again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(_("duration, s"), null=True, blank=True)
    records = models.PositiveIntegerField(_("records compared"), default=0)
    compared = models.PositiveBigIntegerField(_("pairs compared"), default=0)
    found = models.PositiveIntegerField(_("pairs found"), default=0)
    new = models.PositiveIntegerField(_("new pairs"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("duplicate scan")
        verbose_name_plural = _("duplicate scans")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in SCAN_ACTIVE


class PairStatus(models.TextChoices):
    OPEN = "open", _("To review")
    MERGED = "merged", _("Merged")
    DISMISSED = "dismissed", _("Not a duplicate")


def _seen(user: Any, kind: str, side: str, *, plain: bool = False) -> Exists:
    """Whether the pair's `side` record is one `user` sees (and, if `plain`, not a VIP).

    A correlated EXISTS on the record's primary key: a page of pairs walks the pairs in
    score order and probes each record, instead of gathering every visible id first.
    """
    if kind == Kind.COUNTERPARTY:
        rows: Any = Counterparty.objects.visible_to(user)
        vip = Q(is_vip=True)
    else:
        rows = ContactPerson.objects.visible_to(user)
        vip = Q(is_vip=True) | Q(counterparty__is_vip=True)
    if plain:
        rows = rows.exclude(vip)
    return Exists(rows.filter(pk=OuterRef(f"{side}_id")))


class PairQuerySet(models.QuerySet["Pair"]):
    def visible_to(self, user: Any, kind: str = "") -> PairQuerySet:
        """Pairs (of `kind`, or of both kinds) whose two records `user` sees: a hidden
        record makes the pair a 404.

        For a user who may not reveal VIP contact details, a pair that rests on a phone or
        an e-mail is shown only when neither record is VIP: else it would confirm that a
        VIP's hidden phone is the one on the other record (`directory.masking`).
        """
        masked = not may_search_masked(user)
        condition = Q()
        for one in [kind] if kind else Kind.values:
            both = Q(kind=one) & _seen(user, one, "left") & _seen(user, one, "right")
            if masked:
                both &= Q(by_contact=False) | (
                    _seen(user, one, "left", plain=True) & _seen(user, one, "right", plain=True)
                )
            condition |= both
        return self.filter(condition)

    def open(self) -> PairQuerySet:
        return self.filter(status=PairStatus.OPEN)


class Pair(models.Model):
    """Two records that a scan found alike: `left_id` < `right_id`, both of `kind`."""

    kind = models.CharField(_("objects"), max_length=20, choices=Kind.choices)
    left_id = models.BigIntegerField()
    right_id = models.BigIntegerField()
    score = models.FloatField(_("score"))
    # Reason codes of `directory.similarity` (`same_inn`, `name:93`, ...), read by `labels`.
    reasons = models.JSONField(_("reasons"), default=list)
    by_contact = models.BooleanField(default=False)  # a reason is a shared phone or e-mail
    status = models.CharField(
        _("status"), max_length=10, choices=PairStatus.choices, default=PairStatus.OPEN
    )
    scan = models.ForeignKey(
        Scan, null=True, blank=True, on_delete=models.SET_NULL, related_name="pairs"
    )
    found_at = models.DateTimeField(_("found"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PairQuerySet.as_manager()

    class Meta:
        verbose_name = _("duplicate pair")
        verbose_name_plural = _("duplicate pairs")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "left_id", "right_id"], name="dedup_pair_unique"
            ),
            models.CheckConstraint(
                condition=Q(left_id__lt=models.F("right_id")), name="dedup_pair_ordered"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-score", "-id"], name="dedup_pair_review"),
            models.Index(fields=["status", "kind", "-score", "-id"], name="dedup_pair_review_kind"),
            models.Index(fields=["kind", "right_id"], name="dedup_pair_right"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: #{self.left_id} / #{self.right_id}"

    @property
    def labels(self) -> list[str]:
        return [reason_label(code) for code in self.reasons]

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    def ids(self) -> tuple[int, int]:
        return self.left_id, self.right_id


def contact_evidence(reasons: list[str]) -> bool:
    return any(code in CONTACT_REASONS for code in reasons)


class Decision(models.Model):
    """ "These two are not duplicates": a later scan never proposes the pair again."""

    kind = models.CharField(_("objects"), max_length=20, choices=Kind.choices)
    left_id = models.BigIntegerField()
    right_id = models.BigIntegerField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("not a duplicate")
        verbose_name_plural = _("not duplicates")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "left_id", "right_id"], name="dedup_decision_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: #{self.left_id} ≠ #{self.right_id}"


class Merge(models.Model):
    """A merge done: which record was kept, which removed, what moved. Old links to the
    removed record are answered from here (`selectors.merged_into`)."""

    kind = models.CharField(_("objects"), max_length=20, choices=Kind.choices)
    kept_id = models.BigIntegerField(_("kept"))
    removed_id = models.BigIntegerField(_("removed"))
    removed_label = models.CharField(_("removed record"), max_length=300, blank=True)
    filled = models.JSONField(_("fields filled"), default=list)
    moved = models.JSONField(_("objects moved"), default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("merged"), default=timezone.now)

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        constraints = [
            models.UniqueConstraint(fields=["kind", "removed_id"], name="dedup_merge_removed_once")
        ]
        indexes = [models.Index(fields=["kind", "kept_id"], name="dedup_merge_kept")]

    def __str__(self) -> str:
        return f"{self.kind}: #{self.removed_id} -> #{self.kept_id}"
