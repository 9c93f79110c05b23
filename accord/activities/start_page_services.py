"""The user's own start page layout: which widgets show, and in what order."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accord.activities.models import StartPage
from accord.activities.selectors import WIDGETS, start_page_layout
from accord.core.audit import log_action
from accord.core.errors import ValidationFailedError

ACTIONS = ("up", "down", "hide", "show", "reset")


@transaction.atomic
def start_page_arrange(*, actor: Any, widget: str, action: str) -> StartPage:
    """Move a widget up or down, hide or show it, or go back to the default layout."""
    if action not in ACTIONS or (action != "reset" and widget not in WIDGETS):
        raise ValidationFailedError({"widget": [_("Choose a widget of the start page.")]})
    order, hidden = start_page_layout(viewer=actor)
    if action == "reset":
        order, hidden = list(WIDGETS), set()
    elif action in ("up", "down"):
        i = order.index(widget)
        j = i - 1 if action == "up" else i + 1
        if 0 <= j < len(order):
            order[i], order[j] = order[j], order[i]
    elif action == "hide":
        hidden.add(widget)
    else:
        hidden.discard(widget)
    row, _created = StartPage.objects.select_for_update().get_or_create(user=actor)
    row.order, row.hidden = order, sorted(hidden)
    row.save()
    log_action(
        actor=actor,
        action="activities.start_page.arranged",
        obj=row,
        changes={"widget": widget, "action": action},
    )
    return row
