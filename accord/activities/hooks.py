"""What activities plugs into the apps below it: object types for roles, and the hand-over
of a manager's clients (their planned interactions and active reminders go along).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accord.activities.models import Interaction, InteractionStatus
from accord.core.audit import log_action

# code -> (label, actions, administrative)
OBJECT_TYPES: dict[str, tuple[Any, tuple[str, ...], bool]] = {
    "activities.interaction": (
        _("Interactions"), ("view", "add", "change", "delete", "export"), False
    ),
    "activities.assignment": (_("Assignments"), ("view", "add", "change", "delete"), False),
    "activities.reminder": (_("Reminders"), ("view", "add", "change", "delete"), False),
    "activities.claim": (_("Claims"), ("view", "add", "change", "delete", "export"), False),
    "activities.process": (_("Business processes"), ("view", "add", "change"), False),
    "admin.processes": (_("Process templates"), ("view", "change"), True),
}  # fmt: skip


def _pk(user: Any) -> int:
    return int(getattr(user, "pk", user))


@transaction.atomic
def interactions_handover(
    *, actor: Any, from_user: Any, to_user: Any, counterparty_ids: Any
) -> int:
    """Pass the planned interactions with these counterparties to the new manager."""
    ids = list(
        Interaction.objects.filter(
            counterparty_id__in=list(counterparty_ids),
            responsible_id=_pk(from_user),
            status=InteractionStatus.PLANNED,
        ).values_list("pk", flat=True)
    )
    if not ids:
        return 0
    moved = Interaction.objects.filter(pk__in=ids).update(
        responsible_id=_pk(to_user), updated_by=actor, updated_at=timezone.now()
    )
    log_action(
        actor=actor,
        action="activities.interaction.handed_over",
        label=f"{moved} interactions",
        changes={"interactions": ids, "responsible_id": [_pk(from_user), _pk(to_user)]},
    )
    return moved


def register_hooks() -> None:
    from accord.activities.claim_services import claims_handover
    from accord.directory.handover import register_handover_step
    from accord.users.object_types import register_object_type

    label: Any = _("Planned interactions")  # translated when shown
    register_handover_step(label, interactions_handover)
    claims_label: Any = _("Open claims")
    register_handover_step(claims_label, claims_handover)
    for code, (label, actions, admin) in OBJECT_TYPES.items():
        register_object_type(code, label, actions=actions, admin=admin)
