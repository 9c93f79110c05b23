"""Writes of quotes and orders. Each service checks permission, validates, writes in one
transaction with its audit record; a refusal writes nothing (a taken number rolls back too).

Lines are replaced as a whole on every change and their money is computed here with
`sales.lines`, then summed into the document's totals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.catalog.models import VAT_RATES
from accord.core.audit import diff, jsonable, log_action, snapshot
from accord.core.errors import ConflictError, NotFoundError, ValidationFailedError
from accord.sales.document_validation import (
    HEADER_FIELDS,
    QUOTE_FIELDS,
    CleanLine,
    check_rate,
    clean_header,
    clean_lines,
    line_input,
)
from accord.sales.lines import LineAmounts, document_totals, line_amounts
from accord.sales.models import (
    ORDER,
    QUOTE,
    Order,
    OrderLine,
    OrderStatus,
    Quote,
    QuoteLine,
    QuoteStatus,
)
from accord.sales.numbering import next_number
from accord.users.access import require

AUDITED = (
    "number", "date", "counterparty_id", "contact_person_id", "deal_id", "responsible_id",
    "currency", "price_type_id", "vat_included", "status", "notes", "amount", "vat_amount",
    "total",
)  # fmt: skip
LINE_AUDITED = (
    "product_id", "variant_id", "quantity", "unit_id", "price", "discount_percent", "vat_rate",
    "amount", "vat_amount", "total",
)  # fmt: skip

QUOTE_FINAL = {QuoteStatus.ACCEPTED, QuoteStatus.REJECTED}
QUOTE_MOVES: dict[str, set[str]] = {
    QuoteStatus.DRAFT: {QuoteStatus.SENT, QuoteStatus.ACCEPTED, QuoteStatus.REJECTED,
                        QuoteStatus.EXPIRED},
    QuoteStatus.SENT: {QuoteStatus.DRAFT, QuoteStatus.ACCEPTED, QuoteStatus.REJECTED,
                       QuoteStatus.EXPIRED},
    QuoteStatus.ACCEPTED: set(),
    QuoteStatus.REJECTED: {QuoteStatus.DRAFT},
    QuoteStatus.EXPIRED: {QuoteStatus.DRAFT, QuoteStatus.SENT},
}  # fmt: skip
ORDER_FINAL = {OrderStatus.SHIPPED, OrderStatus.COMPLETED, OrderStatus.CANCELLED}
ORDER_MOVES: dict[str, set[str]] = {
    OrderStatus.NEW: {OrderStatus.CONFIRMED, OrderStatus.CANCELLED},
    OrderStatus.CONFIRMED: {OrderStatus.IN_PROGRESS, OrderStatus.CANCELLED},
    OrderStatus.IN_PROGRESS: {OrderStatus.SHIPPED, OrderStatus.CANCELLED},
    OrderStatus.SHIPPED: {OrderStatus.COMPLETED},
    OrderStatus.COMPLETED: set(),
    OrderStatus.CANCELLED: set(),
}


@dataclass(frozen=True)
class Kind:
    """What differs between quotes and orders for the shared write steps."""

    name: str  # "quote" / "order": the numbering kind and the audit prefix
    object_type: str
    model: Any
    line_model: Any
    fields: tuple[str, ...]


QUOTES = Kind("quote", QUOTE, Quote, QuoteLine, QUOTE_FIELDS)
ORDERS = Kind("order", ORDER, Order, OrderLine, HEADER_FIELDS)


def _audited(kind: Kind) -> tuple[str, ...]:
    extra = ("valid_until",) if kind is QUOTES else ("quote_id",)
    return (*AUDITED, *extra)


def _state(kind: Kind, doc: Any) -> dict[str, Any]:
    lines = [snapshot(line, LINE_AUDITED) for line in doc.lines.all()]
    return {**snapshot(doc, _audited(kind)), "lines": lines}


def _locked(kind: Kind, actor: Any, doc: Any) -> Any:
    row = (
        kind.model.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk=doc.pk)
        .first()
    )
    if row is None:
        raise NotFoundError
    return row


def _money(line: CleanLine, vat_included: bool) -> LineAmounts:
    return line_amounts(
        quantity=line.quantity,
        price=line.price,
        discount_percent=line.discount_percent,
        vat_rate=VAT_RATES[line.vat_rate],
        vat_included=vat_included,
    )


def _write_lines(kind: Kind, doc: Any, lines: list[CleanLine]) -> None:
    """Replace the document's lines and set its totals from them."""
    kind.line_model.objects.filter(**{kind.name: doc}).delete()
    rows, sums = [], []
    for position, line in enumerate(lines, start=1):
        amounts = _money(line, doc.vat_included)
        sums.append(amounts)
        rows.append(kind.line_model(
            **{kind.name: doc}, position=position, product=line.product, variant=line.variant,
            quantity=line.quantity, unit=line.unit, price=line.price,
            discount_percent=line.discount_percent, vat_rate=line.vat_rate,
            amount=amounts.amount, vat_amount=amounts.vat_amount, total=amounts.total,
        ))  # fmt: skip
    kind.line_model.objects.bulk_create(rows)
    totals = document_totals(sums)
    doc.amount, doc.vat_amount, doc.total = totals.amount, totals.vat_amount, totals.total
    doc.save(update_fields=["amount", "vat_amount", "total"])


def _header_attrs(header: Mapping[str, Any]) -> dict[str, Any]:
    attrs = dict(header)
    attrs["price_type_id"] = attrs.pop("price_type").pk if attrs.get("price_type") else None
    return attrs


def _create(kind: Kind, actor: Any, data: Mapping[str, Any], **extra: Any) -> Any:
    require(actor, "add", kind.object_type)
    header = clean_header(data, actor=actor, fields=kind.fields)
    lines = clean_lines(data.get("lines"), header=header)
    check_rate(header)
    doc = kind.model.objects.create(
        **_header_attrs(header), **extra, number=next_number(kind.name),
        created_by=actor, updated_by=actor,
    )  # fmt: skip
    _write_lines(kind, doc, lines)
    log_action(actor=actor, action=f"sales.{kind.name}.created", obj=doc,
               changes=_state(kind, doc))  # fmt: skip
    return doc


def _update(kind: Kind, actor: Any, doc: Any, data: Mapping[str, Any]) -> Any:
    """Change the header and, when given, replace the lines; the money is recomputed."""
    before = _state(kind, doc)
    header = clean_header(data, actor=actor, fields=kind.fields, instance=doc)
    given = "lines" in data
    raw = data["lines"] if given else [line_input(line) for line in doc.lines.all()]
    lines = clean_lines(raw, header=header, existing=not given)
    check_rate(header)
    for name, value in _header_attrs(header).items():
        setattr(doc, name, value)
    doc.save()
    _write_lines(kind, doc, lines)
    changes = diff(before, _state(kind, doc))
    if changes:
        doc.updated_at, doc.updated_by = timezone.now(), actor
        doc.save(update_fields=["updated_at", "updated_by"])
        log_action(actor=actor, action=f"sales.{kind.name}.updated", obj=doc, changes=changes)
    return doc


def _set_status(kind: Kind, actor: Any, doc: Any, status: Any, moves: dict[str, set[str]]) -> Any:
    if status not in moves:
        raise ValidationFailedError({"status": [_("Choose a status from the list.")]})
    if status == doc.status:
        return doc
    if status not in moves[doc.status]:
        raise ConflictError(
            "invalid_transition",
            _("A document in status “%(from)s” cannot become “%(to)s”.")
            % {
                "from": doc.get_status_display(),
                "to": kind.model(status=status).get_status_display(),
            },
        )
    old = doc.status
    doc.status, doc.updated_at, doc.updated_by = status, timezone.now(), actor
    doc.save(update_fields=["status", "updated_at", "updated_by"])
    log_action(actor=actor, action=f"sales.{kind.name}.status_changed", obj=doc,
               changes={"status": [old, status]})  # fmt: skip
    return doc


# ---------------------------------------------------------------- quotes


@transaction.atomic
def quote_create(*, actor: Any, data: Mapping[str, Any]) -> Quote:
    """A new draft quote, standalone or for a deal (`deal_id`), with at least one line."""
    quote: Quote = _create(QUOTES, actor, data)
    return quote


@transaction.atomic
def quote_update(*, actor: Any, quote: Quote, data: Mapping[str, Any]) -> Quote:
    require(actor, "change", QUOTE)
    row = _locked(QUOTES, actor, quote)
    if row.status in QUOTE_FINAL:
        raise ConflictError("quote_closed", _("An accepted or rejected quote cannot be changed."))
    updated: Quote = _update(QUOTES, actor, row, data)
    return updated


@transaction.atomic
def quote_set_status(*, actor: Any, quote: Quote, status: Any) -> Quote:
    require(actor, "change", QUOTE)
    row = _locked(QUOTES, actor, quote)
    if status == QuoteStatus.ACCEPTED and Order.objects.filter(quote=row).exists():
        return row
    changed: Quote = _set_status(QUOTES, actor, row, status, QUOTE_MOVES)
    return changed


# ---------------------------------------------------------------- orders


@transaction.atomic
def order_create(*, actor: Any, data: Mapping[str, Any]) -> Order:
    """A new order, standalone or for a deal (`deal_id`), with at least one line."""
    order: Order = _create(ORDERS, actor, data)
    return order


@transaction.atomic
def order_from_quote(*, actor: Any, quote: Quote) -> Order:
    """One action: an order with the quote's lines and totals, linked to it; the quote is
    accepted. Refused for a rejected or expired quote and for one that has an order."""
    require(actor, "add", ORDER)
    require(actor, "change", QUOTE)
    row = _locked(QUOTES, actor, quote)
    if row.status in (QuoteStatus.REJECTED, QuoteStatus.EXPIRED):
        raise ConflictError(
            "quote_closed", _("A rejected or expired quote cannot become an order.")
        )
    if Order.objects.filter(quote=row).exists():
        raise ConflictError("quote_has_order", _("This quote already has an order."))
    copied = ("counterparty_id", "contact_person_id", "deal_id", "responsible_id", "currency",
              "price_type_id", "vat_included", "notes", "amount", "vat_amount", "total")  # fmt: skip
    order = Order.objects.create(
        **{name: getattr(row, name) for name in copied}, quote=row, date=timezone.localdate(),
        number=next_number("order"), created_by=actor, updated_by=actor,
    )  # fmt: skip
    OrderLine.objects.bulk_create(
        OrderLine(order=order, **{f: getattr(line, f) for f in ("position", *LINE_AUDITED)})
        for line in row.lines.all()
    )
    log_action(actor=actor, action="sales.order.created", obj=order,
               changes={**_state(ORDERS, order), "from_quote": row.number})  # fmt: skip
    if row.status != QuoteStatus.ACCEPTED:
        old = row.status
        row.status, row.updated_at, row.updated_by = QuoteStatus.ACCEPTED, timezone.now(), actor
        row.save(update_fields=["status", "updated_at", "updated_by"])
        log_action(actor=actor, action="sales.quote.status_changed", obj=row,
                   changes={"status": [old, row.status], "order": jsonable(order.number)})  # fmt: skip
    return order


@transaction.atomic
def order_update(*, actor: Any, order: Order, data: Mapping[str, Any]) -> Order:
    require(actor, "change", ORDER)
    row = _locked(ORDERS, actor, order)
    if row.status in ORDER_FINAL:
        raise ConflictError(
            "order_closed", _("A shipped, completed or cancelled order cannot be changed.")
        )
    updated: Order = _update(ORDERS, actor, row, data)
    return updated


@transaction.atomic
def order_set_status(*, actor: Any, order: Order, status: Any) -> Order:
    require(actor, "change", ORDER)
    row = _locked(ORDERS, actor, order)
    changed: Order = _set_status(ORDERS, actor, row, status, ORDER_MOVES)
    return changed
