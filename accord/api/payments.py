"""/api/v1/payments: list, read, register (with allocations or automatically) and cancel
payments received; /api/v1/expected-payments: the payment plans of issued invoices."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.pagination import PageData, paginate
from accord.api.schemas.common import Id
from accord.api.schemas.payments import (
    ExpectedPaymentListParams,
    ExpectedPaymentOut,
    ExpectedPaymentPage,
    ExpectedPlanIn,
    PaymentIn,
    PaymentListParams,
    PaymentOut,
    PaymentPage,
)
from accord.billing.models import ExpectedPayment, Payment
from accord.billing.payment_selectors import (
    PAYMENT_SORTS,
    expected_payment_get,
    expected_payments_filtered,
    payment_get,
    payments_filtered,
)
from accord.billing.payment_services import (
    expected_payments_replace,
    payment_cancel,
    payment_register,
)
from accord.billing.selectors import invoice_get

router = Router(tags=["payments"])
expected_router = Router(tags=["payments"])


@router.get(
    "",
    response={200: PaymentPage, **error_responses(400, 401)},
    operation_id="payments_list",
    summary="List payments received",
)
def payments_list(request: HttpRequest, params: Query[PaymentListParams]) -> PageData[Payment]:
    rows = payments_filtered(viewer=request_user(request), filters=params.filters())
    return paginate(
        rows.prefetch_related("allocations"), order=PAYMENT_SORTS[params.sort], params=params
    )


@router.get(
    "/{id}",
    response={200: PaymentOut, **error_responses(401, 404)},
    operation_id="payments_get",
    summary="Get a payment with its allocations",
)
def payments_get(request: HttpRequest, id: Path[Id]) -> Payment:
    return payment_get(viewer=request_user(request), pk=id)


@router.post(
    "",
    response={201: PaymentOut, **error_responses(400, 401, 403)},
    operation_id="payments_create",
    summary="Register a payment received and allocate it to invoices",
)
def payments_create(request: HttpRequest, payload: PaymentIn) -> Status[Payment]:
    actor = request_user(request)
    data = payload.data()
    if payload.allocations is None:
        data.pop("allocations", None)  # left out or null: allocate automatically
    payment = payment_register(actor=actor, data=data)
    return Status(201, payment_get(viewer=actor, pk=payment.pk))


@router.post(
    "/{id}/cancel",
    response={200: PaymentOut, **error_responses(401, 403, 404, 409)},
    operation_id="payments_cancel",
    summary="Cancel a payment; the invoices it paid owe that money again",
)
def payments_cancel(request: HttpRequest, id: Path[Id]) -> Payment:
    actor = request_user(request)
    payment_cancel(actor=actor, payment=payment_get(viewer=actor, pk=id))
    return payment_get(viewer=actor, pk=id)


@expected_router.get(
    "",
    response={200: ExpectedPaymentPage, **error_responses(400, 401)},
    operation_id="expected_payments_list",
    summary="List expected payments (the plans of issued invoices)",
)
def expected_payments_list(
    request: HttpRequest, params: Query[ExpectedPaymentListParams]
) -> PageData[ExpectedPayment]:
    rows = expected_payments_filtered(viewer=request_user(request), invoice=params.invoice)
    return paginate(rows, order=("due_date", "id"), params=params)


@expected_router.get(
    "/{id}",
    response={200: ExpectedPaymentOut, **error_responses(401, 404)},
    operation_id="expected_payments_get",
    summary="Get one expected payment",
)
def expected_payments_get(request: HttpRequest, id: Path[Id]) -> ExpectedPayment:
    return expected_payment_get(viewer=request_user(request), pk=id)


@expected_router.put(
    "",
    response={200: list[ExpectedPaymentOut], **error_responses(400, 401, 403, 404, 409)},
    operation_id="expected_payments_replace",
    summary="Replace the plan of one issued invoice (the rows sum to its total)",
)
def expected_payments_put(request: HttpRequest, payload: ExpectedPlanIn) -> list[ExpectedPayment]:
    actor = request_user(request)
    invoice = invoice_get(viewer=actor, pk=payload.invoice_id)
    rows = payload.data()["rows"]
    return expected_payments_replace(actor=actor, invoice=invoice, rows=rows)
