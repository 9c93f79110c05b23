"""Reminders (the own list, the form, snooze and dismiss) and the bell of notifications in
the top bar, which polls its count every minute.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.activities import reminder_services as services
from accord.activities import selectors
from accord.activities.models import REMINDER, Reminder
from accord.activities.notification_services import notifications_mark_read
from accord.activities.recurrence import describe
from accord.core.errors import DomainError, NotFoundError
from accord.users.access import can
from accord.web.forms.activities import ReminderForm
from accord.web.forms.errors import submit
from accord.web.views.base import AuthedRequest, act, go, safe_next

LIST = "reminders/list.html"
FORM = "reminders/form.html"
BELL = "reminders/bell.html"


def reminder_or_404(request: AuthedRequest, pk: int) -> Reminder:
    try:
        return selectors.reminder_get(viewer=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None


@login_required
@require_GET
def reminder_list(request: AuthedRequest) -> HttpResponse:
    show_all = request.GET.get("all") == "1"
    try:
        page = selectors.reminders_page(
            viewer=request.user, include_done=show_all, cursor=request.GET.get("cursor") or None
        )
    except DomainError:
        raise Http404 from None  # a forged or stale page link
    for row in page.items:
        row.repeat_text = describe(row.rule) if row.rule else ""  # type: ignore[attr-defined]
    context = {"reminders": page.items, "page": page, "show_all": show_all,
               "may_add": can(request.user, "add", REMINDER)}  # fmt: skip
    return render(request, LIST, context)


@login_required
@require_http_methods(["GET", "POST"])
def reminder_create(request: AuthedRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("counterparty", "").isdigit():
        initial["counterparty_id"] = request.GET["counterparty"]
    data = request.POST if request.method == "POST" else None
    form = ReminderForm(data, user=request.user, initial=initial)
    if request.method == "POST":
        row = submit(form, lambda d: services.reminder_create(actor=request.user, data=d))
        if row is not None:
            messages.success(request, _("Reminder set."))
            return go(request, reverse("web:reminder_list"))
    return render(request, FORM, {"form": form, "reminder": None})


@login_required
@require_http_methods(["GET", "POST"])
def reminder_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    row = reminder_or_404(request, pk)
    data = request.POST if request.method == "POST" else None
    form = ReminderForm(data, user=request.user, instance=row)
    if request.method == "POST":
        saved = submit(form, lambda d: services.reminder_update(
            actor=request.user, reminder=row, data=d))  # fmt: skip
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return go(request, reverse("web:reminder_list"))
    return render(request, FORM, {"form": form, "reminder": row})


@login_required
@require_POST
def reminder_snooze(request: AuthedRequest, pk: int) -> HttpResponse:
    row = reminder_or_404(request, pk)
    delay = request.POST.get("delay", "")
    return act(
        request,
        lambda: services.reminder_snooze(actor=request.user, reminder=row, delay=delay),
        done=_("Snoozed."),
        back=safe_next(request, reverse("web:reminder_list")),
    )


@login_required
@require_POST
def reminder_dismiss(request: AuthedRequest, pk: int) -> HttpResponse:
    row = reminder_or_404(request, pk)
    return act(
        request,
        lambda: services.reminder_dismiss(actor=request.user, reminder=row),
        done=_("Dismissed."),
        back=safe_next(request, reverse("web:reminder_list")),
    )


# ---------------------------------------------------------------- the bell


@login_required
@require_GET
def bell(request: AuthedRequest) -> HttpResponse:
    """The bell's count (polled) and, when opened, the latest notifications."""
    context: dict[str, Any] = {"unread": selectors.unread_count(viewer=request.user),
                               "open": request.GET.get("open") == "1"}  # fmt: skip
    if context["open"]:
        context["notifications"] = selectors.notifications_recent(viewer=request.user)
    return render(request, BELL, context)


@login_required
@require_POST
def notifications_read(request: AuthedRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    notifications_mark_read(actor=request.user, ids=ids)
    return render(request, BELL, {"unread": selectors.unread_count(viewer=request.user)})
