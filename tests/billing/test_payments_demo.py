"""`accord demo` payments: plans for every issued invoice, full and partial payments that
agree with the invoices, advances, and receivables with every ageing bucket."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from accord.billing.models import ExpectedPayment, Invoice, Payment, PaymentAllocation
from accord.billing.receivables import BUCKETS, receivables_report
from tests.factories import sales_pipeline

pytestmark = pytest.mark.django_db


def test_demo_pays_some_invoices_and_fills_every_bucket(admin_user):
    sales_pipeline()
    call_command("demo", stdout=StringIO(), count=300, seed=5)

    invoices = list(Invoice.objects.all())
    statuses = {i.status for i in invoices}
    assert {"paid", "partly_paid", "issued"} <= statuses
    for invoice in invoices:
        allocated = PaymentAllocation.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))
        assert (allocated["s"] or Decimal(0)) == invoice.paid_amount
        plan = ExpectedPayment.objects.get(invoice=invoice)
        assert (plan.amount, plan.paid_amount) == (invoice.total, invoice.paid_amount)
    report = receivables_report(viewer=admin_user)
    assert all(report.total.buckets[name] > 0 for name in BUCKETS)
    first = sorted((p.date, p.amount) for p in Payment.objects.all())

    call_command("demo", stdout=StringIO(), count=300, seed=5, reset=True)
    assert sorted((p.date, p.amount) for p in Payment.objects.all()) == first
