"""`accord bench dedup`: how well and how fast the duplicate scan finds known duplicates.

Writes a generated set of companies and contact persons with known duplicates
(`accord.bench.dedup_data`) into the database, runs the real scan (`accord.dedup.scan`)
over the whole directory, and compares the pairs it proposes with the truth: precision
(how many proposed pairs are real duplicates), recall (how many real duplicate pairs were
proposed) and F1, per kind of record and overall. Run it on a scratch database: the rows
stay. Records that were there before are scanned too, and pairs that involve them are left
out of the figures.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from accord.bench.dedup_data import CompanyRow, Dataset, generate
from accord.dedup.models import Kind, Pair, PairStatus, Scan
from accord.dedup.scan import scan_run
from accord.directory.identifiers import name_key
from accord.directory.models import ContactDetail, ContactPerson, Counterparty

BATCH = 2000


@dataclass(frozen=True)
class Quality:
    true_pairs: int
    found: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "true_pairs": self.true_pairs,
            "found": self.found,
            "correct": self.correct,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass(frozen=True)
class Result:
    records: int
    write_seconds: float
    scan: Scan
    quality: dict[str, Quality]  # per kind, and "all"


def _counterparty(row: CompanyRow) -> Counterparty:
    return Counterparty(
        kind=row.kind,
        name=row.name,
        name_key=name_key(row.name),
        inn=row.inn,
        kpp=row.kpp,
        phone=row.phone[:20],
        email=row.email,
        legal_address=row.address,
        website=row.website,
    )


def write(data: Dataset) -> dict[str, dict[int, int]]:
    """Insert the rows; answer, per kind, row id -> entity."""
    truth: dict[str, dict[int, int]] = {Kind.COUNTERPARTY: {}, Kind.CONTACT_PERSON: {}}
    company_ids: list[int] = []
    with transaction.atomic():
        for start in range(0, len(data.companies), BATCH):
            chunk = data.companies[start : start + BATCH]
            made = Counterparty.objects.bulk_create(_counterparty(row) for row in chunk)
            for row, cp in zip(chunk, made, strict=True):
                truth[Kind.COUNTERPARTY][cp.pk] = row.entity
                company_ids.append(cp.pk)
        for start in range(0, len(data.persons), BATCH):
            people = data.persons[start : start + BATCH]
            persons = ContactPerson.objects.bulk_create(
                ContactPerson(
                    counterparty_id=company_ids[who.company],
                    name=who.name,
                    name_key=name_key(who.name),
                    birthday=who.birthday,
                )
                for who in people
            )
            details = []
            for who, person in zip(people, persons, strict=True):
                truth[Kind.CONTACT_PERSON][person.pk] = who.entity
                for kind, values in (("phone", who.phones), ("email", who.emails)):
                    details += [
                        ContactDetail(contact_person_id=person.pk,
                                      counterparty_id=person.counterparty_id, kind=kind, value=v)
                        for v in values
                    ]  # fmt: skip
            ContactDetail.objects.bulk_create(details, batch_size=BATCH)
    return truth


def measure(truth: dict[str, dict[int, int]]) -> dict[str, Quality]:
    """Precision, recall and F1 of the open pairs against the entities of `truth`."""
    quality: dict[str, Quality] = {}
    for kind, entity_of in truth.items():
        members: dict[int, list[int]] = defaultdict(list)
        for pk, entity in entity_of.items():
            members[entity].append(pk)
        true_pairs = sum(len(ids) * (len(ids) - 1) // 2 for ids in members.values())
        found = correct = 0
        rows = Pair.objects.filter(kind=kind, status=PairStatus.OPEN).values_list(
            "left_id", "right_id"
        )
        for left, right in rows.iterator(chunk_size=5000):
            if left not in entity_of or right not in entity_of:
                continue  # a record from before the benchmark
            found += 1
            correct += entity_of[left] == entity_of[right]
        quality[kind] = Quality(true_pairs, found, correct)
    quality["all"] = Quality(
        *(sum(getattr(q, f) for q in quality.values()) for f in ("true_pairs", "found", "correct"))
    )
    return quality


def run(*, records: int, seed: int) -> Result:
    data = generate(records, seed)
    started = time.perf_counter()
    truth = write(data)
    written = time.perf_counter() - started
    scan = Scan.objects.create(kinds=list(Kind.values))
    scan_run(scan.pk)
    scan.refresh_from_db()
    return Result(records=records, write_seconds=written, scan=scan, quality=measure(truth))


def report(result: Result, *, as_json: bool) -> list[str]:
    """The table people read, and with `as_json` a last line of one JSON object."""
    scan = result.scan
    lines = [
        f"bench dedup: {connection.vendor}, {result.records:,} records written in "
        f"{result.write_seconds:.1f} s; scan {scan.status} in {scan.duration_seconds or 0:.1f} s "
        f"({scan.records:,} records, {scan.compared:,} pairs compared)",
        f"{'records':<16} {'true pairs':>10} {'found':>8} {'correct':>8} {'precision':>9} "
        f"{'recall':>8} {'F1':>8}",
    ]
    for kind, q in result.quality.items():
        label = kind
        lines.append(
            f"{label:<16} {q.true_pairs:>10} {q.found:>8} {q.correct:>8} {q.precision:>9.4f} "
            f"{q.recall:>8.4f} {q.f1:>8.4f}"
        )
    if as_json:
        total = result.quality["all"]
        summary = {
            "bench": "dedup",
            "database": connection.vendor,
            "records": result.records,
            "precision": round(total.precision, 4),
            "recall": round(total.recall, 4),
            "f1": round(total.f1, 4),
            "seconds": scan.duration_seconds,
            "write_seconds": round(result.write_seconds, 2),
            "compared": scan.compared,
            "per_kind": {k: q.as_dict() for k, q in result.quality.items() if k != "all"},
        }
        lines.append(json.dumps(summary, ensure_ascii=False))
    return lines
