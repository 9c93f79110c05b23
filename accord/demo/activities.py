"""Activities for demo data: the history of calls, meetings, letters and notes with each
client of a deal, each manager's planned calls for today (a few overdue) and the coming
days, assignments from the heads to their managers, a few claims from the clients of won
deals, and the built-in reminders (payments due, birthdays, quiet deals) made by the same
sync the worker runs.

Deterministic for a seed (one `random.Random` consumed over the deals in id order; times
are offsets from `now`). Written in bulk, bypassing the services like the rest of the demo.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from accord.activities.models import (
    Assignment,
    AssignmentStatus,
    CallResult,
    Claim,
    ClaimSeverity,
    ClaimStatus,
    Direction,
    Importance,
    Interaction,
    InteractionKind,
    InteractionStatus,
    Notification,
    Reminder,
)
from accord.activities.reminder_services import reminders_sync
from accord.sales.models import Deal, DocumentCounter, StageKind
from accord.users.models import User

INSERT_BATCH = 1000
SUBJECTS = {
    InteractionKind.CALL: ("Уточнить потребность", "Обсудить условия", "Напомнить о счёте",
                           "Согласовать сроки поставки", "Первый звонок"),
    InteractionKind.MEETING: ("Встреча в офисе клиента", "Презентация решения", "Переговоры"),
    InteractionKind.EMAIL: ("Отправить коммерческое предложение", "Ответ на запрос",
                            "Договор на согласование"),
    InteractionKind.LETTER: ("Оригиналы документов почтой",),
    InteractionKind.NOTE: ("Заметка по клиенту", "Итоги переговоров"),
    InteractionKind.SMS: ("Напоминание о встрече",),
}  # fmt: skip
OUTCOMES = ("Клиент заинтересован, ждёт КП", "Договорились созвониться на следующей неделе",
            "Решение принимает директор", "Запросили скидку 5%", "Передали договор юристам",
            "Всё согласовано")  # fmt: skip
HISTORY_KINDS = (
    (InteractionKind.CALL,) * 5
    + (InteractionKind.EMAIL,) * 3
    + (
        InteractionKind.MEETING,
        InteractionKind.NOTE,
        InteractionKind.LETTER,
        InteractionKind.SMS,
    )
)
DIRECTED = (
    InteractionKind.CALL,
    InteractionKind.EMAIL,
    InteractionKind.LETTER,
    InteractionKind.SMS,
)
TASKS = ("Подготовить коммерческое предложение", "Сверить взаиморасчёты с клиентом",
         "Согласовать скидку с директором", "Обновить контакты клиента",
         "Собрать отзывы после поставки", "Проверить оплату по счёту")  # fmt: skip


def _interaction(
    rng: random.Random, deal: Deal, kind: str, when: dt.datetime, status: str
) -> Interaction:
    done = status == InteractionStatus.DONE
    return Interaction(
        kind=kind,
        status=status,
        direction=rng.choice((Direction.OUTGOING, Direction.INCOMING)) if kind in DIRECTED else "",
        subject=rng.choice(SUBJECTS[InteractionKind(kind)]),
        starts_at=when,
        duration_minutes=rng.choice((3, 5, 8, 12, 20)) if kind == InteractionKind.CALL else None,
        call_result=CallResult.ANSWERED if done and kind == InteractionKind.CALL else "",
        outcome=rng.choice(OUTCOMES) if done else "",
        counterparty_id=deal.counterparty_id,
        contact_person_id=deal.contact_person_id,
        deal_id=deal.pk,
        responsible_id=deal.responsible_id,
        completed_at=when if done else None,
        created_at=when - dt.timedelta(days=1) if done else when - dt.timedelta(days=2),
        created_by_id=deal.responsible_id,
        updated_at=when,
        updated_by_id=deal.responsible_id,
    )


def _history(rng: random.Random, deals: list[Deal], now: dt.datetime) -> list[Interaction]:
    rows: list[Interaction] = []
    for deal in deals:
        start = deal.created_at
        span = max((now - start).total_seconds(), 3600.0)
        for _ in range(rng.randint(1, 6)):
            when = start + dt.timedelta(seconds=rng.uniform(0, span))
            if when < now - dt.timedelta(hours=1):
                kind = rng.choice(HISTORY_KINDS)
                rows.append(_interaction(rng, deal, kind, when, InteractionStatus.DONE))
    return rows


def _planned(rng: random.Random, deals: list[Deal], now: dt.datetime) -> list[Interaction]:
    """Each manager's open deals get calls planned: some overdue, some today, some later."""
    rows: list[Interaction] = []
    today = timezone.localtime(now).replace(hour=9, minute=0, second=0, microsecond=0)
    for deal in deals:
        if deal.stage.kind != StageKind.OPEN or rng.random() > 0.45:
            continue
        roll = rng.random()
        if roll < 0.15:
            when = today - dt.timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 6))
        elif roll < 0.45:
            when = today + dt.timedelta(hours=rng.randint(0, 9), minutes=rng.choice((0, 30)))
        else:
            when = today + dt.timedelta(days=rng.randint(1, 14), hours=rng.randint(0, 8))
        kind = rng.choice((InteractionKind.CALL,) * 3 + (InteractionKind.MEETING,))
        rows.append(_interaction(rng, deal, kind, when, InteractionStatus.PLANNED))
    return rows


def _assignments(rng: random.Random, now: dt.datetime) -> int:
    """Each head gives each manager of the department a few assignments."""
    made = 0
    heads = User.objects.filter(roles__code="head", is_active=True).order_by("id")
    for head in heads:
        team = list(
            User.objects.filter(department=head.department, roles__code="manager", is_active=True)
            .exclude(pk=head.pk)
            .order_by("id")
        )
        for manager in team:
            for _ in range(rng.randint(1, 3)):
                overdue = rng.random() < 0.25
                deadline = now + dt.timedelta(days=rng.randint(-3, -1) if overdue
                                              else rng.randint(1, 10))  # fmt: skip
                status = rng.choice((AssignmentStatus.NEW, AssignmentStatus.ACCEPTED,
                                     AssignmentStatus.IN_PROGRESS))  # fmt: skip
                task = Assignment.objects.create(
                    subject=rng.choice(TASKS),
                    author=head,
                    deadline=deadline,
                    importance=rng.choice((Importance.NORMAL,) * 3 + (Importance.HIGH,)),
                    status=status,
                    created_by=head,
                    updated_by=head,
                )
                task.performers.set([manager])
                made += 1
    return made


CLAIMS = (
    ("Повреждена упаковка при доставке", "Две коробки пришли с вмятинами, товар проверяем."),
    ("Недокомплект в поставке", "Не хватает трёх позиций по накладной."),
    ("Срыв сроков монтажа", "Монтаж перенесли дважды, клиент просит компенсацию."),
    ("Ошибка в счёте", "В счёте указана старая цена."),
    ("Брак оборудования", "Устройство не включается после установки."),
)
CLAIM_SHARE = 0.04  # of the won deals


def _claims(rng: random.Random, now: dt.datetime) -> int:
    """A few claims on won deals' clients, in every status, numbered ПР-000001 on."""
    won = Deal.objects.filter(stage__kind=StageKind.WON, responsible__isnull=False).order_by("id")
    rows: list[Claim] = []
    for deal in won.iterator(chunk_size=INSERT_BATCH):
        if rng.random() > CLAIM_SHARE:
            continue
        subject, description = rng.choice(CLAIMS)
        status = rng.choice(list(ClaimStatus))
        closed = status in (ClaimStatus.RESOLVED, ClaimStatus.REJECTED)
        created = now - dt.timedelta(days=rng.randint(1, 60))
        rows.append(
            Claim(
                number=f"ПР-{len(rows) + 1:06d}",
                subject=subject,
                description=description,
                counterparty_id=deal.counterparty_id,
                contact_person_id=deal.contact_person_id,
                severity=rng.choice(list(ClaimSeverity)),
                deadline=(created + dt.timedelta(days=rng.choice((5, 10, 14)))).date(),
                responsible_id=deal.responsible_id,
                status=status,
                resolution="Заменили товар, клиент доволен." if closed else "",
                closed_at=created + dt.timedelta(days=rng.randint(1, 10)) if closed else None,
                created_at=created,
                created_by_id=deal.responsible_id,
                updated_at=created,
                updated_by_id=deal.responsible_id,
            )
        )
    Claim.objects.bulk_create(rows, batch_size=INSERT_BATCH)
    # Claims registered later in the UI continue the numbering.
    DocumentCounter.objects.update_or_create(kind="claim", defaults={"value": len(rows)})
    return len(rows)


def activities_generate(
    *, seed: int, batch_size: int = INSERT_BATCH, after_batch: Callable[[], None] | None = None
) -> dict[str, int]:
    """Interactions for every deal, assignments per manager and the built-in reminders."""
    rng = random.Random(f"activities-{seed}")
    now = timezone.now()
    counts = {"interactions": 0, "assignments": 0, "claims": 0, "reminders": 0}
    deals = Deal.objects.filter(responsible__isnull=False).select_related("stage").order_by("id")
    last = 0
    while True:
        batch = list(deals.filter(pk__gt=last)[:batch_size])
        if not batch:
            break
        last = batch[-1].pk
        rows = _history(rng, batch, now) + _planned(rng, batch, now)
        with transaction.atomic():
            Interaction.objects.bulk_create(rows, batch_size=INSERT_BATCH)
        counts["interactions"] += len(rows)
        if after_batch is not None:
            after_batch()
    with transaction.atomic():
        counts["assignments"] = _assignments(rng, now)
        counts["claims"] = _claims(rng, now)
    counts["reminders"] = sum(reminders_sync(now=now).values())
    return counts


def activities_wipe() -> None:
    Notification.objects.all().delete()
    Reminder.objects.all().delete()
    Assignment.objects.all().delete()
    Interaction.objects.all().delete()
    Claim.objects.all().delete()
    DocumentCounter.objects.filter(kind="claim").delete()
