"""The duplicate scan: read every record once, block, score the candidates, save the pairs.

Blocking: each record goes into the blocks of its keys (`similarity.blocking_keys`: INN,
OGRN, each phone and e-mail, website, birthday, postcode, and the first letters of each
word of its name in a spelling-tolerant Latin form). Two records are compared only when
they share a block. A block of at most `BLOCK_CAP` records compares all its pairs; a larger
one (a common surname, a switchboard phone, a big city's postcode) is sorted by name and
each record compared with its `WINDOW` next neighbours only (the sorted-neighbourhood
method), so no block costs more than linear time and one huge block cannot explode.

Rows are streamed (`values_list(...).iterator()`), each kept as one small normalised
`Prepared` record; memory grows with the number of records, never with their pairs beyond
the set of pairs already compared.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.dedup.models import Decision, Kind, Pair, PairStatus, Scan, ScanStatus
from accord.dedup.models import contact_evidence as _by_contact
from accord.directory.models import ContactDetail, ContactPerson, Counterparty
from accord.directory.similarity import (
    COMPANY,
    PERSON,
    THRESHOLD,
    Prepared,
    Record,
    blocking_keys,
    prepare,
    score_prepared,
)

logger = logging.getLogger(__name__)

BLOCK_CAP = 40  # a block this small compares every pair
WINDOW = 8  # a larger block compares each record with this many neighbours by name
CHUNK = 5000
SHIFT = 1 << 40  # a pair's code: left * SHIFT + right (ids stay far below 2**40)
BATCH = 1000


@dataclass
class Found:
    left: int
    right: int
    score: float
    reasons: list[str]


@dataclass
class Outcome:
    """What `find_pairs` did: the pairs above the threshold and the work it took."""

    pairs: list[Found] = field(default_factory=list)
    records: int = 0
    compared: int = 0


def _candidates(
    key: str, ids: list[int], prepared: dict[int, Prepared]
) -> Iterator[tuple[int, int]]:
    if len(ids) <= BLOCK_CAP:
        yield from itertools.combinations(ids, 2)
        return
    # Sorted by the rest of the name: in the block of a first name, by surname.
    prefix = key[1:] if key[0] == "n" else "\0"
    ordered = sorted(
        ids,
        key=lambda i: " ".join(
            sorted(t for t in prepared[i].name.tokens if not t.startswith(prefix))
        ),
    )
    for offset, first in enumerate(ordered):
        for second in ordered[offset + 1 : offset + 1 + WINDOW]:
            yield first, second


def find_pairs(
    records: Iterable[Prepared],
    *,
    threshold: float = THRESHOLD,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Every pair of `records` that scores above `threshold` (each pair once, left < right)."""
    prepared: dict[int, Prepared] = {}
    blocks: dict[str, list[int]] = defaultdict(list)
    names: Counter[str] = Counter()
    for record in records:
        prepared[record.id] = record
        names[record.name.ordered] += 1
        for key in blocking_keys(record):
            blocks[key].append(record.id)
    for record in prepared.values():
        record.namesakes = names[record.name.ordered]
    del names
    outcome = Outcome(records=len(prepared))
    seen: set[int] = set()
    done_blocks = 0
    for key, ids in blocks.items():
        done_blocks += 1
        if len(ids) < 2:
            continue
        for a, b in _candidates(key, ids, prepared):
            left, right = (a, b) if a < b else (b, a)
            code = left * SHIFT + right
            if code in seen:
                continue
            seen.add(code)
            score, reasons = score_prepared(prepared[left], prepared[right], cutoff=threshold)
            if score > threshold:
                outcome.pairs.append(Found(left, right, round(score, 4), reasons))
        if progress is not None and done_blocks % 20_000 == 0:
            progress(done_blocks, len(blocks))
    outcome.compared = len(seen)
    return outcome


# --------------------------------------------------------------------------- reading rows


def counterparty_records(region: str) -> Iterator[Prepared]:
    rows = Counterparty.objects.order_by().values_list(
        "id", "kind", "name", "inn", "kpp", "ogrn", "phone", "email",
        "legal_address", "actual_address", "website",
    )  # fmt: skip
    for pk, kind, name, inn, kpp, ogrn, phone, email, legal, actual, site in rows.iterator(
        chunk_size=CHUNK
    ):
        yield prepare(
            Record(
                kind=PERSON if kind == "person" else COMPANY,
                id=pk,
                name=name,
                inn=inn,
                kpp=kpp,
                ogrn=ogrn,
                phones=(phone,) if phone else (),
                emails=(email,) if email else (),
                address=legal or actual,
                website=site,
                subkind=kind,
            ),
            region=region,
        )


def _details() -> Iterator[tuple[int, list[str], list[str]]]:
    """(contact person id, phones, e-mails) in id order, streamed."""
    rows = (
        ContactDetail.objects.filter(kind__in=("phone", "email"))
        .order_by("contact_person_id", "id")
        .values_list("contact_person_id", "kind", "value")
    )
    for person_id, group in itertools.groupby(
        rows.iterator(chunk_size=CHUNK), key=lambda row: row[0]
    ):
        phones: list[str] = []
        emails: list[str] = []
        for _pid, kind, value in group:
            (phones if kind == "phone" else emails).append(value)
        yield person_id, phones, emails


def person_records(region: str) -> Iterator[Prepared]:
    """Contact persons with their phones and e-mails: two ordered streams, merged by id."""
    rows = ContactPerson.objects.order_by("id").values_list(
        "id", "counterparty_id", "name", "birthday"
    )
    details = _details()
    pending = next(details, None)
    for pk, counterparty_id, name, birthday in rows.iterator(chunk_size=CHUNK):
        while pending is not None and pending[0] < pk:
            pending = next(details, None)
        phones, emails = (pending[1], pending[2]) if pending and pending[0] == pk else ([], [])
        yield prepare(
            Record(
                kind=PERSON,
                id=pk,
                name=name,
                phones=tuple(phones),
                emails=tuple(emails),
                birthday=birthday,
                group=counterparty_id,
            ),
            region=region,
        )


READERS: dict[str, Callable[[str], Iterator[Prepared]]] = {
    Kind.COUNTERPARTY: counterparty_records,
    Kind.CONTACT_PERSON: person_records,
}


# --------------------------------------------------------------------------- saving pairs


def save_pairs(kind: str, found: list[Found], scan: Scan | None) -> tuple[int, int]:
    """Make the open pairs of `kind` what the scan found; answer (found, new).

    Pairs already decided (merged, or "not a duplicate") are never proposed again; open
    pairs that the scan no longer finds are dropped.
    """
    decided = set(Decision.objects.filter(kind=kind).values_list("left_id", "right_id"))
    existing = {
        (left, right): (pk, status, score, reasons)
        for pk, left, right, status, score, reasons in Pair.objects.filter(kind=kind).values_list(
            "pk", "left_id", "right_id", "status", "score", "reasons"
        )
    }
    new: list[Pair] = []
    changed: list[Pair] = []
    kept: set[int] = set()
    proposed = 0
    for f in found:
        key = (f.left, f.right)
        if key in decided:
            continue
        proposed += 1
        row = existing.get(key)
        if row is None:
            new.append(
                Pair(kind=kind, left_id=f.left, right_id=f.right, score=f.score,
                     reasons=f.reasons, by_contact=_by_contact(f.reasons), scan=scan)
            )  # fmt: skip
            continue
        pk, status, score, reasons = row
        if status != PairStatus.OPEN:
            continue
        kept.add(pk)
        if score != f.score or reasons != f.reasons:
            changed.append(
                Pair(pk=pk, score=f.score, reasons=f.reasons, by_contact=_by_contact(f.reasons))
            )
    gone = [row[0] for row in existing.values() if row[1] == PairStatus.OPEN and row[0] not in kept]
    with transaction.atomic():
        for start in range(0, len(gone), BATCH):
            Pair.objects.filter(pk__in=gone[start : start + BATCH]).delete()
        Pair.objects.bulk_update(changed, ["score", "reasons", "by_contact"], batch_size=BATCH)
        Pair.objects.bulk_create(new, batch_size=BATCH)
    return proposed, len(new)


# --------------------------------------------------------------------------- the run


def _beating(scan: Scan, records: Iterator[Prepared], label: str) -> Iterator[Prepared]:
    """`records`, with a heartbeat on the scan every `CHUNK * 10` of them."""
    for n, record in enumerate(records, 1):
        if n % (CHUNK * 10) == 0:
            _step(scan, _("Reading: %(objects)s, %(n)d.") % {"objects": label, "n": n})
        yield record


def _progress(scan: Scan, label: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        text = _("Comparing: %(objects)s, %(done)d of %(total)d blocks.")
        _step(scan, text % {"objects": label, "done": done, "total": total})

    return report


def _step(scan: Scan, text: str) -> None:
    now = timezone.now()
    Scan.objects.filter(pk=scan.pk).update(step=text[:200], heartbeat_at=now)


def _claim(scan_id: int) -> Scan | None:
    """Take a queued scan (or one whose worker went silent); None when it is not ours."""
    with transaction.atomic():
        scan = Scan.objects.select_for_update().filter(pk=scan_id).first()
        if scan is None or scan.status in (ScanStatus.DONE, ScanStatus.FAILED):
            return None
        now = timezone.now()
        scan.status, scan.started_at, scan.heartbeat_at = ScanStatus.RUNNING, now, now
        scan.step = _("Reading the records.")
        scan.save(update_fields=["status", "started_at", "heartbeat_at", "step"])
    return scan


def scan_run(scan_id: int) -> Scan | None:
    """Run the scan `scan_id`: compare, then save its pairs kind by kind. A failure is
    recorded on the scan (`status`, `error`) and leaves the pairs of earlier scans."""
    scan = _claim(scan_id)
    if scan is None:
        return None
    started = time.monotonic()
    region = settings.ACCORD_PHONE_REGION
    totals = {"records": 0, "compared": 0, "found": 0, "new": 0}
    try:
        for kind in scan.kinds or Kind.values:
            label = str(Kind(kind).label)
            _step(scan, _("Comparing: %(objects)s.") % {"objects": label})
            outcome = find_pairs(
                _beating(scan, READERS[kind](region), label), progress=_progress(scan, label)
            )
            _step(scan, _("Saving: %(objects)s.") % {"objects": label})
            found, new = save_pairs(kind, outcome.pairs, scan)
            totals["records"] += outcome.records
            totals["compared"] += outcome.compared
            totals["found"] += found
            totals["new"] += new
    except Exception as exc:
        logger.exception("Duplicate scan %s failed", scan_id)
        _finish(scan, started, totals, status=ScanStatus.FAILED, error=str(exc)[:2000])
        raise
    _finish(scan, started, totals, status=ScanStatus.DONE)
    return scan


def _finish(
    scan: Scan, started: float, totals: dict[str, int], *, status: str, error: str = ""
) -> None:
    scan.status, scan.error = status, error
    scan.finished_at = timezone.now()
    scan.duration_seconds = round(time.monotonic() - started, 2)
    scan.step = "" if status == ScanStatus.DONE else _("Stopped by an error.")
    for name, value in totals.items():
        setattr(scan, name, value)
    scan.save()


def scan_summary(scan: Any) -> dict[str, Any]:
    """A scan as the CLI and the benchmark print it."""
    return {
        "id": scan.pk,
        "status": scan.status,
        "kinds": scan.kinds,
        "records": scan.records,
        "compared": scan.compared,
        "found": scan.found,
        "new": scan.new,
        "seconds": scan.duration_seconds,
        "error": scan.error,
    }
