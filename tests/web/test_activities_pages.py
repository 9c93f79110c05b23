"""The activities pages: the start page, interactions (with "done, and plan the next"),
the client timeline, assignments, reminders and the bell."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accord.activities.models import (
    Assignment,
    AssignmentStatus,
    Interaction,
    InteractionStatus,
    Notification,
    Reminder,
    StartPage,
)
from accord.core.models import AuditEvent
from tests.factories import (
    CounterpartyFactory,
    UserFactory,
    assignment_for,
    interaction_for,
    reminder_for,
)

pytestmark = pytest.mark.django_db


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_start_page_shows_the_managers_work(manager, manager_client):
    cp = CounterpartyFactory(responsible=manager, name="ООО «Ромашка»")
    interaction_for(manager, counterparty=cp, subject="Обсудить договор",
                    starts_at=timezone.now() - dt.timedelta(hours=2))  # fmt: skip
    boss = UserFactory(roles=["head"])
    assignment_for(boss, performers=[manager], subject="Подготовить КП для Ромашки")
    reminder_for(manager, subject="Позвонить бухгалтеру")
    page = manager_client.get(reverse("web:home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Обсудить договор" in html
    assert "ООО «Ромашка»" in html
    assert "Подготовить КП для Ромашки" in html
    assert "Позвонить бухгалтеру" in html


def test_start_page_widgets_move_and_hide(manager, manager_client):
    url = reverse("web:start_page_layout")
    manager_client.post(url, {"widget": "kpi", "action": "up"})
    manager_client.post(url, {"widget": "today", "action": "hide"})
    layout = StartPage.objects.get(user=manager)
    assert layout.order.index("kpi") < layout.order.index("pipeline")
    assert layout.hidden == ["today"]
    html = manager_client.get(reverse("web:home")).content.decode()
    assert 'id="widget-today"' not in html
    before = AuditEvent.objects.count()
    manager_client.post(url, {"widget": "nonsense", "action": "hide"})
    assert StartPage.objects.get(user=manager).hidden == ["today"]
    assert AuditEvent.objects.count() == before


def test_plan_a_call_from_the_card_and_complete_it_with_a_follow_up(manager, manager_client):
    cp = CounterpartyFactory(responsible=manager)
    when = timezone.now() + dt.timedelta(hours=3)
    response = manager_client.post(
        reverse("web:interaction_create") + f"?counterparty={cp.pk}",
        {"kind": "call", "status": "planned", "subject": "Уточнить объём",
         "starts_at": _local(when), "counterparty_id": cp.pk, "responsible_id": manager.pk,
         "direction": "outgoing"},
    )  # fmt: skip
    assert response.status_code == 302
    call = Interaction.objects.get(subject="Уточнить объём")
    friday = timezone.now() + dt.timedelta(days=4)
    response = manager_client.post(
        reverse("web:interaction_complete", args=[call.pk]),
        {"outcome": "Договорились о встрече", "call_result": "answered", "plan_next": "on",
         "next_kind": "meeting", "next_at": _local(friday), "next_subject": "Встреча"},
    )  # fmt: skip
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == InteractionStatus.DONE
    assert call.outcome == "Договорились о встрече"
    follow = Interaction.objects.get(follows=call)
    assert (follow.kind, follow.status, follow.counterparty_id) == ("meeting", "planned", cp.pk)


def test_a_wrong_follow_up_writes_nothing(manager, manager_client):
    call = interaction_for(manager)
    before = AuditEvent.objects.count()
    response = manager_client.post(
        reverse("web:interaction_complete", args=[call.pk]),
        {"outcome": "ok", "plan_next": "on", "next_at": ""},
    )
    assert response.status_code == 200
    call.refresh_from_db()
    assert call.status == InteractionStatus.PLANNED
    assert Interaction.objects.count() == 1
    assert AuditEvent.objects.count() == before


def test_timeline_shows_the_clients_history_and_pages(manager, manager_client):
    cp = CounterpartyFactory(responsible=manager)
    for i in range(35):
        interaction_for(manager, counterparty=cp, subject=f"Звонок {i}", status="done",
                        starts_at=timezone.now() - dt.timedelta(hours=i))  # fmt: skip
    url = reverse("web:counterparty_timeline", args=[cp.pk])
    first = manager_client.get(url)
    html = first.content.decode()
    assert "Звонок 0" in html
    assert "Звонок 34" not in html
    cursor = first.context["page"].next_cursor
    assert cursor
    second = manager_client.get(url, {"cursor": cursor}).content.decode()
    assert "Звонок 34" in second
    assert "Звонок 0<" not in second


def test_timeline_of_a_hidden_client_is_404(manager_client):
    stranger = CounterpartyFactory(responsible=UserFactory(roles=["manager"]))
    url = reverse("web:counterparty_timeline", args=[stranger.pk])
    assert manager_client.get(url).status_code == 404


def test_timeline_query_budget(manager, manager_client, django_assert_max_num_queries):
    cp = CounterpartyFactory(responsible=manager)
    for i in range(40):
        interaction_for(manager, counterparty=cp, subject=f"Звонок {i}")
    with django_assert_max_num_queries(20):
        manager_client.get(reverse("web:counterparty_timeline", args=[cp.pk]))


def test_assignment_flow_in_the_browser_pages(manager, manager_client, client):
    performer = UserFactory(roles=["manager"])
    deadline = timezone.now() + dt.timedelta(days=2)
    response = manager_client.post(
        reverse("web:assignment_create"),
        {"subject": "Сверить акт", "performer_ids": [performer.pk], "deadline": _local(deadline),
         "importance": "high"},
    )  # fmt: skip
    assert response.status_code == 302
    task = Assignment.objects.get(subject="Сверить акт")
    client.force_login(performer)
    card = client.get(reverse("web:assignment_card", args=[task.pk])).content.decode()
    assert "Сверить акт" in card
    client.post(reverse("web:assignment_move", args=[task.pk]),
                {"status": "done", "comment": "Сверено"})  # fmt: skip
    task.refresh_from_db()
    assert task.status == AssignmentStatus.DONE
    assert Notification.objects.filter(recipient=manager, assignment=task).exists()
    bell = manager_client.get(reverse("web:bell"), {"open": "1"}).content.decode()
    assert "Сверить акт" in bell


def test_assignment_return_without_a_comment_is_refused(manager, manager_client):
    performer = UserFactory(roles=["manager"])
    task = assignment_for(manager, performers=[performer])
    from accord.activities.assignment_services import assignment_move

    assignment_move(actor=performer, assignment=task, status="done")
    before = AuditEvent.objects.count()
    manager_client.post(reverse("web:assignment_move", args=[task.pk]), {"status": "returned"})
    task.refresh_from_db()
    assert task.status == AssignmentStatus.DONE
    assert AuditEvent.objects.count() == before


def test_foreign_assignment_is_404(manager_client):
    other = UserFactory(roles=["manager"])
    task = assignment_for(other, performers=[UserFactory(roles=["manager"])])
    assert manager_client.get(reverse("web:assignment_card", args=[task.pk])).status_code == 404


def test_reminder_form_with_a_weekly_rule(manager, manager_client):
    start = timezone.now() + dt.timedelta(days=1)
    response = manager_client.post(
        reverse("web:reminder_create"),
        {"subject": "Планёрка", "starts_at": _local(start), "repeat": "weekly",
         "weekdays": ["MO", "TH"], "importance": "normal"},
    )  # fmt: skip
    assert response.status_code == 302
    reminder = Reminder.objects.get(subject="Планёрка")
    assert reminder.rule == "FREQ=WEEKLY;BYDAY=MO,TH"
    page = manager_client.get(reverse("web:reminder_list")).content.decode()
    assert "Планёрка" in page


def test_reminder_that_never_fires_is_refused(manager, manager_client):
    start = timezone.now() + dt.timedelta(days=1)
    response = manager_client.post(
        reverse("web:reminder_create"),
        {"subject": "Никогда", "starts_at": _local(start), "repeat": "rule",
         "rule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "importance": "normal"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "never fires" in response.content.decode() or "никогда" in response.content.decode()
    assert not Reminder.objects.exists()


def test_snooze_and_dismiss(manager, manager_client):
    reminder = reminder_for(manager)
    manager_client.post(reverse("web:reminder_snooze", args=[reminder.pk]), {"delay": "1d"})
    reminder.refresh_from_db()
    assert reminder.next_at > timezone.now() + dt.timedelta(hours=23)
    manager_client.post(reverse("web:reminder_dismiss", args=[reminder.pk]))
    reminder.refresh_from_db()
    assert reminder.status == "dismissed"


@pytest.mark.parametrize(
    "name", ["interaction_list", "assignment_list", "reminder_list", "home", "bell"]
)
def test_pages_render(manager_client, name):
    assert manager_client.get(reverse(f"web:{name}")).status_code == 200


def test_start_page_shows_only_what_the_users_roles_let_them_see(client, admin_user):
    from accord.users.models import Role

    role = Role.objects.create(
        code="no-activities", name="Directory only",
        rules={"directory.counterparty": {"actions": ["view"], "scope": "own"}},
    )  # fmt: skip
    user = UserFactory()
    user.roles.set([role])
    cp = CounterpartyFactory(responsible=user)
    interaction_for(user, counterparty=cp, subject="Скрытый звонок", actor=admin_user,
                    starts_at=timezone.now() - dt.timedelta(hours=1))  # fmt: skip
    client.force_login(user)
    html = client.get(reverse("web:home")).content.decode()
    assert "Скрытый звонок" not in html
