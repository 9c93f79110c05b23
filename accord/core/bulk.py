"""Plain-SQL bulk reads and writes for trusted feeds of thousands of rows: the 1C exchange,
the spreadsheet import and the demo data.

Django's bulk_create, bulk_update and IN lookups spend more time in Python than the database
spends on the rows: they build a model instance per row and prepare each value through its
field, and IN puts one placeholder per value in the statement. Here values of plain types
reach the driver as they are; PostgreSQL gets COPY and array parameters. No signals and no
`save()`: callers check permission, validate and audit themselves.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import Any

from django.db import connections, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone


def field_of(model: type[models.Model], name: str) -> Any:
    """The concrete field of `model` named `name` (or with that attname)."""
    return model._meta.get_field(name)


def among(model: type[models.Model], name: str, values: Iterable[Any]) -> Q | RawSQL:
    """A filter "`name` is one of `values`" that stays cheap for thousands of values.

    On PostgreSQL it is `column = ANY(%s)` with one array parameter: Django's IN puts one
    placeholder per value in the statement, which psycopg then splits in Python and the
    server parses and plans, several times the cost of the lookup itself. On SQLite it is a
    plain `IN (...)` built once, without Django's lookup machinery (which prepares each
    value through the field).
    """
    values = list(values)
    connection = connections[model._base_manager.db]
    if not values:
        return Q(**{f"{name}__in": values})
    quote = connection.ops.quote_name
    column = f"{quote(model._meta.db_table)}.{quote(field_of(model, name).column)}"
    # Quoted names of the model only; the values are parameters.
    if connection.vendor == "postgresql":
        return RawSQL(f"{column} = ANY(%s)", (values,), output_field=models.BooleanField())  # noqa: S611
    marks = ", ".join(["%s"] * len(values))
    return RawSQL(f"{column} IN ({marks})", values, output_field=models.BooleanField())  # noqa: S611


# ---------------------------------------------------------------- plain SQL writes

# Field types whose Python values the drivers take as they are (Django's own preparation of
# them is a type check or `str()`); any other type goes through the field.
_AS_IS = frozenset({
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "DecimalField",
    "ForeignKey", "IntegerField", "PositiveBigIntegerField", "PositiveIntegerField",
    "PositiveSmallIntegerField", "SlugField", "SmallIntegerField", "TextField",
})  # fmt: skip
_MAX_ROWS_PER_STATEMENT = 1000
_MAX_ROWS_PER_UPDATE = 10_000


def _prepared(
    model: type[models.Model], names: Iterable[str], *, json_as_text: bool = False
) -> list[Callable[[Any], Any] | None]:
    """Per name: None when values go to the driver as they are, else the field's preparation."""
    connection = connections[model._base_manager.db]
    converters: list[Callable[[Any], Any] | None] = []
    for name in names:
        model_field = field_of(model, name)
        if model_field.get_internal_type() in _AS_IS:
            converters.append(None)
            continue
        prepare: Callable[[Any], Any] = partial(model_field.get_db_prep_save, connection=connection)
        if isinstance(model_field, models.JSONField):
            if json_as_text:
                encoder = model_field.encoder

                def prepare(value: Any, encoder: Any = encoder) -> Any:
                    return None if value is None else json.dumps(value, cls=encoder)

            prepare = _json_preparer(prepare)
        converters.append(prepare)
    return converters


def _json_preparer(prepare: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Most JSON values of a feed are empty: prepare `{}` and `[]` once, not once per row."""
    empty_dict, empty_list = prepare({}), prepare([])

    def prepared(value: Any) -> Any:
        if value == {} and isinstance(value, dict):
            return empty_dict
        if value == [] and isinstance(value, list):
            return empty_list
        return prepare(value)

    return prepared


def _params(
    rows: Iterable[Sequence[Any]], converters: list[Callable[[Any], Any] | None], fixed: list[Any]
) -> Iterable[list[Any]]:
    if not any(converters):
        return ([*row, *fixed] for row in rows)
    converting = [(i, c) for i, c in enumerate(converters) if c is not None]

    def converted(row: Sequence[Any]) -> list[Any]:
        values = [*row, *fixed]
        for i, convert in converting:
            values[i] = convert(values[i])
        return values

    return (converted(row) for row in rows)


def insert_rows(
    model: type[models.Model],
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    constants: dict[str, Any] | None = None,
    returning: bool = False,
) -> list[int]:
    """INSERT `rows` (values of the fields `names`, in order) in multi-row statements.

    For a feed of 100,000 rows Django's bulk_create costs several times the database's own
    work: it builds a model instance per row and prepares each value through its field.
    Here values of plain types reach the driver as they are; `constants` (the same for
    every row: timestamps, the actor) and the defaults of the model's other fields are
    prepared once. No signals, no `save()`: for the trusted bulk writers of this module and
    the exchange. Answers the new primary keys in row order when `returning`.
    """
    if not rows:
        return []
    connection = connections[model._base_manager.db]
    opts = model._meta
    constants = constants or {}
    given = {field_of(model, name).name for name in (*names, *constants)}
    columns = [field_of(model, name).column for name in (*names, *constants)]
    fixed = [
        field_of(model, name).get_db_prep_save(value, connection=connection)
        for name, value in constants.items()
    ]
    now = timezone.now()
    other_fields: list[Any] = list(opts.concrete_fields)
    for model_field in other_fields:
        if model_field.primary_key or model_field.name in given or model_field.generated:
            continue
        if model_field.has_db_default() and not model_field.has_default():
            continue
        auto = getattr(model_field, "auto_now", False) or getattr(
            model_field, "auto_now_add", False
        )
        default = now if auto else model_field.get_default()
        columns.append(model_field.column)
        fixed.append(model_field.get_db_prep_save(default, connection=connection))
    table = _Table(connection, opts.db_table, opts.pk.column, columns)
    if connection.vendor == "postgresql":
        # COPY takes JSON as text: no psycopg Jsonb wrapper to dump row by row.
        params = _params(rows, _prepared(model, names, json_as_text=True), fixed)
        return _copy_rows(table, params, len(rows), returning=returning)
    params = _params(rows, _prepared(model, names), fixed)
    return _insert_values(table, params, len(rows), returning=returning)


@dataclass(frozen=True)
class _Table:
    connection: Any
    name: str
    pk: str
    columns: list[str]


def _insert_values(
    table: _Table, params: Iterable[list[Any]], count: int, *, returning: bool
) -> list[int]:
    """Multi-row INSERT ... VALUES statements (RETURNING keeps the rows' order, which
    Django's own bulk_create relies on too); without RETURNING on SQLite, one executemany.

    On SQLite the statements go to the sqlite3 cursor itself with its own `?` marks:
    Django's wrapper rewrites every `%s` of a statement with a regular expression, which
    for a thousand rows of twenty columns costs more than SQLite's own work.
    """
    connection = table.connection
    quote = connection.ops.quote_name
    sqlite = connection.vendor == "sqlite"
    mark = "?" if sqlite else "%s"
    # Only quoted names of the model are formatted in; every value is a parameter.
    head = f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, table.columns))}) VALUES "  # noqa: S608
    tail = f" RETURNING {quote(table.pk)}" if returning else ""
    one = f"({', '.join([mark] * len(table.columns))})"
    limit = connection.features.max_query_params or 65535
    per = max(1, min(_MAX_ROWS_PER_STATEMENT, limit // len(table.columns)))
    pks: list[int] = []
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if sqlite and not returning:
            sqlite3.Cursor.executemany(raw, head + one, params)
            return pks
        for start in range(0, count, per):
            size = min(per, count - start)
            flat = [value for row in islice(params, size) for value in row]
            sql = head + ", ".join([one] * size) + tail
            if sqlite:
                sqlite3.Cursor.execute(raw, sql, flat)
            else:
                cursor.execute(sql, flat)
            if returning:
                pks.extend(row[0] for row in cursor.fetchall())
    return pks


def _copy_rows(
    table: _Table, params: Iterable[list[Any]], count: int, *, returning: bool
) -> list[int]:
    """PostgreSQL's COPY: several times faster than INSERT for thousands of rows (psycopg
    would otherwise parse a statement with one placeholder per value, in Python). New
    keys, when wanted, are drawn from the table's sequence first and written with the
    rows."""
    connection = table.connection
    quote = connection.ops.quote_name
    columns = table.columns
    pks: list[int] = []
    with connection.cursor() as cursor:
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(table.name), table.pk, count],
            )
            pks = [row[0] for row in cursor.fetchall()]
            columns = [table.pk, *columns]
            params = ([pk, *row] for pk, row in zip(pks, params, strict=True))
        sql = f"COPY {quote(table.name)} ({', '.join(map(quote, columns))}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in params:
                copy.write_row(row)
    return pks


def update_rows(
    model: type[models.Model],
    names: Sequence[str],
    rows: Sequence[tuple[int, Sequence[Any]]],
    *,
    constants: dict[str, Any] | None = None,
) -> None:
    """UPDATE the fields `names` of each row `(pk, values)`, plus `constants` (the
    counterpart of `insert_rows`, with the same rules for values)."""
    if not rows:
        return
    connection = connections[model._base_manager.db]
    opts = model._meta
    constants = constants or {}
    quote = connection.ops.quote_name
    fixed = [
        field_of(model, name).get_db_prep_save(value, connection=connection)
        for name, value in constants.items()
    ]
    sets = [f"{quote(field_of(model, name).column)} = %s" for name in constants]
    converted = list(_params((values for _pk, values in rows), _prepared(model, names), []))
    if connection.vendor == "postgresql":
        _update_from_arrays(model, names, rows, converted, sets, fixed)
        return
    sets = [f"{quote(field_of(model, name).column)} = %s" for name in names] + sets
    # Only quoted names of the model are formatted in; every value is a parameter.
    sql = f"UPDATE {quote(opts.db_table)} SET {', '.join(sets)} WHERE {quote(opts.pk.column)} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(
            sql, [[*values, *fixed, pk] for values, (pk, _v) in zip(converted, rows, strict=True)]
        )


def _update_from_arrays(
    model: type[models.Model],
    names: Sequence[str],
    rows: Sequence[tuple[int, Sequence[Any]]],
    converted: list[list[Any]],
    sets: list[str],
    fixed: list[Any],
) -> None:
    """One `UPDATE ... FROM unnest(arrays)` per chunk: PostgreSQL parses and plans an
    UPDATE per row otherwise (psycopg binds parameters on the client)."""
    connection = connections[model._base_manager.db]
    opts = model._meta
    quote = connection.ops.quote_name
    fields = [opts.pk, *(field_of(model, name) for name in names)]
    alias = [f"c{n}" for n in range(len(fields))]
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    sets = [f"{quote(f.column)} = v.{a}" for f, a in zip(fields[1:], alias[1:], strict=True)] + sets
    # Only quoted names and column types of the model are formatted in; values are parameters.
    sql = (
        f"UPDATE {quote(opts.db_table)} SET {', '.join(sets)} "  # noqa: S608
        f"FROM unnest({arrays}) AS v({', '.join(alias)}) "
        f"WHERE {quote(opts.db_table)}.{quote(opts.pk.column)} = v.{alias[0]}"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _MAX_ROWS_PER_UPDATE):
            chunk = range(start, min(start + _MAX_ROWS_PER_UPDATE, len(rows)))
            columns = [[rows[i][0] for i in chunk]]
            columns += [[converted[i][n] for i in chunk] for n in range(len(names))]
            cursor.execute(sql, [*fixed, *columns])


def relax_commit() -> None:
    """Let this transaction's commit return before its WAL reaches the disk (PostgreSQL).

    For the many per-batch commits of a long feed: a crash can lose the last batches, never
    corrupt anything, and the next ordinary commit (the feed's own status) flushes them
    all. SQLite runs with `synchronous=NORMAL` in WAL mode already.
    """
    connection = connections["default"]
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
