"""Each user's start page: today's and overdue interactions, assignments to and by the user,
reminders, the own pipeline by stage and the month's figures, each a widget the user can
move or hide.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from accord.activities import selectors
from accord.activities.start_page_services import start_page_arrange
from accord.core.errors import DomainError
from accord.web.views.base import AuthedRequest, go

TITLES = {
    "today": _("Today"),
    "assignments_mine": _("Assignments to me"),
    "assignments_given": _("Assignments I gave"),
    "reminders": _("Reminders"),
    "pipeline": _("My pipeline"),
    "kpi": _("My month"),
}
WIDGET_ROWS = 8


def _widget_data(request: AuthedRequest, key: str) -> dict[str, Any]:
    user = request.user
    if key == "today":
        return selectors.today_interactions(viewer=user)
    if key in ("assignments_mine", "assignments_given"):
        box = "mine" if key == "assignments_mine" else "given"
        rows = selectors.assignments_filtered(viewer=user, box=box, filters={"status": "open"})
        return {"rows": list(rows.order_by("deadline", "id")[:WIDGET_ROWS]),
                "box": box}  # fmt: skip
    if key == "reminders":
        return {"rows": list(selectors.reminders_of(viewer=user)[:WIDGET_ROWS])}
    if key == "pipeline":
        return {"stages": selectors.my_pipeline(viewer=user)}
    return {"kpi": selectors.my_kpis(viewer=user)}


@login_required
@require_GET
def start_page(request: AuthedRequest) -> HttpResponse:
    order, hidden = selectors.start_page_layout(viewer=request.user)
    widgets = [
        {"key": key, "title": TITLES[key], "first": i == 0, "last": i == len(order) - 1,
         **_widget_data(request, key)}
        for i, key in enumerate(order)
        if key not in hidden
    ]  # fmt: skip
    context = {"widgets": widgets, "hidden": [(k, TITLES[k]) for k in order if k in hidden]}
    return render(request, "start/page.html", context)


@login_required
@require_POST
def start_page_layout(request: AuthedRequest) -> HttpResponse:
    # A stale button is ignored: the page shows the layout as it is.
    with contextlib.suppress(DomainError):
        start_page_arrange(
            actor=request.user,
            widget=request.POST.get("widget", ""),
            action=request.POST.get("action", ""),
        )
    return go(request, reverse("web:home"))
