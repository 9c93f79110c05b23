"""Writes of external ids by people: re-pointing a 1C price type or warehouse.

1C's price types and warehouses are created in Accord on the first import; an administrator
may then say that a 1C price type loads into another (existing) Accord price type, e.g. the
1C "Розничная" into Accord's own "Retail". Products and other records are never re-pointed
by hand: their links are the exchange's own business.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accord.catalog.models import PriceType, Warehouse
from accord.core.audit import log_action
from accord.core.errors import ValidationFailedError
from accord.exchange.models import ExternalRef, RefKind
from accord.exchange.node_services import ADMIN_EXCHANGE
from accord.users.access import require

TARGETS: dict[str, type[PriceType] | type[Warehouse]] = {
    RefKind.PRICE_TYPE: PriceType,
    RefKind.WAREHOUSE: Warehouse,
}


def _refuse(message: str) -> ValidationFailedError:
    return ValidationFailedError({"object_id": [message]}, message)


@transaction.atomic
def ref_repoint(*, actor: Any, ref: ExternalRef, object_id: Any) -> ExternalRef:
    """Make the 1C price type or warehouse `ref` load into the Accord object `object_id`.

    Refused when the target does not exist or another 1C id of the same node already loads
    into it (one Accord object answers to one 1C id per node).
    """
    require(actor, "change", ADMIN_EXCHANGE)
    model = TARGETS.get(ref.kind)
    if model is None:
        raise _refuse(_("Only price types and warehouses can be re-pointed."))
    try:
        target_id = int(object_id)
    except (TypeError, ValueError):
        raise _refuse(_("Choose one of the offered values.")) from None
    if not model.objects.filter(pk=target_id).exists():
        raise _refuse(_("Choose one of the offered values."))
    ref = ExternalRef.objects.select_for_update().get(pk=ref.pk)
    if ref.object_id == target_id:
        return ref
    taken = ExternalRef.objects.filter(node_id=ref.node_id, kind=ref.kind, object_id=target_id)
    if taken.exclude(pk=ref.pk).exists():
        raise _refuse(_("Another 1C id of this node already loads into it."))
    before = ref.object_id
    ref.object_id = target_id
    ref.save(update_fields=["object_id"])
    log_action(
        actor=actor,
        action="exchange.ref.repointed",
        obj=ref,
        changes={"object_id": [before, target_id], "kind": ref.kind, "node": ref.node_id},
    )
    return ref
