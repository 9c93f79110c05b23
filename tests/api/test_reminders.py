"""/api/v1/reminders: the caller's own list, set, change, snooze, dismiss and delete; another
manager's reminder is a 404 and a refusal writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accord.activities.models import Reminder, ReminderStatus
from accord.core.models import AuditEvent
from tests.conftest import rows_of
from tests.factories import CounterpartyFactory, reminder_for

pytestmark = pytest.mark.django_db

TRACKED = (Reminder, AuditEvent)
MISSING = 987_654_321


def _in(**delta: float) -> dt.datetime:
    return (timezone.now() + dt.timedelta(**delta)).replace(microsecond=0)


def _at(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def test_set_a_one_off_and_a_weekly_reminder(api, manager):
    cp = CounterpartyFactory(responsible=manager)
    at = _in(hours=2)

    once = api.post(
        "/api/v1/reminders",
        {"subject": "Позвонить директору", "starts_at": at.isoformat(), "counterparty_id": cp.pk,
         "importance": "high"},
    )  # fmt: skip
    weekly = api.post(
        "/api/v1/reminders",
        {"subject": "Планёрка", "starts_at": at.isoformat(), "repeat": "weekly",
         "weekdays": ["MO", "TH"]},
    )  # fmt: skip

    assert once.status_code == 201, once.json()
    assert once.json()["owner_id"] == manager.pk
    assert once.json()["kind"] == "custom"
    assert once.json()["status"] == "active"
    assert _at(once.json()["next_at"]) == at
    assert once.json()["counterparty_id"] == cp.pk
    assert weekly.status_code == 201, weekly.json()
    assert weekly.json()["rule"] == "FREQ=WEEKLY;BYDAY=MO,TH"
    first_time = _at(weekly.json()["next_at"])
    assert first_time >= at
    assert timezone.localtime(first_time).weekday() in (0, 3)  # Monday or Thursday
    assert api.get(f"/api/v1/reminders/{once.json()['id']}").json()["subject"] == (
        "Позвонить директору"
    )


def test_the_list_is_the_callers_own_active_ones_next_first(
    api, manager, other_manager, django_assert_max_num_queries
):
    later = reminder_for(manager, starts_at=_in(days=2))
    sooner = reminder_for(manager, starts_at=_in(hours=1))
    dismissed = reminder_for(manager, starts_at=_in(hours=3))
    Reminder.objects.filter(pk=dismissed.pk).update(status=ReminderStatus.DISMISSED)
    finished = reminder_for(manager, starts_at=_in(hours=4))
    Reminder.objects.filter(pk=finished.pk).update(status=ReminderStatus.CLEARED, next_at=None)
    reminder_for(other_manager)

    with django_assert_max_num_queries(6):
        active = api.get("/api/v1/reminders").json()
    first = api.get("/api/v1/reminders", {"all": "1", "limit": 3}).json()
    rest = api.get("/api/v1/reminders", {"all": "1", "limit": 3, "cursor": first["next_cursor"]})

    assert active["count"] == 2
    assert [r["id"] for r in active["items"]] == [sooner.pk, later.pk]
    assert first["count"] == 4
    assert [r["id"] for r in first["items"]] == [sooner.pk, dismissed.pk, later.pk]
    assert [r["id"] for r in rest.json()["items"]] == [finished.pk]  # no next time: last
    assert rest.json()["next_cursor"] is None


def test_snooze_and_dismiss(api, manager):
    row = reminder_for(manager, starts_at=_in(minutes=10))
    path = f"/api/v1/reminders/{row.pk}"

    snoozed = api.post(f"{path}/snooze", {"delay": "1d"})

    assert snoozed.status_code == 200, snoozed.json()
    assert _in(hours=23) < _at(snoozed.json()["next_at"]) <= _in(days=1, minutes=1)
    assert snoozed.json()["status"] == "active"
    before = rows_of(TRACKED)
    bad_delay = api.post(f"{path}/snooze", {"delay": "2y"})
    assert bad_delay.status_code == 400
    assert "delay" in bad_delay.json()["fields"]
    assert rows_of(TRACKED) == before

    dismissed = api.post(f"{path}/dismiss", {})
    assert dismissed.status_code == 200
    assert dismissed.json()["status"] == "dismissed"
    assert api.get("/api/v1/reminders").json()["count"] == 0
    assert api.get("/api/v1/reminders", {"all": "true"}).json()["items"][0]["id"] == row.pk
    before = rows_of(TRACKED)
    again = api.post(f"{path}/snooze", {"delay": "15m"})
    assert again.status_code == 400  # only an active reminder can be snoozed
    assert rows_of(TRACKED) == before
    actions = set(AuditEvent.objects.filter(object_id=str(row.pk)).values_list("action", flat=True))
    assert {"activities.reminder.snoozed", "activities.reminder.dismissed"} <= actions


def test_change_makes_it_active_again(api, manager):
    row = reminder_for(manager)
    Reminder.objects.filter(pk=row.pk).update(status=ReminderStatus.DISMISSED)

    patched = api.patch(
        f"/api/v1/reminders/{row.pk}",
        {"subject": "Перезвонить завтра", "starts_at": _in(days=1).isoformat()},
    )

    assert patched.status_code == 200, patched.json()
    assert patched.json()["subject"] == "Перезвонить завтра"
    assert patched.json()["status"] == "active"


def test_delete_needs_the_delete_right(api, admin_api, manager):
    row = reminder_for(manager)
    before = rows_of(TRACKED)

    refused = api.delete(f"/api/v1/reminders/{row.pk}")  # the manager role may not delete

    assert refused.status_code == 403
    assert rows_of(TRACKED) == before
    assert admin_api.delete(f"/api/v1/reminders/{row.pk}").status_code == 204
    assert not Reminder.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subject": "x", "starts_at": "2001-01-01T09:00:00+03:00"}, "starts_at"),
        ({"subject": "x", "starts_at": "@soon", "repeat": "weekly"}, "repeat"),
        (
            {
                "subject": "x",
                "starts_at": "@soon",
                "repeat": "rule",
                "rule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
            },
            "rule",
        ),
        ({"subject": "x", "starts_at": "@soon", "repeat": "monthly", "month_day": 40}, "month_day"),
        ({"subject": "x", "starts_at": "@soon", "kind": "birthday"}, "kind"),
        ({"subject": "", "starts_at": "@soon"}, "subject"),
        ({"subject": "x", "starts_at": "@soon", "counterparty_id": "@hidden"}, "counterparty_id"),
    ],
    ids=["past", "weekly-no-days", "never-fires", "month-day", "unknown", "no-subject", "hidden"],
)
def test_bad_input_is_refused_and_writes_nothing(api, other_manager, body, field):
    values = {
        "@soon": _in(hours=1).isoformat(),
        "@hidden": CounterpartyFactory(responsible=other_manager).pk,
    }
    body = {key: values.get(item, item) for key, item in body.items()}
    before = rows_of(TRACKED)

    response = api.post("/api/v1/reminders", body)

    assert response.status_code == 400
    assert field in response.json()["fields"], response.json()
    assert rows_of(TRACKED) == before


def test_another_managers_reminder_is_a_404_like_a_missing_one(api, other_manager):
    row = reminder_for(other_manager)
    before = rows_of(TRACKED)

    for method, suffix, body in [
        ("get", "", None),
        ("patch", "", {"subject": "Taken over"}),
        ("post", "/snooze", {"delay": "1h"}),
        ("post", "/dismiss", {}),
        ("delete", "", None),
    ]:
        answers = []
        for pk in (row.pk, MISSING):
            send = getattr(api, method)
            path = f"/api/v1/reminders/{pk}{suffix}"
            answers.append(send(path) if body is None else send(path, body))
        assert [a.status_code for a in answers] == [404, 404], (method, suffix)
        assert answers[0].json() == answers[1].json()
    assert rows_of(TRACKED) == before


def test_a_payment_reminder_reaches_the_list_and_the_bell(api, manager):
    """End to end by API: an invoice's expected payment comes due, the worker's sync and
    delivery run, and the manager sees the reminder and the notification."""
    from accord.activities.reminder_services import reminders_deliver, reminders_sync
    from tests.factories import issued_invoice

    invoice = issued_invoice(responsible=manager, due_date=timezone.localdate())
    reminders_sync()
    reminders_deliver(now=timezone.now() + dt.timedelta(minutes=1))
    listed = api.get("/api/v1/reminders").json()
    kinds = {item["kind"] for item in listed["items"]}
    assert "payment_due" in kinds
    bell = api.get("/api/v1/notifications").json()
    assert bell["unread"] == 1
    assert "Payment due" in bell["items"][0]["title"]
    assert str(invoice.number) in bell["items"][0]["title"]
