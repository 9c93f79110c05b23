"""Demo rows into the directory in bulk, and the directory wiped for `accord demo --reset`.

These paths bypass the directory services on purpose: this is demo and benchmark data, made
at speed. The services check permissions, validate, look for duplicates and write an audit
event per row: right for people and imports, but measured at ~18 ms per counterparty with
its contacts against under 1 ms here, so about five hours instead of a quarter of an hour for
the L set (a million counterparties, about nine million rows). The demo builds values that
are valid by construction, in the exact stored form the services produce (the tests run
every value through the services' own cleaning), and each run writes one audit event,
`demo.data.generated`, that sums it up.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from django.db import connection, transaction

from accord.demo.counterparties import Batch
from accord.directory.models import (
    BankAccount,
    ContactDetail,
    ContactPerson,
    Counterparty,
    Industry,
    PropertyDefinition,
    Source,
    Tag,
)

INSERT_BATCH = 1000  # rows per INSERT statement (SQLite lowers it to fit its 999 parameters)
TagLink = Counterparty.tags.through


@dataclass
class Counts:
    counterparties: int = 0
    contact_persons: int = 0
    contact_details: int = 0
    bank_accounts: int = 0
    tag_links: int = 0

    def add(self, other: Counts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def rows(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def batch_write(batch: Batch) -> Counts:
    """Insert one batch in its own transaction: parents first, so children get their ids."""
    with transaction.atomic():
        Counterparty.objects.bulk_create(batch.counterparties, batch_size=INSERT_BATCH)
        links = [TagLink(counterparty_id=cp.pk, tag_id=tag) for cp, tag in batch.tag_links]
        TagLink.objects.bulk_create(links, batch_size=INSERT_BATCH)
        for cp, account in batch.bank_accounts:
            account.counterparty_id = cp.pk
        BankAccount.objects.bulk_create(
            [a for _cp, a in batch.bank_accounts], batch_size=INSERT_BATCH
        )
        for cp, person, _details in batch.persons:
            person.counterparty_id = cp.pk
        ContactPerson.objects.bulk_create(
            [p for _cp, p, _d in batch.persons], batch_size=INSERT_BATCH
        )
        details = []
        for cp, person, person_details in batch.persons:
            for detail in person_details:
                detail.contact_person_id, detail.counterparty_id = person.pk, cp.pk
                details.append(detail)
        ContactDetail.objects.bulk_create(details, batch_size=INSERT_BATCH)
    return Counts(
        counterparties=len(batch.counterparties),
        contact_persons=len(batch.persons),
        contact_details=len(details),
        bank_accounts=len(batch.bank_accounts),
        tag_links=len(links),
    )


# Children before parents. Classifiers go too: the demo creates them and a reset starts clean.
_WIPE_ORDER = (
    ("contact_details", ContactDetail),
    ("contact_persons", ContactPerson),
    ("bank_accounts", BankAccount),
    ("tag_links", TagLink),
    ("counterparties", Counterparty),
    ("", Tag),
    ("", Source),
    ("", Industry),
    ("", PropertyDefinition),
)


def directory_wipe() -> Counts:
    """Delete every counterparty with everything hanging on it, and the classifiers.

    Plain DELETE statements, children first, in one transaction: the ORM's cascade would
    first load every row into memory (nine million at L). No savepoint either: inside one,
    SQLite keeps an in-memory journal of every deleted page (2.3 GB at L). If another app's
    rows still point at a counterparty, the foreign key stops the whole wipe and nothing is
    deleted.
    """
    counts = Counts()
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for name, model in _WIPE_ORDER:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a model's own table name
            if name:
                setattr(counts, name, cursor.rowcount)
    return counts
