"""Background work of the duplicate search: the scan, started from the web, the API or a
schedule (`accord.dedup.tasks.dedup_scan_task` with `{"scan_id": null}` scans everything)."""

from __future__ import annotations

from django_tasks import task

from accord.dedup.models import Kind, Scan
from accord.dedup.scan import scan_run


@task()
def dedup_scan_task(scan_id: int | None = None) -> dict[str, int]:
    """Run the queued scan `scan_id` (or, from a schedule, a new scan of everything).

    Idempotent: a scan that is finished is left alone, one whose worker died is run again.
    """
    if scan_id is None:
        scan_id = Scan.objects.create(kinds=list(Kind.values)).pk
    scan = scan_run(scan_id)
    if scan is None:
        return {}
    return {"records": scan.records, "found": scan.found, "new": scan.new}
