"""Products and services from spreadsheet rows, a batch at a time, through the catalog's
bulk writer (`catalog.sync.products_sync`, the one the 1C exchange uses): it checks the
values against the model, writes only what differs and audits every change.

Groups are found by name or by a path "Clothes / Jackets"; units by short name, full name
or OKEI code; a name that matches nothing fails the row (groups and units are set up in
the catalog first, or come from 1C).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from accord.catalog.models import Product, ProductGroup, ProductKind, Unit, VatRate
from accord.catalog.sync import INSERTED, PRODUCT_SYNC_FIELDS, UPDATED, products_sync
from accord.core.audit import jsonable
from accord.core.bulk import among, insert_rows
from accord.imports import values as parse
from accord.imports.fields import fold
from accord.imports.loading import Batch, RowResult
from accord.imports.models import ImportKey, ImportPolicy, RecordAction
from accord.imports.profiles import ImportMapping
from accord.users.access import require

PRODUCT_TYPE = "catalog.product"
TEXT_LIMITS = {
    "name": 255, "full_name": 1000, "article": 100, "barcode": 64, "manufacturer": 255,
    "country": 100, "trademark": 255, "description": 10000,
}  # fmt: skip
PIECE = "796"
# (the row's result, the pk to update or None, the full row, the stored values)
Planned = tuple[
    RowResult, int | None, dict[str, Any], dict[str, Any]
]  # OKEI code of the piece: the unit of a product whose unit is not given


class ProductLoader:
    def __init__(
        self, *, actor: Any, mapping: ImportMapping, dry_run: bool, job_id: int | None
    ) -> None:
        self.actor, self.mapping, self.dry_run, self.job_id = actor, mapping, dry_run, job_id
        require(actor, "view", PRODUCT_TYPE)
        if mapping.policy != ImportPolicy.UPDATE:
            require(actor, "add", PRODUCT_TYPE)
        if mapping.policy != ImportPolicy.ADD:
            require(actor, "change", PRODUCT_TYPE)
        self.column_of = {name: column for column, name in mapping.columns.items()}
        self.kinds = parse.choices_index(ProductKind, {"товар": "goods", "услуга": "service"})
        self.vat = parse.choices_index(
            VatRate, {"без ндс": "none", "без": "none", "нет": "none", "0 %": "0", "10 %": "10",
                      "20 %": "20", "22 %": "22", "5 %": "5", "7 %": "7"},
        )  # fmt: skip
        for rate in VatRate.values:
            self.vat[fold(f"{rate}%")] = rate
        self.groups = _group_index()
        self.units: dict[str, int] = {}
        for pk, code, short, full in Unit.objects.values_list(
            "pk", "code", "short_name", "full_name"
        ):
            for name in (code, short, full):
                if name:
                    self.units.setdefault(fold(name), pk)
        self.piece = self.units.get(PIECE)
        self.defaults: dict[str, Any] = {
            "kind": ProductKind.GOODS, "article": "", "full_name": "", "group_id": None,
            "unit_id": self.piece, "vat_rate": None, "barcode": "", "manufacturer": "",
            "country": "", "trademark": "", "weight": None, "description": "",
            "is_active": True, "marked_for_deletion": False,
        }  # fmt: skip
        self.seen: set[str] = set()

    def clean(self, line: int, cells: dict[str, str]) -> tuple[RowResult, dict[str, Any]]:
        result, values = RowResult(line=line), dict[str, Any]()
        for name, text in cells.items():
            try:
                if name in TEXT_LIMITS:
                    values[name] = parse.text(text, TEXT_LIMITS[name])
                elif name == "kind":
                    values["kind"] = parse.choice(text, self.kinds)
                elif name == "vat_rate":
                    values["vat_rate"] = parse.choice(text, self.vat)
                elif name == "weight":
                    values["weight"] = parse.number(text)
                elif name == "is_active":
                    values["is_active"] = parse.boolean(text)
                elif name == "group_id":
                    values["group_id"] = _lookup(text, self.groups)
                elif name == "unit_id":
                    values["unit_id"] = _lookup(text, self.units)
            except ValueError as exc:
                result.fail(self.column_of[name], str(exc))
        return result, values

    def load(self, batch: Batch) -> None:
        key = self.mapping.key
        rows: list[tuple[RowResult, dict[str, Any], str | None]] = []
        for line, cells in batch.rows:
            result, values = self.clean(line, cells)
            batch.results.append(result)
            if result.failed:
                continue
            value = values.get(key) if key != ImportKey.NONE else None
            if key != ImportKey.NONE and not value:
                result.fail(self.column_of[key], _("The key is empty: the row cannot be matched."))
                continue
            rows.append((result, values, value))
        stored = self._stored([v for _r, _v, v in rows if v])
        planned: list[Planned] = []
        batch_keys: set[str] = set()
        for result, values, value in rows:
            if value and value in batch_keys:
                result.fail(self.column_of[key], _("This key is repeated in the file."))
                continue
            if value:
                batch_keys.add(value)
            plan = self._plan(result, values, value, stored.get(value) if value else None)
            if plan is not None:
                planned.append(plan)
        if self.dry_run:
            for result, pk, _full, _current in planned:
                result.outcome = result.outcome or ("inserted" if pk is None else "updated")
            return
        self._write(planned)

    def _plan(
        self, result: RowResult, values: dict[str, Any], value: str | None, current: Any
    ) -> Planned | None:
        """What one row does: insert, update (with the full row), or nothing."""
        if current is None and value and self.dry_run and value in self.seen:
            result.outcome = "unchanged"  # an earlier batch of this check inserts it
            return None
        if current is None:
            if self.mapping.policy == ImportPolicy.UPDATE:
                result.outcome, result.note = "skipped", _("No such record to update.")
                return None
            if not values.get("name"):
                result.fail(self.column_of.get("name", ""), _("A new record needs a name."))
                return None
            if value and self.dry_run:
                self.seen.add(value)
            return (result, None, {**self.defaults, **values}, {})
        if self.mapping.policy == ImportPolicy.ADD:
            result.outcome = "skipped"
            result.note = _("The record exists; the policy adds new ones only.")
            return None
        full = {name: current[name] for name in PRODUCT_SYNC_FIELDS}
        full.update(values)
        diff = {n: [jsonable(current[n]), jsonable(v)] for n, v in values.items()
                if current[n] != v}  # fmt: skip
        result.outcome = "updated" if diff else "unchanged"
        result.diff = diff
        return (result, current["pk"], full, current) if diff else None

    def _stored(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        if not keys:
            return {}
        key = self.mapping.key
        rows = Product.objects.filter(among(Product, key, keys)).order_by("pk")
        found: dict[str, dict[str, Any]] = {}
        for row in rows.values("pk", "updated_at", *PRODUCT_SYNC_FIELDS):
            found.setdefault(row[key], row)
        return found

    def _write(
        self, planned: list[tuple[RowResult, int | None, dict[str, Any], dict[str, Any]]]
    ) -> None:
        if not planned:
            return
        report = products_sync(actor=self.actor, rows=[(pk, full) for _r, pk, full, _c in planned])
        records: list[list[Any]] = []
        updated: list[tuple[int, dict[str, Any]]] = []
        for index, (result, _pk, full, current) in enumerate(planned):
            if index in report.errors:
                result.fail(self.column_of.get("name", ""), report.errors[index])
                continue
            result.outcome = report.outcomes[index]
            new_pk = report.pks[index]
            if result.outcome == INSERTED:
                records.append([self.job_id, PRODUCT_TYPE, new_pk, RecordAction.INSERTED, {}])
            elif result.outcome == UPDATED and new_pk is not None:
                before = {
                    n: jsonable(current[n]) for n in PRODUCT_SYNC_FIELDS if current[n] != full[n]
                }
                updated.append((new_pk, before))
        if updated:
            written = dict(
                Product.objects.filter(
                    among(Product, "id", [pk for pk, _b in updated])
                ).values_list("pk", "updated_at")
            )
            for pk, before in updated:
                before["updated_at"] = jsonable(written.get(pk))
                records.append([self.job_id, PRODUCT_TYPE, pk, RecordAction.UPDATED, before])
        if records and self.job_id is not None:
            from accord.imports.models import ImportedRecord

            insert_rows(
                ImportedRecord, ("job_id", "model", "object_id", "action", "before"), records
            )


def _group_index() -> dict[str, int]:
    """Folded group name and folded path ("одежда / куртки") -> pk."""
    groups = {pk: (name, parent) for pk, name, parent in
              ProductGroup.objects.values_list("pk", "name", "parent_id")}  # fmt: skip
    index: dict[str, int] = {}
    for pk, (name, _parent) in groups.items():
        index.setdefault(fold(name), pk)
        names, at, seen = [], pk, set()
        while at is not None and at not in seen:
            seen.add(at)
            names.append(groups[at][0])
            at = groups[at][1]
        index.setdefault(" / ".join(fold(n) for n in reversed(names)), pk)
    return index


def _lookup(text: str, index: dict[str, int]) -> int:
    folded = " / ".join(fold(part) for part in text.split("/")) if "/" in text else fold(text)
    pk = index.get(folded)
    if pk is None:
        raise parse.unknown_value(text, sorted(k for k in index if "/" not in k)[:50])
    return pk
