"""Background tasks of activities, run by the worker on their schedules (migrations seed
the Schedule rows): reminder delivery and notification e-mails every minute, the built-in
reminders' sync every ten minutes.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from accord.activities.notification_services import notifications_email
from accord.activities.reminder_services import reminders_deliver, reminders_sync


@task()
def reminders_deliver_task() -> dict[str, int]:
    """Fire the due reminders into the bell, then e-mail what the bell got."""
    return {"fired": reminders_deliver(), "emailed": notifications_email()}


@task()
def reminders_sync_task() -> dict[str, Any]:
    return reminders_sync()


# --- Business processes: the triggers (deal created, invoice overdue, claim registered) ----


@task()
def processes_trigger_task() -> int:
    """Start the processes that triggers call for; answers how many were started."""
    from accord.activities.process_services import processes_trigger

    return processes_trigger()
