"""Orders to 1C: which orders a node still has to take, the file 1C collects, and its receipt.

An order is pending for a node until 1C has taken its current version: `orders_query`
sends every pending order and marks it "sent" in the session; 1C's `success` in the same
session (`orders_ack`) makes it "taken". An order that changes afterwards is pending again;
changes that came *from* 1C are recorded as taken, so they are not echoed back.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accord.catalog.models import ProductKind
from accord.directory.models import CounterpartyKind
from accord.exchange.formats.commerceml.writer import write_orders
from accord.exchange.formats.records import (
    CounterpartyRecord,
    DocumentLineRecord,
    DocumentRecord,
    UnitRecord,
)
from accord.exchange.models import (
    ExchangeNode,
    ExchangeSession,
    ExternalRef,
    OrderExport,
    OrderExportState,
    RefKind,
)
from accord.sales.models import Order, OrderStatus

MAX_ORDERS_PER_QUERY = 500
DEFAULT_VERSION = "2.07"  # what UT 11's standard module reads (CML208 package)
VAT_WRITTEN = {"none": "Без НДС"}


def orders_pending(node: ExchangeNode) -> QuerySet[Order]:
    """Orders this node has not taken in their current version, oldest change first."""
    taken = OrderExport.objects.filter(
        node=node,
        order=OuterRef("pk"),
        state=OrderExportState.EXPORTED,
        exported_version__gte=OuterRef("updated_at"),
    )
    orders = Order.objects.visible_to(node.actor).filter(~Exists(taken))
    if node.orders_from:
        orders = orders.filter(date__gte=node.orders_from)
    return orders.order_by("updated_at", "pk")


def _refs(node: ExchangeNode, kind: str, pks: set[int]) -> dict[int, str]:
    rows = ExternalRef.objects.filter(node=node, kind=kind, object_id__in=pks)
    return {int(o): e for e, o in rows.values_list("external_id", "object_id")}


def _records(node: ExchangeNode, orders: list[Order]) -> list[DocumentRecord]:
    lines = [line for order in orders for line in order.lines.all()]
    products = _refs(node, RefKind.PRODUCT, {line.product_id for line in lines if line.product_id})
    variants = _refs(node, RefKind.VARIANT, {line.variant_id for line in lines if line.variant_id})
    parties = _refs(node, RefKind.COUNTERPARTY, {o.counterparty_id for o in orders})
    return [_record(order, products, variants, parties) for order in orders]


def _record(
    order: Order, products: dict[int, str], variants: dict[int, str], parties: dict[int, str]
) -> DocumentRecord:
    cp = order.counterparty
    legal = cp.kind != CounterpartyKind.PERSON
    contacts = tuple((t, v) for t, v in (("Почта", cp.email), ("ТелефонРабочий", cp.phone)) if v)
    person = order.contact_person
    party = CounterpartyRecord(
        external_id=parties.get(cp.pk, f"accord#{cp.pk}"),
        name=cp.name, is_legal=legal, official_name=(cp.full_name or cp.name) if legal else "",
        full_name=cp.full_name or cp.name, inn=cp.inn, kpp=cp.kpp if legal else "",
        role="Покупатель", contacts=contacts,
        representatives=((f"accord-person#{person.pk}", str(person)),) if person else (),
    )  # fmt: skip
    doc_lines = []
    for line in order.lines.all():
        product, variant, unit = line.product, line.variant, line.unit
        ext = (variants.get(line.variant_id) if line.variant_id else products.get(product.pk)) or (
            f"accord#{product.pk}" + (f"#{line.variant_id}" if line.variant_id else "")
        )
        gross = line.price * line.quantity
        doc_lines.append(
            DocumentLineRecord(
                external_id=ext,
                name=f"{product.name}#{variant.name}" if variant else product.name,
                quantity=line.quantity,
                price=line.price,
                amount=line.total,
                article=product.article,
                unit=UnitRecord(unit.code, unit.short_name, unit.full_name, unit.international),
                vat_rate=VAT_WRITTEN.get(line.vat_rate, line.vat_rate),
                vat_amount=line.vat_amount,
                discount_amount=(gross - line.amount).quantize(Decimal("0.01"))
                if line.discount_percent
                else None,
                is_service=product.kind == ProductKind.SERVICE,
            )
        )
    created = timezone.localtime(order.created_at)
    requisites = [
        ("Статус заказа", order.get_status_display()),
        ("Статуса заказа ИД", order.status),
    ]
    if order.status == OrderStatus.CANCELLED:
        requisites.append(("Отменен", "true"))
    return DocumentRecord(
        external_id=str(order.pk), number=order.number, date=order.date, operation="Заказ товара",
        role="Продавец", currency=order.currency, rate=Decimal(1), amount=order.total,
        time=dt.time(created.hour, created.minute, created.second), comment=order.notes[:3000],
        counterparties=(party,), lines=tuple(doc_lines), vat_included=order.vat_included,
        vat_amount=order.vat_amount, requisites=tuple(requisites),
        cancelled=order.status == OrderStatus.CANCELLED,
    )  # fmt: skip


def _version(node: ExchangeNode, asked: str = "") -> str:
    return node.answer_version or asked or DEFAULT_VERSION


def orders_file(node: ExchangeNode, orders: list[Order], *, version: str = "") -> bytes:
    """The orders document for these orders, in the node's version and encoding."""
    return write_orders(
        _records(node, orders),
        version=_version(node, version),
        encoding=node.answer_encoding,
        generated_at=timezone.localtime().replace(microsecond=0, tzinfo=None),
    )


def _batch(node: ExchangeNode) -> list[Order]:
    if not node.orders_out:
        return []
    rows = orders_pending(node).select_related("counterparty", "contact_person")
    return list(
        rows.prefetch_related("lines__product", "lines__variant", "lines__unit")[
            :MAX_ORDERS_PER_QUERY
        ]
    )


@transaction.atomic
def orders_query(session: ExchangeSession, *, version: str = "") -> tuple[bytes, str]:
    """`type=sale&mode=query`: the pending orders, marked "sent" in this session."""
    node = session.node
    orders = _batch(node)
    now = timezone.now()
    for order in orders:
        OrderExport.objects.update_or_create(
            node=node,
            order=order,
            defaults={
                "state": OrderExportState.PENDING,
                "sent_version": order.updated_at,
                "session": session,
                "sent_at": now,
            },
        )
    return orders_file(node, orders, version=version), node.answer_encoding


@transaction.atomic
def orders_ack(session: ExchangeSession) -> int:
    """`type=sale&mode=success`: what this session sent is taken; answers how many orders."""
    sent = OrderExport.objects.filter(session=session, state=OrderExportState.PENDING)
    now = timezone.now()
    count = 0
    for row in sent.select_for_update():
        row.state, row.exported_version, row.exported_at = (
            OrderExportState.EXPORTED, row.sent_version, now,
        )  # fmt: skip
        row.save(update_fields=["state", "exported_version", "exported_at"])
        count += 1
    return count


def orders_export(node: ExchangeNode) -> tuple[bytes, int]:
    """`accord exchange export-orders`: the pending orders file, without marking anything."""
    orders = _batch(node)
    return orders_file(node, orders), len(orders)


def order_taken_from_1c(node: ExchangeNode, order: Order) -> None:
    """Record that 1C knows this version of the order (it just told us), so no echo."""
    order.refresh_from_db(fields=["updated_at"])
    OrderExport.objects.update_or_create(
        node=node,
        order=order,
        defaults={
            "state": OrderExportState.EXPORTED,
            "sent_version": order.updated_at,
            "exported_version": order.updated_at,
            "exported_at": timezone.now(),
        },
    )
