"""Own companies (our legal entities) with their bank accounts, invoices and their lines,
and the per-company, per-year sequences that number invoices without gaps.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accord.catalog.models import VatRate
from accord.core.models import TimestampedModel
from accord.users.access import owner_filter

INVOICE = "billing.invoice"
BILLING_SETTINGS = "admin.billing_settings"


class OwnCompany(TimestampedModel):
    """One of our legal entities, the issuer of invoices."""

    name = models.CharField(_("name"), max_length=255)
    full_name = models.CharField(_("full legal name"), max_length=500, blank=True)
    inn = models.CharField(_("INN"), max_length=12)
    kpp = models.CharField(_("KPP"), max_length=9, blank=True)
    ogrn = models.CharField(_("OGRN"), max_length=15, blank=True)
    legal_address = models.TextField(_("legal address"), blank=True)
    actual_address = models.TextField(_("actual address"), blank=True)
    director = models.CharField(_("director"), max_length=255, blank=True)
    accountant = models.CharField(_("chief accountant"), max_length=255, blank=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("own company")
        verbose_name_plural = _("own companies")
        ordering = ["-is_default", "name", "id"]

    def __str__(self) -> str:
        return self.name


class OwnBankAccount(models.Model):
    """A settlement account of an own company; the first one is printed on invoices."""

    company = models.ForeignKey(OwnCompany, on_delete=models.CASCADE, related_name="bank_accounts")
    bank_name = models.CharField(_("bank"), max_length=255, blank=True)
    bic = models.CharField(_("BIC"), max_length=9)
    account = models.CharField(_("account"), max_length=20)
    correspondent_account = models.CharField(_("correspondent account"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.account} ({self.bic})"


class InvoiceSequence(models.Model):
    """The last number taken for one company in one calendar year (locked while taken)."""

    company = models.ForeignKey(OwnCompany, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "year"], name="invoiceseq_company_year")
        ]

    def __str__(self) -> str:
        return f"{self.company_id}/{self.year}: {self.last_number}"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses in which an invoice still waits for money (and can be overdue).
AWAITING_PAYMENT = (InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID)


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    def visible_to(self, user: Any) -> InvoiceQuerySet:
        """The invoices `user` may see, by the responsible manager's scope."""
        condition = owner_filter(user, INVOICE, "responsible")
        return self if condition is None else self.filter(condition)

    def overdue(self, today: Any = None) -> InvoiceQuerySet:
        day = today or timezone.localdate()
        return self.filter(status__in=AWAITING_PAYMENT, due_date__lt=day)


MONEY = {"max_digits": 15, "decimal_places": 2, "default": 0}


class Invoice(TimestampedModel):
    own_company = models.ForeignKey(
        OwnCompany, verbose_name=_("own company"), on_delete=models.PROTECT, related_name="+"
    )
    # Taken only when the invoice is issued, so that drafts leave no gaps.
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    number_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    date = models.DateField(_("date"), default=timezone.localdate)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # Like deals: deleting a counterparty (an audited act) deletes its invoices.
    counterparty = models.ForeignKey(
        "directory.Counterparty",
        verbose_name=_("counterparty"),
        on_delete=models.CASCADE,
        related_name="invoices",
    )
    contact_person = models.ForeignKey(
        "directory.ContactPerson",
        verbose_name=_("contact person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deal = models.ForeignKey(
        "sales.Deal",
        verbose_name=_("deal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invoices",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invoices",
    )
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    vat_included = models.BooleanField(_("VAT included in prices"), default=True)
    status = models.CharField(
        _("status"), max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    amount = models.DecimalField(_("amount"), **MONEY)  # type: ignore[arg-type]
    vat_amount = models.DecimalField(_("VAT"), **MONEY)  # type: ignore[arg-type]
    total = models.DecimalField(_("total"), **MONEY)  # type: ignore[arg-type]
    paid_amount = models.DecimalField(_("paid"), **MONEY)  # type: ignore[arg-type]
    # Requisites copied at issue: later edits of either party do not change an issued invoice.
    issuer = models.JSONField(_("issuer requisites"), default=dict, blank=True)
    buyer = models.JSONField(_("buyer requisites"), default=dict, blank=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        indexes = [
            models.Index(fields=["-date", "-id"], name="invoice_date_id"),
            models.Index(fields=["responsible", "-date"], name="invoice_resp_date"),
            models.Index(fields=["counterparty", "-date"], name="invoice_cp_date"),
            models.Index(fields=["status", "due_date"], name="invoice_status_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["own_company", "number_year", "number"],
                condition=Q(number__isnull=False),
                name="invoice_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(paid_amount__gte=0), name="invoice_money_positive"
            ),
        ]

    def __str__(self) -> str:
        if self.number is None:
            return str(_("Draft invoice %(id)s") % {"id": self.pk})
        return str(_("Invoice № %(number)s of %(date)s") % {
            "number": self.number, "date": self.date.strftime("%d.%m.%Y"),
        })  # fmt: skip

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.status in AWAITING_PAYMENT
            and self.due_date
            and self.due_date < timezone.localdate()
        )


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=1000)
    quantity = models.DecimalField(_("quantity"), max_digits=15, decimal_places=3)
    unit = models.ForeignKey(
        "catalog.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The unit as printed, kept so a retired unit does not change the invoice.
    unit_name = models.CharField(_("unit"), max_length=20, blank=True)
    price = models.DecimalField(_("price"), max_digits=15, decimal_places=2)
    discount_percent = models.DecimalField(
        _("discount, %"), max_digits=5, decimal_places=2, default=0
    )
    vat_rate = models.CharField(
        _("VAT rate"), max_length=4, choices=VatRate.choices, default=VatRate.TWENTY_TWO
    )
    amount = models.DecimalField(_("amount"), **MONEY)  # type: ignore[arg-type]
    vat_amount = models.DecimalField(_("VAT"), **MONEY)  # type: ignore[arg-type]
    total = models.DecimalField(_("total"), **MONEY)  # type: ignore[arg-type]

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="invoiceline_quantity_pos"),
            models.CheckConstraint(condition=Q(price__gte=0), name="invoiceline_price_not_neg"),
        ]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------- payments

PAYMENT = "billing.payment"


class ExpectedPaymentQuerySet(models.QuerySet["ExpectedPayment"]):
    def visible_to(self, user: Any) -> ExpectedPaymentQuerySet:
        """The plan rows of the invoices `user` may see (the invoice's responsible manager)."""
        condition = owner_filter(user, INVOICE, "invoice__responsible")
        return self if condition is None else self.filter(condition)


class ExpectedPayment(models.Model):
    """When money for an invoice should come: the rows of one invoice sum to its total.

    `paid_amount` is the part already covered by payments, spread over the rows by due date
    (earliest first) by the payment services, so that ageing is a plain database aggregate.
    """

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="expected_payments")
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount"), max_digits=15, decimal_places=2)
    paid_amount = models.DecimalField(_("paid"), **MONEY)  # type: ignore[arg-type]

    objects = ExpectedPaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("expected payment")
        verbose_name_plural = _("expected payments")
        ordering = ["invoice", "due_date", "id"]
        indexes = [models.Index(fields=["due_date"], name="expected_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(paid_amount__gte=0) & Q(paid_amount__lte=F("amount")),
                name="expected_money_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.amount} by {self.due_date}"

    @property
    def rest(self) -> Any:
        return self.amount - self.paid_amount


class PaymentStatus(models.TextChoices):
    ACTIVE = "active", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentQuerySet(models.QuerySet["Payment"]):
    def visible_to(self, user: Any) -> PaymentQuerySet:
        """Payments by their responsible manager's scope: the counterparty's manager at the
        time the payment was registered (the actor when the counterparty had none)."""
        condition = owner_filter(user, PAYMENT, "responsible")
        return self if condition is None else self.filter(condition)

    def active(self) -> PaymentQuerySet:
        return self.filter(status=PaymentStatus.ACTIVE)


class Payment(TimestampedModel):
    """Money received from a counterparty; what is not allocated to invoices is an advance."""

    counterparty = models.ForeignKey(
        "directory.Counterparty",
        verbose_name=_("counterparty"),
        on_delete=models.CASCADE,
        related_name="payments",
    )
    own_company = models.ForeignKey(
        OwnCompany, verbose_name=_("own company"), on_delete=models.PROTECT, related_name="+"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="payments",
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    number = models.CharField(_("payment document number"), max_length=50, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    amount = models.DecimalField(_("amount"), max_digits=15, decimal_places=2)
    allocated_amount = models.DecimalField(_("allocated"), **MONEY)  # type: ignore[arg-type]
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.ACTIVE
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [
            models.Index(fields=["-date", "-id"], name="payment_date_id"),
            models.Index(fields=["counterparty", "status"], name="payment_cp_status"),
            models.Index(fields=["responsible", "-date"], name="payment_resp_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0)
                & Q(allocated_amount__gte=0)
                & Q(allocated_amount__lte=F("amount")),
                name="payment_money_valid",
            ),
        ]

    def __str__(self) -> str:
        number = self.number or str(self.pk)
        return str(_("Payment № %(number)s of %(date)s") % {
            "number": number, "date": self.date.strftime("%d.%m.%Y"),
        })  # fmt: skip

    @property
    def advance(self) -> Any:
        """The part not allocated to any invoice (zero once cancelled)."""
        if self.status == PaymentStatus.CANCELLED:
            return 0
        return self.amount - self.allocated_amount


class PaymentAllocation(models.Model):
    """The part of a payment that pays one invoice."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="allocations")
    amount = models.DecimalField(_("amount"), max_digits=15, decimal_places=2)

    class Meta:
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        ordering = ["payment", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
            models.UniqueConstraint(fields=["payment", "invoice"], name="allocation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} -> {self.invoice_id}: {self.amount}"
