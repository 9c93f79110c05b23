"""Invoices for demo data: our own company with its bank account, and an issued invoice
for every won deal (one line: the deal's title and amount, VAT 22% included), numbered
gaplessly per calendar year, with both parties' requisites copied as `invoice_issue` does;
then their payment plans and payments (accord.demo.payments).

Deterministic for a seed. Written in bulk, bypassing the services like the rest of the demo;
the number sequences are set to the last number of each year, so invoices issued later in
the UI continue the numbering without a gap.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.db import connection, transaction

from accord.billing.models import (
    Invoice,
    InvoiceLine,
    InvoiceSequence,
    InvoiceStatus,
    OwnBankAccount,
    OwnCompany,
)
from accord.billing.requisites import issuer_requisites
from accord.catalog.models import VAT_RATES, VatRate
from accord.demo.payments import payments_generate, payments_wipe
from accord.demo.requisites import (
    company_inn,
    correspondent_account,
    kpp_for,
    ogrn_for,
    settlement_account,
)
from accord.directory.models import BankAccount, Counterparty
from accord.sales.lines import line_amounts
from accord.sales.models import Deal, StageKind

INSERT_BATCH = 1000
DEMO_BIC = "044525225"
PAYMENT_DAYS = (5, 10, 14, 30)


def own_company_ensure(seed: int) -> OwnCompany:
    """The demo's own company with one bank account (the first own company if one exists)."""
    found = OwnCompany.objects.first()
    if found is not None:
        return found
    rng = random.Random(f"own-company-{seed}")
    inn = company_inn("7701", f"{rng.randrange(10**5):05d}")
    company = OwnCompany.objects.create(
        name="ООО «Аккорд Демо»", full_name="Общество с ограниченной ответственностью «Аккорд Демо»",
        inn=inn, kpp=kpp_for(inn), ogrn=ogrn_for(inn, 2015, rng),
        legal_address="125009, г. Москва, ул. Тверская, д. 7, офис 12",
        director="Смирнов А. В.", accountant="Кузнецова Е. П.", is_default=True,
    )  # fmt: skip
    OwnBankAccount.objects.create(
        company=company, bank_name="ПАО Сбербанк", bic=DEMO_BIC,
        account=settlement_account(DEMO_BIC, "40702", "3800", rng),
        correspondent_account=correspondent_account(DEMO_BIC),
    )  # fmt: skip
    return company


def _buyers(ids: list[int]) -> dict[int, dict[str, object]]:
    """The requisites of these counterparties as `buyer_requisites` copies them."""
    accounts: dict[int, dict[str, str]] = {}
    fields = ("bank_name", "bic", "account", "correspondent_account")
    for row in BankAccount.objects.filter(counterparty_id__in=ids).order_by("id").values(
        "counterparty_id", *fields
    ):  # fmt: skip
        accounts.setdefault(row["counterparty_id"], {f: row[f] for f in fields})
    buyers: dict[int, dict[str, object]] = {}
    for cp in Counterparty.objects.filter(pk__in=ids).values(
        "pk", "name", "full_name", "inn", "kpp", "legal_address", "actual_address"
    ):  # fmt: skip
        buyers[cp["pk"]] = {
            "name": cp["full_name"] or cp["name"], "short_name": cp["name"], "inn": cp["inn"],
            "kpp": cp["kpp"], "address": cp["legal_address"] or cp["actual_address"],
            "bank_account": accounts.get(cp["pk"]),
        }  # fmt: skip
    return buyers


def _invoice(deal: Deal, company: OwnCompany, issuer: dict[str, object], rng: random.Random,
             buyer: dict[str, object]) -> tuple[Invoice, InvoiceLine]:  # fmt: skip
    amounts = line_amounts(
        quantity=Decimal(1), price=deal.amount, vat_rate=VAT_RATES[VatRate.TWENTY_TWO],
        vat_included=True,
    )  # fmt: skip
    issued_at = deal.closed_at or deal.updated_at
    date = issued_at.date()
    invoice = Invoice(
        own_company=company, date=date,
        due_date=date + dt.timedelta(days=rng.choice(PAYMENT_DAYS)),
        counterparty_id=deal.counterparty_id, contact_person_id=deal.contact_person_id,
        deal_id=deal.pk, responsible_id=deal.responsible_id, currency="RUB", vat_included=True,
        status=InvoiceStatus.ISSUED, amount=amounts.amount, vat_amount=amounts.vat_amount,
        total=amounts.total, issuer=issuer, buyer=buyer, issued_at=issued_at,
        created_at=issued_at, updated_at=issued_at,
    )  # fmt: skip
    line = InvoiceLine(
        position=1, name=deal.title, quantity=Decimal(1), price=deal.amount,
        vat_rate=VatRate.TWENTY_TWO, amount=amounts.amount, vat_amount=amounts.vat_amount,
        total=amounts.total,
    )  # fmt: skip
    return invoice, line


def invoices_generate(
    *, seed: int, batch_size: int = 2000, after_batch: Callable[[], None] | None = None
) -> int:
    """Write an issued invoice for every won deal, in date order; answer how many."""
    deals = list(
        Deal.objects.filter(stage__kind=StageKind.WON, amount__gt=0)
        .order_by("closed_at", "pk")
        .only("pk", "title", "amount", "counterparty_id", "contact_person_id",
              "responsible_id", "closed_at", "updated_at")
    )  # fmt: skip
    if not deals:
        return 0
    company = own_company_ensure(seed)
    issuer = issuer_requisites(company)
    rng = random.Random(f"invoices-{seed}")
    last: dict[int, int] = {}  # year -> last number
    for start in range(0, len(deals), batch_size):
        chunk = deals[start : start + batch_size]
        buyers = _buyers(sorted({d.counterparty_id for d in chunk}))
        rows = [_invoice(d, company, issuer, rng, buyers[d.counterparty_id]) for d in chunk]
        for invoice, _line in rows:
            last[invoice.date.year] = last.get(invoice.date.year, 0) + 1
            invoice.number, invoice.number_year = last[invoice.date.year], invoice.date.year
        with transaction.atomic():
            Invoice.objects.bulk_create([i for i, _l in rows], batch_size=INSERT_BATCH)
            for invoice, line in rows:
                line.invoice_id = invoice.pk
            InvoiceLine.objects.bulk_create([ln for _i, ln in rows], batch_size=INSERT_BATCH)
        if after_batch is not None:
            after_batch()
    with transaction.atomic():
        for year, number in last.items():
            InvoiceSequence.objects.update_or_create(
                company=company, year=year, defaults={"last_number": number}
            )
    payments_generate(seed=seed)  # plans and payments of these invoices (demo.payments)
    return len(deals)


def invoices_wipe() -> int:
    """Delete invoices, their sequences and the own companies (plain DELETEs, children first)."""
    deleted = payments_wipe()  # payments and plans point at invoices: first
    tables = (InvoiceLine, Invoice, InvoiceSequence, OwnBankAccount, OwnCompany)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            deleted += cursor.rowcount
    return deleted
