"""Reads of the directory. Every function takes the viewer first and filters by visibility."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from accord.core.errors import DomainError, NotFoundError
from accord.core.pagination import CappedCount, Page, capped_count, keyset_page
from accord.directory import identifiers as ids
from accord.directory.masking import may_search_masked, refuse_masked_params
from accord.directory.models import (
    ContactDetail,
    ContactPerson,
    Counterparty,
    Industry,
    PropertyDefinition,
    Source,
)

# Sort names offered to users -> keyset order (the last key is unique).
COUNTERPARTY_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name_key", "id"),
    "-name": ("-name_key", "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "inn": ("inn", "id"),
}
CONTACT_PERSON_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name_key", "id"),
    "-name": ("-name_key", "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "inn": ("counterparty__inn", "id"),
}
COUNTERPARTY_FILTERS = (
    "kind",
    "relation",
    "status",
    "responsible",
    "source",
    "industry",
    "tag",
    "vip",
)


@dataclass(frozen=True)
class CounterpartyList:
    page: Page[Counterparty]
    count: CappedCount


def search_condition(query: str, *, prefix: str = "", hide_vip: bool = False) -> Q:
    """Rows matching `query` by name, INN, phone in any format, or e-mail.

    A query that is a phone number or only digits is not also matched against names: that
    would scan the whole table with LIKE '%...%' for nothing. With `hide_vip` (a viewer who
    may not reveal VIP details), a phone or e-mail never matches a VIP counterparty or a VIP
    contact person's detail: otherwise the search would confirm a masked value.
    """
    query = query.strip()
    if not query:
        return Q()
    p = prefix
    phone = ids.try_phone(query, region=settings.ACCORD_PHONE_REGION)
    digits = ids.digits(query)
    numeric = bool(digits) and not re.sub(r"[\d\s()+\-.]", "", query)
    condition = Q(pk__in=[])
    key = ids.name_key(query)
    if key and not numeric:
        condition |= Q(**{f"{p}name_key__contains": key})
    if len(digits) >= 4 and digits == query.replace(" ", ""):
        # An INN prefix as a range ("7707" <= inn < "7707:"), which both databases answer
        # from the index; LIKE 'x%' with Django's ESCAPE clause cannot use it on SQLite.
        condition |= Q(**{f"{p}inn__gte": digits, f"{p}inn__lt": digits + ":"})
    own = Q(**{f"{p}is_vip": False}) if hide_vip else Q()
    if phone:
        holders = _holders("phone", phone, hide_vip=hide_vip)
        condition |= (Q(**{f"{p}phone": phone}) & own) | Q(**{f"{p}pk__in": holders})
    if "@" in query:
        email = query.lower()
        condition |= (Q(**{f"{p}email__iexact": email}) & own) | Q(
            **{f"{p}pk__in": _holders("email", email, hide_vip=hide_vip)}
        )
    return condition


def _holders(
    kind: str, value: str, column: str = "counterparty_id", *, hide_vip: bool = False
) -> list[int]:
    """Ids (`column`) of the owners of this phone or e-mail: counterparties by default.

    Read first as a short list: inside an OR, a subquery makes SQLite scan the whole table.
    `hide_vip` leaves out the details of VIP persons and of VIP counterparties' persons.
    """
    lookup = {"value": value} if kind == "phone" else {"value__iexact": value}
    rows = ContactDetail.objects.filter(kind=kind, **lookup)
    if hide_vip:
        rows = rows.filter(contact_person__is_vip=False, counterparty__is_vip=False)
    return list(rows.values_list(column, flat=True)[:1000])


def _filters(filters: dict[str, Any]) -> Q:
    condition = Q()
    for name in ("kind", "relation", "status"):
        if filters.get(name):
            condition &= Q(**{name: filters[name]})
    for name in ("responsible", "source", "industry"):
        value: Any = filters.get(name)
        if value not in (None, ""):
            try:
                condition &= Q(**{f"{name}_id": int(value)})
            except (TypeError, ValueError):
                raise DomainError(
                    "invalid_filter", f"Filter {name} takes an id.", fields={name: ["Give an id."]}
                ) from None
    if filters.get("tag"):
        condition &= Q(tags__name=filters["tag"])
    if filters.get("vip") not in (None, ""):
        condition &= Q(is_vip=str(filters["vip"]).lower() in ("1", "true", "yes"))
    return condition


def counterparties_visible(*, viewer: Any) -> QuerySet[Counterparty]:
    return Counterparty.objects.visible_to(viewer)


def counterparties_filtered(
    *, viewer: Any, query: str = "", filters: dict[str, Any] | None = None
) -> QuerySet[Counterparty]:
    """Counterparties the viewer sees that match `query` and `filters`, ready to page over."""
    filters = filters or {}
    refuse_masked_params(viewer, filters)
    hide_vip = not may_search_masked(viewer)
    qs = (
        Counterparty.objects.visible_to(viewer)
        .filter(search_condition(query, hide_vip=hide_vip))
        .filter(_filters(filters))
    )
    if filters.get("tag"):
        qs = qs.distinct()
    return qs.select_related("responsible").prefetch_related("tags", "bank_accounts")


def counterparties_list(
    *,
    viewer: Any,
    query: str = "",
    filters: dict[str, Any] | None = None,
    sort: str = "name",
    cursor: str | None = None,
    size: int = 50,
) -> CounterpartyList:
    """One page of the counterparty list, with a capped count of all matching rows."""
    refuse_masked_params(viewer, [sort])
    if sort not in COUNTERPARTY_SORTS:
        raise DomainError(
            "invalid_sort",
            f"Sort by one of: {', '.join(COUNTERPARTY_SORTS)}.",
            fields={"sort": ["Unknown sort."]},
        )
    qs = counterparties_filtered(viewer=viewer, query=query, filters=filters)
    page = keyset_page(
        qs.prefetch_related(None).prefetch_related("tags"),  # the list shows no bank accounts
        order=COUNTERPARTY_SORTS[sort],
        cursor=cursor,
        size=size,
    )
    return CounterpartyList(page=page, count=capped_count(qs))


def counterparty_get(*, viewer: Any, pk: Any, with_contacts: bool = True) -> Counterparty:
    """One counterparty the viewer may see; a hidden one is as missing as an unknown id.

    `with_contacts` prefetches the contact persons and their details, for the card.
    """
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError from None
    related: list[Any] = ["tags", "bank_accounts"]
    if with_contacts:
        related.append(
            Prefetch("contact_persons", queryset=ContactPerson.objects.prefetch_related("details"))
        )
    cp = (
        Counterparty.objects.visible_to(viewer)
        .select_related("responsible", "source", "industry", "created_by", "updated_by")
        .prefetch_related(*related)
        .filter(pk=pk)
        .first()
    )
    if cp is None:
        raise NotFoundError
    return cp


def property_definitions(*, target: str) -> list[PropertyDefinition]:
    return list(PropertyDefinition.objects.filter(target=target))


def property_definitions_grouped() -> dict[str, list[PropertyDefinition]]:
    """Every custom property by target (each target present, in the order of the choices)."""
    grouped: dict[str, list[PropertyDefinition]] = {t.value: [] for t in PropertyDefinition.Target}
    for definition in PropertyDefinition.objects.all():
        grouped.setdefault(definition.target, []).append(definition)
    return grouped


def property_definition_get(*, pk: Any) -> PropertyDefinition:
    try:
        return PropertyDefinition.objects.get(pk=int(pk))
    except (TypeError, ValueError, PropertyDefinition.DoesNotExist):
        raise NotFoundError from None


def classifiers_list() -> dict[str, list[Source] | list[Industry]]:
    """The lists that classify counterparties: `{"source": [...], "industry": [...]}`."""
    return {"source": list(Source.objects.all()), "industry": list(Industry.objects.all())}


def _person_search(query: str, *, hide_vip: bool = False) -> Q:
    """Contact persons by name, their counterparty's INN, a phone in any format, or e-mail.

    With `hide_vip`, a phone or e-mail never matches a VIP person (see `search_condition`).
    """
    query = query.strip()
    if not query:
        return Q()
    key = ids.name_key(query)
    condition = Q(name_key__contains=key) if key else Q(pk__in=[])
    digits = ids.digits(query)
    if len(digits) >= 4 and digits == query.replace(" ", ""):
        # A range, not LIKE, so the INN index answers it (see search_condition).
        condition |= Q(counterparty__inn__gte=digits, counterparty__inn__lt=digits + ":")
    phone = ids.try_phone(query, region=settings.ACCORD_PHONE_REGION)
    if phone:
        condition |= Q(pk__in=_holders("phone", phone, "contact_person_id", hide_vip=hide_vip))
    if "@" in query:
        condition |= Q(pk__in=_holders("email", query, "contact_person_id", hide_vip=hide_vip))
    return condition


def contact_persons_filtered(
    *,
    viewer: Any,
    query: str = "",
    counterparty_id: int | None = None,
    filters: dict[str, Any] | None = None,
) -> QuerySet[ContactPerson]:
    """Contact persons the viewer sees that match `query` and `filters`.

    `vip` filters the person; every other filter of COUNTERPARTY_FILTERS applies to the
    person's counterparty, by the same rules as the counterparty list.
    """
    filters = dict(filters or {})
    refuse_masked_params(viewer, filters)
    vip = filters.pop("vip", None)
    hide_vip = not may_search_masked(viewer)
    qs = ContactPerson.objects.visible_to(viewer).filter(_person_search(query, hide_vip=hide_vip))
    if counterparty_id is not None:
        qs = qs.filter(counterparty_id=counterparty_id)
    if vip not in (None, ""):
        qs = qs.filter(is_vip=str(vip).lower() in ("1", "true", "yes"))
    if any(value not in (None, "") for value in filters.values()):
        matching = counterparties_filtered(viewer=viewer, filters=filters)
        qs = qs.filter(counterparty_id__in=matching.values("pk"))
    return qs.select_related("counterparty").prefetch_related("details")


def contact_persons_list(
    *,
    viewer: Any,
    query: str = "",
    counterparty_id: int | None = None,
    cursor: str | None = None,
    size: int = 50,
) -> tuple[Page[ContactPerson], CappedCount]:
    qs = contact_persons_filtered(viewer=viewer, query=query, counterparty_id=counterparty_id)
    page = keyset_page(
        qs,
        order=CONTACT_PERSON_SORTS["name"],
        cursor=cursor,
        size=size,
    )
    return page, capped_count(qs)


def contact_person_get(*, viewer: Any, pk: Any) -> ContactPerson:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError from None
    person = (
        ContactPerson.objects.visible_to(viewer)
        .select_related("counterparty")
        .prefetch_related("details")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise NotFoundError
    return person
