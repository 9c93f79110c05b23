"""Seed the schedule that starts business processes by their triggers, every minute."""

from django.db import migrations
from django.utils import timezone

NAME = "Business process triggers"
TASK = "accord.activities.tasks.processes_trigger_task"


def forward(apps, schema_editor):
    Schedule = apps.get_model("core", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "task_path": TASK,
            "cron": "* * * * *",
            "kwargs": {},
            "next_run_at": timezone.now(),
        },
    )


def backward(apps, schema_editor):
    apps.get_model("core", "Schedule").objects.filter(name=NAME, task_path=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_initial"),
        ("core", "0003_audit_append_only"),
    ]

    operations = [migrations.RunPython(forward, backward)]
