"""Writes of invoices. Each service checks permission, validates, writes in one transaction
and records the audit event in that same transaction; a refusal writes nothing.

A draft changes freely; issuing takes the next gapless number and copies both parties'
requisites into the invoice, after which it is immutable: a correction is a new invoice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.billing.errors import InvoiceNotEditableError, InvoiceNotReadyError, InvoiceStatusError
from accord.billing.models import INVOICE, Invoice, InvoiceLine, InvoiceStatus, OwnCompany
from accord.billing.numbering import next_invoice_number
from accord.billing.payment_services import expected_payment_default
from accord.billing.requisites import buyer_requisites, issuer_requisites
from accord.billing.validation import clean_invoice
from accord.core.audit import diff, log_action, snapshot
from accord.core.errors import NotFoundError
from accord.sales.lines import LineAmounts, document_totals
from accord.sales.models import Deal, Order, OrderStatus
from accord.users.access import require

AUDITED = (
    "own_company_id", "number", "date", "due_date", "counterparty_id", "contact_person_id",
    "deal_id", "responsible_id", "currency", "vat_included", "status", "amount",
    "vat_amount", "total", "notes",
)  # fmt: skip
HEADER = (
    "own_company_id", "date", "due_date", "counterparty_id", "contact_person_id", "deal_id",
    "responsible_id", "currency", "vat_included", "notes",
)  # fmt: skip
LINE_AUDIT = ("name", "quantity", "unit_name", "price", "discount_percent", "vat_rate", "total")


def _locked(actor: Any, invoice: Invoice) -> Invoice:
    """The invoice again, locked for the write, if the actor still sees it."""
    row = (
        Invoice.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk=invoice.pk)
        .first()
    )
    if row is None:
        raise NotFoundError
    return row


def _lines_audit(lines: Any) -> list[dict[str, Any]]:
    return [
        {name: (line[name] if isinstance(line, Mapping) else getattr(line, name))
         for name in LINE_AUDIT}
        for line in lines
    ]  # fmt: skip


def _write_lines(invoice: Invoice, lines: list[dict[str, Any]]) -> None:
    """Replace the lines and store the totals as the sums of the rounded line amounts."""
    invoice.lines.all().delete()
    InvoiceLine.objects.bulk_create(
        InvoiceLine(invoice=invoice, position=i + 1, **line) for i, line in enumerate(lines)
    )
    totals = document_totals(
        LineAmounts(line["amount"], line["vat_amount"], line["total"]) for line in lines
    )
    invoice.amount, invoice.vat_amount, invoice.total = (
        totals.amount, totals.vat_amount, totals.total,
    )  # fmt: skip


def deal_prefill(*, actor: Any, deal_id: Any) -> dict[str, Any]:
    """What an invoice for a deal starts with: its counterparty, contact and one line."""
    deal = Deal.objects.visible_to(actor).filter(pk=deal_id).first() if deal_id else None
    if deal is None:
        return {}
    line = {"name": deal.title, "quantity": "1", "price": str(deal.amount)}
    return {
        "deal_id": deal.pk,
        "counterparty_id": deal.counterparty_id,
        "contact_person_id": deal.contact_person_id,
        "currency": deal.currency,
        "lines": [line],
    }


@transaction.atomic
def invoice_create(*, actor: Any, data: Mapping[str, Any]) -> Invoice:
    """A draft invoice; with a `deal_id` alone it takes the deal's counterparty and a line."""
    require(actor, "add", INVOICE)
    prefill = deal_prefill(actor=actor, deal_id=data.get("deal_id"))
    cleaned = clean_invoice({**prefill, **data}, actor=actor)
    lines = cleaned.pop("lines")
    invoice = Invoice(**cleaned, created_by=actor, updated_by=actor)
    invoice.save()
    _write_lines(invoice, lines)
    invoice.save(update_fields=["amount", "vat_amount", "total"])
    log_action(
        actor=actor,
        action="billing.invoice.created",
        obj=invoice,
        changes={**snapshot(invoice, AUDITED), "lines": _lines_audit(lines)},
    )
    return invoice


def order_invoice_data(order: Order) -> dict[str, Any]:
    """What an invoice for an order copies: its parties, currency, VAT mode and lines."""
    lines = [
        {"product_id": line.product_id, "quantity": line.quantity, "unit_id": line.unit_id,
         "price": line.price, "discount_percent": line.discount_percent,
         "vat_rate": line.vat_rate}
        for line in order.lines.all()
    ]  # fmt: skip
    return {
        "counterparty_id": order.counterparty_id,
        "contact_person_id": order.contact_person_id,
        "deal_id": order.deal_id,
        "currency": order.currency,
        "vat_included": order.vat_included,
        "notes": _("For order %(number)s") % {"number": order.number},
        "lines": lines,
    }


@transaction.atomic
def invoice_create_from_order(*, actor: Any, order: Order) -> Invoice:
    """A draft invoice with the order's lines; refused for a cancelled or hidden order."""
    require(actor, "add", INVOICE)
    found = Order.objects.visible_to(actor).filter(pk=order.pk).first()
    if found is None:
        raise NotFoundError
    if found.status == OrderStatus.CANCELLED:
        raise InvoiceStatusError(_("A cancelled order cannot be invoiced."))
    return invoice_create(actor=actor, data=order_invoice_data(found))


def _refuse_unless_draft(invoice: Invoice) -> None:
    if invoice.status != InvoiceStatus.DRAFT:
        raise InvoiceNotEditableError(
            _("An issued or cancelled invoice cannot be changed; make a new invoice instead.")
        )


@transaction.atomic
def invoice_update(*, actor: Any, invoice: Invoice, data: Mapping[str, Any]) -> Invoice:
    """Change a draft; `lines`, when given, replace all of its lines."""
    require(actor, "change", INVOICE)
    row = _locked(actor, invoice)
    _refuse_unless_draft(row)
    cleaned = clean_invoice(data, actor=actor, instance=row)
    lines = cleaned.pop("lines")
    before = {**snapshot(row, AUDITED), "lines": _lines_audit(row.lines.all())}
    for name in HEADER:
        setattr(row, name, cleaned[name])
    if "lines" in data or "vat_included" in data:
        _write_lines(row, lines)
    changes = diff(before, {**snapshot(row, AUDITED), "lines": _lines_audit(lines)})
    if changes:
        row.updated_at, row.updated_by = timezone.now(), actor
        row.save()
        log_action(actor=actor, action="billing.invoice.updated", obj=row, changes=changes)
    return row


def _ready_to_issue(row: Invoice) -> OwnCompany:
    _refuse_unless_draft(row)
    company = OwnCompany.objects.prefetch_related("bank_accounts").get(pk=row.own_company_id)
    if not company.bank_accounts.all():
        raise InvoiceNotReadyError(
            _("Add a bank account of %(company)s in Settings before issuing invoices.")
            % {"company": company.name}
        )
    if row.total <= 0:
        raise InvoiceNotReadyError(_("The invoice has nothing to pay: add lines first."))
    return company


@transaction.atomic
def invoice_issue(*, actor: Any, invoice: Invoice) -> Invoice:
    """Number a draft and copy both parties' requisites into it; from now on it is fixed."""
    require(actor, "change", INVOICE)
    row = _locked(actor, invoice)
    company = _ready_to_issue(row)
    row.number = next_invoice_number(company, row.date.year)
    row.number_year = row.date.year
    row.issuer = issuer_requisites(company)
    row.buyer = buyer_requisites(row.counterparty)
    row.status = InvoiceStatus.ISSUED
    row.issued_at = row.updated_at = timezone.now()
    row.updated_by = actor
    row.save()
    expected_payment_default(row)
    log_action(
        actor=actor,
        action="billing.invoice.issued",
        obj=row,
        changes={"number": row.number, "status": [InvoiceStatus.DRAFT, row.status],
                 "issuer": row.issuer, "buyer": row.buyer},
    )  # fmt: skip
    return row


@transaction.atomic
def invoice_cancel(*, actor: Any, invoice: Invoice) -> Invoice:
    """Cancel a draft or an issued invoice that has no payments; the number stays taken."""
    require(actor, "change", INVOICE)
    row = _locked(actor, invoice)
    if row.status not in (InvoiceStatus.DRAFT, InvoiceStatus.ISSUED) or row.paid_amount:
        raise InvoiceStatusError(_("Only a draft or an unpaid issued invoice can be cancelled."))
    before = row.status
    row.status = InvoiceStatus.CANCELLED
    row.cancelled_at = row.updated_at = timezone.now()
    row.updated_by = actor
    row.save()
    log_action(
        actor=actor,
        action="billing.invoice.cancelled",
        obj=row,
        changes={"status": [before, row.status]},
    )
    return row
