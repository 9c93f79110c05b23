"""`accord demo` invoices: one issued invoice per won deal, gapless numbers per year,
valid requisites, deterministic, and numbering that later issues continue."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accord.billing.models import Invoice, InvoiceSequence, OwnCompany
from accord.billing.services import invoice_issue
from accord.demo.generator import data_wipe
from accord.directory import identifiers as ids
from accord.sales.models import Deal, StageKind
from tests.factories import invoice_draft, sales_pipeline

pytestmark = pytest.mark.django_db
COUNT = 300


def run_demo(**options) -> None:
    call_command("demo", stdout=StringIO(), **options)


def invoice_rows() -> list[tuple]:
    return list(Invoice.objects.order_by("id").values_list(
        "number", "number_year", "date", "total", "counterparty__inn", "deal__title"))  # fmt: skip


def test_issued_invoices_for_won_deals_numbered_without_gaps(db):
    sales_pipeline()
    run_demo(count=COUNT, seed=5)

    won = Deal.objects.filter(stage__kind=StageKind.WON, amount__gt=0).count()
    invoices = list(Invoice.objects.prefetch_related("lines"))
    assert won > 0
    assert len(invoices) == won
    # accord.demo.payments then pays some of them (tests/billing/test_payments_demo.py).
    assert all(i.status in ("issued", "partly_paid", "paid") for i in invoices)
    assert all(i.total == i.lines.get().total for i in invoices)
    for year in {i.number_year for i in invoices}:
        numbers = sorted(i.number for i in invoices if i.number_year == year)
        assert numbers == list(range(1, len(numbers) + 1))
        assert InvoiceSequence.objects.get(year=year).last_number == len(numbers)
    company = OwnCompany.objects.get()
    account = company.bank_accounts.get()
    assert ids.normalize_inn(company.inn, kind="legal_entity") == company.inn
    assert ids.normalize_account(account.account, bic=account.bic) == account.account
    assert (
        ids.normalize_correspondent_account(account.correspondent_account, bic=account.bic)
        == account.correspondent_account
    )
    assert invoices[0].buyer["inn"] == invoices[0].counterparty.inn

    # The next invoice issued in the UI continues the year's numbering.
    latest = max(invoices, key=lambda i: (i.number_year, i.number))
    manager = latest.responsible
    draft = invoice_draft(responsible=manager, company=company, date=latest.date.isoformat())
    assert invoice_issue(actor=manager, invoice=draft).number == latest.number + 1


def test_same_seed_same_invoices_and_wipe_clears_them(db):
    sales_pipeline()
    run_demo(count=COUNT, seed=9)
    first = invoice_rows()
    data_wipe()
    assert not Invoice.objects.exists()
    assert not OwnCompany.objects.exists()
    run_demo(count=COUNT, seed=9)
    assert invoice_rows() == first
