"""Apply CommerceML records to Accord through the domain's services, one batch at a time.

`Applier.apply(batch)` is called inside the run's transaction for each batch of records.
It resolves 1C ids through ExternalRef (one query per kind per batch), writes through the
catalog's bulk services (`catalog.sync`) and the per-object services of the directory, sales
and billing, counts what happened per object kind and collects per-record errors. A record
that fails is reported and the others go on, unless the node says "stop on error".

Matching rules: a 1C object is found by its `Ид` in ExternalRef; counterparties that have
none yet are matched by INN+KPP before a new one is created; an order from 1C is found by
its `Ид`, then by our own number (1C keeps the site's number in `Номер`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accord.billing.payment_services import payment_register
from accord.catalog import sync
from accord.catalog.models import (
    CatalogProperty,
    Currency,
    PriceType,
    Product,
    ProductGroup,
    ProductKind,
    Unit,
    Variant,
    VatRate,
    Warehouse,
)
from accord.catalog.services import product_group_save
from accord.catalog.settings_services import price_type_save, unit_create, warehouse_save
from accord.core import bulk
from accord.core.errors import DomainError
from accord.directory.identifiers import normalize_email, normalize_phone
from accord.directory.models import Counterparty, CounterpartyKind
from accord.directory.services import DuplicatePolicy, counterparty_create, counterparty_update
from accord.exchange.formats.records import (
    CounterpartyRecord,
    DocumentRecord,
    GroupRecord,
    OfferRecord,
    PackageHeader,
    PriceTypeRecord,
    ProductRecord,
    PropertyRecord,
    Record,
    UnitRecord,
    WarehouseRecord,
    split_id,
)
from accord.exchange.models import COUNT_KEYS, ExchangeNode, ExternalRef, RefKind
from accord.exchange.order_services import order_taken_from_1c
from accord.sales.document_services import ORDER_MOVES, order_create, order_set_status
from accord.sales.models import Order, OrderStatus
from accord.sales.shipment_services import shipment_create_from_order, shipment_post

CURRENCY_ALIASES = {
    "руб": "RUB", "руб.": "RUB", "643": "RUB", "rur": "RUB", "usd": "USD", "840": "USD",
    "$": "USD", "eur": "EUR", "978": "EUR", "€": "EUR", "грн": "UAH", "грн.": "UAH",
    "980": "UAH", "тенге": "KZT", "398": "KZT", "бел. руб": "BYN", "933": "BYN",
    "юань": "CNY", "156": "CNY",
}  # fmt: skip
VAT_ALIASES = {"без ндс": "none", "без налога": "none", "0": "0", "5": "5", "7": "7",
               "10": "10", "20": "20", "22": "22"}  # fmt: skip
DEFAULT_UNIT = UnitRecord(code="796", short_name="шт", full_name="Штука", international="PCE")
DEFAULT_WAREHOUSE_ID = ""  # the node's warehouse for a bare `Количество`
# The roles of a document's counterparty that make it the buyer of an order made in 1C.
BUYER_ROLES = ("покупатель", "buyer", "")


class StopRunError(Exception):
    """The node stops on the first error, and one happened."""


def _vat(raw: str | None) -> str | None:
    if raw is None:
        return None
    return VAT_ALIASES.get(raw.strip().lower().rstrip("%").strip())


def currency_code(raw: str) -> str | None:
    """An ISO code for 1C's way of naming a currency ("руб", "643", "RUB"), if known."""
    value = raw.strip()
    code = CURRENCY_ALIASES.get(value.lower(), value.upper())
    return code if Currency.objects.filter(code=code).exists() else None


class Applier:
    """Applies one file's records, batch by batch, for one node."""

    def __init__(
        self,
        node: ExchangeNode,
        header: PackageHeader,
        *,
        counts: dict[str, Any],
        mark_seen: bool = False,
    ):
        self.node, self.actor, self.header = node, node.actor, header
        self.counts: dict[str, dict[str, int]] = {k: dict(v) for k, v in counts.items()}
        self._errors: list[tuple[str, str, str]] = []
        self._units: dict[str, int] = {}
        # A full package of a pass that retires missing objects marks the refs it names.
        self.mark_seen = mark_seen and not header.only_changes

    # ------------------------------------------------------------ bookkeeping

    def count(self, kind: str, outcome: str, n: int = 1) -> None:
        row = self.counts.setdefault(kind, dict.fromkeys(COUNT_KEYS, 0))
        row[outcome] = row.get(outcome, 0) + n

    def fail(self, kind: str, external_id: str, message: str) -> None:
        self.count(kind, "failed")
        self._errors.append((kind, external_id, message))
        if self.node.stop_on_error:
            raise StopRunError(f"{kind} {external_id}: {message}")

    def take_errors(self) -> list[tuple[str, str, str]]:
        errors, self._errors = self._errors, []
        return errors

    # ------------------------------------------------------------ external ids

    def refs(self, kind: str, ids: Iterable[str], *, seen: bool = False) -> dict[str, int]:
        """1C id -> Accord pk of the ids that have a ref; with `seen`, a marking package
        also marks those refs as sent (`seen`), in the same statement."""
        ids = {i for i in ids if i is not None}
        if not ids:
            return {}
        if seen and self.mark_seen:
            return self._refs_seen(kind, ids)
        rows = ExternalRef.objects.filter(
            bulk.among(ExternalRef, "external_id", ids), node=self.node, kind=kind
        )
        return dict(rows.values_list("external_id", "object_id"))

    def _refs_seen(self, kind: str, ids: set[str]) -> dict[str, int]:
        # UPDATE ... RETURNING: one statement where a lookup and an update would be two, for
        # every batch of a full catalog (SQLite has it since 3.35, PostgreSQL always).
        opts = ExternalRef._meta
        column = {f.name: connection.ops.quote_name(f.column) for f in opts.concrete_fields}
        now = opts.get_field("seen_at").get_db_prep_save(timezone.now(), connection=connection)
        values: list[Any]
        if connection.vendor == "postgresql":  # one array parameter: see bulk.among
            among, values = "= ANY(%s)", [list(ids)]
        else:
            among, values = f"IN ({', '.join(['%s'] * len(ids))})", list(ids)
        sql = (
            f"UPDATE {connection.ops.quote_name(opts.db_table)} SET {column['seen_at']} = %s "  # noqa: S608
            f"WHERE {column['node']} = %s AND {column['kind']} = %s "
            f"AND {column['external_id']} {among} "
            f"RETURNING {column['external_id']}, {column['object_id']}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [now, self.node.pk, str(kind), *values])
            return dict(cursor.fetchall())

    def link(self, kind: str, pairs: Sequence[tuple[str, int]]) -> None:
        if pairs:
            bulk.insert_rows(
                ExternalRef,
                ("external_id", "object_id"),
                pairs,
                constants={"node_id": self.node.pk, "kind": str(kind)},
            )

    def seen(self, kind: str, ids: Iterable[str]) -> None:
        """Mark refs as sent by this (full) package, for the missing-objects policy."""
        ids = list(ids)
        if self.mark_seen and ids:
            ExternalRef.objects.filter(node=self.node, kind=kind, external_id__in=ids).update(
                seen_at=timezone.now()
            )

    # ------------------------------------------------------------ dispatch

    def apply(self, batch: Sequence[Record]) -> None:
        by_type: dict[type, list[Any]] = defaultdict(list)
        for record in batch:
            by_type[type(record)].append(record)
        self._count_read(by_type)
        self.groups(by_type[GroupRecord])
        for record in by_type[PropertyRecord]:
            self.property(record)
        for record in by_type[PriceTypeRecord]:
            self.price_type(record)
        for record in by_type[WarehouseRecord]:
            self.warehouse(record)
        for record in by_type[UnitRecord]:
            self.unit(record)
        self.products(by_type[ProductRecord])
        self.offers(by_type[OfferRecord])
        for record in by_type[CounterpartyRecord]:
            self.counterparty_from(record, kind="counterparty")
        for record in by_type[DocumentRecord]:
            self.document(record)

    def _count_read(self, by_type: dict[type, list[Any]]) -> None:
        names = {
            GroupRecord: "group", PropertyRecord: "property", PriceTypeRecord: "price_type",
            WarehouseRecord: "warehouse", UnitRecord: "unit", OfferRecord: "offer",
            CounterpartyRecord: "counterparty", DocumentRecord: "document",
        }  # fmt: skip
        for kind, records in by_type.items():
            if kind is ProductRecord:
                variants = sum(1 for r in records if "#" in r.external_id)
                if variants:
                    self.count("variant", "read", variants)
                self.count("product", "read", len(records) - variants)
            elif kind in names:
                self.count(names[kind], "read", len(records))

    def _guarded(self, kind: str, external_id: str, work: Any) -> Any:
        """Run one object's services in a savepoint: a refusal rolls back only that object."""
        try:
            with transaction.atomic():
                return work()
        except DomainError as exc:
            details = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.fields.items())
            self.fail(kind, external_id, f"{exc.message} {details}".strip())
        return None

    # ------------------------------------------------------------ classifier

    def groups(self, records: list[GroupRecord]) -> None:
        known = self.refs(RefKind.GROUP, [r.external_id for r in records])
        known.update(self.refs(RefKind.GROUP, [r.parent_id for r in records if r.parent_id]))
        stored = ProductGroup.objects.in_bulk(list(known.values()))
        pending = list(records)
        while pending:  # parents first: a nested group may be read before its parent
            ready = [r for r in pending if not r.parent_id or r.parent_id in known
                     or r.parent_id not in {p.external_id for p in pending}]  # fmt: skip
            if not ready:
                ready = pending  # a cycle in the file: take them as they come
            for record in ready:
                pk = self._group(record, known, stored)
                if pk is not None:
                    known[record.external_id] = pk
            pending = [r for r in pending if r not in ready]
        self.seen(RefKind.GROUP, [r.external_id for r in records])

    def _group(
        self, record: GroupRecord, known: dict[str, int], stored: dict[int, ProductGroup]
    ) -> int | None:
        pk = known.get(record.external_id)
        parent = known.get(record.parent_id) if record.parent_id else None
        instance = stored.get(pk) if pk else None
        if instance is not None and instance.name == record.name and instance.parent_id == parent:
            self.count("group", "unchanged")
            return pk
        data = {
            "name": record.name,
            "parent_id": parent,
            "position": instance.position if instance else 0,
        }
        group = self._guarded(
            "group", record.external_id,
            lambda: product_group_save(actor=self.actor, data=data, instance=instance),
        )  # fmt: skip
        if group is None:
            return None
        if instance is None:
            self.link(RefKind.GROUP, [(record.external_id, group.pk)])
        self.count("group", "updated" if instance else "inserted")
        return int(group.pk)

    def property(self, record: PropertyRecord) -> None:
        pk = self.refs(RefKind.PROPERTY, [record.external_id]).get(record.external_id)
        choice_refs = self.refs(RefKind.PROPERTY_CHOICE, [c for c, _v in record.choices])
        kind = record.kind if record.kind in ("string", "number", "choice") else "string"
        result = self._guarded(
            "property", record.external_id,
            lambda: sync.property_sync(
                actor=self.actor, pk=pk, name=record.name, kind=kind,
                for_variants=record.for_offers,
                choices=[(choice_refs.get(c), v) for c, v in record.choices],
            ),
        )  # fmt: skip
        if result is None:
            return
        prop, outcome, choice_pks = result
        if pk is None:
            self.link(RefKind.PROPERTY, [(record.external_id, prop.pk)])
        new = [
            (c, p)
            for (c, _v), p in zip(record.choices, choice_pks, strict=True)
            if c not in choice_refs
        ]
        self.link(RefKind.PROPERTY_CHOICE, new)
        self.count("property", outcome)

    def price_type(self, record: PriceTypeRecord) -> None:
        pk = self.refs(RefKind.PRICE_TYPE, [record.external_id]).get(record.external_id)
        instance = PriceType.objects.filter(pk=pk).first() if pk else None
        if instance is not None:  # mapped (or created) already: the admin's mapping wins
            self.count("price_type", "unchanged")
            return
        code = currency_code(record.currency or "RUB")
        if code is None:
            self.fail("price_type", record.external_id,
                      _("Unknown currency %(c)s.") % {"c": record.currency})  # fmt: skip
            return
        data = {
            "name": record.name[:100], "code": self._free_code(PriceType, record.name),
            "currency": code, "vat_included": True if record.vat_included is None else record.vat_included,
        }  # fmt: skip
        created = self._guarded(
            "price_type", record.external_id, lambda: price_type_save(actor=self.actor, data=data)
        )
        if created is not None:
            self.link(RefKind.PRICE_TYPE, [(record.external_id, created.pk)])
            self.count("price_type", "inserted")

    def warehouse(self, record: WarehouseRecord) -> None:
        pk = self.refs(RefKind.WAREHOUSE, [record.external_id]).get(record.external_id)
        if pk is not None and Warehouse.objects.filter(pk=pk).exists():
            self.count("warehouse", "unchanged")
            return
        created = self._warehouse_create(record.external_id, record.name, record.address)
        if created is not None:
            self.count("warehouse", "inserted")

    def _warehouse_create(self, external_id: str, name: str, address: str = "") -> int | None:
        data = {"name": name[:255] or external_id, "code": self._free_code(Warehouse, name),
                "address": address[:500]}  # fmt: skip
        created = self._guarded(
            "warehouse", external_id, lambda: warehouse_save(actor=self.actor, data=data)
        )
        if created is None:
            return None
        self.link(RefKind.WAREHOUSE, [(external_id, created.pk)])
        return int(created.pk)

    @staticmethod
    def _free_code(model: Any, name: str) -> str:
        base = (slugify(name, allow_unicode=False) or "1c")[:40].strip("-_") or "1c"
        code, n = base, 1
        while model.objects.filter(code=code).exists():
            n += 1
            code = f"{base}-{n}"
        return code

    def unit(self, record: UnitRecord | None) -> int:
        record = record if record and record.code.strip().isdigit() else DEFAULT_UNIT
        code = record.code.strip()
        if code in self._units:
            return self._units[code]
        pk = Unit.objects.filter(code=code).values_list("pk", flat=True).first()
        if pk is None:
            data = {"code": code, "short_name": (record.short_name or code)[:20],
                    "full_name": record.full_name[:100], "international": record.international[:10]}  # fmt: skip
            with transaction.atomic():
                pk = unit_create(actor=self.actor, data=data).pk
        self._units[code] = int(pk)
        return int(pk)

    # ------------------------------------------------------------ products

    def products(self, records: list[ProductRecord]) -> None:
        plain = [r for r in records if "#" not in r.external_id]
        variants = [r for r in records if "#" in r.external_id]
        implied = self._implied_products(variants, {r.external_id for r in plain})
        if implied:
            self.count("product", "read", len(implied))
            plain += implied
        if plain:
            self._products(plain)
        if variants:
            self._variants([(r.external_id, _variant_name(r.characteristics, r.name), r.article,
                             r.barcode, r.deleted) for r in variants], kind="variant")  # fmt: skip

    def _implied_products(
        self, variants: list[ProductRecord], listed: set[str]
    ) -> list[ProductRecord]:
        """Old catalogs (CML 2.04) list only `product#variant` items: their product is the
        item itself without the characteristic, created from the first variant seen."""
        wanted = {split_id(r.external_id)[0]: r for r in reversed(variants)}
        known = self.refs(RefKind.PRODUCT, wanted)
        return [
            replace(record, external_id=product_id, characteristics=(), properties=())
            for product_id, record in wanted.items()
            if product_id not in known and product_id not in listed
        ]

    def _products(self, records: list[ProductRecord]) -> None:
        refs = self.refs(RefKind.PRODUCT, [r.external_id for r in records], seen=True)
        groups = self.refs(RefKind.GROUP, [g for r in records for g in r.group_ids[:1]])
        rows: list[sync.Row] = []
        for record in records:
            pk = refs.get(record.external_id)
            rows.append(
                (
                    pk,
                    {
                        "kind": ProductKind.SERVICE if record.is_service else ProductKind.GOODS,
                        "article": record.article,
                        "name": record.name,
                        "full_name": record.full_name,
                        "group_id": groups.get(record.group_ids[0]) if record.group_ids else None,
                        "unit_id": self.unit(record.unit),
                        "vat_rate": _vat(record.vat_rate),  # None keeps the product's rate
                        "barcode": record.barcode,
                        "manufacturer": record.manufacturer,
                        "country": record.country,
                        "trademark": record.trademark,
                        "weight": record.weight,
                        "description": record.description,
                        "is_active": not record.deleted,
                        "marked_for_deletion": record.deleted,
                    },
                )
            )
        report = sync.products_sync(actor=self.actor, rows=rows)
        new = []
        for record, pk, outcome in zip(records, report.pks, report.outcomes, strict=True):
            if outcome == sync.FAILED:
                continue
            self.count("product", outcome)
            if record.external_id not in refs and pk is not None:
                new.append((record.external_id, pk))
        for index, message in report.errors.items():
            self.fail("product", records[index].external_id, message)
        self.link(RefKind.PRODUCT, new)  # a new ref is seen from its creation
        self._property_values(records, {**refs, **dict(new)})

    def _property_values(self, records: list[ProductRecord], products: dict[str, int]) -> None:
        with_values = [r for r in records if r.properties and r.external_id in products]
        if not with_values:
            return
        prop_ids = {p for r in with_values for p, _v in r.properties}
        props = self.refs(RefKind.PROPERTY, prop_ids)
        defs = CatalogProperty.objects.prefetch_related("choices").in_bulk(list(props.values()))
        choices = self.refs(
            RefKind.PROPERTY_CHOICE, {v for r in with_values for _p, v in r.properties}
        )
        by_text: dict[tuple[int, str], int] = {}
        for prop in defs.values():
            for choice in prop.choices.all():
                by_text[(prop.pk, choice.value)] = choice.pk
        values: dict[int, dict[int, dict[str, Any]]] = {}
        for record in with_values:
            wanted: dict[int, dict[str, Any]] = {}
            for prop_id, raw in record.properties:
                found = defs.get(props.get(prop_id, 0))
                if found is None:
                    continue
                prop = found
                lookup = {raw: choices[raw]} if raw in choices else {}
                if prop.kind == "choice" and not lookup and (prop.pk, raw.strip()) in by_text:
                    lookup = {raw.strip(): by_text[(prop.pk, raw.strip())]}
                columns = sync.property_columns(prop, raw, lookup)
                if columns:
                    wanted[prop.pk] = columns
            if wanted:
                values[products[record.external_id]] = wanted
        sync.property_values_sync(actor=self.actor, values=values)

    def _variants(
        self, items: list[tuple[str, str, str, str, bool]], *, kind: str
    ) -> dict[str, int]:
        """Create or update variants (`product#variant`, name, article, barcode, deleted)."""
        refs = self.refs(RefKind.VARIANT, [i[0] for i in items])
        products = self.refs(RefKind.PRODUCT, [split_id(i[0])[0] for i in items])
        rows: list[sync.Row] = []
        usable = []
        for ext, name, article, barcode, deleted in items:
            product = products.get(split_id(ext)[0])
            if product is None:
                self.fail(
                    kind,
                    ext,
                    _("Its product %(id)s has not been loaded.") % {"id": split_id(ext)[0]},
                )
                continue
            usable.append(ext)
            rows.append(
                (
                    refs.get(ext),
                    {
                        "product_id": product,
                        "name": name[:255] or ext,
                        "article": article,
                        "barcode": barcode,
                        "is_active": not deleted,
                        "marked_for_deletion": deleted,
                    },
                )
            )
        report = sync.variants_sync(actor=self.actor, rows=rows)
        result, new = {}, []
        for ext, pk, outcome in zip(usable, report.pks, report.outcomes, strict=True):
            if pk is None:
                continue
            result[ext] = pk
            if kind == "variant":
                self.count("variant", outcome)
            if ext not in refs:
                new.append((ext, pk))
        for index, message in report.errors.items():
            self.fail(kind, usable[index], message)
        self.link(RefKind.VARIANT, new)  # a new ref is seen from its creation
        self.seen(RefKind.VARIANT, [ext for ext in usable if ext in refs])
        return result

    # ------------------------------------------------------------ offers

    def offers(self, records: list[OfferRecord]) -> None:
        if not records:
            return
        variant_items = [(r.external_id, _variant_name(r.characteristics, r.name), r.article,
                          r.barcode, r.deleted) for r in records if split_id(r.external_id)[1]]  # fmt: skip
        known_variants = self.refs(RefKind.VARIANT, [i[0] for i in variant_items])
        missing = [i for i in variant_items if i[0] not in known_variants]
        created = self._variants(missing, kind="offer") if missing else {}
        variants = {**known_variants, **created}
        products = self.refs(RefKind.PRODUCT, [split_id(r.external_id)[0] for r in records])
        price_types = self.refs(
            RefKind.PRICE_TYPE, [p.price_type_id for r in records for p in r.prices or ()]
        )
        wh_ids = {s.warehouse_id for r in records for s in r.stock_by_warehouse or ()}
        warehouses = self.refs(RefKind.WAREHOUSE, wh_ids | {DEFAULT_WAREHOUSE_ID})
        prices: list[sync.Amount] = []
        stock: list[sync.Amount] = []
        targets: dict[str, tuple[int, int | None]] = {}
        for record in records:
            product_ext, variant_ext = split_id(record.external_id)
            product = products.get(product_ext)
            variant = variants.get(record.external_id) if variant_ext else None
            if product is None or (variant_ext and variant is None):
                if record.external_id not in {i[0] for i in missing}:  # not reported already
                    self.fail("offer", record.external_id,
                              _("Its product %(id)s has not been loaded.") % {"id": product_ext})  # fmt: skip
                continue
            problem = self._offer_amounts(
                record, product, variant, price_types, warehouses, prices, stock
            )
            if problem:
                self.fail("offer", record.external_id, problem)
                continue
            targets[record.external_id] = (product, variant)
        changed = sync.prices_sync(actor=self.actor, amounts=prices)
        changed |= sync.stock_sync(actor=self.actor, amounts=stock)
        for ext, key in targets.items():
            outcome = "inserted" if ext in created else "updated" if key in changed else "unchanged"
            self.count("offer", outcome)

    def _offer_amounts(
        self,
        record: OfferRecord,
        product: int,
        variant: int | None,
        price_types: dict[str, int],
        warehouses: dict[str, int],
        prices: list[sync.Amount],
        stock: list[sync.Amount],
    ) -> str | None:
        mine_prices, mine_stock = [], []
        for price in record.prices or ():
            price_type = price_types.get(price.price_type_id)
            if price_type is None:
                return _("Unknown price type %(id)s.") % {"id": price.price_type_id}
            if price.value < 0:
                return _("A negative price %(v)s.") % {"v": price.value}
            mine_prices.append((product, variant, price_type, price.value))
        if record.stock_by_warehouse is not None:
            for row in record.stock_by_warehouse:
                warehouse = warehouses.get(row.warehouse_id)
                if warehouse is None:
                    return _("Unknown warehouse %(id)s.") % {"id": row.warehouse_id}
                mine_stock.append((product, variant, warehouse, row.quantity))
        elif record.quantity is not None:
            warehouse = warehouses.get(DEFAULT_WAREHOUSE_ID)
            if warehouse is None:
                warehouse = self._warehouse_create(
                    DEFAULT_WAREHOUSE_ID, _("1C: %(node)s") % {"node": self.node.name}
                )
                if warehouse is None:
                    return _("No warehouse for the stock.")
                warehouses[DEFAULT_WAREHOUSE_ID] = warehouse
            mine_stock.append((product, variant, warehouse, record.quantity))
        prices.extend(mine_prices)
        stock.extend(mine_stock)
        return None

    # ------------------------------------------------------------ counterparties

    def counterparty_from(self, record: CounterpartyRecord, *, kind: str) -> Counterparty | None:
        """The Accord counterparty of a 1C counterparty, created or updated from it."""
        pk = self.refs(RefKind.COUNTERPARTY, [record.external_id]).get(record.external_id)
        existing = Counterparty.objects.filter(pk=pk).first() if pk else None
        if existing is None and record.inn:
            matches = Counterparty.objects.filter(inn=record.inn, kpp=record.kpp)
            existing = matches.order_by("pk").first()
        data = _counterparty_data(record)
        if existing is not None:
            changed = {k: v for k, v in data.items() if v and getattr(existing, k, v) != v}
            if changed:
                result = self._guarded(
                    kind,
                    record.external_id,
                    lambda: counterparty_update(
                        actor=self.actor,
                        counterparty=existing,
                        data=changed,
                        duplicates=DuplicatePolicy.ALLOW,
                    ),
                )
                if result is None:
                    return None
            if kind == "counterparty":
                self.count(kind, "updated" if changed else "unchanged")
            cp = existing
        else:
            if kind != "counterparty" and not self.node.create_counterparties:
                self.fail(
                    kind,
                    record.external_id,
                    _("The counterparty is unknown and this node does not create counterparties."),
                )
                return None
            cp = self._guarded(
                kind,
                record.external_id,
                lambda: counterparty_create(
                    actor=self.actor,
                    data={**data, "responsible_id": self.actor.pk},
                    duplicates=DuplicatePolicy.ALLOW,
                ),
            )
            if cp is None:
                return None
            if kind == "counterparty":
                self.count(kind, "inserted")
        if pk is None:
            self.link(RefKind.COUNTERPARTY, [(record.external_id, cp.pk)])
        return cp

    # ------------------------------------------------------------ documents

    def document(self, record: DocumentRecord) -> None:
        order = self._order_of(record)
        if order is None and _is_order(record):
            order = self._order_from_1c(record)  # an order made in 1C: Accord gets it too
            if order is None:
                return  # the reason is reported
            self.count("document", "inserted")
            self._guarded("document", record.external_id, lambda: self._order_update(order, record))
            order_taken_from_1c(self.node, order)
            return
        if order is None:
            self.fail("document", record.external_id,
                      _("Order %(n)s is not an order of Accord.") % {"n": record.number})  # fmt: skip
            return
        result = self._guarded(
            "document", record.external_id, lambda: self._order_update(order, record)
        )
        if result is not None:
            self.count("document", "updated" if result else "unchanged")
            if result:
                order_taken_from_1c(self.node, order)

    def _order_of(self, record: DocumentRecord) -> Order | None:
        pk = self.refs(RefKind.ORDER, [record.external_id]).get(record.external_id)
        order = Order.objects.filter(pk=pk).first() if pk else None
        if order is None and record.number:
            order = Order.objects.filter(number=record.number).first()
            if order is None and record.external_id.isdigit():
                order = Order.objects.filter(
                    pk=int(record.external_id), number=record.external_id
                ).first()
            if (
                order is not None
                and not ExternalRef.objects.filter(
                    node=self.node, kind=RefKind.ORDER, object_id=order.pk
                ).exists()
            ):
                self.link(RefKind.ORDER, [(record.external_id, order.pk)])
        return order

    def _order_from_1c(self, record: DocumentRecord) -> Order | None:
        """A new Accord order for an order 1C made, with its buyer and lines; None (and the
        reason reported) when a line's product or the buyer cannot be known."""
        buyers = [c for c in record.counterparties if c.role.strip().lower() in BUYER_ROLES]
        candidates = buyers or list(record.counterparties)
        if not candidates:
            self.fail("document", record.external_id,
                      _("Order %(n)s from 1C names no buyer.") % {"n": record.number})  # fmt: skip
            return None
        lines = self._order_lines(record)  # before the buyer: a refused order writes nothing
        if lines is None:
            return None
        cp = self.counterparty_from(candidates[0], kind="document")
        if cp is None:
            return None
        data = {
            "counterparty_id": cp.pk,
            "responsible_id": cp.responsible_id or self.actor.pk,
            "date": (record.date or timezone.localdate()).isoformat(),
            "currency": currency_code(record.currency or "RUB") or "RUB",
            "vat_included": True if record.vat_included is None else record.vat_included,
            "notes": _("Order %(n)s from 1C") % {"n": record.number_1c or record.number},
            "lines": lines,
        }
        order: Order | None = self._guarded(
            "document", record.external_id, lambda: order_create(actor=self.actor, data=data)
        )
        if order is not None:
            self.link(RefKind.ORDER, [(record.external_id, order.pk)])
        return order

    def _order_lines(self, record: DocumentRecord) -> list[dict[str, Any]] | None:
        ids = [line.external_id for line in record.lines]
        products = self.refs(RefKind.PRODUCT, [split_id(i)[0] for i in ids])
        variants = self.refs(RefKind.VARIANT, [i for i in ids if split_id(i)[1]])
        lines = []
        for line in record.lines:
            product = products.get(split_id(line.external_id)[0])
            if product is None:
                self.fail("document", record.external_id,
                          _("Order %(n)s from 1C: “%(line)s” is not a product of Accord; "
                            "load the catalog first.") % {"n": record.number, "line": line.name})  # fmt: skip
                return None
            price = line.price
            if price is None and line.amount is not None and line.quantity:
                price = (line.amount / line.quantity).quantize(Decimal("0.01"))
            lines.append({
                "product_id": product, "variant_id": variants.get(line.external_id),
                "quantity": str(line.quantity), "price": str(price or 0),
                "vat_rate": _vat(line.vat_rate) or VatRate.NONE,
            })  # fmt: skip
        return lines

    def _order_update(self, order: Order, record: DocumentRecord) -> bool:
        """Status, payment and shipment from 1C; answers whether anything changed."""
        changed = False
        if record.paid and record.payment_number:
            changed |= self._payment(order, record)
        if record.shipped and order.status not in (OrderStatus.SHIPPED, OrderStatus.COMPLETED,
                                                   OrderStatus.CANCELLED):  # fmt: skip
            changed |= self._shipment(order, record)
        target = self._target_status(record, order)
        if target and target != order.status:
            order.refresh_from_db()
            for step in _path(order.status, target):
                order = order_set_status(actor=self.actor, order=order, status=step)
                changed = True
        return changed

    def _target_status(self, record: DocumentRecord, order: Order) -> str | None:
        if record.cancelled or record.deleted:
            return OrderStatus.CANCELLED
        if record.status and record.status in self.node.status_map:
            return str(self.node.status_map[record.status])
        if record.shipped:
            return OrderStatus.SHIPPED
        if record.posted and order.status == OrderStatus.NEW:
            return OrderStatus.CONFIRMED
        return None

    def _payment(self, order: Order, record: DocumentRecord) -> bool:
        ext = f"{record.external_id}:{record.payment_number}"
        if self.refs(RefKind.PAYMENT, [ext]):
            return False
        date = record.payment_date.date() if record.payment_date else timezone.localdate()
        amount = record.amount if record.amount is not None else order.total
        payment = payment_register(actor=self.actor, data={
            "counterparty_id": order.counterparty_id, "date": date.isoformat(),
            "amount": str(amount), "currency": order.currency,
            "number": record.payment_number[:50],
            "comment": _("From 1C, order %(n)s") % {"n": order.number},
        })  # fmt: skip
        self.link(RefKind.PAYMENT, [(ext, payment.pk)])
        return True

    def _shipment(self, order: Order, record: DocumentRecord) -> bool:
        ext = f"{record.external_id}:{record.shipment_number or 'shipped'}"
        if self.refs(RefKind.SHIPMENT, [ext]):
            return False
        for step in _path(order.status, OrderStatus.IN_PROGRESS):
            order = order_set_status(actor=self.actor, order=order, status=step)
        shipment = shipment_create_from_order(actor=self.actor, order=order, data={
            "notes": _("1C shipment %(n)s") % {"n": record.shipment_number}})  # fmt: skip
        shipment_post(actor=self.actor, shipment=shipment)
        self.link(RefKind.SHIPMENT, [(ext, shipment.pk)])
        return True


def _is_order(record: DocumentRecord) -> bool:
    """A customer order with lines (not a status-only message about one)."""
    return record.operation.strip().lower().startswith("заказ") and bool(record.lines)


def _path(current: str, target: str) -> list[str]:
    """The statuses to pass through from `current` to `target` (shortest), or [] if none."""
    frontier: list[str] = [current]
    came: dict[str, str] = {current: ""}
    while frontier:
        status = frontier.pop(0)
        if status == target:
            steps = []
            while status != current:
                steps.append(status)
                status = came[status]
            return steps[::-1]
        for following in sorted(ORDER_MOVES.get(status, ())):
            if following not in came:
                came[following] = status
                frontier.append(following)
    return []


def _variant_name(characteristics: Sequence[tuple[str, str]], fallback: str) -> str:
    if characteristics:
        return ", ".join(f"{n}: {v}" if n else v for n, v in characteristics)[:255]
    return fallback


def _counterparty_data(record: CounterpartyRecord) -> dict[str, Any]:
    if record.is_legal:
        kind = (
            CounterpartyKind.SOLE_TRADER if len(record.inn) == 12 else CounterpartyKind.LEGAL_ENTITY
        )
    elif len(record.inn) == 12:
        kind = CounterpartyKind.SOLE_TRADER if record.official_name else CounterpartyKind.PERSON
    else:
        kind = CounterpartyKind.PERSON
    name = (
        record.name
        or record.official_name
        or " ".join(p for p in (record.last_name, record.first_name, record.middle_name) if p)
    )
    data: dict[str, Any] = {"kind": kind, "name": name[:255],
                            "full_name": (record.official_name or record.full_name)[:500],
                            "inn": record.inn, "kpp": record.kpp}  # fmt: skip
    # Contact details 1C holds are free text: keep the first that reads as valid and leave
    # the rest, rather than refuse the counterparty for a typo in a phone number.
    for contact_type, value in record.contacts:
        lowered = contact_type.lower()
        try:
            if "почт" in lowered or "mail" in lowered:
                data.setdefault("email", normalize_email(value))
            elif "тел" in lowered or "phone" in lowered:
                data.setdefault(
                    "phone", normalize_phone(value, region=settings.ACCORD_PHONE_REGION)
                )
        except ValueError:
            continue
    return data


def retire_missing(node: ExchangeNode, *, since: dt.datetime) -> int:
    """Deactivate the node's products and variants that no full package sent since `since`."""
    retired = 0
    for kind, model in ((RefKind.PRODUCT, Product), (RefKind.VARIANT, Variant)):
        pks = ExternalRef.objects.filter(node=node, kind=kind, seen_at__lt=since).values_list(
            "object_id", flat=True
        )
        retired += sync.retire(actor=node.actor, model=model, pks=list(pks))
    return retired
