"""The receivables page (debt per counterparty with ageing buckets) and the balance block
of the counterparty card."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accord.billing.models import PAYMENT
from accord.billing.receivables import counterparty_balance, receivables_report
from accord.core.errors import DomainError
from accord.directory.models import Counterparty
from accord.users.access import assignable_users, can
from accord.web.views.base import AuthedRequest

PAGE = "receivables/list.html"


@login_required
@require_GET
def receivables_list(request: AuthedRequest) -> HttpResponse:
    values = {name: request.GET.get(name, "") for name in ("responsible", "overdue", "sort")}
    context: dict[str, Any] = {"values": values, "error": "",
                               "managers": assignable_users(request.user)}  # fmt: skip
    try:
        report = receivables_report(viewer=request.user,
                                    filters={"responsible": values["responsible"]},
                                    overdue_only=values["overdue"] == "1")  # fmt: skip
    except DomainError:
        context["error"] = _("Choose a manager from the list.")
    else:
        rows = report.rows[::-1] if values["sort"] == "debt" else report.rows
        context |= {"report": report, "rows": rows}
    return render(request, PAGE, context)


def counterparty_balance_context(request: AuthedRequest, cp: Counterparty) -> dict[str, Any]:
    """The counterparty card's balance block: one query."""
    return {
        "cp_balance": counterparty_balance(viewer=request.user, counterparty_id=cp.pk),
        "can_add_payment": can(request.user, "add", PAYMENT),
    }
