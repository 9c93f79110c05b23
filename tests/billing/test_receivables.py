"""Receivables: ageing buckets at their boundaries, balances and advances, visibility, and
the database aggregates agreeing with a recomputation over the viewer's invoices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.billing.models import Invoice
from accord.billing.payment_services import expected_payments_replace, payment_register
from accord.billing.receivables import BUCKETS, counterparty_balance, receivables_report
from tests.factories import CounterpartyFactory, issued_invoice, own_company, payment_for

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 30)


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(-5, "not_due"), (0, "not_due"), (1, "d1_30"), (30, "d1_30"), (31, "d31_60"),
     (60, "d31_60"), (61, "d61_90"), (90, "d61_90"), (91, "d90_plus"), (400, "d90_plus")],
)  # fmt: skip
def test_ageing_bucket_boundaries(manager, days, bucket):
    due = TODAY - dt.timedelta(days=days)
    issued_invoice(responsible=manager, price="123.45", date=min(due, TODAY), due_date=due)
    report = receivables_report(viewer=manager, today=TODAY)
    expected = dict.fromkeys(BUCKETS, Decimal("0.00")) | {bucket: Decimal("123.45")}
    assert report.rows[0].buckets == expected
    assert report.total.buckets == expected


def test_balance_debt_overdue_and_advance(manager, other_manager):
    client = CounterpartyFactory(responsible=manager)
    old = issued_invoice(responsible=manager, counterparty=client, price="1000.00",
                         date=dt.date(2026, 5, 1), due_date=dt.date(2026, 5, 10))  # fmt: skip
    issued_invoice(responsible=manager, counterparty=client, price="500.00",
                   date=TODAY, due_date=TODAY + dt.timedelta(days=10))  # fmt: skip
    payment_for(old, "250.50")
    payment_register(actor=manager, data={"counterparty_id": client.pk, "amount": "70.00",
                                          "allocations": []})  # fmt: skip
    balance = counterparty_balance(viewer=manager, counterparty_id=client.pk, today=TODAY)
    assert (balance.debt, balance.overdue, balance.advance) == (
        Decimal("1249.50"), Decimal("749.50"), Decimal("70.00"),
    )  # fmt: skip
    row = receivables_report(viewer=manager, today=TODAY).rows[0]
    assert (row.invoiced, row.paid, row.debt, row.advance) == (
        Decimal("1500.00"), Decimal("250.50"), Decimal("1249.50"), Decimal("70.00"),
    )  # fmt: skip
    assert row.buckets["d31_60"] == Decimal("749.50")
    assert row.buckets["not_due"] == Decimal("500.00")
    hidden = counterparty_balance(viewer=other_manager, counterparty_id=client.pk, today=TODAY)
    assert (hidden.debt, hidden.advance) == (0, 0)
    assert receivables_report(viewer=other_manager, today=TODAY).rows == []


def test_split_plan_ages_each_row_and_pays_the_earliest_first(manager):
    invoice = issued_invoice(responsible=manager, price="900.00", date=dt.date(2026, 1, 1))
    expected_payments_replace(actor=manager, invoice=invoice, rows=[
        {"due_date": "2026-04-01", "amount": "300.00"},  # 90 days overdue
        {"due_date": "2026-06-20", "amount": "300.00"},  # 10 days
        {"due_date": "2026-07-20", "amount": "300.00"},  # not due
    ])  # fmt: skip
    payment_for(invoice, "350.00")
    buckets = receivables_report(viewer=manager, today=TODAY).rows[0].buckets
    assert (buckets["d61_90"], buckets["d1_30"], buckets["not_due"]) == (
        Decimal("0.00"), Decimal("250.00"), Decimal("300.00"),
    )  # fmt: skip


def test_filters_and_overdue_only(manager, other_manager, admin_user):
    issued_invoice(responsible=manager, price="10.00", date=TODAY, due_date=TODAY)
    issued_invoice(responsible=other_manager, price="20.00", date=dt.date(2026, 1, 1),
                   due_date=dt.date(2026, 1, 1))  # fmt: skip
    everyone = receivables_report(viewer=admin_user, today=TODAY)
    assert [r.debt for r in everyone.rows] == [Decimal("20.00"), Decimal("10.00")]
    mine = receivables_report(viewer=admin_user, today=TODAY, filters={"responsible": manager.pk})
    assert [r.debt for r in mine.rows] == [Decimal("10.00")]
    late = receivables_report(viewer=admin_user, today=TODAY, overdue_only=True)
    assert [r.debt for r in late.rows] == [Decimal("20.00")]
    assert late.total.debt == Decimal("20.00")


def _recompute(viewer, today):
    """Ageing from the invoices in Python: the rest of each one-row plan on its due date."""
    totals = dict.fromkeys(BUCKETS, Decimal("0.00"))
    for invoice in Invoice.objects.visible_to(viewer).filter(status__in=["issued", "partly_paid"]):
        days = (today - (invoice.due_date or invoice.date)).days
        name = next(n for n, (lo, hi) in BUCKETS.items()
                    if (lo is None or days >= lo) and (hi is None or days <= hi))  # fmt: skip
        totals[name] += invoice.total - invoice.paid_amount
    return totals


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(
    st.tuples(st.booleans(), st.integers(0, 150), st.integers(1, 5000), st.integers(0, 100)),
    min_size=1, max_size=6,
))  # fmt: skip
def test_aggregates_equal_a_recomputation_over_visible_invoices(manager, other_manager, specs):
    own_company()
    mine = CounterpartyFactory(responsible=manager)
    theirs = CounterpartyFactory(responsible=other_manager)
    for is_mine, days, price, paid_percent in specs:
        owner, client = (manager, mine) if is_mine else (other_manager, theirs)
        due = TODAY - dt.timedelta(days=days)
        invoice = issued_invoice(responsible=owner, counterparty=client, price=f"{price}.00",
                                 date=due, due_date=due)  # fmt: skip
        paid = (Decimal(price) * paid_percent / 100).quantize(Decimal("0.01"))
        if paid > 0:
            payment_for(invoice, str(paid))
    for viewer in (manager, other_manager):
        report = receivables_report(viewer=viewer, today=TODAY)
        assert report.total.buckets == _recompute(viewer, TODAY)
        invoices = Invoice.objects.visible_to(viewer)
        assert report.total.debt == sum((i.total - i.paid_amount for i in invoices), Decimal(0))
    Invoice.objects.all().delete()
