"""Reads of receivables: what counterparties owe, how late, and their advances.

Every figure is a database aggregate over the rows the viewer sees (invoices by
`Invoice.objects.visible_to`, advances by `Payment.objects.visible_to`): no Python loop over
invoices. Ageing counts the unpaid part of each expected payment row by the days past its
due date on `today` (a parameter, so tests and reports can look from any day).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accord.billing.models import (
    AWAITING_PAYMENT,
    ExpectedPayment,
    Invoice,
    InvoiceStatus,
    Payment,
)
from accord.core.errors import DomainError
from accord.directory.models import Counterparty

ZERO = Decimal("0.00")
INVOICED = (*AWAITING_PAYMENT, InvoiceStatus.PAID)
# Bucket name -> (first, last) day overdue, inclusive; None: open-ended.
BUCKETS: dict[str, tuple[int | None, int | None]] = {
    "not_due": (None, 0),
    "d1_30": (1, 30),
    "d31_60": (31, 60),
    "d61_90": (61, 90),
    "d90_plus": (91, None),
}
RECEIVABLES_CAP = 500
MONEY_FIELD: DecimalField[Any, Any] = DecimalField(max_digits=17, decimal_places=2)


def _sum(expression: Any, condition: Q | None = None) -> Any:
    return Coalesce(Sum(expression, filter=condition), Value(ZERO), output_field=MONEY_FIELD)


def kopecks(value: Any) -> Decimal:
    """An aggregate as money: SQLite answers sums with extra digits."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def bucket_condition(name: str, today: dt.date) -> Q:
    """Expected payment rows `name` days overdue on `today` (due date `today - days`)."""
    first, last = BUCKETS[name]
    condition = Q()
    if first is not None:
        condition &= Q(due_date__lte=today - dt.timedelta(days=first))
    if last is not None:
        condition &= Q(due_date__gte=today - dt.timedelta(days=last))
    return condition


@dataclass
class Receivable:
    """Money of one counterparty (or of all of them: `counterparty_id` None)."""

    counterparty_id: int | None = None
    counterparty_name: str = ""
    invoiced: Decimal = ZERO
    paid: Decimal = ZERO
    advance: Decimal = ZERO
    buckets: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKETS, ZERO))

    @property
    def debt(self) -> Decimal:
        return self.invoiced - self.paid

    @property
    def overdue(self) -> Decimal:
        return sum((v for k, v in self.buckets.items() if k != "not_due"), ZERO)


@dataclass(frozen=True)
class ReceivablesReport:
    rows: list[Receivable]
    total: Receivable
    capped: bool


def _invoices(viewer: Any, filters: dict[str, Any]) -> QuerySet[Invoice]:
    rows = Invoice.objects.visible_to(viewer).filter(status__in=INVOICED)
    for name in ("counterparty", "responsible"):
        value: Any = filters.get(name)
        if value not in (None, ""):
            try:
                rows = rows.filter(**{f"{name}_id": int(value)})
            except (TypeError, ValueError):
                message = f"Filter {name} takes an id."
                raise DomainError("invalid_filter", message, fields={name: [message]}) from None
    return rows


def _bucket_sums(today: dt.date) -> dict[str, Any]:
    rest = F("amount") - F("paid_amount")
    return {name: _sum(rest, bucket_condition(name, today)) for name in BUCKETS}


def receivables_report(
    *, viewer: Any, filters: dict[str, Any] | None = None, today: dt.date | None = None,
    overdue_only: bool = False, cap: int = RECEIVABLES_CAP,
) -> ReceivablesReport:  # fmt: skip
    """Per counterparty: invoiced, paid, debt, ageing buckets and advance; largest debt first.

    Three grouped queries (invoices, expected payment rows, advances) merged by counterparty.
    `filters`: counterparty, responsible (the invoices' responsible manager).
    """
    day = today or timezone.localdate()
    invoices = _invoices(viewer, filters or {})
    money = invoices.values("counterparty_id", "counterparty__name").annotate(
        invoiced=_sum("total"), paid=_sum("paid_amount")
    )
    plan = (
        ExpectedPayment.objects.filter(invoice__in=invoices.filter(status__in=AWAITING_PAYMENT))
        .values("invoice__counterparty_id")
        .annotate(**_bucket_sums(day))
    )
    rows: dict[int, Receivable] = {
        m["counterparty_id"]: Receivable(
            m["counterparty_id"],
            m["counterparty__name"],
            kopecks(m["invoiced"]),
            kopecks(m["paid"]),
        )
        for m in money
    }
    for p in plan:
        rows[p["invoice__counterparty_id"]].buckets = {name: kopecks(p[name]) for name in BUCKETS}
    for cp_id, advance in _advances(viewer, list(rows)).items():
        rows[cp_id].advance = kopecks(advance)
    ordered = sorted(rows.values(), key=lambda r: (-r.debt, r.counterparty_name, r.counterparty_id))
    if overdue_only:
        ordered = [r for r in ordered if r.overdue > 0]
    return ReceivablesReport(rows=ordered[:cap], total=_total(ordered), capped=len(ordered) > cap)


def _advances(viewer: Any, counterparty_ids: list[int]) -> dict[int, Decimal]:
    rows = (
        Payment.objects.visible_to(viewer)
        .active()
        .filter(counterparty_id__in=counterparty_ids, amount__gt=F("allocated_amount"))
        .values("counterparty_id")
        .annotate(rest=_sum(F("amount") - F("allocated_amount")))
    )
    return {r["counterparty_id"]: r["rest"] for r in rows}


def _total(rows: list[Receivable]) -> Receivable:
    total = Receivable()
    for row in rows:  # counterparties, already aggregated: not invoices
        total.invoiced += row.invoiced
        total.paid += row.paid
        total.advance += row.advance
        for name in BUCKETS:
            total.buckets[name] += row.buckets[name]
    return total


@dataclass(frozen=True)
class Balance:
    debt: Decimal
    overdue: Decimal
    advance: Decimal


def counterparty_balance(
    *, viewer: Any, counterparty_id: int, today: dt.date | None = None
) -> Balance:
    """Debt, overdue part and advance of one counterparty, as the viewer sees it: one query."""
    day = today or timezone.localdate()
    plan = ExpectedPayment.objects.visible_to(viewer).filter(
        invoice__counterparty_id=OuterRef("pk"), invoice__status__in=AWAITING_PAYMENT
    )
    rest = F("amount") - F("paid_amount")
    advances = Payment.objects.visible_to(viewer).active().filter(counterparty_id=OuterRef("pk"))

    def one(rows: QuerySet[Any], key: str, expression: Any) -> Any:
        value = rows.order_by().values(key).annotate(s=Sum(expression)).values("s")
        return Coalesce(
            Subquery(value, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD
        )

    row = (
        Counterparty.objects.filter(pk=counterparty_id)
        .annotate(
            debt=one(plan, "invoice__counterparty_id", rest),
            overdue=one(plan.filter(due_date__lt=day), "invoice__counterparty_id", rest),
            advance=one(advances, "counterparty_id", F("amount") - F("allocated_amount")),
        )
        .values("debt", "overdue", "advance")
        .first()
    )
    if row is None:
        return Balance(ZERO, ZERO, ZERO)
    return Balance(kopecks(row["debt"]), kopecks(row["overdue"]), kopecks(row["advance"]))
