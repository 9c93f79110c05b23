"""`accord import counterparties|products FILE --mapping PROFILE.json [options]`

Checks the file (a dry run) and, unless `--dry-run`, loads it, in this process; prints the
counts of the check and of the load. Exits with 1 when the file or the mapping is refused,
and with 2 when the import stopped on a bad row (`--on-error stop`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accord.core.errors import DomainError
from accord.imports.fields import KEYS
from accord.imports.loading import OUTCOMES
from accord.imports.models import ImportJob, ImportObject, ImportPolicy, ImportStatus, OnError
from accord.imports.services import import_apply, import_check, import_map, import_upload
from accord.users.models import User

SHOWN_ERRORS = 20


class Command(BaseCommand):
    help = "Import counterparties or products from a CSV or XLSX file (see docs/import.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("object", choices=ImportObject.values)
        parser.add_argument("file", type=Path)
        parser.add_argument("--mapping", type=Path, required=True, help="a profile JSON file")
        keys = sorted({k for values in KEYS.values() for k in values})
        parser.add_argument("--key", choices=keys, help="overrides the profile's key")
        parser.add_argument("--policy", choices=ImportPolicy.values)
        parser.add_argument("--on-error", choices=OnError.values, dest="on_error")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--encoding", default="", help="utf-8, utf-8-sig or cp1251")
        parser.add_argument("--delimiter", default="", help="one of , ; | or tab")
        parser.add_argument("--user", help="the login to import as (default: an administrator)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = _actor(options["user"])
        profile = _profile(options)
        delimiter = "\t" if options["delimiter"] in ("tab", "\\t") else options["delimiter"]
        try:
            with options["file"].open("rb") as source:
                job = import_upload(
                    actor=actor, obj=options["object"], filename=options["file"].name,
                    source=source, encoding=options["encoding"], delimiter=delimiter,
                )  # fmt: skip
            job = import_map(actor=actor, job=job, mapping=profile)
            job = import_check(actor=actor, job=job, run_now=True)
            self._report("check", job, job.check_counts)
            if job.status == ImportStatus.FAILED:
                raise CommandError(job.message)
            if options["dry_run"]:
                return
            job = import_apply(actor=actor, job=job, run_now=True)
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from None
        except DomainError as exc:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
            raise CommandError(f"{exc.message} {details}".strip()) from None
        self._report("load", job, job.counts)
        if job.status == ImportStatus.FAILED:
            raise CommandError(job.message)
        if job.status == ImportStatus.STOPPED:
            self.stderr.write(job.message)
            raise SystemExit(2)

    def _report(self, step: str, job: ImportJob, counts: dict[str, int]) -> None:
        figures = ", ".join(f"{name} {counts.get(name, 0):,}" for name in OUTCOMES)
        self.stdout.write(f"import #{job.pk} {step}: {figures}")
        errors = job.row_errors.filter(phase="check" if step == "check" else "apply")
        for error in errors[:SHOWN_ERRORS]:
            where = f"line {error.line}" + (f", {error.column}" if error.column else "")
            self.stdout.write(f"  {where}: {error.reason}")
        total = counts.get("failed", 0)
        if total > SHOWN_ERRORS:
            self.stdout.write(f"  ... and {total - SHOWN_ERRORS:,} more bad rows")


def _profile(options: dict[str, Any]) -> dict[str, Any]:
    try:
        profile = json.loads(options["mapping"].read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"Cannot read the mapping {options['mapping']}: {exc}") from None
    if not isinstance(profile, dict):
        raise CommandError("The mapping must be a JSON object.")
    for name in ("key", "policy", "on_error"):
        if options[name]:
            profile[name] = options[name]
    profile.setdefault("object", options["object"])
    return profile


def _actor(login: str | None) -> User:
    if login:
        user = User.objects.filter(username=login, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user {login}.")
        return user
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        raise CommandError("Name the user to import as: --user LOGIN.")
    return user
