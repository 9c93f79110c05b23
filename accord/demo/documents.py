"""Quotes and orders for demo data: a quote of one to three catalog lines for the deals at
the proposal stage or later, and, for the won deals, the order made from that quote.

Deterministic for a seed. Written in bulk, bypassing the services like the rest of the demo,
with the money computed by `sales.lines`; the number counters are set to the last numbers
so documents created later in the UI continue the sequence.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal

from django.db import connection, transaction

from accord.catalog.models import VAT_RATES, Price, PriceType, Product
from accord.demo.shipments import shipments_wipe
from accord.sales.lines import document_totals, line_amounts
from accord.sales.models import (
    Deal,
    DocumentCounter,
    Order,
    OrderLine,
    OrderStatus,
    Quote,
    QuoteLine,
    QuoteStatus,
    StageKind,
)
from accord.sales.numbering import PREFIXES, WIDTH

INSERT_BATCH = 1000
MIN_PROBABILITY = 50  # the proposal stage and later
OPEN_STATUSES = (QuoteStatus.DRAFT, QuoteStatus.SENT, QuoteStatus.SENT)
ORDER_STATUSES = (OrderStatus.COMPLETED, OrderStatus.SHIPPED, OrderStatus.CONFIRMED)


def _number(kind: str, n: int) -> str:
    return f"{PREFIXES[kind]}-{n:0{WIDTH}d}"


def _catalog(limit: int = 2000) -> tuple[PriceType | None, list[Product], dict[int, Decimal]]:
    price_type = PriceType.objects.order_by("-is_default", "position", "id").first()
    products = list(
        Product.objects.filter(marked_for_deletion=False, is_active=True)
        .only("pk", "unit_id", "vat_rate")
        .order_by("pk")[:limit]
    )
    prices: dict[int, Decimal] = {}
    if price_type is not None:
        rows = Price.objects.filter(price_type=price_type, variant__isnull=True)
        prices = dict(rows.values_list("product_id", "value"))
    return price_type, products, prices


def _lines(
    rng: random.Random, products: list[Product], prices: dict[int, Decimal]
) -> list[QuoteLine]:
    lines = []
    for position, product in enumerate(
        rng.sample(products, min(len(products), rng.randint(1, 3))), 1
    ):
        price = prices.get(product.pk) or Decimal(rng.randrange(500, 90000)) / 10
        quantity = Decimal(rng.choice((1, 1, 2, 3, 5, 10)))
        discount = Decimal(rng.choice((0, 0, 0, 5, 10)))
        money = line_amounts(quantity=quantity, price=price, discount_percent=discount,
                             vat_rate=VAT_RATES[product.vat_rate], vat_included=True)  # fmt: skip
        lines.append(QuoteLine(
            position=position, product_id=product.pk, quantity=quantity, unit_id=product.unit_id,
            price=price, discount_percent=discount, vat_rate=product.vat_rate,
            amount=money.amount, vat_amount=money.vat_amount, total=money.total,
        ))  # fmt: skip
    return lines


def _quote(deal: Deal, n: int, rng: random.Random, price_type: PriceType | None,
           lines: list[QuoteLine]) -> Quote:  # fmt: skip
    totals = document_totals(lines)  # type: ignore[arg-type]
    won = deal.stage.kind == StageKind.WON
    return Quote(
        number=_number("quote", n), date=deal.created_at.date(), counterparty_id=deal.counterparty_id,
        contact_person_id=deal.contact_person_id, deal_id=deal.pk,
        responsible_id=deal.responsible_id, currency="RUB", price_type=price_type,
        vat_included=True, amount=totals.amount, vat_amount=totals.vat_amount, total=totals.total,
        status=QuoteStatus.ACCEPTED if won else rng.choice(OPEN_STATUSES),
        created_at=deal.created_at, updated_at=deal.updated_at,
    )  # fmt: skip


def _order(quote: Quote, n: int, deal: Deal, rng: random.Random) -> Order:
    copied = ("counterparty_id", "contact_person_id", "deal_id", "responsible_id", "currency",
              "price_type_id", "vat_included", "amount", "vat_amount", "total")  # fmt: skip
    when = deal.closed_at or deal.updated_at
    return Order(
        **{name: getattr(quote, name) for name in copied}, quote_id=quote.pk,
        number=_number("order", n), date=when.date(), status=rng.choice(ORDER_STATUSES),
        created_at=when, updated_at=when,
    )  # fmt: skip


def documents_generate(
    *, seed: int, batch_size: int = 2000, after_batch: Callable[[], None] | None = None
) -> tuple[int, int]:
    """Write the quotes and orders of the advanced deals; answer (quotes, orders)."""
    price_type, products, prices = _catalog()
    deals = list(
        Deal.objects.filter(stage__probability__gte=MIN_PROBABILITY)
        .exclude(stage__kind=StageKind.LOST)
        .select_related("stage")
        .order_by("created_at", "pk")
    )
    if not deals or not products:
        return 0, 0
    rng = random.Random(f"documents-{seed}")
    quotes = orders = 0
    for start in range(0, len(deals), batch_size):
        chunk = deals[start : start + batch_size]
        with transaction.atomic():
            quotes, orders = _write(chunk, rng, price_type, products, prices, quotes, orders)
        if after_batch is not None:
            after_batch()
    for kind, last in (("quote", quotes), ("order", orders)):
        DocumentCounter.objects.update_or_create(kind=kind, defaults={"value": last})
    return quotes, orders


def _write(chunk: list[Deal], rng: random.Random, price_type: PriceType | None,
           products: list[Product], prices: dict[int, Decimal], quotes: int,
           orders: int) -> tuple[int, int]:  # fmt: skip
    made = []
    for deal in chunk:
        lines = _lines(rng, products, prices)
        quotes += 1
        made.append((deal, _quote(deal, quotes, rng, price_type, lines), lines))
    Quote.objects.bulk_create([q for _d, q, _l in made], batch_size=INSERT_BATCH)
    quote_lines, order_pairs = [], []
    for deal, quote, lines in made:
        for line in lines:
            line.quote_id = quote.pk
            quote_lines.append(line)
        if deal.stage.kind == StageKind.WON:
            orders += 1
            order_pairs.append((_order(quote, orders, deal, rng), lines))
    QuoteLine.objects.bulk_create(quote_lines, batch_size=INSERT_BATCH)
    Order.objects.bulk_create([o for o, _l in order_pairs], batch_size=INSERT_BATCH)
    fields = ("position", "product_id", "quantity", "unit_id", "price", "discount_percent",
              "vat_rate", "amount", "vat_amount", "total")  # fmt: skip
    OrderLine.objects.bulk_create(
        [OrderLine(order_id=order.pk, **{f: getattr(line, f) for f in fields})
         for order, lines in order_pairs for line in lines],
        batch_size=INSERT_BATCH,
    )  # fmt: skip
    return quotes, orders


def documents_wipe() -> None:
    """Delete every quote and order with their lines and counters (children first)."""
    shipments_wipe()  # the demo's shipments point at the orders
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for model in (OrderLine, Order, QuoteLine, Quote, DocumentCounter):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
