"""Seed the schedules of reminders: delivery (and notification e-mails) every minute, the
built-in reminders' sync every ten minutes."""

from django.db import migrations
from django.utils import timezone

SCHEDULES = {
    "Reminders: delivery and e-mails": (
        "accord.activities.tasks.reminders_deliver_task",
        "* * * * *",
    ),
    "Reminders: payments, birthdays, quiet deals": (
        "accord.activities.tasks.reminders_sync_task",
        "*/10 * * * *",
    ),
}


def forward(apps, schema_editor):
    Schedule = apps.get_model("core", "Schedule")
    for name, (task, cron) in SCHEDULES.items():
        Schedule.objects.get_or_create(
            name=name,
            defaults={"task_path": task, "cron": cron, "kwargs": {}, "next_run_at": timezone.now()},
        )


def backward(apps, schema_editor):
    Schedule = apps.get_model("core", "Schedule")
    Schedule.objects.filter(name__in=list(SCHEDULES)).delete()


class Migration(migrations.Migration):
    dependencies = [("activities", "0002_process_trigger_schedule")]

    operations = [migrations.RunPython(forward, backward)]
