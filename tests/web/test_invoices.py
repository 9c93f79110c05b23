"""Invoice pages: list with filters and a query budget, card, form with lines, issue and
cancel, the print view, own companies in Settings, and 404 for another manager's invoice."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accord.billing.models import Invoice, OwnCompany
from accord.billing.services import invoice_issue
from accord.core.models import AuditEvent
from tests.factories import (
    OWN_ACCOUNT,
    OWN_BIC,
    OWN_CORR,
    CounterpartyFactory,
    DealFactory,
    invoice_draft,
    own_company,
)

pytestmark = pytest.mark.django_db


def _lines(*rows):
    """POST data of line rows: ("name", "qty", "price", "vat")."""
    data = {"line_name": [], "line_quantity": [], "line_price": [], "line_vat_rate": [],
            "line_unit_id": [], "line_discount_percent": [], "line_product_id": []}  # fmt: skip
    for name, qty, price, vat in rows:
        for key, value in (("name", name), ("quantity", qty), ("price", price),
                           ("vat_rate", vat), ("unit_id", ""), ("discount_percent", ""),
                           ("product_id", "")):  # fmt: skip
            data[f"line_{key}"].append(value)
    return data


def test_list_filters_and_keeps_a_query_budget(manager_client, manager, other_manager,
                                               django_assert_max_num_queries):  # fmt: skip
    company = own_company()
    for _ in range(30):
        invoice_draft(responsible=manager, company=company)
    issued = invoice_issue(actor=manager, invoice=invoice_draft(
        responsible=manager, company=company, date="2020-01-01", due_date="2020-01-10",
    ))  # fmt: skip
    invoice_draft(responsible=other_manager, company=company)

    with django_assert_max_num_queries(10):
        response = manager_client.get("/invoices/")
    assert response.status_code == 200
    assert response.context["result"].count.value == 31

    overdue = manager_client.get("/invoices/", {"overdue": "1"}).context["result"]
    assert [i.pk for i in overdue.page.items] == [issued.pk]
    drafts = manager_client.get("/invoices/", {"status": "draft"}).context["result"]
    assert drafts.count.value == 30


def test_card_shows_lines_totals_words_and_has_a_query_budget(
    manager_client, manager, django_assert_max_num_queries
):
    invoice = invoice_draft(responsible=manager, lines=[
        {"name": "Монтаж", "quantity": "1", "price": "1501.21", "vat_rate": "20"},
    ])  # fmt: skip
    with django_assert_max_num_queries(10):
        response = manager_client.get(f"/invoices/{invoice.pk}/")
    html = response.content.decode()
    for text in ("Монтаж", "Одна тысяча пятьсот один рубль 21 копейка", "Draft", "7707083893"):
        assert text in html, text


def test_create_with_lines_then_issue_and_cancel(manager_client, manager):
    company = own_company()
    cp = CounterpartyFactory(responsible=manager)
    data = {"own_company_id": company.pk, "counterparty_id": cp.pk, "currency": "RUB",
            "vat_included": "on", "date": "2030-03-01", "responsible_id": manager.pk,
            **_lines(("Работы", "2", "500", "20"), ("", "", "", "22"))}  # fmt: skip

    response = manager_client.post("/invoices/new/", data)

    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/invoices/{invoice.pk}/"
    assert (invoice.total, invoice.lines.count()) == (Decimal("1000.00"), 1)

    manager_client.post(f"/invoices/{invoice.pk}/issue/")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == ("issued", 1)
    assert invoice.buyer["inn"] == cp.inn

    edit = manager_client.post(f"/invoices/{invoice.pk}/edit/", {**data, "notes": "x"})
    assert edit.status_code == 200  # the form again, with the refusal on top
    assert "cannot be changed" in edit.content.decode()
    invoice.refresh_from_db()
    assert invoice.notes == ""

    manager_client.post(f"/invoices/{invoice.pk}/cancel/")
    invoice.refresh_from_db()
    assert invoice.status == "cancelled"


def test_form_shows_line_errors_on_their_row_and_writes_nothing(manager_client, manager):
    company = own_company()
    cp = CounterpartyFactory(responsible=manager)
    response = manager_client.post("/invoices/new/", {
        "own_company_id": company.pk, "counterparty_id": cp.pk,
        **_lines(("Ок", "1", "10", "20"), ("Плохо", "0", "10", "20")),
    })  # fmt: skip
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.line_errors) == [1]
    assert "The quantity must be more than zero." in response.content.decode()
    assert not Invoice.objects.exists()


def test_new_invoice_from_a_deal_is_prefilled(manager_client, manager):
    own_company()
    deal = DealFactory(responsible=manager, title="Поставка насосов", amount=Decimal("99000"))
    response = manager_client.get("/invoices/new/", {"deal": deal.pk})
    form = response.context["form"]
    assert form.initial["counterparty_id"] == deal.counterparty_id
    assert form.lines[0]["name"] == "Поставка насосов"
    assert "Поставка насосов" in response.content.decode()


def test_issue_without_a_bank_account_says_why_and_takes_no_number(manager_client, manager):
    invoice = invoice_draft(responsible=manager, company=own_company(with_account=False))
    response = manager_client.post(f"/invoices/{invoice.pk}/issue/", follow=True)
    assert "Add a bank account" in response.content.decode()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == ("draft", None)


def test_print_view_has_the_standard_layout(manager_client, manager):
    invoice = invoice_issue(actor=manager, invoice=invoice_draft(
        responsible=manager, date="2030-05-07",
        lines=[{"name": "Услуги", "quantity": "1", "price": "2000", "vat_rate": "none"}],
    ))  # fmt: skip
    html = manager_client.get(f"/invoices/{invoice.pk}/print/").content.decode()
    for text in ("Счёт на оплату № 1 от 7 мая 2030", "Товары (работы, услуги)", "Без налога (НДС)",
                 "Всего наименований 1", "Две тысячи рублей 00 копеек", OWN_BIC, OWN_ACCOUNT,
                 "Руководитель", "Бухгалтер", "Иванов И. И."):  # fmt: skip
        assert text in html, text


@pytest.mark.parametrize("suffix", ["", "edit/", "print/"])
def test_another_managers_invoice_is_404(manager_client, other_manager, suffix):
    invoice = invoice_draft(responsible=other_manager)
    assert manager_client.get(f"/invoices/{invoice.pk}/{suffix}").status_code == 404
    assert manager_client.get(f"/invoices/987654/{suffix}").status_code == 404


def test_own_companies_in_settings(admin_client, manager_client):
    response = admin_client.post("/settings/own-companies/new/", {
        "name": "ООО «Север»", "inn": "7707083893", "kpp": "773601001", "is_default": "on",
        "bic": OWN_BIC, "account": OWN_ACCOUNT, "correspondent_account": OWN_CORR,
        "bank_name": "Сбербанк",
    })  # fmt: skip
    assert response.status_code == 302
    company = OwnCompany.objects.get()
    assert company.bank_accounts.get().account == OWN_ACCOUNT
    assert AuditEvent.objects.filter(action="billing.owncompany.created").count() == 1

    bad = admin_client.post(f"/settings/own-companies/{company.pk}/", {
        "name": "ООО «Север»", "inn": "7707083893", "bic": OWN_BIC, "account": "40702810000000000000",
    })  # fmt: skip
    assert bad.status_code == 200
    assert "control key" in bad.content.decode()
    assert company.bank_accounts.get().account == OWN_ACCOUNT

    assert admin_client.get("/settings/own-companies/").status_code == 200
    assert manager_client.get("/settings/own-companies/").status_code == 403
