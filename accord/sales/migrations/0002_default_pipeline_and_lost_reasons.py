"""The default pipeline "Продажи" with its stages, and the first lost reasons.

The names are data (Russian, the language of the installation by default); administrators
rename or extend them in the settings.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

STAGES = (
    # name, probability, kind, colour
    ("Новая", 10, "open", "gray"),
    ("Квалификация", 25, "open", "blue"),
    ("Предложение", 50, "open", "violet"),
    ("Переговоры", 75, "open", "amber"),
    ("Выиграна", 100, "won", "green"),
    ("Проиграна", 0, "lost", "red"),
)
LOST_REASONS = ("Дорого", "Выбрали конкурента", "Нет бюджета", "Не отвечает", "Неактуально")


def create(apps: Any, schema_editor: Any) -> None:
    pipeline_model = apps.get_model("sales", "Pipeline")
    stage_model = apps.get_model("sales", "Stage")
    reason_model = apps.get_model("sales", "LostReason")
    if not pipeline_model.objects.exists():
        pipeline = pipeline_model.objects.create(name="Продажи", is_default=True)
        stage_model.objects.bulk_create(
            stage_model(pipeline=pipeline, name=n, position=i, probability=p, kind=k, color=c)
            for i, (n, p, k, c) in enumerate(STAGES)
        )
    if not reason_model.objects.exists():
        reason_model.objects.bulk_create(
            reason_model(name=name, position=i) for i, name in enumerate(LOST_REASONS)
        )


def remove(apps: Any, schema_editor: Any) -> None:
    apps.get_model("sales", "Stage").objects.filter(pipeline__name="Продажи").delete()
    apps.get_model("sales", "Pipeline").objects.filter(name="Продажи").delete()
    apps.get_model("sales", "LostReason").objects.filter(name__in=LOST_REASONS).delete()


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_pipelines_stages_deals")]

    operations = [migrations.RunPython(create, remove)]
