"""Background tasks of the import: the check or the load of one uploaded file, and the
upkeep that fails imports whose worker died (every five minutes, seeded by migration 0002)."""

from __future__ import annotations

from django_tasks import task


@task()
def import_run_task(job_id: int, step: str) -> None:
    from accord.imports.services import import_run

    import_run(job_id, step)


@task()
def imports_upkeep_task() -> dict[str, int]:
    from accord.imports.services import imports_fail_stale

    return {"failed_stale": imports_fail_stale()}
