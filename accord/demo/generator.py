"""`accord demo`: generate the standard demo and benchmark data set, or wipe it.

Sizes (docs/targets.md): S = 10k counterparties, M = 100k, L = 1M, with 10, 50 and 200
managers. The run is deterministic for a seed: one `random.Random(seed)` is consumed in a
fixed order, so the same seed gives the same names, INNs, phones and assignments (dates are
relative to `today`). Rows are built and inserted in batches, each batch in its own
transaction, so memory stays flat whatever the size.

A run refuses to start when counterparties exist, before writing anything; `data_wipe`
clears the directory and the demo users for a fresh run.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import reset_queries, transaction
from django.utils import timezone

from accord.core.audit import log_action
from accord.demo.activities import activities_generate, activities_wipe
from accord.demo.catalog import CatalogCounts, catalog_generate, catalog_wipe, product_count
from accord.demo.classifiers import classifiers_ensure
from accord.demo.counterparties import CounterpartyMaker
from accord.demo.deals import deal_count, deals_generate, deals_wipe
from accord.demo.directory import Counts, batch_write, directory_wipe
from accord.demo.documents import documents_generate, documents_wipe
from accord.demo.errors import DemoDataExistsError
from accord.demo.invoices import invoices_generate, invoices_wipe
from accord.demo.processes import processes_generate, processes_wipe
from accord.demo.shipments import shipments_generate
from accord.demo.staff import Staff, StaffMaker, demo_users_delete
from accord.directory.models import Counterparty

DEFAULT_BATCH = 2000


@dataclass(frozen=True)
class Size:
    code: str
    counterparties: int
    managers: int
    departments: int


SIZES = {
    "S": Size("S", 10_000, managers=10, departments=3),
    "M": Size("M", 100_000, managers=50, departments=6),
    "L": Size("L", 1_000_000, managers=200, departments=14),
}


@dataclass(frozen=True)
class Progress:
    done: int  # counterparties written
    total: int
    rows: int  # rows of every table written
    elapsed: float  # seconds


@dataclass
class Result:
    counts: Counts = field(default_factory=Counts)
    staff: Staff = field(default_factory=Staff)
    catalog: CatalogCounts = field(default_factory=CatalogCounts)
    deals: int = 0
    quotes: int = 0
    orders: int = 0
    invoices: int = 0
    shipments: int = 0
    activities: dict[str, int] = field(default_factory=dict)
    processes: int = 0
    elapsed: float = 0.0


def existing_counterparties() -> int:
    return Counterparty.objects.count()


def manager_weights(rng: random.Random, count: int) -> list[float]:
    """A skewed share of counterparties per manager: a few carry many, most carry fewer."""
    ranks = list(range(count))
    rng.shuffle(ranks)
    return [1 / (rank + 1) ** 0.6 for rank in ranks]


def generate(
    *,
    size: Size,
    seed: int,
    count: int | None = None,
    batch_size: int = DEFAULT_BATCH,
    today: dt.date | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> Result:
    """Generate `count` (default: the size's) counterparties with users and classifiers."""
    existing = existing_counterparties()
    if existing:
        raise DemoDataExistsError(existing)
    started = time.perf_counter()
    rng = random.Random(seed)
    total = size.counterparties if count is None else count
    result = Result()
    with transaction.atomic():
        classifiers = classifiers_ensure()
        result.staff = StaffMaker(rng).build(managers=size.managers, departments=size.departments)
    maker = CounterpartyMaker(
        rng=rng,
        seed=seed,
        today=today or timezone.localdate(),
        classifiers=classifiers,
        managers=[u.pk for u in result.staff.managers],
        manager_weights=manager_weights(rng, len(result.staff.managers)),
    )
    for start in range(0, total, batch_size):
        result.counts.add(batch_write(maker.batch(min(batch_size, total - start))))
        reset_queries()  # with DEBUG on, Django keeps every query's SQL otherwise
        if progress is not None:
            done = result.counts.counterparties
            progress(Progress(done, total, result.counts.rows, time.perf_counter() - started))
    # The catalog (accord.demo.catalog): products in proportion to counterparties.
    result.catalog = catalog_generate(
        seed=seed, total=product_count(total), batch_size=batch_size, after_batch=reset_queries
    )
    # Deals (accord.demo.deals): on the counterparties just written, for their managers.
    result.deals = deals_generate(
        seed=seed, total=deal_count(total), batch_size=batch_size, after_batch=reset_queries
    )
    # Quotes for advanced deals and orders for won ones (accord.demo.documents).
    result.quotes, result.orders = documents_generate(
        seed=seed, batch_size=batch_size, after_batch=reset_queries
    )
    # Issued invoices for the won deals (accord.demo.invoices), with our own company.
    result.invoices = invoices_generate(seed=seed, batch_size=batch_size, after_batch=reset_queries)
    # Posted shipments of the shipped and completed orders (accord.demo.shipments).
    result.shipments = shipments_generate(batch_size=batch_size, after_batch=reset_queries)
    # Interactions, assignments and the built-in reminders (accord.demo.activities).
    result.activities = activities_generate(
        seed=seed, batch_size=batch_size, after_batch=reset_queries
    )
    # A ready process template and a few running processes (accord.demo.processes).
    result.processes = processes_generate()
    result.elapsed = time.perf_counter() - started
    _audit(size, seed, result)
    return result


def _audit(size: Size, seed: int, result: Result) -> None:
    log_action(
        actor=None,
        action="demo.data.generated",
        label=f"Demo data {size.code}, seed {seed}",
        changes={
            "size": size.code,
            "seed": seed,
            **result.counts.as_dict(),
            **result.catalog.as_dict(),
            "deals": result.deals,
            "quotes": result.quotes,
            "orders": result.orders,
            "invoices": result.invoices,
            "shipments": result.shipments,
            **result.activities,
            "processes": result.processes,
            "users": result.staff.users,
            "seconds": round(result.elapsed, 1),
        },
    )


def data_wipe() -> tuple[Counts, int]:
    """Delete the directory data and the demo users: (directory rows deleted, users deleted)."""
    with transaction.atomic():
        processes_wipe()  # process instances point at counterparties: first
        activities_wipe()  # activities point at deals, documents and counterparties: first
        invoices_wipe()  # invoices point at deals and counterparties: first
        documents_wipe()  # quotes and orders point at deals and products
        deals_wipe()  # deals point at counterparties: first
        counts = directory_wipe()
        catalog_wipe()
        users = demo_users_delete()
    return counts, users
