"""What billing plugs into the apps below it: the hand-over of a manager's clients (their
invoices still awaiting payment, and drafts, go along, and so do their payments)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accord.billing.models import AWAITING_PAYMENT, Invoice, InvoiceStatus, Payment
from accord.core.audit import log_action
from accord.directory.handover import register_handover_step
from accord.users.object_types import register_object_type

OPEN_STATUSES = (InvoiceStatus.DRAFT, *AWAITING_PAYMENT)


def _pk(user: Any) -> int:
    return int(getattr(user, "pk", user))


@transaction.atomic
def invoices_handover(*, actor: Any, from_user: Any, to_user: Any, counterparty_ids: Any) -> int:
    """Pass the open invoices of these counterparties from `from_user` to `to_user`.

    Only the responsible manager changes: the document itself stays as it was issued.
    """
    ids = list(
        Invoice.objects.filter(
            counterparty_id__in=list(counterparty_ids),
            responsible_id=_pk(from_user),
            status__in=OPEN_STATUSES,
        ).values_list("pk", flat=True)
    )
    if not ids:
        return 0
    moved = Invoice.objects.filter(pk__in=ids).update(
        responsible_id=_pk(to_user), updated_by=actor, updated_at=timezone.now()
    )
    log_action(
        actor=actor,
        action="billing.invoice.handed_over",
        label=f"{moved} invoices",
        changes={"invoices": ids, "responsible_id": [_pk(from_user), _pk(to_user)]},
    )
    return moved


@transaction.atomic
def payments_handover(*, actor: Any, from_user: Any, to_user: Any, counterparty_ids: Any) -> int:
    """Pass the payments of these counterparties (advances included) along with the clients."""
    ids = list(
        Payment.objects.filter(
            counterparty_id__in=list(counterparty_ids), responsible_id=_pk(from_user)
        ).values_list("pk", flat=True)
    )
    if not ids:
        return 0
    moved = Payment.objects.filter(pk__in=ids).update(
        responsible_id=_pk(to_user), updated_by=actor, updated_at=timezone.now()
    )
    log_action(
        actor=actor,
        action="billing.payment.handed_over",
        label=f"{moved} payments",
        changes={"payments": ids, "responsible_id": [_pk(from_user), _pk(to_user)]},
    )
    return moved


def register_hooks() -> None:
    """Object types for roles (invoices, payments, billing settings) and the hand-over."""
    register_object_type(
        "billing.invoice", _("Invoices"), actions=("view", "add", "change", "export")
    )
    register_object_type(
        "billing.payment", _("Payments"), actions=("view", "add", "change", "export")
    )
    register_object_type(
        "admin.billing_settings", _("Billing settings"), actions=("view", "change"), admin=True
    )
    label: Any = _("Open invoices")  # translated when shown, like the deals step's label
    register_handover_step(label, invoices_handover)
    payments_label: Any = _("Payments")
    register_handover_step(payments_label, payments_handover)
