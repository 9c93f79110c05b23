"""Writes of the duplicate review: start a scan, merge a pair, say "not a duplicate".

The review belongs to those who edit the directory: every service asks "change" on
counterparties; merging two counterparties also asks "delete" (`merge_services`). A pair
is found through `Pair.objects.visible_to`, so a pair with a record the actor may not see is
a 404 like a missing one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core.audit import log_action
from accord.core.errors import NotFoundError, ValidationFailedError
from accord.dedup.errors import PairDecidedError
from accord.dedup.merge_services import MERGERS, MergeResult
from accord.dedup.models import SCAN_ACTIVE, Decision, Kind, Pair, PairStatus, Scan, ScanStatus
from accord.dedup.tasks import dedup_scan_task
from accord.users.access import require

COUNTERPARTY_TYPE = "directory.counterparty"
# A running scan writes its heartbeat at least this often; a queued one waits for a worker.
RUNNING_STALE = dt.timedelta(minutes=15)
QUEUED_STALE = dt.timedelta(hours=2)
KEEP = ("left", "right")


def _stale(scan: Scan, now: dt.datetime) -> bool:
    if scan.status == ScanStatus.RUNNING:
        return now - (scan.heartbeat_at or scan.created_at) > RUNNING_STALE
    return now - scan.created_at > QUEUED_STALE


def _kinds(kinds: Iterable[str] | None) -> list[str]:
    wanted = list(dict.fromkeys(kinds or Kind.values))
    unknown = [k for k in wanted if k not in Kind.values]
    if unknown:
        raise ValidationFailedError(
            {"kinds": [_("Choose counterparties, contact persons, or both.")]}
        )
    return wanted


@transaction.atomic
def scan_start(*, actor: Any, kinds: Iterable[str] | None = None) -> Scan:
    """Queue a scan (run by the worker), or answer the one that is queued or running."""
    require(actor, "change", COUNTERPARTY_TYPE)
    wanted = _kinds(kinds)
    now = timezone.now()
    for active in Scan.objects.select_for_update().filter(status__in=SCAN_ACTIVE):
        if not _stale(active, now):
            return active
        active.status, active.finished_at = ScanStatus.FAILED, now
        active.error = _("The worker stopped before the scan finished.")
        active.save(update_fields=["status", "finished_at", "error"])
    scan = Scan.objects.create(kinds=wanted, started_by=actor)
    log_action(actor=actor, action="dedup.scan.started", obj=scan, changes={"kinds": wanted})
    transaction.on_commit(lambda: dedup_scan_task.enqueue(scan.pk))
    return scan


def _open_pair(actor: Any, pair: Any) -> Pair:
    """The pair, locked, if the actor sees it; a decided pair is a conflict."""
    try:
        pk = int(getattr(pair, "pk", pair))
    except (TypeError, ValueError):
        raise NotFoundError from None
    found = Pair.objects.visible_to(actor).select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFoundError
    if found.status != PairStatus.OPEN:
        raise PairDecidedError
    return found


@transaction.atomic
def pair_dismiss(*, actor: Any, pair: Any) -> Pair:
    """ "Not a duplicate": the pair is closed and no later scan proposes it again."""
    require(actor, "change", COUNTERPARTY_TYPE)
    found = _open_pair(actor, pair)
    now = timezone.now()
    found.status, found.decided_by, found.decided_at = PairStatus.DISMISSED, actor, now
    found.save(update_fields=["status", "decided_by", "decided_at"])
    Decision.objects.get_or_create(
        kind=found.kind,
        left_id=found.left_id,
        right_id=found.right_id,
        defaults={"decided_by": actor, "decided_at": now},
    )
    log_action(
        actor=actor,
        action="dedup.pair.dismissed",
        obj=found,
        changes={"kind": found.kind, "left_id": found.left_id, "right_id": found.right_id},
    )
    return found


@transaction.atomic
def pair_merge(*, actor: Any, pair: Any, keep: str) -> MergeResult:
    """Merge the pair's two records, keeping the `left` or the `right` one."""
    require(actor, "change", COUNTERPARTY_TYPE)
    if keep not in KEEP:
        raise ValidationFailedError({"keep": [_("Say which record to keep: left or right.")]})
    found = _open_pair(actor, pair)
    kept, other = found.ids() if keep == "left" else found.ids()[::-1]
    return MERGERS[found.kind](actor=actor, keep=kept, other=other)


def record_merge(*, actor: Any, kind: str, keep: Any, other: Any) -> MergeResult:
    """Merge two records by id, whether a scan proposed them or not (the CLI, the API)."""
    if kind not in Kind.values:
        raise ValidationFailedError({"kind": [_("Choose counterparties or contact persons.")]})
    return MERGERS[kind](actor=actor, keep=keep, other=other)
