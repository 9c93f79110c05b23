"""Invoice services: creation (standalone and from a deal), draft edits, issue with gapless
numbers and copied requisites, cancel, and every refused path writing nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accord.billing import services
from accord.billing.errors import InvoiceNotEditableError, InvoiceNotReadyError, InvoiceStatusError
from accord.billing.models import Invoice, InvoiceStatus
from accord.billing.requisites import invoice_parties
from accord.core.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from accord.core.models import AuditEvent
from accord.directory.models import BankAccount
from tests.factories import (
    CounterpartyFactory,
    DealFactory,
    ProductFactory,
    UserFactory,
    invoice_draft,
    own_company,
)

pytestmark = pytest.mark.django_db


def test_create_computes_lines_and_totals_through_sales_lines(manager):
    product = ProductFactory(vat_rate="20")
    invoice = invoice_draft(responsible=manager, vat_included=False, lines=[
        {"product_id": product.pk, "quantity": "3", "price": "100.00", "discount_percent": "10"},
        {"name": "Доставка", "quantity": "1", "price": "0.99", "vat_rate": "none"},
    ])  # fmt: skip

    lines = list(invoice.lines.all())
    assert [(ln.name, ln.amount, ln.vat_amount, ln.total) for ln in lines] == [
        (product.name, Decimal("270.00"), Decimal("54.00"), Decimal("324.00")),
        ("Доставка", Decimal("0.99"), Decimal("0.00"), Decimal("0.99")),
    ]
    assert lines[0].unit_name == product.unit.short_name
    assert (invoice.amount, invoice.vat_amount, invoice.total) == (
        Decimal("270.99"), Decimal("54.00"), Decimal("324.99"),
    )  # fmt: skip
    assert (invoice.status, invoice.number, invoice.responsible) == ("draft", None, manager)
    assert AuditEvent.objects.filter(action="billing.invoice.created").count() == 1


def test_vat_included_rounds_per_line(manager):
    invoice = invoice_draft(responsible=manager, lines=[
        {"name": "A", "quantity": "1", "price": "100.00", "vat_rate": "20"},
        {"name": "B", "quantity": "1", "price": "100.00", "vat_rate": "20"},
    ])  # fmt: skip
    # 16.666.. per line rounds to 16.67 twice, not 33.33 on the sum.
    assert (invoice.total, invoice.vat_amount) == (Decimal("200.00"), Decimal("33.34"))


def test_create_from_a_deal_prefills_counterparty_and_one_line(manager):
    company = own_company()
    deal = DealFactory(responsible=manager, amount=Decimal("12000.00"), title="Поставка станка")

    invoice = services.invoice_create(
        actor=manager, data={"deal_id": deal.pk, "own_company_id": company.pk}
    )

    assert (invoice.counterparty_id, invoice.deal_id) == (deal.counterparty_id, deal.pk)
    line = invoice.lines.get()
    assert (line.name, line.quantity, line.price) == ("Поставка станка", 1, Decimal("12000.00"))
    assert invoice.total == Decimal("12000.00")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"counterparty_id": None}, "counterparty_id"),
        ({"lines": [{"name": "X", "quantity": "0", "price": "1"}]}, "lines.0.quantity"),
        ({"lines": [{"name": "X", "quantity": "1", "price": "-1"}]}, "lines.0.price"),
        ({"lines": [{"name": "", "quantity": "1", "price": "1"}]}, "lines.0.name"),
        ({"lines": [{"name": "X", "quantity": "1", "price": "1", "vat_rate": "18"}]},
         "lines.0.vat_rate"),
        ({"lines": [{"name": "X", "quantity": "1", "price": "1", "discount_percent": "101"}]},
         "lines.0.discount_percent"),
        ({"date": "2030-02-01", "due_date": "2030-01-01"}, "due_date"),
        ({"currency": "rub"}, "currency"),
        ({"surprise": 1}, "surprise"),
    ],
)  # fmt: skip
def test_create_refuses_bad_input_and_writes_nothing(manager, billing_state, data, field):
    company = own_company()
    cp = CounterpartyFactory(responsible=manager)
    before = billing_state()
    with pytest.raises(ValidationFailedError) as caught:
        services.invoice_create(actor=manager, data={
            "own_company_id": company.pk, "counterparty_id": cp.pk, **data,
        })  # fmt: skip
    assert field in caught.value.fields
    assert billing_state() == before


def test_create_refuses_a_hidden_counterparty_and_a_foreign_deal(manager, other_manager):
    company = own_company()
    hidden = CounterpartyFactory(responsible=other_manager)
    mine = CounterpartyFactory(responsible=manager)
    foreign_deal = DealFactory(responsible=manager)
    with pytest.raises(ValidationFailedError) as caught:
        services.invoice_create(actor=manager, data={
            "own_company_id": company.pk, "counterparty_id": hidden.pk,
        })  # fmt: skip
    assert "counterparty_id" in caught.value.fields
    with pytest.raises(ValidationFailedError) as caught:
        services.invoice_create(actor=manager, data={
            "own_company_id": company.pk, "counterparty_id": mine.pk, "deal_id": foreign_deal.pk,
        })  # fmt: skip
    assert caught.value.fields["deal_id"] == ["Choose a deal of this counterparty."]
    assert not Invoice.objects.exists()


def test_a_user_without_the_right_is_refused(billing_state):
    viewer = UserFactory(roles=["director"])
    company = own_company()
    before = billing_state()
    with pytest.raises(PermissionDeniedError):
        services.invoice_create(actor=viewer, data={"own_company_id": company.pk})
    assert billing_state() == before


def test_update_replaces_lines_and_audits(manager):
    invoice = invoice_draft(responsible=manager)
    services.invoice_update(actor=manager, invoice=invoice, data={
        "lines": [{"name": "Новая строка", "quantity": "1", "price": "10", "vat_rate": "none"}],
        "notes": "Срочно",
    })  # fmt: skip
    invoice.refresh_from_db()
    assert [ln.name for ln in invoice.lines.all()] == ["Новая строка"]
    assert (invoice.total, invoice.notes) == (Decimal("10.00"), "Срочно")
    event = AuditEvent.objects.get(action="billing.invoice.updated")
    assert set(event.changes) >= {"lines", "notes", "total"}


def test_issue_numbers_consecutively_and_a_failed_issue_takes_no_number(manager, billing_state):
    company = own_company(with_account=False)
    first = invoice_draft(responsible=manager, company=company)
    second = invoice_draft(responsible=manager, company=company)
    third = invoice_draft(responsible=manager, company=company)

    before = billing_state()
    with pytest.raises(InvoiceNotReadyError):
        services.invoice_issue(actor=manager, invoice=first)
    assert billing_state() == before

    own_bank = own_company("ООО «Второе»", default=False).bank_accounts.get()
    own_bank.pk, own_bank.company = None, company
    own_bank.save()
    services.invoice_issue(actor=manager, invoice=second)
    services.invoice_issue(actor=manager, invoice=first)
    services.invoice_issue(actor=manager, invoice=third)

    numbers = [Invoice.objects.get(pk=i.pk).number for i in (second, first, third)]
    assert numbers == [1, 2, 3]


def test_numbers_are_per_company_and_per_year(manager):
    one, two = own_company("ООО «Раз»"), own_company("ООО «Два»", default=False)
    issued = [
        services.invoice_issue(
            actor=manager,
            invoice=invoice_draft(
                responsible=manager,
                company=company,
                date=date,
            ),
        )
        for company, date in (
            (one, "2030-12-31"),
            (one, "2030-12-31"),
            (two, "2030-12-31"),
            (one, "2031-01-01"),
        )
    ]
    assert [(i.own_company_id, i.number_year, i.number) for i in issued] == [
        (one.pk, 2030, 1), (one.pk, 2030, 2), (two.pk, 2030, 1), (one.pk, 2031, 1),
    ]  # fmt: skip


def test_issue_refuses_a_zero_invoice_and_writes_nothing(manager, billing_state):
    invoice = invoice_draft(responsible=manager, lines=[])
    before = billing_state()
    with pytest.raises(InvoiceNotReadyError):
        services.invoice_issue(actor=manager, invoice=invoice)
    assert billing_state() == before


def test_issued_invoice_is_immutable(manager, billing_state):
    invoice = services.invoice_issue(actor=manager, invoice=invoice_draft(responsible=manager))
    before = billing_state()
    with pytest.raises(InvoiceNotEditableError):
        services.invoice_update(actor=manager, invoice=invoice, data={"notes": "поправка"})
    with pytest.raises(InvoiceNotEditableError):
        services.invoice_update(actor=manager, invoice=invoice, data={"lines": []})
    with pytest.raises(InvoiceNotEditableError):
        services.invoice_issue(actor=manager, invoice=invoice)
    assert billing_state() == before


def test_cancel_is_audited_and_final(manager, billing_state):
    invoice = services.invoice_issue(actor=manager, invoice=invoice_draft(responsible=manager))
    services.invoice_cancel(actor=manager, invoice=invoice)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == (InvoiceStatus.CANCELLED, 1)
    assert AuditEvent.objects.filter(action="billing.invoice.cancelled").count() == 1

    before = billing_state()
    with pytest.raises(InvoiceStatusError):
        services.invoice_cancel(actor=manager, invoice=invoice)
    with pytest.raises(InvoiceNotEditableError):
        services.invoice_update(actor=manager, invoice=invoice, data={"notes": "x"})
    assert billing_state() == before


def test_issued_invoice_keeps_the_requisites_it_was_issued_with(manager):
    cp = CounterpartyFactory(
        responsible=manager, name="ООО «Ромашка»", kpp="771001001", legal_address="Старый адрес"
    )
    BankAccount.objects.create(
        counterparty=cp, bic="044525225", account="40702810938000000001", bank_name="Сбер"
    )
    invoice = services.invoice_issue(
        actor=manager, invoice=invoice_draft(responsible=manager, counterparty=cp)
    )

    cp.name, cp.legal_address, cp.kpp = "ООО «Лютик»", "Новый адрес", "772001001"
    cp.save()
    cp.bank_accounts.all().delete()
    company = invoice.own_company
    company.director = "Другой Д. Д."
    company.save()

    fresh = Invoice.objects.get(pk=invoice.pk)
    issuer, buyer = invoice_parties(fresh)
    assert (buyer["short_name"], buyer["address"], buyer["kpp"]) == (
        "ООО «Ромашка»", "Старый адрес", "771001001",
    )  # fmt: skip
    assert buyer["bank_account"]["account"] == "40702810938000000001"
    assert issuer["director"] == "Иванов И. И."
    assert issuer["bank_account"]["bic"] == "044525225"


def test_draft_shows_live_requisites(manager):
    cp = CounterpartyFactory(responsible=manager, legal_address="Было")
    invoice = invoice_draft(responsible=manager, counterparty=cp)
    cp.legal_address = "Стало"
    cp.save()
    _issuer, buyer = invoice_parties(Invoice.objects.get(pk=invoice.pk))
    assert buyer["address"] == "Стало"


def test_another_managers_invoice_is_not_found_for_every_write(manager, other_manager):
    invoice = invoice_draft(responsible=other_manager)
    for call in (
        lambda: services.invoice_update(actor=manager, invoice=invoice, data={"notes": "x"}),
        lambda: services.invoice_issue(actor=manager, invoice=invoice),
        lambda: services.invoice_cancel(actor=manager, invoice=invoice),
    ):
        with pytest.raises(NotFoundError):
            call()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.notes) == ("draft", "")


def test_overdue_lists_only_unpaid_issued_invoices_past_due(manager):
    past = dt.date(2030, 1, 10)
    issued = services.invoice_issue(actor=manager, invoice=invoice_draft(
        responsible=manager, date="2030-01-01", due_date=past,
    ))  # fmt: skip
    invoice_draft(responsible=manager, date="2030-01-01", due_date=past)
    assert list(Invoice.objects.overdue(dt.date(2030, 1, 11))) == [issued]
    assert not Invoice.objects.overdue(past).exists()
