"""Writes of reminders, their delivery by the worker, and the built-in reminders.

Delivery (`reminders_deliver`, every minute) turns each due reminder into a notification in
the owner's bell (and an e-mail copy), then moves it to its next occurrence; a reminder
missed while the worker was down fires once, not once per missed occurrence.

Built-in reminders (`reminders_sync`) are kept in step with the data: an expected payment
coming due, a contact person's birthday, an open deal without activity for N days. Each is
found again by its `source_key`, so a sync run twice makes nothing twice; when the reason
goes away (the payment arrives) the reminder is cleared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.activities.models import (
    REMINDER,
    Importance,
    InteractionStatus,
    NotificationKind,
    Reminder,
    ReminderKind,
    ReminderStatus,
    Repeat,
)
from accord.activities.notification_services import notify
from accord.activities.recurrence import WEEKDAYS, build_rule, check_rule, next_occurrence
from accord.activities.validation import (
    INTERACTION_LINKS,
    choice,
    clean_links,
    clean_responsible,
    ident,
    moment,
    text,
    unknown_fields,
)
from accord.billing.models import AWAITING_PAYMENT, ExpectedPayment
from accord.core.audit import diff, log_action, snapshot
from accord.core.errors import NotFoundError
from accord.directory.models import ContactPerson
from accord.directory.validation import Errors
from accord.sales.models import Deal
from accord.users.access import require

REMINDER_FIELDS = (
    "subject",
    "note",
    "importance",
    "starts_at",
    "repeat",
    "weekdays",
    "month_day",
    "rule",
    "owner_id",
    "counterparty_id",
    "contact_person_id",
    "deal_id",
    "order_id",
    "invoice_id",
    "claim_id",
)
AUDITED = (
    "subject",
    "note",
    "importance",
    "starts_at",
    "repeat",
    "rule",
    "next_at",
    "status",
    "owner_id",
    "counterparty_id",
    "contact_person_id",
    "deal_id",
    "order_id",
    "invoice_id",
    "claim_id",
)
# A one-off reminder may be set this much in the past (a form filled in slowly).
PAST_GRACE = dt.timedelta(minutes=5)
DELIVER_BATCH = 500
# Expected payments get a reminder this many days before they are due.
PAYMENT_NOTICE_DAYS = 3
BIRTHDAY_HOUR = 9
CLEAR_CHUNK = 500  # reminders cleared per UPDATE


def _weekdays(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or any(d not in WEEKDAYS for d in items):
        raise ValueError(_("Choose days of the week."))
    return list(items)


def _month_day(value: Any) -> int | None:
    day = ident(value) if value not in (-1, "-1") else -1
    if day is not None and day != -1 and not 1 <= day <= 31:
        raise ValueError(_("Choose a day from 1 to 31, or the last day of the month."))
    return day


def _current(row: Reminder | None) -> dict[str, Any]:
    if row is None:
        return {}
    current = {name: getattr(row, name, None) for name in REMINDER_FIELDS}
    # The form's choices are kept in the rule: a change of the subject alone keeps them.
    parts = dict(part.partition("=")[::2] for part in row.rule.split(";") if part)
    current["weekdays"] = parts.get("BYDAY") if row.repeat == Repeat.WEEKLY else None
    current["month_day"] = parts.get("BYMONTHDAY") if row.repeat == Repeat.MONTHLY else None
    return current


def clean_reminder(
    data: Mapping[str, Any], *, actor: Any, instance: Reminder | None = None
) -> dict[str, Any]:
    """Clean values of a reminder, with its rule built and checked and its next time."""
    errors = Errors()
    unknown_fields(data, REMINDER_FIELDS, errors)
    merged = {**_current(instance), **{k: v for k, v in data.items() if k in REMINDER_FIELDS}}
    out: dict[str, Any] = {
        "subject": errors.check("subject", text, merged.get("subject"), 255) or "",
        "note": errors.check("note", text, merged.get("note"), 20000) or "",
        "importance": errors.check(
            "importance", choice, merged.get("importance"), Importance, Importance.NORMAL
        ),
        "starts_at": errors.check("starts_at", moment, merged.get("starts_at")),
        "repeat": errors.check("repeat", choice, merged.get("repeat") or "", Repeat, ""),
    }
    if out["starts_at"] is not None:
        # Repetitions are computed to the second (dateutil drops the microseconds).
        out["starts_at"] = out["starts_at"].replace(microsecond=0)
    if not out["subject"] and "subject" not in errors.fields:
        errors.add("subject", _("This field is required."))
    if out["starts_at"] is None and "starts_at" not in errors.fields:
        errors.add("starts_at", _("This field is required."))
    _clean_rule(data, merged, instance, out, errors)
    clean_links(
        merged,
        actor=actor,
        out=out,
        errors=errors,
        links=INTERACTION_LINKS,
        counterparty_required=False,
    )
    clean_responsible(
        merged,
        actor=actor,
        current=instance.owner_id if instance else None,
        out=out,
        errors=errors,
        field="owner_id",
    )
    errors.raise_if_any()
    return out


def _clean_rule(
    data: Mapping[str, Any],
    merged: Mapping[str, Any],
    instance: Reminder | None,
    out: dict[str, Any],
    errors: Errors,
) -> None:
    starts_at, repeat = out["starts_at"], out["repeat"]
    if starts_at is None or "repeat" in errors.fields:
        return
    field = "rule" if repeat == Repeat.RULE else "repeat"
    try:
        if repeat == Repeat.RULE:
            rule = text(merged.get("rule"), 300).upper()
            if not rule:
                raise ValueError(_("Enter the repetition rule."))
        elif repeat:
            rule = build_rule(
                repeat,
                starts_at=starts_at,
                weekdays=errors.check("weekdays", _weekdays, merged.get("weekdays")),
                month_day=errors.check("month_day", _month_day, merged.get("month_day")),
            )
        else:
            rule = ""
        first = check_rule(rule, starts_at=starts_at)
    except ValueError as exc:
        errors.add(field, str(exc))
        return
    # A form posts every field back: a start left as it was is not a new one.
    changed = instance is None or starts_at != instance.starts_at
    if not rule and changed and starts_at < timezone.now() - PAST_GRACE:
        errors.add("starts_at", _("A reminder that does not repeat cannot be in the past."))
    out["rule"] = rule
    now = timezone.now()
    if not rule:
        # A one-off that has fired (or was snoozed) keeps its next time while its start stays.
        out["next_at"] = first if changed or instance is None or instance.rule else instance.next_at
        return
    # A repeating reminder starting in the past fires next at its first coming occurrence.
    out["next_at"] = (
        first if first >= now else next_occurrence(rule, starts_at=starts_at, after=now)
    )
    if out["next_at"] is None:
        errors.add(field, _("This repetition rule does not fire after now."))


def _locked(actor: Any, reminder: Reminder | int) -> Reminder:
    pk = reminder.pk if isinstance(reminder, Reminder) else reminder
    # Lock the row alone: a department scope outer-joins the users, which PostgreSQL
    # cannot lock ("FOR UPDATE cannot be applied to the nullable side of an outer join").
    row = Reminder.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=pk).first()
    if row is None:
        raise NotFoundError
    return row


@transaction.atomic
def reminder_create(*, actor: Any, data: Mapping[str, Any]) -> Reminder:
    require(actor, "add", REMINDER)
    cleaned = clean_reminder(data, actor=actor)
    row = Reminder.objects.create(**cleaned, created_by=actor, updated_by=actor)
    log_action(
        actor=actor,
        action="activities.reminder.created",
        obj=row,
        changes=snapshot(row, AUDITED),
    )
    return row


@transaction.atomic
def reminder_update(*, actor: Any, reminder: Reminder | int, data: Mapping[str, Any]) -> Reminder:
    require(actor, "change", REMINDER)
    row = _locked(actor, reminder)
    cleaned = clean_reminder(data, actor=actor, instance=row)
    before = snapshot(row, AUDITED)
    for name, value in cleaned.items():
        setattr(row, name, value)
    row.status = ReminderStatus.ACTIVE
    changes = diff(before, snapshot(row, AUDITED))
    if changes:
        row.updated_at, row.updated_by = timezone.now(), actor
        row.save()
        log_action(actor=actor, action="activities.reminder.updated", obj=row, changes=changes)
    return row


SNOOZE_CHOICES = {"15m": dt.timedelta(minutes=15), "1h": dt.timedelta(hours=1),
                  "3h": dt.timedelta(hours=3), "1d": dt.timedelta(days=1),
                  "1w": dt.timedelta(weeks=1)}  # fmt: skip


@transaction.atomic
def reminder_snooze(*, actor: Any, reminder: Reminder | int, delay: Any) -> Reminder:
    """Fire again after `delay` (a key of SNOOZE_CHOICES); the repetition goes on after."""
    require(actor, "change", REMINDER)
    row = _locked(actor, reminder)
    if delay not in SNOOZE_CHOICES:
        errors = Errors()
        errors.add("delay", _("Choose how long to snooze."))
        errors.raise_if_any()
    if row.status != ReminderStatus.ACTIVE:
        errors = Errors()
        errors.add("delay", _("Only an active reminder can be snoozed."))
        errors.raise_if_any()
    before = row.next_at
    row.next_at = timezone.now() + SNOOZE_CHOICES[delay]
    row.updated_at, row.updated_by = timezone.now(), actor
    row.save()
    log_action(
        actor=actor,
        action="activities.reminder.snoozed",
        obj=row,
        changes={"next_at": [before.isoformat() if before else None, row.next_at.isoformat()]},
    )
    return row


@transaction.atomic
def reminder_dismiss(*, actor: Any, reminder: Reminder | int) -> Reminder:
    """Stop the reminder for good (a built-in one is not made again for the same reason)."""
    require(actor, "change", REMINDER)
    row = _locked(actor, reminder)
    if row.status == ReminderStatus.ACTIVE:
        row.status = ReminderStatus.DISMISSED
        row.updated_at, row.updated_by = timezone.now(), actor
        row.save()
        log_action(
            actor=actor,
            action="activities.reminder.dismissed",
            obj=row,
            changes={"status": [ReminderStatus.ACTIVE, ReminderStatus.DISMISSED]},
        )
    return row


@transaction.atomic
def reminder_delete(*, actor: Any, reminder: Reminder | int) -> None:
    require(actor, "delete", REMINDER)
    row = _locked(actor, reminder)
    log_action(
        actor=actor, action="activities.reminder.deleted", obj=row, changes=snapshot(row, AUDITED)
    )
    row.delete()


# ---------------------------------------------------------------- delivery


def _about(row: Reminder) -> Any:
    for name in ("deal", "invoice", "order", "claim", "counterparty"):
        if getattr(row, f"{name}_id"):
            return getattr(row, name)
    return None


def _still_due(row: Reminder) -> bool:
    """False when a built-in reminder's reason has gone away since the last sync."""
    if row.kind == ReminderKind.PAYMENT_DUE and row.expected_payment_id:
        plan = row.expected_payment
        return bool(
            plan is not None
            and plan.paid_amount < plan.amount
            and plan.invoice.status in AWAITING_PAYMENT
        )
    return True


def reminders_deliver(*, now: dt.datetime | None = None, limit: int = DELIVER_BATCH) -> int:
    """Fire every due reminder once: a notification for its owner, then its next time.

    Each reminder is claimed with a compare-and-set on `next_at`, so with several workers
    a reminder fires once.
    """
    now = now or timezone.now()
    due = list(
        Reminder.objects.due(now)
        .select_related(
            "owner",
            "expected_payment__invoice",
            "deal",
            "invoice",
            "order",
            "claim",
            "counterparty",
        )
        .order_by("next_at", "id")[:limit]
    )
    fired = 0
    for row in due:
        following = (
            next_occurrence(row.rule, starts_at=row.starts_at, after=now) if row.rule else None
        )
        with transaction.atomic():
            if not _still_due(row):
                Reminder.objects.filter(pk=row.pk, next_at=row.next_at).update(
                    status=ReminderStatus.CLEARED, next_at=None
                )
                continue
            claimed = Reminder.objects.filter(
                pk=row.pk, next_at=row.next_at, status=ReminderStatus.ACTIVE
            ).update(next_at=following, fired_at=now)
            if not claimed:
                continue
            notify(
                recipients=[row.owner],
                kind=NotificationKind.REMINDER,
                title=row.subject,
                text=row.note,
                url=row.get_absolute_url(),
                about=_about(row),
                reminder=row,
            )
            fired += 1
    return fired


# ---------------------------------------------------------------- built-in reminders


def _local_at(day: dt.date, hour: int = BIRTHDAY_HOUR) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _ensure(owner_id: int, key: str, values: dict[str, Any]) -> bool:
    """Create the built-in reminder `key` of `owner_id` unless it exists; True if created."""
    if Reminder.objects.filter(owner_id=owner_id, source_key=key).exists():
        return False
    try:
        with transaction.atomic():
            Reminder.objects.create(owner_id=owner_id, source_key=key, **values)
    except IntegrityError:  # another worker made it a moment ago
        return False
    return True


def _sync_payments(today: dt.date) -> int:
    made = 0
    plans = (
        ExpectedPayment.objects.filter(
            paid_amount__lt=F("amount"),
            invoice__status__in=AWAITING_PAYMENT,
            invoice__responsible__isnull=False,
            due_date__lte=today + dt.timedelta(days=PAYMENT_NOTICE_DAYS),
            due_date__gte=today - dt.timedelta(days=30),
        )
        .select_related("invoice")
        .order_by("due_date", "id")
    )
    for plan in plans.iterator(chunk_size=1000):
        invoice = plan.invoice
        assert invoice.responsible_id is not None  # filtered above
        when = max(
            _local_at(plan.due_date - dt.timedelta(days=PAYMENT_NOTICE_DAYS)), timezone.now()
        )
        made += _ensure(
            invoice.responsible_id,
            f"payment:{plan.pk}",
            {
                "kind": ReminderKind.PAYMENT_DUE,
                "subject": _("Payment due %(date)s: invoice %(number)s, %(amount)s")
                % {
                    "date": plan.due_date.strftime("%d.%m.%Y"),
                    "number": invoice.number or invoice.pk,
                    "amount": plan.amount - plan.paid_amount,
                },
                "importance": Importance.HIGH,
                "starts_at": when,
                "next_at": when,
                "counterparty_id": invoice.counterparty_id,
                "invoice_id": invoice.pk,
                "expected_payment_id": plan.pk,
            },
        )
    # Cleared when paid or when the invoice no longer waits for money.
    Reminder.objects.filter(kind=ReminderKind.PAYMENT_DUE, status=ReminderStatus.ACTIVE).filter(
        Q(expected_payment__isnull=True)
        | Q(expected_payment__paid_amount__gte=F("expected_payment__amount"))
        | ~Q(expected_payment__invoice__status__in=AWAITING_PAYMENT)
    ).update(status=ReminderStatus.CLEARED, next_at=None)
    return made


def _next_birthday(born: dt.date, today: dt.date) -> dt.date:
    for year in (today.year, today.year + 1):
        try:
            day = born.replace(year=year)
        except ValueError:  # 29 February in a common year: the last day of February
            day = dt.date(year, 2, 28)
        if day >= today:
            return day
    return dt.date(today.year + 1, born.month, min(born.day, 28))


def _sync_birthdays(today: dt.date) -> int:
    made = 0
    # Only the people whose manager has no birthday reminder for them yet: one query, so
    # a sync over a million contacts does not look each of them up again.
    reminded = Reminder.objects.filter(
        kind=ReminderKind.BIRTHDAY,
        contact_person_id=OuterRef("pk"),
        owner_id=OuterRef("counterparty__responsible_id"),
    )
    people = (
        ContactPerson.objects.filter(
            birthday__isnull=False, counterparty__responsible__isnull=False
        )
        .filter(~Exists(reminded))
        .select_related("counterparty")
    )
    for person in people.iterator(chunk_size=1000):
        assert person.birthday is not None
        owner = person.counterparty.responsible_id
        assert owner is not None
        when = _local_at(_next_birthday(person.birthday, today))
        rule = build_rule(
            "yearly", starts_at=_local_at(person.birthday), weekdays=None, month_day=None
        )
        made += _ensure(
            owner,
            f"birthday:{person.pk}",
            {
                "kind": ReminderKind.BIRTHDAY,
                "subject": _("Birthday: %(name)s (%(company)s)")
                % {"name": person.name, "company": person.counterparty.name},
                "starts_at": when,
                "next_at": when,
                "repeat": Repeat.YEARLY,
                "rule": rule,
                "counterparty_id": person.counterparty_id,
                "contact_person_id": person.pk,
            },
        )
    # A client handed over to another manager: the old manager's birthday reminders go.
    Reminder.objects.filter(kind=ReminderKind.BIRTHDAY, status=ReminderStatus.ACTIVE).exclude(
        owner_id=F("counterparty__responsible_id")
    ).update(status=ReminderStatus.CLEARED, next_at=None)
    return made


def _sync_idle_deals(now: dt.datetime) -> int:
    days = settings.ACCORD_DEAL_IDLE_DAYS
    if days <= 0:
        return 0
    made = 0
    limit = now - dt.timedelta(days=days)
    last_touch = Max(
        "interactions__starts_at", filter=Q(interactions__status=InteractionStatus.DONE)
    )
    deals = (
        Deal.objects.open()
        .filter(responsible__isnull=False, stage_entered_at__lt=limit)
        .annotate(last_touch=last_touch)
        .filter(Q(last_touch__isnull=True) | Q(last_touch__lt=limit))
    )
    current: set[str] = set()
    for deal in deals.iterator(chunk_size=1000):
        assert deal.responsible_id is not None
        quiet_since = max(filter(None, [deal.stage_entered_at, deal.last_touch]))  # type: ignore[attr-defined]
        key = f"deal_idle:{deal.pk}:{quiet_since:%Y%m%d}"
        current.add(key)
        made += _ensure(
            deal.responsible_id,
            key,
            {
                "kind": ReminderKind.DEAL_IDLE,
                "subject": _("No activity on the deal for %(days)d days: %(title)s")
                % {"days": (now - quiet_since).days, "title": deal.title},
                "starts_at": now,
                "next_at": now,
                "counterparty_id": deal.counterparty_id,
                "deal_id": deal.pk,
            },
        )
    # Activity came back (or the deal closed): the reminder of the quiet period goes. The
    # keys are compared here, not in SQL: an IN list of every quiet deal would pass
    # SQLite's limit on parameters.
    active = Reminder.objects.filter(kind=ReminderKind.DEAL_IDLE, status=ReminderStatus.ACTIVE)
    stale = [pk for pk, key in active.values_list("pk", "source_key") if key not in current]
    for start in range(0, len(stale), CLEAR_CHUNK):
        Reminder.objects.filter(pk__in=stale[start : start + CLEAR_CHUNK]).update(
            status=ReminderStatus.CLEARED, next_at=None
        )
    return made


def reminders_sync(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Bring the built-in reminders in step with the data; answer how many were made."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return {
        "payment_due": _sync_payments(today),
        "birthday": _sync_birthdays(today),
        "deal_idle": _sync_idle_deals(now),
    }
