"""Forms of the activities pages: interactions (and completing one with a follow-up),
assignments with their status moves and notes, reminders, and the lists' filters.

The services check every value and rule; the forms only offer choices and carry errors.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accord.activities.models import (
    Assignment,
    AssignmentStatus,
    CallResult,
    Direction,
    Importance,
    Interaction,
    InteractionKind,
    InteractionStatus,
    Reminder,
    Repeat,
)
from accord.activities.recurrence import WEEKDAY_NAMES, WEEKDAYS
from accord.directory.models import Counterparty
from accord.sales.models import Deal
from accord.sales.selectors import counterparties_for_deal
from accord.users.models import User
from accord.web.forms.counterparties import set_choices, user_choices
from accord.web.forms.errors import DomainForm
from accord.web.forms.filters import FilterForm

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""


class InteractionFilterForm(FilterForm):
    q = forms.CharField(required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False,
        choices=_blank(_("Any kind")) + list(InteractionKind.choices),
    )  # fmt: skip
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=_blank(_("Any status")) + list(InteractionStatus.choices),
    )  # fmt: skip
    when = forms.ChoiceField(
        label=_("When"), required=False,
        choices=[("", _("Any time")), ("today", _("Today")), ("overdue", _("Overdue")),
                 ("upcoming", _("Upcoming"))],
    )  # fmt: skip
    responsible = forms.ChoiceField(label=_("Responsible"), required=False)
    counterparty = forms.IntegerField(required=False, min_value=1)
    sort = forms.ChoiceField(
        required=False, choices=[("-starts_at", "-starts_at"), ("starts_at", "starts_at")]
    )
    cursor = forms.CharField(required=False, max_length=500)

    FILTERS = ("kind", "status", "when", "responsible", "counterparty")

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data)
        people = user_choices(user)
        set_choices(self, "responsible", _blank(_("Anyone responsible")) + people)
        self.show_responsible = len(people) > 1


def _counterparty_options(
    form: DomainForm, user: User, chosen: Counterparty | None, field: str = "counterparty_id"
) -> None:
    options = counterparties_for_deal(viewer=user, query="")
    if chosen is not None and chosen.pk not in {c.pk for c in options}:
        options.insert(0, chosen)
    set_choices(form, field, _blank("—") + [(str(c.pk), c.name) for c in options])


def _chosen(user: User, data: Any, initial: Any, field: str = "counterparty_id") -> Any:
    raw = (data or {}).get(field) or (initial or {}).get(field)
    if not raw or not str(raw).isdigit():
        return None
    return Counterparty.objects.visible_to(user).filter(pk=int(raw)).first()


class InteractionForm(DomainForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=InteractionKind.choices)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in InteractionStatus if s != "cancelled"],
    )
    subject = forms.CharField(
        label=_("Subject"), required=False, max_length=255,
        widget=forms.TextInput(attrs={"data-autofocus": ""}),
    )  # fmt: skip
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME)
    direction = forms.ChoiceField(label=_("Direction"), required=False, choices=Direction.choices)
    duration_minutes = forms.IntegerField(label=_("Duration, min"), required=False, min_value=0)
    place = forms.CharField(label=_("Place"), required=False, max_length=255)
    counterparty_id = forms.ChoiceField(label=_("Counterparty"))
    contact_person_id = forms.ChoiceField(label=_("Contact person"), required=False)
    deal_id = forms.ChoiceField(label=_("Deal"), required=False)
    responsible_id = forms.ChoiceField(label=_("Responsible"), required=False)
    participant_ids = forms.MultipleChoiceField(
        label=_("Participants"), required=False, widget=forms.SelectMultiple(attrs={"size": 3})
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    call_result = forms.ChoiceField(
        label=_("Call result"), required=False, choices=_blank("—") + list(CallResult.choices)
    )
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    service_required = ("counterparty_id", "starts_at")

    def __init__(
        self,
        data: Any = None,
        *,
        user: User,
        instance: Interaction | None = None,
        initial: dict[str, Any] | None = None,
    ) -> None:
        if instance is not None:
            initial = {name: getattr(instance, name, None) for name in self.fields_for_service()}
            initial["starts_at"] = _local(instance.starts_at)
            initial["participant_ids"] = [str(u.pk) for u in instance.participants.all()]
        else:
            initial = {"responsible_id": user.pk, "kind": "call", "status": "planned",
                       "starts_at": _local(timezone.now()), **(initial or {})}  # fmt: skip
        super().__init__(data, initial=initial)
        self.instance = instance
        chosen = _chosen(user, data, initial)
        self.counterparty = chosen
        _counterparty_options(self, user, chosen)
        people = chosen.contact_persons.all() if chosen is not None else []
        set_choices(self, "contact_person_id", _blank("—") + [(str(p.pk), p.name) for p in people])
        deals = Deal.objects.visible_to(user).filter(counterparty=chosen) if chosen else []
        set_choices(self, "deal_id", _blank("—") + [(str(d.pk), d.title) for d in deals])
        keep = instance.responsible if instance is not None else None
        set_choices(self, "responsible_id", user_choices(user, keep=keep))
        users = User.objects.filter(is_active=True)
        set_choices(self, "participant_ids", [(str(u.pk), str(u)) for u in users])

    @staticmethod
    def fields_for_service() -> tuple[str, ...]:
        return (
            "kind", "status", "subject", "starts_at", "direction", "duration_minutes", "place",
            "counterparty_id", "contact_person_id", "deal_id", "responsible_id", "participant_ids",
            "description", "call_result", "outcome",
        )  # fmt: skip

    def to_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["participant_ids"] = [int(i) for i in data.get("participant_ids") or []]
        return data


class CompleteForm(DomainForm):
    """Mark a planned interaction done, and optionally plan the next one."""

    outcome = forms.CharField(
        label=_("Outcome"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-autofocus": ""}),
    )  # fmt: skip
    call_result = forms.ChoiceField(
        label=_("Call result"), required=False, choices=_blank("—") + list(CallResult.choices)
    )
    duration_minutes = forms.IntegerField(label=_("Duration, min"), required=False, min_value=0)
    plan_next = forms.BooleanField(label=_("Plan the next one"), required=False)
    next_kind = forms.ChoiceField(label=_("Kind"), choices=InteractionKind.choices, required=False)
    next_at = forms.DateTimeField(label=_("When"), required=False, widget=DATETIME)
    next_subject = forms.CharField(label=_("Subject"), required=False, max_length=255)

    def field_for(self, key: str) -> str | None:
        if key.startswith("follow_up."):
            name = {"starts_at": "next_at", "kind": "next_kind", "subject": "next_subject"}.get(
                key.split(".", 1)[1]
            )
            return name
        return super().field_for(key)

    def result(self) -> dict[str, Any]:
        data = self.cleaned_data
        out = {"outcome": data.get("outcome") or ""}
        if data.get("call_result"):
            out["call_result"] = data["call_result"]
        if data.get("duration_minutes") is not None:
            out["duration_minutes"] = data["duration_minutes"]
        return out

    def follow_up(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("plan_next"):
            return None
        follow: dict[str, Any] = {"starts_at": data.get("next_at")}
        if data.get("next_kind"):
            follow["kind"] = data["next_kind"]
        if data.get("next_subject"):
            follow["subject"] = data["next_subject"]
        return follow


class AssignmentFilterForm(FilterForm):
    box = forms.ChoiceField(
        required=False,
        choices=[("mine", _("To me")), ("given", _("Given by me")), ("all", _("All"))],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("Any status")), ("open", _("Open")), ("overdue", _("Overdue")),
                 *AssignmentStatus.choices],
    )  # fmt: skip
    sort = forms.ChoiceField(
        required=False, choices=[("deadline", "deadline"), ("-created_at", "-created_at")]
    )
    cursor = forms.CharField(required=False, max_length=500)

    FILTERS = ("status",)


class AssignmentForm(DomainForm):
    subject = forms.CharField(
        label=_("Subject"), required=False, max_length=255,
        widget=forms.TextInput(attrs={"data-autofocus": ""}),
    )  # fmt: skip
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    performer_ids = forms.MultipleChoiceField(
        label=_("Performers"), required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )
    deadline = forms.DateTimeField(label=_("Deadline"), required=False, widget=DATETIME)
    importance = forms.ChoiceField(label=_("Importance"), choices=Importance.choices)
    counterparty_id = forms.ChoiceField(label=_("Counterparty"), required=False)
    deal_id = forms.ChoiceField(label=_("Deal"), required=False)

    service_required = ("subject", "performer_ids")

    def __init__(
        self,
        data: Any = None,
        *,
        user: User,
        instance: Assignment | None = None,
        initial: dict[str, Any] | None = None,
    ) -> None:
        if instance is not None:
            initial = {
                "subject": instance.subject,
                "description": instance.description,
                "performer_ids": [str(u.pk) for u in instance.performers.all()],
                "deadline": _local(instance.deadline),
                "importance": instance.importance,
                "counterparty_id": instance.counterparty_id,
                "deal_id": instance.deal_id,
            }
        else:
            initial = {"importance": Importance.NORMAL, **(initial or {})}
        super().__init__(data, initial=initial)
        chosen = _chosen(user, data, initial)
        _counterparty_options(self, user, chosen)
        deals = Deal.objects.visible_to(user).filter(counterparty=chosen) if chosen else []
        set_choices(self, "deal_id", _blank("—") + [(str(d.pk), d.title) for d in deals])
        users = User.objects.filter(is_active=True).order_by("last_name", "first_name", "id")
        set_choices(self, "performer_ids", [(str(u.pk), str(u)) for u in users])

    def to_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["performer_ids"] = [int(i) for i in data.get("performer_ids") or []]
        return data


class ReminderForm(DomainForm):
    subject = forms.CharField(
        label=_("Remind me of"), required=False, max_length=255,
        widget=forms.TextInput(attrs={"data-autofocus": ""}),
    )  # fmt: skip
    starts_at = forms.DateTimeField(label=_("When"), required=False, widget=DATETIME)
    repeat = forms.ChoiceField(label=_("Repeat"), required=False, choices=Repeat.choices)
    weekdays = forms.MultipleChoiceField(
        label=_("On days"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=list(zip(WEEKDAYS, WEEKDAY_NAMES, strict=True)),
    )  # fmt: skip
    month_day = forms.ChoiceField(
        label=_("Day of the month"), required=False,
        choices=_blank("—") + [(str(d), str(d)) for d in range(1, 32)]
        + [("-1", _("The last day"))],
    )  # fmt: skip
    rule = forms.CharField(
        label=_("Rule (RFC 5545)"), required=False, max_length=300,
        help_text=_("For example FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
    )  # fmt: skip
    importance = forms.ChoiceField(label=_("Importance"), choices=Importance.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    counterparty_id = forms.ChoiceField(label=_("Counterparty"), required=False)

    service_required = ("subject", "starts_at")

    def __init__(
        self,
        data: Any = None,
        *,
        user: User,
        instance: Reminder | None = None,
        initial: dict[str, Any] | None = None,
    ) -> None:
        if instance is not None:
            initial = {
                "subject": instance.subject, "starts_at": _local(instance.starts_at),
                "repeat": instance.repeat, "rule": instance.rule,
                "importance": instance.importance, "note": instance.note,
                "counterparty_id": instance.counterparty_id,
            }  # fmt: skip
        else:
            start = timezone.localtime() + dt.timedelta(hours=1)
            initial = {"importance": Importance.NORMAL,
                       "starts_at": start.replace(minute=0).strftime("%Y-%m-%dT%H:%M"),
                       **(initial or {})}  # fmt: skip
        super().__init__(data, initial=initial)
        _counterparty_options(self, user, _chosen(user, data, initial))

    def to_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        repeat = data.get("repeat") or ""
        if repeat != "weekly":
            data.pop("weekdays", None)
        if repeat != "monthly":
            data.pop("month_day", None)
        if repeat != "rule":
            data.pop("rule", None)
        return data
