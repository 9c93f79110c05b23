"""Pipelines and their stages, deals on them, the history of stage changes, lost reasons."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accord.core.models import TimestampedModel
from accord.users.access import grant, owner_filter

DEAL = "sales.deal"


class StageKind(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class StageColor(models.TextChoices):
    """The badge tones of the UI (`tone-<color>` in app.css)."""

    GRAY = "gray", _("Gray")
    BLUE = "blue", _("Blue")
    TEAL = "teal", _("Teal")
    VIOLET = "violet", _("Violet")
    AMBER = "amber", _("Amber")
    GREEN = "green", _("Green")
    RED = "red", _("Red")


class Pipeline(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(pgettext_lazy("order in a list", "position"), default=0)
    is_default = models.BooleanField(_("default"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), on_delete=models.CASCADE, related_name="stages"
    )
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(pgettext_lazy("order in a list", "position"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("probability, %"), default=0, validators=[MaxValueValidator(100)]
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=StageKind.choices, default=StageKind.OPEN
    )
    color = models.CharField(
        _("colour"), max_length=10, choices=StageColor.choices, default=StageColor.BLUE
    )

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["pipeline", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "name"], name="stage_name_unique"),
            models.CheckConstraint(condition=Q(probability__lte=100), name="stage_probability_max"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.kind != StageKind.OPEN


class LostReason(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(pgettext_lazy("order in a list", "position"), default=0)

    class Meta:
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class DealQuerySet(models.QuerySet["Deal"]):
    def visible_to(self, user: Any) -> DealQuerySet:
        """The deals `user` may see: by the responsible manager's scope, or as a participant.

        A participant is matched by EXISTS, not a join, so a deal is never listed twice.
        """
        condition = owner_filter(user, DEAL, "responsible")
        if condition is None:
            return self
        if grant(user, DEAL).scope is None:
            return self.filter(condition)
        through = Deal.participants.through
        participates = Exists(through.objects.filter(deal_id=OuterRef("pk"), user_id=user.pk))
        return self.filter(condition | Q(participates))

    def open(self) -> DealQuerySet:
        return self.filter(stage__kind=StageKind.OPEN)


class Deal(TimestampedModel):
    title = models.CharField(_("title"), max_length=255)
    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), on_delete=models.PROTECT, related_name="deals"
    )
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="deals"
    )
    # Deleting a counterparty deletes its deals (the counterparty's delete is audited).
    counterparty = models.ForeignKey(
        "directory.Counterparty",
        verbose_name=_("counterparty"),
        on_delete=models.CASCADE,
        related_name="deals",
    )
    contact_person = models.ForeignKey(
        "directory.ContactPerson",
        verbose_name=_("contact person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants"),
        blank=True,
        related_name="deals_participating",
    )
    amount = models.DecimalField(_("amount"), max_digits=15, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    source = models.ForeignKey(
        "directory.Source",
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lost_reason = models.ForeignKey(
        LostReason,
        verbose_name=_("lost reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deals",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    stage_entered_at = models.DateTimeField(_("in the stage since"), default=timezone.now)
    notes = models.TextField(_("notes"), blank=True)

    objects = DealQuerySet.as_manager()

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        indexes = [
            models.Index(fields=["stage", "-stage_entered_at", "-id"], name="deal_stage_entered"),
            models.Index(fields=["-created_at", "-id"], name="deal_created_id"),
            models.Index(fields=["responsible", "stage"], name="deal_resp_stage"),
            models.Index(fields=["counterparty", "-created_at"], name="deal_cp_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="deal_amount_not_negative")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def days_in_stage(self) -> int:
        return max(0, (timezone.now() - self.stage_entered_at).days)


class DealStageChange(models.Model):
    """One move of a deal (its creation has no `from_stage`) and how long it sat before."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    seconds_in_previous_stage = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["deal", "changed_at", "id"]
        indexes = [models.Index(fields=["deal", "changed_at", "id"], name="stagechange_deal_at")]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.from_stage_id} -> {self.to_stage_id}"
