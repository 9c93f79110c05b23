"""`accord demo [--size S|M|L] [--seed N] [--reset] [--if-empty]`: demo and benchmark data."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accord.demo.errors import DemoDataExistsError
from accord.demo.generator import (
    DEFAULT_BATCH,
    SIZES,
    Progress,
    Result,
    data_wipe,
    existing_counterparties,
    generate,
)
from accord.demo.staff import DEMO_PASSWORD, demo_logins

URL = "http://127.0.0.1:8000"
PROGRESS_EVERY = 2.0  # seconds between progress lines


def peak_rss() -> str:
    """ ", peak RSS 123 MB" for the output; empty where the OS does not tell (Windows)."""
    if sys.platform == "win32":
        return ""
    import resource  # Unix only

    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return f", peak RSS {kb / (1024 * 1024 if sys.platform == 'darwin' else 1024):,.0f} MB"


class Command(BaseCommand):
    help = (
        "Generate deterministic Russian demo data: S = 10k counterparties, M = 100k, L = 1M, "
        "with managers, heads, a director and admin (password: accord-demo)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            type=str.upper,
            choices=list(SIZES),
            default="S",
            help="S = 10k counterparties (default), M = 100k, L = 1M.",
        )
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data (default 1).")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the directory data and the demo users first.",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Skip quietly when counterparties exist."
        )
        parser.add_argument("--count", type=int, default=None, help=argparse.SUPPRESS)
        parser.add_argument("--batch-size", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        size = SIZES[options["size"].upper()]
        if options["reset"]:
            counts, users = data_wipe()
            self.stdout.write(
                f"Deleted {counts.counterparties:,} counterparties ({counts.rows:,} rows) "
                f"and {users} demo users."
            )
        elif existing := existing_counterparties():
            if not options["if_empty"]:
                raise self._refusal(DemoDataExistsError(existing))
            self.stdout.write(
                f"{existing:,} counterparties exist already: demo data not generated."
            )
            self._logins()
            return
        self._last_report = time.perf_counter()
        self._verbose_progress = size.code != "S" or options["verbosity"] >= 2
        self.stdout.write(f"Generating size {size.code}, seed {options['seed']}...")
        try:
            result = generate(
                size=size,
                seed=options["seed"],
                count=options["count"],
                progress=self._progress,
                batch_size=options["batch_size"] or DEFAULT_BATCH,
            )
        except DemoDataExistsError as exc:  # someone wrote counterparties meanwhile
            raise self._refusal(exc) from None
        self._summary(result)
        self._logins()

    @staticmethod
    def _refusal(exc: DemoDataExistsError) -> CommandError:
        return CommandError(
            f"{exc.message} Run `accord demo --reset` to delete the directory data and the "
            "demo users first, or add --if-empty to skip when data exists."
        )

    def _progress(self, p: Progress) -> None:
        now = time.perf_counter()
        if not self._verbose_progress or (
            now - self._last_report < PROGRESS_EVERY and p.done < p.total
        ):
            return
        self._last_report = now
        rate = p.rows / p.elapsed if p.elapsed else 0
        self.stdout.write(
            f"  {p.done:>9,} / {p.total:,} counterparties, {p.rows:,} rows, "
            f"{rate:,.0f} rows/s, {p.elapsed:.0f} s{peak_rss()}"
        )

    def _summary(self, result: Result) -> None:
        c, seconds = result.counts, max(result.elapsed, 1e-9)
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {c.counterparties:,} counterparties, "
                f"{c.contact_persons:,} contact persons, "
                f"{c.contact_details:,} contact details, {c.bank_accounts:,} bank accounts, "
                f"{c.tag_links:,} tag links, {result.staff.users} users; {c.rows:,} rows in "
                f"{result.elapsed:.1f} s ({c.rows / seconds:,.0f} rows/s, "
                f"{c.counterparties / seconds:,.0f} counterparties/s{peak_rss()})."
            )
        )
        k = result.catalog
        self.stdout.write(
            f"      {k.products:,} products in {k.groups:,} groups, {k.variants:,} variants, "
            f"{k.prices:,} prices, {k.stock:,} stock rows; {result.deals:,} deals."
        )
        for login in result.staff.kept:
            self.stdout.write(f"Existing user {login} is not a demo user: left as it was.")

    def _logins(self) -> None:
        logins = demo_logins()
        if not logins:
            return
        self.stdout.write(f"\nOpen {URL} and sign in:")
        width = max(len(login.username) for login in logins) + len(DEMO_PASSWORD) + 3
        for login in logins:
            self.stdout.write(f"  {f'{login.username} / {DEMO_PASSWORD}':<{width}}  {login.what}")
