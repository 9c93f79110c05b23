"""/api/v1/invoices and /api/v1/own-companies: list, get, create, patch drafts, issue,
cancel; 404 for another manager's invoice; refused changes write nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accord.billing.models import Invoice
from accord.core.models import AuditEvent
from tests.factories import CounterpartyFactory, DealFactory, invoice_draft, own_company

pytestmark = pytest.mark.django_db

LINE = {"name": "Консультация", "quantity": "2", "price": "1500.00", "vat_rate": "20"}


def test_list_pages_filters_and_keeps_a_query_budget(api, manager, other_manager,
                                                     django_assert_max_num_queries):  # fmt: skip
    company = own_company()
    for _ in range(5):
        invoice_draft(responsible=manager, company=company)
    invoice_draft(responsible=other_manager, company=company)

    with django_assert_max_num_queries(8):
        first = api.get("/api/v1/invoices", {"limit": 3}).json()
    second = api.get("/api/v1/invoices", {"limit": 3, "cursor": first["next_cursor"]}).json()

    assert first["count"] == 5
    assert (len(first["items"]), len(second["items"]), second["next_cursor"]) == (3, 2, None)
    assert api.get("/api/v1/invoices", {"status": "issued"}).json()["count"] == 0
    assert api.get("/api/v1/invoices", {"status": "nonsense"}).status_code == 400


def test_create_get_patch_issue_cancel(api, manager):
    company = own_company()
    cp = CounterpartyFactory(responsible=manager)

    created = api.post("/api/v1/invoices", {
        "own_company_id": company.pk, "counterparty_id": cp.pk, "lines": [LINE],
        "due_date": "2099-01-31",
    })  # fmt: skip
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["number"], body["total"]) == ("draft", None, "3000.00")
    assert body["total_in_words"] == "Три тысячи рублей 00 копеек"
    assert body["buyer"]["inn"] == cp.inn
    assert body["lines"][0]["vat_amount"] == "500.00"

    patched = api.patch(f"/api/v1/invoices/{body['id']}", {
        "lines": [{**LINE, "quantity": "1"}], "vat_included": False,
    }).json()  # fmt: skip
    assert (patched["total"], patched["vat_amount"]) == ("1800.00", "300.00")

    issued = api.post(f"/api/v1/invoices/{body['id']}/issue", {}).json()
    assert (issued["status"], issued["number"]) == ("issued", 1)
    assert issued["issuer"]["bank_account"]["bic"] == "044525225"

    refused = api.patch(f"/api/v1/invoices/{body['id']}", {"notes": "поправка"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "invoice_not_editable"

    cancelled = api.post(f"/api/v1/invoices/{body['id']}/cancel", {}).json()
    assert cancelled["status"] == "cancelled"
    assert api.get(f"/api/v1/invoices/{body['id']}").json()["number"] == 1


def test_create_from_a_deal(api, manager):
    own_company()
    deal = DealFactory(responsible=manager, amount=Decimal("5000"), title="Внедрение")
    body = api.post("/api/v1/invoices", {"deal_id": deal.pk}).json()
    assert (body["counterparty_id"], body["deal_id"], body["total"]) == (
        deal.counterparty_id, deal.pk, "5000.00",
    )  # fmt: skip
    assert body["lines"][0]["name"] == "Внедрение"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"lines": [{**LINE, "quantity": "0"}]}, "lines.0.quantity"),
        ({"lines": [{**LINE, "price": "-1"}]}, "lines.0.price"),
        ({"lines": [{**LINE, "vat_rate": "18"}]}, "lines.0.vat_rate"),
        ({"surprise": True}, "surprise"),
    ],
)
def test_bad_input_is_400_and_writes_nothing(api, manager, payload, field):
    company = own_company()
    cp = CounterpartyFactory(responsible=manager)
    events = AuditEvent.objects.count()
    answer = api.post("/api/v1/invoices", {
        "own_company_id": company.pk, "counterparty_id": cp.pk, **payload,
    })  # fmt: skip
    assert answer.status_code == 400
    assert any(key.endswith(field) or field in key for key in answer.json()["fields"]), (
        answer.json()
    )
    assert not Invoice.objects.exists()
    assert AuditEvent.objects.count() == events


def test_issue_without_bank_account_is_409_and_takes_no_number(api, manager):
    invoice = invoice_draft(responsible=manager, company=own_company(with_account=False))
    answer = api.post(f"/api/v1/invoices/{invoice.pk}/issue", {})
    assert answer.status_code == 409
    assert answer.json()["code"] == "invoice_not_ready"
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == ("draft", None)


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("patch", ""), ("post", "/issue"), ("post", "/cancel")],
)
def test_another_managers_invoice_is_404(api, other_manager, method, suffix):
    invoice = invoice_draft(responsible=other_manager)
    send = getattr(api, method)
    args = () if method == "get" else ({"notes": "x"} if method == "patch" else {},)
    foreign = send(f"/api/v1/invoices/{invoice.pk}{suffix}", *args)
    missing = send(f"/api/v1/invoices/987654{suffix}", *args)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.notes) == ("draft", "")


def test_own_companies_list(api):
    company = own_company()
    body = api.get("/api/v1/own-companies").json()
    assert [c["id"] for c in body] == [company.pk]
    assert body[0]["bank_accounts"][0]["account"] == "40702810938000000001"
