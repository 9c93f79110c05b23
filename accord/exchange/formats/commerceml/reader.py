"""Stream a CommerceML file (2.03–3.1, any namespace) into records, in file order.

`read_package` yields a `PackageHeader` first, then one record per object. Only one object's
subtree is in memory at a time: each is turned into a record, then cleared and unlinked, so a
multi-gigabyte import.xml parses in bounded memory.

The package kind comes from content. The first root child among Каталог, ПакетПредложений,
ИзмененияПакетаПредложений, Документ, Контейнер and Контрагенты decides it; a lone
Классификатор is a catalog. Because a classifier may precede what decides the kind (an
offers file starting with Классификатор), its records are held back until the header is
known; a classifier is small next to the products and offers that follow it.

`scan_package` walks a file the same way without building its products, offers and
documents: the run's checking pass, which must see every error of the file (malformed XML,
encoding, structure) before anything is written, at a third of the cost of reading it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from accord.exchange.formats.commerceml.catalog import (
    group_tree,
    price_type_record,
    product_record,
    property_record,
    unit_element,
    warehouse_record,
)
from accord.exchange.formats.commerceml.documents import counterparty_record, document_record
from accord.exchange.formats.commerceml.elements import Element, local_name, namespace_of, text
from accord.exchange.formats.commerceml.offers import offer_record
from accord.exchange.formats.commerceml.safety import MAX_DEPTH, EventStream, Source, open_source
from accord.exchange.formats.commerceml.values import is_true, parse_datetime
from accord.exchange.formats.errors import FormatError
from accord.exchange.formats.records import PackageHeader, PackageKind, Record

ROOT = "КоммерческаяИнформация"

Builder = Callable[[Element], Iterable[Any]]

_SINGLE: set[Builder] = set()
"""Builders that answer exactly one record per element: a scan counts them unbuilt."""


def _one(build: Callable[[Element], Record]) -> Builder:
    def builder(element: Element) -> tuple[Record]:
        return (build(element),)

    _SINGLE.add(builder)
    return builder


def _unbuilt(element: Element) -> tuple[None]:
    return (None,)


def _unit(element: Element) -> Iterable[Record]:
    unit = unit_element(element)
    return (unit,) if unit is not None else ()


def _warehouses(element: Element) -> Iterable[Record]:
    return [warehouse_record(child) for child in element if local_name(child.tag) == "Склад"]


_DOCUMENT = _one(document_record)
_RECORDS: dict[tuple[str, ...], Builder] = {
    ("Классификатор", "Группы", "Группа"): lambda element: group_tree(element, None),
    ("Классификатор", "Свойства", "Свойство"): _one(property_record),
    ("Классификатор", "ТипыЦен", "ТипЦены"): _one(price_type_record),
    ("ПакетПредложений", "ТипыЦен", "ТипЦены"): _one(price_type_record),
    # Warehouses are read per container: `Склад` also names every stock entry of an offer,
    # and reporting those to Python would cost two events per offer and warehouse.
    ("Классификатор", "Склады"): _warehouses,
    ("ПакетПредложений", "Склады"): _warehouses,
    ("Классификатор", "ЕдиницыИзмерения", "ЕдиницаИзмерения"): _unit,
    ("Каталог", "Товары", "Товар"): _one(product_record),
    ("ПакетПредложений", "Предложения", "Предложение"): _one(offer_record),
    ("ИзмененияПакетаПредложений", "Предложения", "Предложение"): _one(offer_record),
    ("Документ",): _DOCUMENT,
    ("Контейнер", "Документ"): _DOCUMENT,
    ("Контрагенты", "Контрагент"): _one(counterparty_record),
}

# Builders never raise FormatError (a bad value only empties itself), so a scan that skips
# the one-record builders finds every error a full read finds.
_SCAN: dict[tuple[str, ...], Builder] = {
    path: _unbuilt if build in _SINGLE else build for path, build in _RECORDS.items()
}

_KINDS = {
    "Каталог": PackageKind.CATALOG,
    "ПакетПредложений": PackageKind.OFFERS,
    "ИзмененияПакетаПредложений": PackageKind.OFFERS,
    "Документ": PackageKind.DOCUMENTS,
    "Контейнер": PackageKind.DOCUMENTS,
    "Контрагенты": PackageKind.CONTRACTORS,
}
_CATALOG_ID_FIELDS = {("Каталог", "Ид"), ("ПакетПредложений", "ИдКаталога")}
_CATALOG_ID_FIELDS |= {("ИзмененияПакетаПредложений", "ИдКаталога")}
_CLASSIFIER_ID_FIELDS = {
    ("Классификатор", "Ид"),
    ("Каталог", "ИдКлассификатора"),
    ("ПакетПредложений", "ИдКлассификатора"),
}
_ONLY_CHANGES = "СодержитТолькоИзменения"


_TAGS = sorted(
    {f"{{*}}{name}" for path in _RECORDS for name in path}
    | {f"{{*}}{name}" for name in _KINDS}
    | {"{*}" + ROOT, "{*}Классификатор"}
)
"""Tags the parser reports. Anything else is only seen inside a record's finished subtree."""


def read_package(source: Source) -> Iterator[Record]:
    """Records of one CommerceML file: a `PackageHeader`, then objects in file order.

    `source` is a path or a binary file object. Raises FormatError for a malformed, hostile
    or non-CommerceML file, possibly after some records: the file is then void as a whole.
    A bad value inside one object only empties that value (or drops that price, stock or
    line entry).
    """
    with open_source(source) as stream:
        yield from _PackageReader(stream, _RECORDS).records()


def scan_package(source: Source) -> tuple[PackageHeader, int]:
    """The header of a file and how many records `read_package` would yield after it.

    Reads the whole file and raises the same FormatError `read_package` would, but builds
    only the header and the classifier's records.
    """
    with open_source(source) as stream:
        records = _PackageReader(stream, _SCAN).records()
        header = next(records, None)
        if not isinstance(header, PackageHeader):  # pragma: no cover - a file has a header
            raise FormatError("The file holds no CommerceML package")
        return header, sum(1 for _record in records)


class _PackageReader:
    def __init__(self, stream: IO[bytes], builders: dict[tuple[str, ...], Builder]) -> None:
        self._builders = builders
        self._events = EventStream(stream, root=ROOT, tags=_TAGS)
        self._kind: PackageKind | None = None
        self._main: Element | None = None  # the root child that decided the kind
        self._version = ""
        self._namespace = ""
        self._generated_at: dt.datetime | None = None
        self._only_changes = False
        self._classifier_only_changes = False
        self._classifier_seen = False
        self._catalog_id = ""
        self._classifier_id = ""
        self._pending: list[Any] | None = []  # None once the header is out
        self._parent: Element | None = None  # parent of the latest element that started
        self._parent_path: list[str] = []
        self._parent_source: Element | None = None
        self._source: Element | None = None  # root child holding the current record

    def records(self) -> Iterator[Any]:
        events = self._events
        record: Element | None = None  # the object being read; events inside it are skipped
        build: Builder | None = None
        for event, element in events:
            if record is not None:
                if element is record and event == "end":
                    assert build is not None
                    if self._pending is None:
                        yield from build(element)
                    else:
                        yield from self._emit(build(element), self._source, element)
                    self._release(element)
                    record = None
            elif event == "start":
                build = self._locate(element)
                if build is not None:
                    record = element
            elif element.getparent() is None:
                yield from self._finish()
            elif element.getparent().getparent() is None:
                yield from self._end_root_child(element)
            else:
                self._release(element)  # a container, or a known name in an unknown place

    def _release(self, element: Element) -> None:
        """Free a finished element and what precedes it in its parent.

        Under a root child those predecessors may be the ids the header needs (Ид,
        ИдКаталога, …): they are read first, while the header is still to come.
        """
        parent = element.getparent()
        if self._pending is not None and parent is not None:
            grandparent = parent.getparent()
            if grandparent is not None and grandparent.getparent() is None:
                self._header_fields(parent, stop=element)
        self._events.release(element)

    def _locate(self, element: Element) -> Builder | None:
        """The builder for an element that starts, from its path; notes its root child.

        Records of one container share their parent, so its path is computed once.
        """
        parent = element.getparent()
        if parent is None or parent is not self._parent:
            self._parent = parent
            self._parent_path = _path_of(parent) if parent is not None else []
            self._parent_source = _root_child_of(parent) if parent is not None else None
        path = [*self._parent_path, local_name(element.tag)]
        if len(path) > MAX_DEPTH:
            raise FormatError(
                f"XML nesting is deeper than {MAX_DEPTH} levels", line=element.sourceline
            )
        if len(path) <= 2:
            self._start(element, path)
        self._source = self._parent_source if len(path) > 2 else element
        return self._builders.get(tuple(path[1:]))

    def _start(self, element: Element, path: list[str]) -> None:
        if len(path) == 1:
            self._start_root(element, path[0])
        else:
            self._start_root_child(element, path[1])

    def _start_root(self, element: Element, name: str) -> None:
        if name != ROOT:
            raise FormatError(
                f"Not a CommerceML file: the root element is <{name}>, expected <{ROOT}>",
                line=element.sourceline,
            )
        self._namespace = namespace_of(element.tag)
        self._version = (element.get("ВерсияСхемы") or "").strip()
        self._generated_at = parse_datetime(element.get("ДатаФормирования"))

    def _start_root_child(self, element: Element, name: str) -> None:
        if name == "Классификатор":
            self._classifier_seen = True
            self._classifier_only_changes = is_true(element.get(_ONLY_CHANGES))
        kind = _KINDS.get(name)
        if kind is None or self._kind is not None:
            return
        self._kind = kind
        self._main = element
        # A delta package has no attribute: it is a change set by definition.
        self._only_changes = name == "ИзмененияПакетаПредложений" or is_true(
            element.get(_ONLY_CHANGES)
        )

    def _end_root_child(self, element: Element) -> Iterator[Any]:
        if local_name(element.tag) == "Классификатор":
            self._header_fields(element)
        if element is self._main:
            yield from self._emit((), element, None)
        self._events.release(element)

    def _header_fields(self, parent: Element, stop: Element | None = None) -> None:
        """Ids and the old element form of СодержитТолькоИзменения, read before the header.

        Only children before `stop` count: later ones may or may not have been parsed yet,
        and the result must not depend on how the input was chunked.
        """
        if self._pending is None:
            return
        parent_name = local_name(parent.tag)
        for element in parent:
            if element is stop:
                break
            name = local_name(element.tag)
            if (parent_name, name) in _CATALOG_ID_FIELDS and not self._catalog_id:
                self._catalog_id = text(element)
            elif (parent_name, name) in _CLASSIFIER_ID_FIELDS and not self._classifier_id:
                self._classifier_id = text(element)
            elif name == _ONLY_CHANGES and parent is self._main:
                self._only_changes = is_true(text(element))
            elif name == _ONLY_CHANGES and parent_name == "Классификатор":
                self._classifier_only_changes = is_true(text(element))

    def _emit(
        self, records: Iterable[Any], source: Element | None, record: Element | None
    ) -> Iterator[Any]:
        """Hold records back until the header is known; then pass them through.

        `source` is the root child the records come from, `record` the element they were
        read from (None when `source` has just ended).
        """
        pending = self._pending
        if pending is None:
            yield from records
        elif source is not None and source is self._main:
            self._header_fields(source, stop=_child_of(source, record))
            yield self._header()
            yield from pending
            self._pending = None
            yield from records
        else:
            pending.extend(records)

    def _finish(self) -> Iterator[Any]:
        if self._pending is None:
            return
        if self._kind is None:
            if not self._classifier_seen:
                raise FormatError(
                    "The file holds no Классификатор, Каталог, ПакетПредложений, Документ "
                    "or Контрагенты"
                )
            self._kind = PackageKind.CATALOG
            self._only_changes = self._classifier_only_changes
        yield self._header()
        yield from self._pending
        self._pending = None

    def _header(self) -> PackageHeader:
        assert self._kind is not None
        prolog = self._events.prolog
        return PackageHeader(
            kind=self._kind,
            version=self._version,
            namespace=self._namespace,
            encoding=prolog.encoding if prolog is not None else "utf-8",
            generated_at=self._generated_at,
            only_changes=self._only_changes,
            catalog_id=self._catalog_id,
            classifier_id=self._classifier_id,
        )


def _path_of(element: Element) -> list[str]:
    """Local names from the root down to `element`; refuses a path deeper than MAX_DEPTH."""
    path: list[str] = []
    node = element
    while node is not None:
        path.append(local_name(node.tag))
        if len(path) > MAX_DEPTH:
            raise FormatError(
                f"XML nesting is deeper than {MAX_DEPTH} levels", line=element.sourceline
            )
        node = node.getparent()
    path.reverse()
    return path


def _child_of(ancestor: Element, element: Element | None) -> Element | None:
    """The child of `ancestor` that holds `element`; None when there is none."""
    node = element
    while node is not None and node.getparent() is not ancestor:
        node = node.getparent()
    return node


def _root_child_of(element: Element) -> Element | None:
    """The ancestor-or-self of `element` just under the root; None for the root itself."""
    node = element
    parent = node.getparent()
    if parent is None:
        return None
    while parent.getparent() is not None:
        node, parent = parent, parent.getparent()
    return node
