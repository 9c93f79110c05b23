"""Seed the schedule of the imports' upkeep (checks and loads whose worker died are marked
failed) every five minutes."""

from django.db import migrations
from django.utils import timezone

NAME = "Imports: upkeep"
TASK = "accord.imports.tasks.imports_upkeep_task"


def forward(apps, schema_editor):
    Schedule = apps.get_model("core", "Schedule")
    Schedule.objects.get_or_create(
        name=NAME,
        defaults={
            "task_path": TASK,
            "cron": "*/5 * * * *",
            "kwargs": {},
            "next_run_at": timezone.now(),
        },
    )


def backward(apps, schema_editor):
    apps.get_model("core", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
        ("core", "0003_audit_append_only"),
    ]

    operations = [migrations.RunPython(forward, backward)]
