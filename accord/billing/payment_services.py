"""Writes of payments and expected payments. Each service checks permission, validates, locks
the invoices it touches (select_for_update), writes in one transaction with its audit record;
a refusal writes nothing.

Invoice money is kept here and only here: `Invoice.paid_amount` and the status (issued ->
partly paid -> paid, and back when a payment is cancelled), and the paid part of each
expected payment row, spread over the rows by due date so ageing is a database aggregate.
What a payment does not allocate to invoices is the counterparty's advance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.billing.errors import InvoiceStatusError, PaymentRefusedError, PaymentStatusError
from accord.billing.models import (
    AWAITING_PAYMENT,
    INVOICE,
    PAYMENT,
    ExpectedPayment,
    Invoice,
    InvoiceStatus,
    OwnCompany,
    Payment,
    PaymentAllocation,
    PaymentStatus,
)
from accord.billing.payment_validation import clean_payment, clean_plan
from accord.core.audit import log_action
from accord.core.errors import NotFoundError
from accord.directory.models import Counterparty
from accord.users.access import require

ZERO = Decimal("0.00")


# ---------------------------------------------------------------- invoice money


def _spread_paid(invoice: Invoice) -> None:
    """Cover the expected payment rows by the invoice's paid amount, earliest first."""
    left = invoice.paid_amount
    changed = []
    for row in invoice.expected_payments.order_by("due_date", "id"):
        part = min(row.amount, max(left, ZERO))
        left -= part
        if row.paid_amount != part:
            row.paid_amount = part
            changed.append(row)
    ExpectedPayment.objects.bulk_update(changed, ["paid_amount"])


def _add_paid(invoice: Invoice, delta: Decimal, actor: Any) -> None:
    """Change what is paid of a locked invoice and move its status to match."""
    invoice.paid_amount += delta
    if invoice.paid_amount >= invoice.total:
        invoice.status = InvoiceStatus.PAID
    elif invoice.paid_amount > 0:
        invoice.status = InvoiceStatus.PARTLY_PAID
    else:
        invoice.status = InvoiceStatus.ISSUED
    invoice.updated_at, invoice.updated_by = timezone.now(), actor
    invoice.save(update_fields=["paid_amount", "status", "updated_at", "updated_by"])
    _spread_paid(invoice)


def expected_payment_default(invoice: Invoice) -> ExpectedPayment:
    """The plan an invoice gets when it is issued: its total on its due date."""
    return ExpectedPayment.objects.create(
        invoice=invoice, due_date=invoice.due_date or invoice.date, amount=invoice.total
    )


@transaction.atomic
def expected_payments_replace(*, actor: Any, invoice: Invoice, rows: Any) -> list[ExpectedPayment]:
    """Replace the plan of an issued invoice; the rows must sum to the invoice's total."""
    require(actor, "change", INVOICE)
    locked = (
        Invoice.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk=invoice.pk)
        .first()
    )
    if locked is None:
        raise NotFoundError
    if locked.status not in (*AWAITING_PAYMENT, InvoiceStatus.PAID):
        raise InvoiceStatusError(_("Only an issued invoice has a payment plan."))
    plan = clean_plan(rows)
    planned = sum((amount for _due, amount in plan), ZERO)
    if planned != locked.total:
        raise PaymentRefusedError(
            _("The rows sum to %(sum)s, but the invoice total is %(total)s.")
            % {"sum": planned, "total": locked.total},
            field="rows",
        )
    before = [[str(r.due_date), str(r.amount)] for r in locked.expected_payments.all()]
    locked.expected_payments.all().delete()
    ExpectedPayment.objects.bulk_create(
        ExpectedPayment(invoice=locked, due_date=due, amount=amount) for due, amount in plan
    )
    _spread_paid(locked)
    log_action(
        actor=actor,
        action="billing.invoice.plan_changed",
        obj=locked,
        changes={"expected_payments": [before, [[str(d), str(a)] for d, a in plan]]},
    )
    return list(locked.expected_payments.order_by("due_date", "id"))


# ---------------------------------------------------------------- register and cancel


def _counterparty(actor: Any, pk: int) -> Counterparty:
    found = Counterparty.objects.visible_to(actor).filter(pk=pk).first()
    if found is None:
        raise PaymentRefusedError(_("Choose a counterparty you can see."), field="counterparty_id")
    return found


def _own_company(pk: int | None) -> OwnCompany:
    companies = OwnCompany.objects.all()
    company = companies.filter(pk=pk).first() if pk else companies.first()
    if company is None:
        raise PaymentRefusedError(
            _("Add an own company in Settings first."), field="own_company_id"
        )
    return company


def _open_invoices(actor: Any, counterparty: Counterparty, currency: str) -> list[Invoice]:
    """The counterparty's unpaid invoices in this currency, oldest due first, locked."""
    rows = (
        Invoice.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(counterparty=counterparty, currency=currency, status__in=AWAITING_PAYMENT)
        .annotate(pay_by=Coalesce("due_date", "date"))
        .order_by("pay_by", "date", "id")
    )
    return list(rows)


def _auto_allocations(
    invoices: Iterable[Invoice], amount: Decimal
) -> list[tuple[Invoice, Decimal]]:
    out, left = [], amount
    for invoice in invoices:
        part = min(left, invoice.total - invoice.paid_amount)
        if part <= 0:
            break
        out.append((invoice, part))
        left -= part
    return out


def _check_allocation(
    invoice: Invoice | None, amount: Decimal, counterparty: Counterparty, currency: str
) -> None:
    """One allocation's money rules, each refused with its own message."""
    if invoice is None:
        raise PaymentRefusedError(_("Choose an invoice you can see."))
    if invoice.counterparty_id != counterparty.pk:
        raise PaymentRefusedError(
            _("%(invoice)s is an invoice of another counterparty.") % {"invoice": invoice}
        )
    if invoice.status not in AWAITING_PAYMENT:
        raise PaymentRefusedError(
            _("%(invoice)s is %(status)s: only an issued, unpaid invoice can be paid.")
            % {"invoice": invoice, "status": invoice.get_status_display().lower()}
        )
    if invoice.currency != currency:
        raise PaymentRefusedError(
            _("%(invoice)s is in %(currency)s, the payment is not.")
            % {"invoice": invoice, "currency": invoice.currency}
        )
    rest = invoice.total - invoice.paid_amount
    if amount > rest:
        raise PaymentRefusedError(
            _("%(invoice)s has %(rest)s left to pay, less than %(amount)s.")
            % {"invoice": invoice, "rest": rest, "amount": amount}
        )


def _given_allocations(
    actor: Any, wanted: list[tuple[int, Decimal]], counterparty: Counterparty, currency: str
) -> list[tuple[Invoice, Decimal]]:
    ids = [pk for pk, _amount in wanted]
    locked = {
        row.pk: row
        for row in Invoice.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk__in=ids)
    }
    out = []
    for pk, amount in wanted:
        invoice = locked.get(pk)
        _check_allocation(invoice, amount, counterparty, currency)
        out.append((locked[pk], amount))
    return out


@transaction.atomic
def payment_register(*, actor: Any, data: Mapping[str, Any]) -> Payment:
    """Record money received. `allocations` [{invoice_id, amount}] pays those invoices; left
    out (None) the money goes to the counterparty's oldest unpaid invoices; the rest is an
    advance."""
    require(actor, "add", PAYMENT)
    clean = clean_payment(data)
    counterparty = _counterparty(actor, clean["counterparty_id"])
    company = _own_company(clean["own_company_id"])
    amount, currency = clean["amount"], clean["currency"]
    if clean["allocations"] is None:
        pairs = _auto_allocations(_open_invoices(actor, counterparty, currency), amount)
    else:
        pairs = _given_allocations(actor, clean["allocations"], counterparty, currency)
    allocated = sum((part for _invoice, part in pairs), ZERO)
    if allocated > amount:
        raise PaymentRefusedError(
            _("The allocations sum to %(sum)s, more than the payment of %(amount)s.")
            % {"sum": allocated, "amount": amount}
        )
    payment = Payment.objects.create(
        counterparty=counterparty, own_company=company, date=clean["date"], amount=amount,
        currency=currency, number=clean["number"], comment=clean["comment"],
        allocated_amount=allocated, responsible_id=counterparty.responsible_id or actor.pk,
        created_by=actor, updated_by=actor,
    )  # fmt: skip
    PaymentAllocation.objects.bulk_create(
        PaymentAllocation(payment=payment, invoice=invoice, amount=part) for invoice, part in pairs
    )
    for invoice, part in pairs:
        _add_paid(invoice, part, actor)
    log_action(
        actor=actor,
        action="billing.payment.registered",
        obj=payment,
        changes={
            "counterparty_id": counterparty.pk, "date": str(payment.date),
            "amount": str(amount), "currency": currency, "number": payment.number,
            "allocations": [[invoice.pk, str(part)] for invoice, part in pairs],
            "advance": str(amount - allocated),
        },
    )  # fmt: skip
    return payment


@transaction.atomic
def payment_cancel(*, actor: Any, payment: Payment) -> Payment:
    """Cancel a payment: its allocations are reversed and the invoices owe that money again."""
    require(actor, "change", PAYMENT)
    row = (
        Payment.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk=payment.pk)
        .first()
    )
    if row is None:
        raise NotFoundError
    if row.status == PaymentStatus.CANCELLED:
        raise PaymentStatusError(_("The payment is already cancelled."))
    allocations = list(row.allocations.order_by("id"))
    ids = [a.invoice_id for a in allocations]
    invoices = {i.pk: i for i in Invoice.objects.select_for_update().filter(pk__in=ids)}
    for allocation in allocations:
        _add_paid(invoices[allocation.invoice_id], -allocation.amount, actor)
    row.allocations.all().delete()
    row.status, row.allocated_amount = PaymentStatus.CANCELLED, ZERO
    row.cancelled_at = row.updated_at = timezone.now()
    row.updated_by = actor
    row.save()
    log_action(
        actor=actor,
        action="billing.payment.cancelled",
        obj=row,
        changes={
            "status": [PaymentStatus.ACTIVE, PaymentStatus.CANCELLED],
            "allocations": [[a.invoice_id, str(a.amount)] for a in allocations],
        },
    )
    return row
