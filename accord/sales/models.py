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


# ---------------------------------------------------------------- quotes and orders

QUOTE = "sales.quote"
ORDER = "sales.order"


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")


class OrderStatus(models.TextChoices):
    NEW = "new", _("New")
    CONFIRMED = "confirmed", _("Confirmed")
    IN_PROGRESS = "in_progress", _("In progress")
    SHIPPED = "shipped", _("Shipped")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class DocumentCounter(models.Model):
    """The last number given to a kind of document; locked (select_for_update) to number."""

    kind = models.CharField(max_length=20, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class DocumentQuerySet(models.QuerySet[Any]):
    object_type = ""

    def visible_to(self, user: Any) -> DocumentQuerySet:
        """Documents by the responsible manager's scope (the union rule of the roles)."""
        condition = owner_filter(user, self.object_type, "responsible")
        return self if condition is None else self.filter(condition)


class QuoteQuerySet(DocumentQuerySet):
    object_type = QUOTE


class OrderQuerySet(DocumentQuerySet):
    object_type = ORDER


def _money(label: Any) -> models.DecimalField[Any, Any]:
    return models.DecimalField(label, max_digits=15, decimal_places=2, default=0)


class SalesDocument(TimestampedModel):
    """What every sales document shares (quote, order, shipment): number and date,
    counterparty, responsible manager, currency, VAT included or on top, and totals."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    date = models.DateField(_("date"), default=timezone.localdate)
    # Like deals, documents go with their counterparty (whose delete is audited).
    counterparty = models.ForeignKey(
        "directory.Counterparty",
        verbose_name=_("counterparty"),
        on_delete=models.CASCADE,
        related_name="%(class)ss",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    vat_included = models.BooleanField(_("VAT included in prices"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    amount = _money(_("amount"))
    vat_amount = _money(_("VAT"))
    total = _money(_("total"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number


class CommercialDocument(SalesDocument):
    """What a quote and an order add, so that a 1C order (CommerceML Документ) fits: the
    contact person, the deal and the price type the lines were priced from."""

    contact_person = models.ForeignKey(
        "directory.ContactPerson",
        verbose_name=_("contact person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deal = models.ForeignKey(
        Deal,
        verbose_name=_("deal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="%(class)ss",
    )
    price_type = models.ForeignKey(
        "catalog.PriceType",
        verbose_name=_("price type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True


class Quote(CommercialDocument):
    status = models.CharField(
        _("status"), max_length=20, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = QuoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        indexes = [
            models.Index(fields=["-date", "-id"], name="quote_date_id"),
            models.Index(fields=["responsible", "status"], name="quote_resp_status"),
            models.Index(fields=["counterparty", "-date"], name="quote_cp_date"),
        ]


class Order(CommercialDocument):
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.NEW
    )
    quote = models.OneToOneField(
        Quote,
        verbose_name=_("quote"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="order",
    )

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["-date", "-id"], name="order_date_id"),
            models.Index(fields=["responsible", "status"], name="order_resp_status"),
            models.Index(fields=["counterparty", "-date"], name="order_cp_date"),
        ]


class DocumentLine(models.Model):
    """One line: what, how many, at what price, discount and VAT, and the computed money."""

    position = models.PositiveIntegerField(pgettext_lazy("order in a list", "position"))
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    variant = models.ForeignKey(
        "catalog.Variant",
        verbose_name=_("variant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = models.DecimalField(_("quantity"), max_digits=15, decimal_places=3)
    unit = models.ForeignKey(
        "catalog.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    price = models.DecimalField(_("price"), max_digits=15, decimal_places=2)
    discount_percent = models.DecimalField(
        _("discount, %"), max_digits=5, decimal_places=2, default=0
    )
    vat_rate = models.CharField(_("VAT rate"), max_length=4)  # catalog.VatRate values
    amount = _money(_("amount"))
    vat_amount = _money(_("VAT"))
    total = _money(_("total"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.position}: {self.product_id} x {self.quantity}"


class QuoteLine(DocumentLine):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["quote", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="quoteline_quantity_positive"),
            models.CheckConstraint(condition=Q(price__gte=0), name="quoteline_price_not_negative"),
        ]


class OrderLine(DocumentLine):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderline_quantity_positive"),
            models.CheckConstraint(condition=Q(price__gte=0), name="orderline_price_not_negative"),
        ]


# ---------------------------------------------------------------- shipments

SHIPMENT = "sales.shipment"


class ShipmentKind(models.TextChoices):
    GOODS = "goods", _("Goods waybill")  # Товарная накладная (ТОРГ-12)
    SERVICES = "services", _("Act of services")  # Акт об оказании услуг


class ShipmentStatus(models.TextChoices):
    # A shipment (отгрузка) is feminine in Russian, unlike orders and invoices.
    DRAFT = "draft", pgettext_lazy("shipment", "Draft")
    SHIPPED = "shipped", pgettext_lazy("shipment", "Shipped")
    CANCELLED = "cancelled", pgettext_lazy("shipment", "Cancelled")


class ShipmentQuerySet(DocumentQuerySet):
    object_type = SHIPMENT


class Shipment(SalesDocument):
    """A shipment of an order's goods or services (1C "Реализация товаров и услуг").
    Only posted (shipped) shipments count against what the order has left to ship."""

    kind = models.CharField(
        _("kind"), max_length=10, choices=ShipmentKind.choices, default=ShipmentKind.GOODS
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ShipmentStatus.choices, default=ShipmentStatus.DRAFT
    )
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shipments",
    )
    warehouse = models.ForeignKey(
        "catalog.Warehouse",
        verbose_name=_("warehouse"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The order's status before this shipment completed it: cancelling puts it back.
    order_status_before = models.CharField(max_length=20, blank=True, editable=False)
    objects = ShipmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        indexes = [
            models.Index(fields=["-date", "-id"], name="shipment_date_id"),
            models.Index(fields=["responsible", "status"], name="shipment_resp_status"),
            models.Index(fields=["order", "status"], name="shipment_order_status"),
        ]


class ShipmentLine(DocumentLine):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    # The order line this ships from: what remains to ship is counted per order line.
    order_line = models.ForeignKey(
        OrderLine, null=True, blank=True, on_delete=models.PROTECT, related_name="shipped"
    )

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["shipment", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="shipmentline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0), name="shipmentline_price_not_negative"
            ),
        ]
