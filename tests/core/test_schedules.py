import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accord.core.errors import ValidationFailedError
from accord.core.models import Schedule
from accord.core.schedules import schedule_save, schedules_enqueue_due

TASK = "accord.core.tasks.heartbeats_prune_task"


@pytest.fixture(autouse=True)
def no_seeded_schedules(db):
    """These tests count schedules: start without the ones the apps' migrations seed."""
    Schedule.objects.all().delete()


@pytest.mark.django_db
def test_due_schedule_is_enqueued_once_and_moves_to_its_next_time():
    schedule = schedule_save(
        name="prune", task_path=TASK, cron="*/5 * * * *", kwargs={"older_than_hours": 2}
    )
    now = schedule.next_run_at + dt.timedelta(seconds=1)
    assert schedules_enqueue_due(now) == 1
    assert schedules_enqueue_due(now) == 0  # already claimed for this time
    schedule.refresh_from_db()
    assert schedule.next_run_at > now
    assert schedule.last_run_at == now
    task = DBTaskResult.objects.get()
    assert task.task_path == TASK
    assert task.args_kwargs["kwargs"] == {"older_than_hours": 2}
    assert str(task.id) == schedule.last_task_id


@pytest.mark.django_db
def test_schedule_not_due_and_disabled_schedules_are_left_alone():
    schedule_save(name="later", task_path=TASK, cron="0 3 * * *")
    off = schedule_save(name="off", task_path=TASK, cron="* * * * *")
    Schedule.objects.filter(pk=off.pk).update(enabled=False, next_run_at=timezone.now())
    assert schedules_enqueue_due(timezone.now()) == 0
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("task_path", "cron", "field"),
    [
        (TASK, "every hour", "cron"),
        (TASK, "61 * * * *", "cron"),
        ("os.system", "* * * * *", "task_path"),
        ("accord.core.tasks.nothing_here", "* * * * *", "task_path"),
        ("accord.core.models.Schedule", "* * * * *", "task_path"),
    ],
)
def test_bad_schedule_is_refused_and_nothing_is_saved(task_path, cron, field):
    with pytest.raises(ValidationFailedError) as err:
        schedule_save(name="bad", task_path=task_path, cron=cron)
    assert field in err.value.fields
    assert Schedule.objects.count() == 0
