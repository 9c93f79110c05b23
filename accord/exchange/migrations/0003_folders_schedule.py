"""Seed the schedule that loads what 1C drops into the nodes' watched folders, every minute."""

from django.db import migrations
from django.utils import timezone

NAME = "Exchange with 1C: watched folders"
TASK = "accord.exchange.folder_services.exchange_folders_task"


def forward(apps, schema_editor):
    Schedule = apps.get_model("core", "Schedule")
    Schedule.objects.get_or_create(
        name=NAME,
        defaults={
            "task_path": TASK,
            "cron": "* * * * *",
            "kwargs": {},
            "next_run_at": timezone.now(),
        },
    )


def backward(apps, schema_editor):
    apps.get_model("core", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("exchange", "0002_upkeep_schedule")]

    operations = [migrations.RunPython(forward, backward)]
