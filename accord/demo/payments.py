"""Payments for demo data: the payment plan of every issued demo invoice (one row for its
total on its due date), then full payments for about half of them, partial payments for a
quarter, a few advances, and five unpaid invoices whose plans fall due so that receivables
show every ageing bucket (not due, 1-30, 31-60, 61-90, over 90 days).

Deterministic for a seed (and the day it runs on, which the buckets are counted from).
Written in bulk, bypassing the services like the rest of the demo, with the same figures
the payment services would keep: paid amounts and statuses of invoices, paid parts of plans.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from accord.billing.models import (
    ExpectedPayment,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
)

INSERT_BATCH = 1000
# Days from today of the plans of the first unpaid invoices: one per ageing bucket.
BUCKET_OFFSETS = (10, -15, -45, -75, -120)


def _paid_part(rng: random.Random, total: Decimal, kind: int) -> Decimal:
    if kind < 50:
        return total
    if kind < 75:
        return (total * Decimal(rng.randint(20, 80)) / 100).quantize(Decimal("0.01"))
    return Decimal("0.00")


def _payment(invoice: Invoice, amount: Decimal, paid: Decimal, rng: random.Random,
             today: dt.date) -> Payment:  # fmt: skip
    date = min(today, invoice.date + dt.timedelta(days=rng.randint(1, 40)))
    return Payment(
        counterparty_id=invoice.counterparty_id, own_company_id=invoice.own_company_id,
        responsible_id=invoice.responsible_id, date=date, number=str(rng.randint(100, 99999)),
        currency=invoice.currency, amount=amount, allocated_amount=paid,
    )  # fmt: skip


def payments_generate(*, seed: int) -> int:
    """Plan and pay the issued demo invoices; answer how many payments were written."""
    today = timezone.localdate()
    rng = random.Random(f"payments-{seed}")
    invoices = list(Invoice.objects.filter(status=InvoiceStatus.ISSUED).order_by("id"))
    plans, payments, paid_parts, unpaid_seen = [], [], [], 0
    for invoice in invoices:
        paid = _paid_part(rng, invoice.total, rng.randrange(100))
        due = invoice.due_date or invoice.date
        if paid == 0 and unpaid_seen < len(BUCKET_OFFSETS):
            due = today + dt.timedelta(days=BUCKET_OFFSETS[unpaid_seen])
            unpaid_seen += 1
        plans.append(ExpectedPayment(invoice=invoice, due_date=due, amount=invoice.total,
                                     paid_amount=paid))  # fmt: skip
        invoice.paid_amount = paid
        if paid == invoice.total:
            invoice.status = InvoiceStatus.PAID
        elif paid > 0:
            invoice.status = InvoiceStatus.PARTLY_PAID
        if paid > 0:
            advance = invoice.total / 10 if rng.randrange(10) == 0 else Decimal(0)
            amount = (paid + advance).quantize(Decimal("0.01"))
            payments.append(_payment(invoice, amount, paid, rng, today))
            paid_parts.append((invoice, paid))
    with transaction.atomic():
        ExpectedPayment.objects.bulk_create(plans, batch_size=INSERT_BATCH)
        Invoice.objects.bulk_update(invoices, ["paid_amount", "status"], batch_size=INSERT_BATCH)
        Payment.objects.bulk_create(payments, batch_size=INSERT_BATCH)
        PaymentAllocation.objects.bulk_create(
            (PaymentAllocation(payment=p, invoice=i, amount=a)
             for p, (i, a) in zip(payments, paid_parts, strict=True)),
            batch_size=INSERT_BATCH,
        )  # fmt: skip
    return len(payments)


def payments_wipe() -> int:
    """Delete payments, their allocations and the plans (plain DELETEs, children first)."""
    deleted = 0
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for model in (PaymentAllocation, Payment, ExpectedPayment):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            deleted += cursor.rowcount
    return deleted
