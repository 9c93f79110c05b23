"""The client card's timeline: everything about a counterparty in time order, newest first.

The entries are not copied into a table of their own: each source (interactions, deal
stage changes, quotes, orders, invoices, payments, shipments, claims, audit events) is
read through its own `visible_to`, by an index on (counterparty, time), one query per
source and page. The sources' pages are merged by (time, source rank, id); the cursor
holds the last entry's triple, so each source resumes exactly after it ("keyset"
paging), and page 100 costs what page 1 does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from accord.activities.models import Claim, Interaction
from accord.billing.models import Invoice, Payment
from accord.core.errors import ValidationFailedError
from accord.core.models import AuditEvent
from accord.core.pagination import decode_cursor, encode_cursor
from accord.directory.models import ContactPerson, Counterparty
from accord.sales.models import Deal, DealStageChange, Order, Quote, Shipment
from accord.users.access import can

PAGE = 30
# The audit events of the counterparty itself worth showing on its timeline.
EVENTS_SHOWN = (
    "directory.counterparty.created",
    "directory.counterparty.updated",
    "directory.clients.handed_over",
    "directory.contact_person.created",
)


@dataclass(frozen=True)
class Source:
    kind: str
    group: str  # the filter chip it belongs to
    rank: int  # breaks ties in time between sources; unique
    rows: Callable[[Any, int], QuerySet[Any]]
    time: str


@dataclass(frozen=True)
class Entry:
    kind: str
    at: dt.datetime
    pk: int
    obj: Any
    rank: int


@dataclass(frozen=True)
class TimelinePage:
    entries: list[Entry]
    next_cursor: str | None


def _interactions(viewer: Any, cp: int) -> QuerySet[Any]:
    return (
        Interaction.objects.visible_to(viewer)
        .filter(counterparty_id=cp)
        .select_related("responsible", "contact_person", "deal")
    )


def _stage_changes(viewer: Any, cp: int) -> QuerySet[Any]:
    deals = Deal.objects.visible_to(viewer).filter(counterparty_id=cp).values("pk")
    return DealStageChange.objects.filter(deal_id__in=deals).select_related(
        "deal", "from_stage", "to_stage", "changed_by"
    )


def _documents(model: Any) -> Callable[[Any, int], QuerySet[Any]]:
    def rows(viewer: Any, cp: int) -> QuerySet[Any]:
        return (
            model.objects.visible_to(viewer)
            .filter(counterparty_id=cp)
            .select_related("responsible")
        )

    return rows


def _claims(viewer: Any, cp: int) -> QuerySet[Any]:
    return Claim.objects.visible_to(viewer).filter(counterparty_id=cp).select_related("responsible")


def _events(viewer: Any, cp: int) -> QuerySet[Any]:
    # The events of its contact persons are recorded on them, not on the counterparty.
    people = (
        ContactPerson.objects.filter(counterparty_id=cp)
        .annotate(key=Cast("pk", CharField()))
        .values("key")
    )
    return AuditEvent.objects.filter(
        Q(object_type="directory.counterparty", object_id=str(cp))
        | Q(object_type="directory.contactperson", object_id__in=people),
        action__in=EVENTS_SHOWN,
    ).select_related("actor")


SOURCES = (
    Source("interaction", "interactions", 1, _interactions, "starts_at"),
    Source("stage", "deals", 2, _stage_changes, "changed_at"),
    Source("quote", "documents", 3, _documents(Quote), "created_at"),
    Source("order", "documents", 4, _documents(Order), "created_at"),
    Source("invoice", "documents", 5, _documents(Invoice), "created_at"),
    Source("shipment", "documents", 6, _documents(Shipment), "created_at"),
    Source("payment", "payments", 7, _documents(Payment), "created_at"),
    Source("claim", "claims", 8, _claims, "created_at"),
    Source("event", "history", 9, _events, "at"),
)
GROUPS = {
    "interactions": _("Interactions"),
    "deals": _("Deals"),
    "documents": _("Documents"),
    "payments": _("Payments"),
    "claims": _("Claims"),
    "history": _("Changes"),
}
# Object types a viewer needs "view" on to see a source at all (audit: the history rule).
NEEDS = {"quote": "sales.quote", "order": "sales.order", "invoice": "billing.invoice",
         "shipment": "sales.shipment", "payment": "billing.payment"}  # fmt: skip


def _after(source: Source, cursor: tuple[dt.datetime, int, int] | None) -> Q:
    """Rows of `source` that come after the cursor in (time desc, rank asc, id desc)."""
    if cursor is None:
        return Q()
    at, rank, pk = cursor
    older = Q(**{f"{source.time}__lt": at})
    same_time = Q(**{source.time: at})
    if source.rank > rank:
        return older | same_time
    if source.rank == rank:
        return older | (same_time & Q(pk__lt=pk))
    return older


def _cursor(value: str | None) -> tuple[dt.datetime, int, int] | None:
    if not value:
        return None
    values, _direction = decode_cursor(value, 3)
    at, rank, pk = values
    if not isinstance(at, dt.datetime) or not isinstance(rank, int) or not isinstance(pk, int):
        raise ValidationFailedError({"cursor": ["This page link is out of date."]})
    return at, rank, pk


def timeline_page(
    *,
    viewer: Any,
    counterparty: Counterparty,
    groups: Iterable[str] = (),
    cursor: str | None = None,
    size: int = PAGE,
) -> TimelinePage:
    """One page of the counterparty's timeline as the viewer may see it.

    The caller has already checked that the viewer sees the counterparty.
    """
    wanted = set(groups) & set(GROUPS) or set(GROUPS)
    after = _cursor(cursor)
    entries: list[Entry] = []
    for source in SOURCES:
        if source.group not in wanted:
            continue
        needed = NEEDS.get(source.kind)
        if needed and not can(viewer, "view", needed):
            continue
        rows = (
            source.rows(viewer, counterparty.pk)
            .filter(_after(source, after))
            .order_by(f"-{source.time}", "-pk")[: size + 1]
        )
        for row in rows:
            entries.append(Entry(source.kind, getattr(row, source.time), row.pk, row, source.rank))
    entries.sort(key=lambda e: (-e.at.timestamp(), e.rank, -e.pk))
    page = entries[:size]
    more = len(entries) > size
    next_cursor = None
    if page and more:
        last = page[-1]
        next_cursor = encode_cursor([last.at, last.rank, last.pk], "n")
    return TimelinePage(entries=page, next_cursor=next_cursor)
