"""Assignment pages: the lists (to me, given by me, all I see, with overdue counts per
performer), the card with its status moves and progress notes, and the form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.activities import assignment_services as services
from accord.activities import selectors
from accord.activities.models import ASSIGNMENT, Assignment, AssignmentStatus
from accord.core.errors import DomainError, NotFoundError
from accord.users.access import can
from accord.web.forms.activities import (
    AssignmentFilterForm,
    AssignmentForm,
)
from accord.web.forms.errors import submit
from accord.web.views.base import AuthedRequest, act, go, is_fragment

LIST = "assignments/list.html"
CARD = "assignments/card.html"
FORM = "assignments/form.html"
# The button words of each move, as the person making it says it.
MOVE_LABELS = {
    AssignmentStatus.ACCEPTED: gettext_lazy("Accept"),
    AssignmentStatus.IN_PROGRESS: pgettext_lazy("begin work on an assignment", "Start"),
    AssignmentStatus.DONE: gettext_lazy("Done"),
    AssignmentStatus.CHECKED: gettext_lazy("Accept the result"),
    AssignmentStatus.RETURNED: gettext_lazy("Return for rework"),
    AssignmentStatus.CANCELLED: gettext_lazy("Cancel the assignment"),
}


def assignment_or_404(request: AuthedRequest, pk: int) -> Assignment:
    try:
        return selectors.assignment_get(viewer=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None


def list_context(request: AuthedRequest) -> dict[str, Any]:
    form = AssignmentFilterForm(request.GET)
    values = form.values()
    box = values["box"] or "mine"
    result, error = None, ""
    try:
        result = selectors.assignments_list(
            viewer=request.user, box=box, filters=form.filters(),
            sort=values["sort"] or "deadline", cursor=values["cursor"] or None,
        )  # fmt: skip
    except DomainError:
        error = _("This page link is out of date. Start again from the first page.")
    return {
        "filters": form,
        "values": values,
        "box": box,
        "result": result,
        "error": error,
        "overdue": selectors.overdue_by_performer(viewer=request.user) if box == "all" else [],
        "may_add": can(request.user, "add", ASSIGNMENT),
    }


@login_required
@require_GET
def assignment_list(request: AuthedRequest) -> HttpResponse:
    template = f"{LIST}#results" if is_fragment(request) else LIST
    return render(request, template, list_context(request))


@login_required
@require_GET
def assignment_card(request: AuthedRequest, pk: int) -> HttpResponse:
    row = assignment_or_404(request, pk)
    moves = services.allowed_moves(request.user, row)
    context = {
        "assignment": row,
        "moves": [(status, MOVE_LABELS[AssignmentStatus(status)]) for status in moves],
        "may_edit": row.is_open and row.author_id == request.user.pk,
    }
    return render(request, CARD, context)


def _form_page(
    request: AuthedRequest, form: AssignmentForm, row: Assignment | None
) -> HttpResponse:
    return render(request, FORM, {"form": form, "assignment": row})


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request: AuthedRequest) -> HttpResponse:
    initial = {}
    for name in ("counterparty", "deal"):
        if request.GET.get(name, "").isdigit():
            initial[f"{name}_id"] = request.GET[name]
    data = request.POST if request.method == "POST" else None
    form = AssignmentForm(data, user=request.user, initial=initial)
    if request.method == "POST":
        row = submit(form, lambda d: services.assignment_create(actor=request.user, data=d))
        if row is not None:
            messages.success(request, _("The assignment is given."))
            return go(request, reverse("web:assignment_card", args=[row.pk]))
    return _form_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    row = assignment_or_404(request, pk)
    data = request.POST if request.method == "POST" else None
    form = AssignmentForm(data, user=request.user, instance=row)
    if request.method == "POST":
        saved = submit(form, lambda d: services.assignment_update(
            actor=request.user, assignment=row, data=d))  # fmt: skip
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return go(request, reverse("web:assignment_card", args=[row.pk]))
    return _form_page(request, form, row)


@login_required
@require_POST
def assignment_move(request: AuthedRequest, pk: int) -> HttpResponse:
    row = assignment_or_404(request, pk)
    status, comment = request.POST.get("status", ""), request.POST.get("comment", "")
    return act(
        request,
        lambda: services.assignment_move(
            actor=request.user, assignment=row, status=status, comment=comment
        ),
        done=_("Status changed."),
        back=reverse("web:assignment_card", args=[row.pk]),
    )


@login_required
@require_POST
def assignment_note(request: AuthedRequest, pk: int) -> HttpResponse:
    row = assignment_or_404(request, pk)
    text = request.POST.get("text", "")
    return act(
        request,
        lambda: services.assignment_note_add(actor=request.user, assignment=row, text_=text),
        done=_("Note added."),
        back=reverse("web:assignment_card", args=[row.pk]),
    )
