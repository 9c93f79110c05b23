"""/api/v1/receivables: what counterparties owe, aged by days overdue, and their advances;
/api/v1/orders/{id}/invoice: a draft invoice from an order (the step before payment)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Status

from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.schemas.billing import InvoiceOut
from accord.api.schemas.common import Id
from accord.api.schemas.payments import ReceivablesOut, ReceivablesParams
from accord.billing.models import Invoice
from accord.billing.receivables import receivables_report
from accord.billing.selectors import invoice_get
from accord.billing.services import invoice_create_from_order
from accord.sales.document_selectors import order_get

router = Router(tags=["receivables"])
order_invoice_router = Router(tags=["invoices"])


@router.get(
    "",
    response={200: ReceivablesOut, **error_responses(400, 401)},
    operation_id="receivables_get",
    summary="Receivables per counterparty with ageing buckets and totals",
)
def receivables_get(request: HttpRequest, params: Query[ReceivablesParams]) -> dict[str, object]:
    day = params.as_of or timezone.localdate()
    filters = {"counterparty": params.counterparty, "responsible": params.responsible}
    report = receivables_report(
        viewer=request_user(request), filters=filters, today=day, overdue_only=params.overdue
    )
    return {"as_of": day, "capped": report.capped, "total": report.total, "items": report.rows}


@order_invoice_router.post(
    "/{id}/invoice",
    response={201: InvoiceOut, **error_responses(401, 403, 404, 409)},
    operation_id="orders_invoice",
    summary="Create a draft invoice from an order (its lines, parties and currency)",
)
def orders_invoice(request: HttpRequest, id: Path[Id]) -> Status[Invoice]:
    actor = request_user(request)
    invoice = invoice_create_from_order(actor=actor, order=order_get(viewer=actor, pk=id))
    return Status(201, invoice_get(viewer=actor, pk=invoice.pk))
