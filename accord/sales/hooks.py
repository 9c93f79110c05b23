"""What sales plugs into the apps below it, when they offer the hook: the handover of a
manager's clients (their open deals go along) and the list of object types for roles.

The hooks are looked up by name so that sales works with or without them.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accord.core.audit import log_action
from accord.sales.models import Deal

# code -> (label, actions, administrative)
OBJECT_TYPES: dict[str, tuple[Any, tuple[str, ...], bool]] = {
    "sales.deal": (_("Deals"), ("view", "add", "change", "delete", "export"), False),
    "sales.pipeline": (_("Pipelines"), ("view",), False),
    "sales.quote": (_("Quotes"), ("view", "add", "change", "export"), False),
    "sales.order": (_("Orders"), ("view", "add", "change", "export"), False),
    "sales.shipment": (_("Shipments"), ("view", "add", "change", "export"), False),
    "admin.sales_settings": (_("Sales settings"), ("view", "change"), True),
}


def _pk(user: Any) -> int:
    return int(getattr(user, "pk", user))


@transaction.atomic
def deals_handover(*, actor: Any, from_user: Any, to_user: Any, counterparty_ids: Any) -> int:
    """Pass the open deals of these counterparties from `from_user` to `to_user`."""
    ids = list(
        Deal.objects.open()
        .filter(counterparty_id__in=list(counterparty_ids), responsible_id=_pk(from_user))
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    moved = Deal.objects.filter(pk__in=ids).update(
        responsible_id=_pk(to_user), updated_by=actor, updated_at=timezone.now()
    )
    log_action(
        actor=actor,
        action="sales.deal.handed_over",
        label=f"{moved} deals",
        changes={"deals": ids, "responsible_id": [_pk(from_user), _pk(to_user)]},
    )
    return moved


def _module(name: str) -> Any:
    return importlib.import_module(name) if importlib.util.find_spec(name) else None


def register_hooks() -> None:
    handover = _module("accord.directory.handover")
    if handover is not None and hasattr(handover, "register_handover_step"):
        handover.register_handover_step(_("Open deals"), deals_handover)
    object_types = _module("accord.users.object_types")
    register = getattr(object_types, "register_object_type", None)
    if register is not None:
        for code, (label, actions, admin) in OBJECT_TYPES.items():
            register(code, label, actions=actions, admin=admin)
