"""Reminders: creation with each repetition, refusals that write nothing, delivery (once per
occurrence, no backlog after a pause), snooze and dismiss, e-mail copies, the built-in
reminders (an expected payment coming due, a birthday, a quiet deal) and delivery by the
real worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accord.activities.interaction_services import interaction_create
from accord.activities.models import Notification, Reminder
from accord.activities.notification_services import notifications_email
from accord.activities.reminder_services import (
    reminder_delete,
    reminder_dismiss,
    reminder_snooze,
    reminder_update,
    reminders_deliver,
    reminders_sync,
)
from accord.activities.selectors import reminder_get, reminders_of, unread_count
from accord.activities.tasks import reminders_deliver_task
from accord.billing.payment_services import payment_cancel
from accord.core.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from accord.core.models import AuditEvent, Schedule
from accord.core.worker import AccordWorker
from tests.conftest import rows_of
from tests.factories import (
    ContactPersonFactory,
    CounterpartyFactory,
    DealFactory,
    DepartmentFactory,
    UserFactory,
    issued_invoice,
    own_company,
    payment_for,
    reminder_for,
)

pytestmark = pytest.mark.django_db
TRACKED = (Reminder, Notification, AuditEvent)
DELIVERY_TASK = "accord.activities.tasks.reminders_deliver_task"


def state():
    return rows_of(TRACKED)


def now_plus(**delta: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(**delta)


def fired(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind="reminder")
        .order_by("pk")
        .values_list("title", flat=True)
    )


def local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment).replace(tzinfo=None)


def clock(moment: dt.datetime) -> dt.time:
    """The local time of day, to the second: repetitions are computed to the second."""
    return local(moment).time().replace(microsecond=0)


# ---------------------------------------------------------------- create


def test_a_one_off_reminder_fires_at_its_start(manager):
    cp = CounterpartyFactory(responsible=manager)
    start = now_plus(hours=2).replace(microsecond=0)
    row = reminder_for(manager, starts_at=start.isoformat(), importance="high",
                       note="Про скидку", counterparty_id=cp.pk)  # fmt: skip
    assert (row.rule, row.repeat, row.next_at, row.status) == ("", "", start, "active")
    assert (row.owner_id, row.counterparty_id, row.kind) == (manager.pk, cp.pk, "custom")
    event = AuditEvent.objects.get(action="activities.reminder.created")
    assert event.changes["next_at"] == start.isoformat()


@pytest.mark.parametrize(
    ("data", "rule"),
    [({"repeat": "daily"}, "FREQ=DAILY"),
     ({"repeat": "weekly", "weekdays": ["FR", "MO"]}, "FREQ=WEEKLY;BYDAY=MO,FR"),
     ({"repeat": "weekly", "weekdays": "TU,TH"}, "FREQ=WEEKLY;BYDAY=TU,TH"),
     ({"repeat": "monthly", "month_day": -1}, "FREQ=MONTHLY;BYMONTHDAY=-1"),
     ({"repeat": "monthly", "month_day": "15"}, "FREQ=MONTHLY;BYMONTHDAY=15"),
     ({"repeat": "yearly"}, "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=2"),
     ({"repeat": "rule", "rule": "freq=weekly;interval=2;byday=we"},
      "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE")],
)  # fmt: skip
def test_each_repetition_builds_its_rule_and_its_first_time(manager, data, rule):
    start = timezone.make_aware(dt.datetime(2031, 3, 2, 9, 30))  # a Sunday
    row = reminder_for(manager, starts_at=start, **data)
    assert row.rule == rule
    assert row.repeat == data["repeat"]
    assert row.next_at is not None
    assert row.next_at >= start
    assert local(row.next_at).time() == dt.time(9, 30)


def test_a_weekly_reminder_fires_first_at_its_start_whatever_its_microseconds(manager):
    start = now_plus(hours=2).replace(microsecond=654321)
    day = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[timezone.localtime(start).weekday()]
    row = reminder_for(manager, starts_at=start, repeat="weekly", weekdays=[day])
    assert row.next_at == start.replace(microsecond=0)


def test_a_repeating_reminder_started_in_the_past_fires_next_at_its_coming_time(manager):
    start = timezone.now() - dt.timedelta(days=10, hours=1)
    row = reminder_for(manager, starts_at=start, repeat="daily")
    assert row.next_at is not None
    assert timezone.now() < row.next_at <= now_plus(days=1)
    assert clock(row.next_at) == clock(start)


def test_a_one_off_in_the_past_is_refused_but_a_slow_form_is_forgiven(manager):
    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        reminder_for(manager, starts_at=now_plus(hours=-1))
    assert caught.value.fields == {
        "starts_at": ["A reminder that does not repeat cannot be in the past."]
    }
    assert state() == before
    row = reminder_for(manager, starts_at=now_plus(minutes=-2))
    assert row.next_at is not None
    assert row.next_at < timezone.now()  # due at once


@pytest.mark.parametrize(
    ("data", "field"),
    [({"repeat": "rule", "rule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"}, "rule"),
     ({"repeat": "rule", "rule": "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31"}, "rule"),
     ({"repeat": "rule", "rule": "FREQ=MINUTELY"}, "rule"),
     ({"repeat": "rule", "rule": "FREQ=DAILY;BYHOUR=10"}, "rule"),
     ({"repeat": "rule", "rule": ""}, "rule"),
     ({"repeat": "weekly"}, "repeat"),
     ({"repeat": "weekly", "weekdays": ["XX"]}, "weekdays"),
     ({"repeat": "monthly", "month_day": 40}, "month_day"),
     ({"repeat": "hourly"}, "repeat"),
     ({"starts_at": "скоро"}, "starts_at"),
     ({"starts_at": None}, "starts_at"),
     ({"subject": ""}, "subject"),
     ({"importance": "vital"}, "importance"),
     ({"deal_id": 987654}, "deal_id"),
     ({"colour": "red"}, "colour")],
)  # fmt: skip
def test_a_wrong_field_is_refused_and_nothing_is_written(manager, data, field):
    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        reminder_for(manager, **data)
    assert field in caught.value.fields
    assert state() == before


def test_a_rule_that_never_fires_says_so(manager):
    with pytest.raises(ValidationFailedError) as caught:
        reminder_for(manager, repeat="rule", rule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")
    assert caught.value.fields == {
        "rule": ["This repetition rule never fires. Check the days and the dates."]
    }


def test_a_rule_whose_occurrences_are_all_past_is_refused(manager):
    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        reminder_for(
            manager, starts_at=now_plus(days=-10), repeat="rule", rule="FREQ=DAILY;COUNT=3"
        )
    assert set(caught.value.fields) == {"rule"}
    assert state() == before


def test_a_reminder_for_someone_else_needs_the_right_to_assign(manager, other_manager):
    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        reminder_for(manager, owner_id=other_manager.pk)
    assert set(caught.value.fields) == {"owner_id"}
    assert state() == before
    director = UserFactory(username="dir", roles=["director"])
    with pytest.raises(PermissionDeniedError):
        reminder_for(director)
    assert state() == before


# ---------------------------------------------------------------- update, snooze, dismiss


def test_an_update_keeps_the_chosen_days_of_a_weekly_reminder(manager):
    row = reminder_for(manager, repeat="weekly", weekdays=["MO", "TH"])
    row = reminder_update(actor=manager, reminder=row, data={"subject": "Планёрка"})
    assert (row.subject, row.rule) == ("Планёрка", "FREQ=WEEKLY;BYDAY=MO,TH")
    monthly = reminder_for(manager, repeat="monthly", month_day=-1)
    monthly = reminder_update(actor=manager, reminder=monthly, data={"note": "Отчёт"})
    assert monthly.rule == "FREQ=MONTHLY;BYMONTHDAY=-1"
    changed = reminder_update(actor=manager, reminder=row, data={"weekdays": ["FR"]})
    assert changed.rule == "FREQ=WEEKLY;BYDAY=FR"


def test_editing_a_fired_one_off_does_not_fire_it_again(manager):
    row = reminder_for(manager, starts_at=now_plus(minutes=-1))
    assert reminders_deliver() == 1
    row.refresh_from_db()
    assert row.next_at is None
    row = reminder_update(actor=manager, reminder=row, data={
        "subject": "Перезвонить завтра", "starts_at": row.starts_at.isoformat(),
    })  # fmt: skip
    assert row.next_at is None
    assert reminders_deliver() == 0
    row = reminder_update(actor=manager, reminder=row, data={"starts_at": now_plus(hours=1)})
    assert row.next_at is not None


def test_snooze_moves_the_next_time_and_the_repetition_goes_on_after(manager):
    start = timezone.now() - dt.timedelta(days=3)
    row = reminder_for(manager, starts_at=start, repeat="daily")
    Reminder.objects.filter(pk=row.pk).update(next_at=now_plus(minutes=-1))
    before = timezone.now()
    row = reminder_snooze(actor=manager, reminder=row, delay="1h")
    assert before + dt.timedelta(hours=1) <= row.next_at <= now_plus(hours=1)
    assert reminders_deliver() == 0
    later = row.next_at + dt.timedelta(seconds=1)
    assert reminders_deliver(now=later) == 1
    row.refresh_from_db()
    assert row.next_at is not None
    assert row.next_at > later
    assert clock(row.next_at) == clock(start)
    assert AuditEvent.objects.filter(action="activities.reminder.snoozed").count() == 1


def test_a_wrong_snooze_is_refused(manager):
    row = reminder_for(manager)
    before = state()
    with pytest.raises(ValidationFailedError):
        reminder_snooze(actor=manager, reminder=row, delay="1y")
    assert state() == before
    reminder_dismiss(actor=manager, reminder=row)
    before = state()
    with pytest.raises(ValidationFailedError):
        reminder_snooze(actor=manager, reminder=row, delay="1h")
    assert state() == before


def test_a_dismissed_reminder_never_fires(manager):
    row = reminder_for(manager, starts_at=now_plus(minutes=-1))
    reminder_dismiss(actor=manager, reminder=row.pk)
    before = state()
    reminder_dismiss(actor=manager, reminder=row.pk)  # twice is once
    assert reminders_deliver() == 0
    assert state() == before
    row.refresh_from_db()
    assert row.status == "dismissed"
    assert list(reminders_of(viewer=manager)) == []
    assert list(reminders_of(viewer=manager, include_done=True)) == [row]


def test_another_managers_reminder_is_not_found_but_the_head_sees_the_teams(manager):
    department = DepartmentFactory()
    head = UserFactory(username="head", roles=["head"], department=department)
    anna = UserFactory(username="anna", roles=["manager"], department=department)
    row = reminder_for(anna)
    before = state()
    for action in (
        lambda: reminder_get(viewer=manager, pk=row.pk),
        lambda: reminder_snooze(actor=manager, reminder=row.pk, delay="1h"),
        lambda: reminder_dismiss(actor=manager, reminder=row.pk),
        lambda: reminder_update(actor=manager, reminder=row.pk, data={"subject": "x"}),
    ):
        with pytest.raises(NotFoundError):
            action()
    assert state() == before
    assert reminder_get(viewer=head, pk=row.pk) == row
    reminder_snooze(actor=head, reminder=row.pk, delay="1d")
    reminder_delete(actor=head, reminder=row.pk)
    assert not Reminder.objects.filter(pk=row.pk).exists()


# ---------------------------------------------------------------- delivery


def test_a_due_reminder_fires_once(manager):
    deal = DealFactory(responsible=manager)
    row = reminder_for(manager, starts_at=now_plus(minutes=-1), note="Позвонить",
                       deal_id=deal.pk)  # fmt: skip
    reminder_for(manager, subject="Потом", starts_at=now_plus(hours=1))
    assert reminders_deliver() == 1
    assert reminders_deliver() == 0
    assert fired(manager) == ["Перезвонить"]
    note = Notification.objects.get(recipient=manager)
    assert (note.reminder_id, note.text) == (row.pk, "Позвонить")
    assert note.url == f"/reminders/#reminder-{row.pk}"
    assert unread_count(viewer=manager) == 1
    row.refresh_from_db()
    assert (row.next_at, row.status) == (None, "active")
    assert row.fired_at is not None


def test_a_repeating_reminder_moves_on_and_a_backlog_fires_once(manager):
    start = timezone.now() - dt.timedelta(days=30)
    row = reminder_for(manager, starts_at=start, repeat="daily")
    # The worker was down for a week: seven occurrences were missed.
    Reminder.objects.filter(pk=row.pk).update(next_at=timezone.now() - dt.timedelta(days=7))
    now = timezone.now()
    assert reminders_deliver(now=now) == 1
    assert reminders_deliver(now=now) == 0
    row.refresh_from_db()
    assert row.next_at is not None
    assert now < row.next_at <= now + dt.timedelta(days=1)
    assert clock(row.next_at) == clock(start)
    # The next day it fires again.
    assert reminders_deliver(now=row.next_at) == 1
    assert fired(manager) == ["Перезвонить", "Перезвонить"]


def test_a_reminder_about_a_deal_the_owner_no_longer_sees_rings_without_leaking(
    manager, other_manager
):
    deal = DealFactory(responsible=manager)
    reminder_for(manager, starts_at=now_plus(minutes=-1), deal_id=deal.pk)
    deal.responsible = other_manager
    deal.save()
    assert reminders_deliver() == 1
    assert fired(manager) == []


def test_notifications_are_emailed_once_to_users_with_an_address(manager, settings):
    settings.ACCORD_BASE_URL = "https://crm.example.com/"
    manager.email = "anna@example.com"
    manager.save()
    silent = UserFactory(username="noaddr", roles=["manager"])
    row = reminder_for(manager, starts_at=now_plus(minutes=-1), note="Позвонить")
    reminder_for(silent, starts_at=now_plus(minutes=-1))
    assert reminders_deliver() == 2
    assert notifications_email() == 1
    assert notifications_email() == 0
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert (sent.subject, sent.to) == ("Перезвонить", ["anna@example.com"])
    assert sent.body == f"Позвонить\n\nhttps://crm.example.com/reminders/#reminder-{row.pk}"
    assert Notification.objects.get(recipient=manager).emailed_at is not None
    assert Notification.objects.get(recipient=silent).emailed_at is None


# ---------------------------------------------------------------- built-in reminders


def test_an_expected_payment_coming_due_gets_one_reminder_cleared_when_paid(manager):
    own_company()
    invoice = issued_invoice(responsible=manager, price="1000.00",
                             due_date=timezone.localdate() + dt.timedelta(days=2))  # fmt: skip
    later_invoice = issued_invoice(responsible=manager, price="500.00",
                                   due_date=timezone.localdate() + dt.timedelta(days=30))  # fmt: skip
    assert reminders_sync()["payment_due"] == 1
    assert reminders_sync()["payment_due"] == 0
    row = Reminder.objects.get(kind="payment_due")
    assert (row.owner_id, row.invoice_id, row.counterparty_id, row.importance) == (
        manager.pk, invoice.pk, invoice.counterparty_id, "high",
    )  # fmt: skip
    assert row.expected_payment_id == invoice.expected_payments.get().pk
    assert str(invoice.number) in row.subject
    assert not Reminder.objects.filter(invoice=later_invoice).exists()
    # It is due now (the payment is less than three days away) and rings once.
    assert reminders_deliver() == 1
    assert reminders_deliver() == 0
    payment = payment_for(invoice, "400.00")
    reminders_sync()
    row.refresh_from_db()
    assert row.status == "active"  # partly paid: still waiting for money
    payment_for(invoice, "600.00")
    reminders_sync()
    row.refresh_from_db()
    assert (row.status, row.next_at) == ("cleared", None)
    assert Reminder.objects.filter(kind="payment_due").count() == 1
    payment_cancel(actor=manager, payment=payment)
    assert reminders_sync()["payment_due"] == 0  # the same plan row: not made twice


def test_a_payment_that_arrives_before_delivery_clears_the_reminder_without_ringing(manager):
    own_company()
    invoice = issued_invoice(responsible=manager, price="1000.00",
                             due_date=timezone.localdate() + dt.timedelta(days=1))  # fmt: skip
    reminders_sync()
    payment_for(invoice, "1000.00")
    assert reminders_deliver() == 0
    assert fired(manager) == []
    assert Reminder.objects.get(kind="payment_due").status == "cleared"


def test_a_birthday_gets_one_yearly_reminder_for_the_clients_manager(manager):
    cp = CounterpartyFactory(responsible=manager)
    person = ContactPersonFactory(counterparty=cp, birthday=dt.date(1980, 7, 15))
    ContactPersonFactory(counterparty=cp)  # no birthday
    now = timezone.make_aware(dt.datetime(2031, 7, 1, 12, 0))
    assert reminders_sync(now=now)["birthday"] == 1
    assert reminders_sync(now=now)["birthday"] == 0
    row = Reminder.objects.get(kind="birthday")
    assert (row.owner_id, row.contact_person_id, row.counterparty_id) == (manager.pk, person.pk,
                                                                         cp.pk)  # fmt: skip
    assert local(row.next_at) == dt.datetime(2031, 7, 15, 9, 0)
    assert reminders_deliver(now=row.next_at) == 1
    row.refresh_from_db()
    assert local(row.next_at) == dt.datetime(2032, 7, 15, 9, 0)


def test_a_29_february_birthday_rings_on_28_february_in_common_years(manager):
    cp = CounterpartyFactory(responsible=manager)
    ContactPersonFactory(counterparty=cp, birthday=dt.date(1984, 2, 29))
    now = timezone.make_aware(dt.datetime(2031, 1, 10, 12, 0))
    reminders_sync(now=now)
    row = Reminder.objects.get(kind="birthday")
    seen = []
    for _ in range(3):
        seen.append(local(row.next_at))
        reminders_deliver(now=row.next_at)
        row.refresh_from_db()
    assert seen == [
        dt.datetime(2031, 2, 28, 9, 0),
        dt.datetime(2032, 2, 29, 9, 0),
        dt.datetime(2033, 2, 28, 9, 0),
    ]


def test_a_handed_over_clients_birthday_goes_to_the_new_manager(manager, other_manager):
    cp = CounterpartyFactory(responsible=manager)
    ContactPersonFactory(counterparty=cp, birthday=dt.date(1990, 12, 1))
    reminders_sync()
    cp.responsible = other_manager
    cp.save()
    reminders_sync()
    rows = dict(Reminder.objects.filter(kind="birthday").values_list("owner_id", "status"))
    assert rows == {manager.pk: "cleared", other_manager.pk: "active"}


def test_a_quiet_deal_gets_one_reminder_and_loses_it_after_a_done_interaction(manager, settings):
    settings.ACCORD_DEAL_IDLE_DAYS = 10
    quiet = DealFactory(responsible=manager)
    busy = DealFactory(responsible=manager)
    fresh = DealFactory(responsible=manager)
    long_ago = timezone.now() - dt.timedelta(days=15)
    type(quiet).objects.filter(pk__in=[quiet.pk, busy.pk]).update(stage_entered_at=long_ago)
    interaction_create(actor=manager, data={
        "kind": "call", "status": "done", "deal_id": busy.pk,
        "starts_at": timezone.now() - dt.timedelta(days=2),
    })  # fmt: skip
    # A call planned but not made is no activity.
    interaction_create(actor=manager, data={"kind": "call", "deal_id": quiet.pk,
                                            "starts_at": now_plus(days=-3)})  # fmt: skip
    assert reminders_sync()["deal_idle"] == 1
    assert reminders_sync()["deal_idle"] == 0
    row = Reminder.objects.get(kind="deal_idle")
    assert (row.owner_id, row.deal_id, row.counterparty_id) == (manager.pk, quiet.pk,
                                                               quiet.counterparty_id)  # fmt: skip
    assert "15 days" in row.subject
    assert not Reminder.objects.filter(deal__in=[busy, fresh]).exists()
    assert reminders_deliver() == 1
    interaction_create(actor=manager, data={"kind": "meeting", "status": "done",
                                            "deal_id": quiet.pk})  # fmt: skip
    reminders_sync()
    row.refresh_from_db()
    assert (row.status, row.next_at) == ("cleared", None)
    assert Reminder.objects.filter(kind="deal_idle", status="active").count() == 0


def test_no_idle_reminders_when_the_setting_is_off(manager, settings):
    settings.ACCORD_DEAL_IDLE_DAYS = 0
    deal = DealFactory(responsible=manager)
    type(deal).objects.filter(pk=deal.pk).update(stage_entered_at=now_plus(days=-400))
    assert reminders_sync()["deal_idle"] == 0


# ---------------------------------------------------------------- the worker


def test_the_delivery_runs_on_a_schedule_every_minute():
    schedule = Schedule.objects.get(task_path=DELIVERY_TASK)
    assert (schedule.cron, schedule.enabled) == ("* * * * *", True)
    assert Schedule.objects.filter(task_path="accord.activities.tasks.reminders_sync_task").exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_a_due_reminder():
    owner = UserFactory(username="anna", roles=["manager"], email="anna@example.com")
    row = reminder_for(owner, starts_at=now_plus(minutes=-1))
    # Only this task in the queue: the schedules are not due during the test.
    Schedule.objects.update(next_run_at=now_plus(days=1))
    result = reminders_deliver_task.enqueue()
    AccordWorker(interval=0, max_tasks=1).run()
    task = DBTaskResult.objects.get(pk=result.id)
    assert task.status == "SUCCESSFUL"
    assert task.return_value == {"fired": 1, "emailed": 1}
    note = Notification.objects.get(recipient=owner)
    assert (note.kind, note.reminder_id, note.title) == ("reminder", row.pk, "Перезвонить")
    assert note.emailed_at is not None
    assert [m.to for m in mail.outbox] == [["anna@example.com"]]
