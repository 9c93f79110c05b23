"""Namespace-blind access to a finished lxml element: children by local name, stripped text.

CommerceML comes with no namespace or with one of several (`urn:1C.ru:commerceml_2`,
`_205`, `_210`, `_3`), and 1C writers disagree on element order, so readers look children
up by local name and never by position.
"""

from __future__ import annotations

from typing import Any

from accord.exchange.formats.commerceml.values import is_true

Element = Any
"""An `lxml.etree._Element` (lxml ships no type information)."""

Children = dict[str, list[Element]]

_LOCAL_NAMES: dict[str, str] = {}
_CACHE_LIMIT = 4096  # a hostile file must not grow the cache without bound


def local_name(tag: object) -> str:
    """`{urn:1C.ru:commerceml_2}Товар` → `Товар`; "" for comments and processing instructions."""
    if not isinstance(tag, str):
        return ""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = tag.rpartition("}")[2]
        if len(_LOCAL_NAMES) < _CACHE_LIMIT:
            _LOCAL_NAMES[tag] = name
    return name


def namespace_of(tag: object) -> str:
    if isinstance(tag, str) and tag.startswith("{"):
        return tag[1 : tag.index("}")]
    return ""


def children(element: Element) -> Children:
    """Child elements grouped by local name, in file order."""
    found: Children = {}
    cached = _LOCAL_NAMES.get
    for child in element:
        tag = child.tag
        name = cached(tag)
        if name is None:
            name = local_name(tag)
        bucket = found.get(name)
        if bucket is None:
            found[name] = [child]
        else:
            bucket.append(child)
    return found


def firsts(element: Element) -> dict[str, Element]:
    """Each local name among the children -> the first child of that name (what `child_text`
    reads), for elements whose repeated children do not matter: cheaper than `children`."""
    found: dict[str, Element] = {}
    cached = _LOCAL_NAMES.get
    for child in element:
        tag = child.tag
        name = cached(tag)
        if name is None:
            name = local_name(tag)
        if name not in found:
            found[name] = child
    return found


def first_text(found: dict[str, Element], name: str) -> str:
    """`child_text` over `firsts`."""
    element = found.get(name)
    if element is None:
        return ""
    value = element.text
    return value.strip() if value else ""


def text(element: Element | None) -> str:
    """The element's own text, stripped; "" when absent or empty."""
    if element is None:
        return ""
    value = element.text
    return value.strip() if value else ""


def first(kids: Children, name: str) -> Element | None:
    bucket = kids.get(name)
    return bucket[0] if bucket else None


def child_text(kids: Children, name: str) -> str:
    bucket = kids.get(name)
    return text(bucket[0]) if bucket else ""


def child_text_or_none(kids: Children, name: str) -> str | None:
    """Stripped text of the first such child; None when the child is absent."""
    bucket = kids.get(name)
    return text(bucket[0]) if bucket else None


def items(kids: Children, container: str, item: str) -> list[Element]:
    """`<container><item/>…</container>` items, over every container of that name."""
    boxes = kids.get(container)
    if not boxes:
        return []
    cached = _LOCAL_NAMES.get
    return [
        child
        for box in boxes
        for child in box
        if (cached(child.tag) or local_name(child.tag)) == item
    ]


def pairs(kids: Children, container: str, item: str, key: str, value: str) -> list[tuple[str, str]]:
    """`(key, value)` texts of each item: requisites, characteristics, property values.

    An item with several `value` children (allowed for property values) gives one pair each.
    """
    found: list[tuple[str, str]] = []
    cached = _LOCAL_NAMES.get
    for element in items(kids, container, item):
        name = ""
        values: list[str] = []
        for child in element:
            child_name = cached(child.tag) or local_name(child.tag)
            if child_name == key:
                name = name or text(child)
            elif child_name == value:
                values.append(text(child))
        if values:
            found.extend((name, each) for each in values)
        else:
            found.append((name, ""))
    return found


def marked_deleted(kids: Children, element: Element) -> bool:
    """ПометкаУдаления = true (2.09+), or the older `Статус="Удален"` attribute."""
    bucket = kids.get("ПометкаУдаления")
    if bucket and is_true(text(bucket[0])):
        return True
    status = element.get("Статус")
    return status is not None and status.strip().casefold() == "удален"
