"""A manager's day in the browser: the start page, "done, and plan the next call" from it,
an assignment completed by its performer and seen by its author in the bell, and a payment
reminder delivered by the worker's task into the bell."""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from accord.activities.models import Interaction, InteractionStatus, Reminder, ReminderKind
from accord.activities.reminder_services import reminders_deliver, reminders_sync
from accord.billing.models import ExpectedPayment
from tests.browser.conftest import sign_in
from tests.factories import (
    CounterpartyFactory,
    UserFactory,
    assignment_for,
    interaction_for,
    issued_invoice,
)

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("ACCORD_TEST_OUTPUT", "test-output")


def _shot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_done_and_plan_the_next_call_from_the_start_page(live_server, new_page):
    manager = UserFactory(username="lena", roles=["manager"])
    cp = CounterpartyFactory(responsible=manager, name="ООО «Вектор»")
    call = interaction_for(manager, counterparty=cp, subject="Обсудить поставку",
                           starts_at=timezone.now() - dt.timedelta(hours=1))  # fmt: skip
    page = new_page()
    sign_in(page, live_server.url, "lena")
    today = page.locator("#widget-today")
    assert "ООО «Вектор»" in today.inner_text()
    _shot(page, "activities-start-page")
    today.get_by_role("link", name=re.compile("Done")).first.click()
    dialog = page.locator("#modal")
    dialog.locator("textarea[name=outcome]").fill("Договорились о встрече")
    dialog.locator("input[name=plan_next]").check()
    friday = timezone.localtime() + dt.timedelta(days=3)
    dialog.locator("input[name=next_at]").fill(friday.strftime("%Y-%m-%dT10:00"))
    dialog.locator("select[name=next_kind]").select_option("meeting")
    _shot(page, "activities-complete-dialog")
    dialog.get_by_role("button", name=re.compile("Mark done")).click()
    page.wait_for_url(re.compile(r"/$"))
    page.wait_for_selector(".toast")
    call.refresh_from_db()
    assert call.status == InteractionStatus.DONE
    follow = Interaction.objects.get(follows=call)
    assert follow.kind == "meeting"
    assert follow.counterparty_id == cp.pk
    # The client's timeline shows both.
    page.goto(f"{live_server.url}/counterparties/{cp.pk}/")
    page.wait_for_selector("#timeline-list")
    text = page.locator("#timeline-list").inner_text()
    assert "Обсудить поставку" in text
    assert "Договорились о встрече" in text
    _shot(page, "activities-timeline")


def test_assignment_done_by_the_performer_reaches_the_authors_bell(live_server, new_page):
    head = UserFactory(username="boss", roles=["head"])
    worker = UserFactory(username="ivan", roles=["manager"])
    task = assignment_for(head, performers=[worker], subject="Сверить акт с клиентом")
    page = new_page()
    sign_in(page, live_server.url, "ivan")
    page.goto(f"{live_server.url}/assignments/{task.pk}/")
    page.fill("textarea[name=comment]", "Акт сверен, расхождений нет")
    page.get_by_role("button", name="Done").click()
    page.wait_for_selector(".toast")
    author = new_page()
    sign_in(author, live_server.url, "boss")
    author.wait_for_selector(".bell-count")
    assert author.locator(".bell-count").inner_text() == "1"
    author.locator(".bell-button").click()
    author.wait_for_selector(".bell-list")
    assert "Сверить акт с клиентом" in author.locator(".bell-list").inner_text()
    _shot(author, "activities-bell")
    author.goto(f"{live_server.url}/assignments/{task.pk}/")
    author.get_by_role("button", name="Accept the result").click()
    author.wait_for_selector(".toast")
    task.refresh_from_db()
    assert task.status == "checked"


def test_payment_reminder_reaches_the_bell(live_server, new_page):
    manager = UserFactory(username="olga", roles=["manager"])
    invoice = issued_invoice(responsible=manager, due_date=timezone.localdate())
    plan = ExpectedPayment.objects.filter(invoice=invoice).first()
    if plan is None:  # an invoice without a plan owes its total by its due date
        plan = ExpectedPayment.objects.create(
            invoice=invoice, due_date=timezone.localdate(), amount=invoice.total or Decimal(1)
        )
    reminders_sync()
    reminder = Reminder.objects.get(kind=ReminderKind.PAYMENT_DUE, owner=manager)
    assert reminders_deliver(now=timezone.now() + dt.timedelta(minutes=1)) == 1
    page = new_page()
    sign_in(page, live_server.url, "olga")
    page.wait_for_selector(".bell-count")
    page.locator(".bell-button").click()
    page.wait_for_selector(".bell-list")
    assert "Payment due" in page.locator(".bell-list").inner_text()
    page.goto(f"{live_server.url}/reminders/")
    assert reminder.subject in page.content()
    _shot(page, "activities-reminders")
