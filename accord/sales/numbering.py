"""Readable sequential numbers of sales documents: "КП-000123", "ЗК-000045".

One counter row per kind, locked with SELECT ... FOR UPDATE inside the caller's
transaction, so concurrent creates on PostgreSQL wait for each other instead of taking the
same number; a rolled-back create gives its number back.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accord.sales.models import DocumentCounter

PREFIXES = {"quote": "КП", "order": "ЗК", "shipment_goods": "РН", "shipment_services": "АКТ"}
WIDTH = 6


def _locked_counter(kind: str) -> DocumentCounter:
    counter = DocumentCounter.objects.select_for_update().filter(kind=kind).first()
    if counter is not None:
        return counter
    try:  # the first document of its kind: another transaction may create the row too
        with transaction.atomic():
            DocumentCounter.objects.create(kind=kind)
    except IntegrityError:
        pass
    return DocumentCounter.objects.select_for_update().get(kind=kind)


def next_value(kind: str) -> int:
    """Advance the counter of `kind` (any short name) and answer its new value.

    Other apps number their own documents with it (claims: "claim").
    """
    counter = _locked_counter(kind)
    counter.value += 1
    counter.save(update_fields=["value"])
    return counter.value


def next_number(kind: str) -> str:
    """The next number of `kind` (a key of PREFIXES); call inside a transaction."""
    return f"{PREFIXES[kind]}-{next_value(kind):0{WIDTH}d}"
