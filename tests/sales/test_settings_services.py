"""Pipeline, stage and lost reason settings: admin only, audited, refusals write nothing."""

from __future__ import annotations

import pytest

from accord.core.errors import PermissionDeniedError, ValidationFailedError
from accord.core.models import AuditEvent
from accord.sales import settings_services as ss
from accord.sales.errors import StageInUseError
from accord.sales.models import Pipeline, Stage
from tests.factories import DealFactory

pytestmark = pytest.mark.django_db


def test_the_migration_made_the_default_pipeline_and_lost_reasons():
    from accord.sales.models import LostReason

    pipeline = Pipeline.objects.get(is_default=True)
    assert pipeline.name == "Продажи"
    assert [s.kind for s in pipeline.stages.all()] == ["open"] * 4 + ["won", "lost"]
    assert LostReason.objects.count() >= 3


def test_a_manager_may_not_change_the_settings(manager, pipeline, sales_state):
    before = sales_state()

    with pytest.raises(PermissionDeniedError):
        ss.pipeline_save(actor=manager, data={"name": "Тендеры"})
    with pytest.raises(PermissionDeniedError):
        ss.stage_save(actor=manager, pipeline=pipeline, data={"name": "Новый этап"})

    assert sales_state() == before


def test_a_new_default_pipeline_unmarks_the_old_one(admin_user, pipeline):
    new = ss.pipeline_save(actor=admin_user, data={"name": "Тендеры", "is_default": True})

    assert list(Pipeline.objects.filter(is_default=True)) == [new]
    assert AuditEvent.objects.filter(action="sales.pipeline.created").count() == 1


def test_stage_validation_collects_every_error(admin_user, pipeline, sales_state):
    before = sales_state()

    with pytest.raises(ValidationFailedError) as exc:
        ss.stage_save(actor=admin_user, pipeline=pipeline,
                      data={"name": "Новая", "probability": 150, "kind": "maybe", "color": "pink"})  # fmt: skip

    assert set(exc.value.fields) == {"name", "probability", "kind", "color"}
    assert sales_state() == before


def test_a_stage_with_deals_cannot_be_deleted(admin_user, stages, sales_state):
    DealFactory(stage=stages["new"])
    before = sales_state()

    with pytest.raises(StageInUseError):
        ss.stage_delete(actor=admin_user, stage=stages["new"])

    assert sales_state() == before


def test_an_unused_stage_is_deleted(admin_user, pipeline):
    stage = ss.stage_save(
        actor=admin_user, pipeline=pipeline, data={"name": "Пилот", "probability": 60}
    )

    ss.stage_delete(actor=admin_user, stage=stage)

    assert not Stage.objects.filter(pk=stage.pk).exists()
    assert AuditEvent.objects.filter(action="sales.stage.deleted").count() == 1


def test_reorder_needs_every_stage_once(admin_user, pipeline, sales_state):
    ids = [s.pk for s in pipeline.stages.all()]
    before = sales_state()

    with pytest.raises(ValidationFailedError):
        ss.stage_reorder(actor=admin_user, pipeline=pipeline, stage_ids=ids[:-1])
    assert sales_state() == before

    ss.stage_reorder(actor=admin_user, pipeline=pipeline, stage_ids=list(reversed(ids)))
    assert [s.pk for s in Stage.objects.filter(pipeline=pipeline)] == list(reversed(ids))
