"""`accord dedup`: find duplicates in the directory and merge them, from the command line.

accord dedup scan [--kind counterparties|contacts] [--user LOGIN] [--limit N] [--json]
accord dedup merge KEEP_ID OTHER_ID [--kind counterparties|contacts] --user LOGIN

`scan` runs here and now (not in the worker) and prints the open pairs, the likeliest
first: all of them, or with `--user` the ones that user may review. `merge` acts as the
user named by `--user`, with that user's permissions, exactly as the web page and the API
do, and is audited as theirs.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accord.core.errors import DomainError
from accord.dedup.models import Kind, Pair, Scan
from accord.dedup.scan import scan_run, scan_summary
from accord.dedup.selectors import pairs_visible
from accord.dedup.services import record_merge
from accord.directory.similarity import reason_label
from accord.users.models import User

KINDS = {"counterparties": Kind.COUNTERPARTY, "contacts": Kind.CONTACT_PERSON}


class Command(BaseCommand):
    help = "Find likely duplicates in the directory, and merge two records into one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        scan = sub.add_parser("scan", help="Scan the directory for duplicates and list them.")
        scan.add_argument("--kind", choices=sorted(KINDS), help="only these records")
        scan.add_argument("--user", help="list only the pairs this user may review")
        scan.add_argument("--limit", type=int, default=100, help="pairs listed (0: all)")
        scan.add_argument("--json", action="store_true", help="one JSON object, nothing else")
        merge = sub.add_parser("merge", help="Merge OTHER_ID into KEEP_ID (OTHER is removed).")
        merge.add_argument("keep", type=int, metavar="KEEP_ID")
        merge.add_argument("other", type=int, metavar="OTHER_ID")
        merge.add_argument("--kind", choices=sorted(KINDS), default="counterparties")
        merge.add_argument("--user", required=True, help="the user who merges (audited)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "scan":
            self.scan(options)
        else:
            self.merge(options)

    def _user(self, login: str | None) -> User | None:
        if login is None:
            return None
        user = User.objects.filter(username=login, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {login!r}.")
        return user

    def scan(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"])
        kinds: list[str] = [KINDS[options["kind"]]] if options["kind"] else list(Kind.values)
        scan = Scan.objects.create(kinds=kinds, started_by=user)
        scan_run(scan.pk)
        scan.refresh_from_db()
        rows: Any = pairs_visible(viewer=user) if user else Pair.objects.open()
        rows = rows.filter(kind__in=kinds).order_by("-score", "-id")
        if options["limit"] > 0:
            rows = rows[: options["limit"]]
        pairs = [
            {"id": p.pk, "kind": p.kind, "left_id": p.left_id, "right_id": p.right_id,
             "score": p.score, "reasons": p.reasons}
            for p in rows
        ]  # fmt: skip
        if options["json"]:
            self.stdout.write(json.dumps({"scan": scan_summary(scan), "pairs": pairs}))
            return
        self.stdout.write(
            f"Scan {scan.pk} {scan.status}: {scan.records:,} records, {scan.compared:,} pairs "
            f"compared, {scan.found:,} likely duplicates ({scan.new:,} new) in "
            f"{scan.duration_seconds or 0:.1f} s."
        )
        if scan.error:
            raise CommandError(scan.error)
        self.stdout.write(f"{'pair':>8} {'kind':<15} {'left':>9} {'right':>9} {'score':>6}  why")
        for p in pairs:
            self.stdout.write(
                f"{p['id']:>8} {p['kind']:<15} {p['left_id']:>9} {p['right_id']:>9} "
                f"{p['score']:>6.3f}  {', '.join(reason_label(r) for r in p['reasons'])}"
            )

    def merge(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"])
        kind = KINDS[options["kind"]]
        try:
            result = record_merge(
                actor=user, kind=kind, keep=options["keep"], other=options["other"]
            )
        except DomainError as exc:
            details = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.fields.items())
            raise CommandError(f"{exc.message} {details}".strip()) from None
        moved = ", ".join(f"{label} {n}" for label, n in sorted(result.moved.items())) or "nothing"
        filled = ", ".join(result.filled) or "nothing"
        self.stdout.write(
            self.style.SUCCESS(
                f"Merged #{result.removed_id} into #{result.kept.pk} ({result.kept}). "
                f"Moved: {moved}. Filled: {filled}."
            )
        )
