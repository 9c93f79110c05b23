"""/api/v1/invoices: list, read, create and change drafts, issue and cancel invoices;
/api/v1/own-companies: the issuers an invoice may name."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.pagination import PageData, paginate
from accord.api.schemas.billing import (
    InvoiceCreateIn,
    InvoiceIn,
    InvoiceListParams,
    InvoiceOut,
    InvoicePage,
    OwnCompanyOut,
)
from accord.api.schemas.common import Id
from accord.billing.models import Invoice, OwnCompany
from accord.billing.selectors import INVOICE_SORTS, invoice_get, invoices_filtered, own_companies
from accord.billing.services import invoice_cancel, invoice_create, invoice_issue, invoice_update

router = Router(tags=["invoices"])
own_companies_router = Router(tags=["invoices"])


@router.get(
    "",
    response={200: InvoicePage, **error_responses(400, 401)},
    operation_id="invoices_list",
    summary="List invoices",
)
def invoices_list(request: HttpRequest, params: Query[InvoiceListParams]) -> PageData[Invoice]:
    rows = invoices_filtered(viewer=request_user(request), query=params.q, filters=params.filters())
    return paginate(rows, order=INVOICE_SORTS[params.sort], params=params)


@router.get(
    "/{id}",
    response={200: InvoiceOut, **error_responses(401, 404)},
    operation_id="invoices_get",
    summary="Get an invoice with its lines and requisites",
)
def invoices_get(request: HttpRequest, id: Path[Id]) -> Invoice:
    return invoice_get(viewer=request_user(request), pk=id)


@router.post(
    "",
    response={201: InvoiceOut, **error_responses(400, 401, 403)},
    operation_id="invoices_create",
    summary="Create a draft invoice",
)
def invoices_create(request: HttpRequest, payload: InvoiceCreateIn) -> Status[Invoice]:
    actor = request_user(request)
    invoice = invoice_create(actor=actor, data=payload.data())
    return Status(201, invoice_get(viewer=actor, pk=invoice.pk))


@router.patch(
    "/{id}",
    response={200: InvoiceOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="invoices_update",
    summary="Change a draft invoice (issued ones are immutable)",
)
def invoices_update(request: HttpRequest, id: Path[Id], payload: InvoiceIn) -> Invoice:
    actor = request_user(request)
    invoice = invoice_get(viewer=actor, pk=id)
    invoice_update(actor=actor, invoice=invoice, data=payload.data())
    return invoice_get(viewer=actor, pk=id)


@router.post(
    "/{id}/issue",
    response={200: InvoiceOut, **error_responses(401, 403, 404, 409)},
    operation_id="invoices_issue",
    summary="Issue a draft: number it and copy the requisites",
)
def invoices_issue(request: HttpRequest, id: Path[Id]) -> Invoice:
    actor = request_user(request)
    invoice_issue(actor=actor, invoice=invoice_get(viewer=actor, pk=id))
    return invoice_get(viewer=actor, pk=id)


@router.post(
    "/{id}/cancel",
    response={200: InvoiceOut, **error_responses(401, 403, 404, 409)},
    operation_id="invoices_cancel",
    summary="Cancel a draft or an unpaid issued invoice",
)
def invoices_cancel(request: HttpRequest, id: Path[Id]) -> Invoice:
    actor = request_user(request)
    invoice_cancel(actor=actor, invoice=invoice_get(viewer=actor, pk=id))
    return invoice_get(viewer=actor, pk=id)


@own_companies_router.get(
    "",
    response={200: list[OwnCompanyOut], **error_responses(401)},
    operation_id="own_companies_list",
    summary="List own companies (the issuers of invoices)",
)
def own_companies_list(request: HttpRequest) -> list[OwnCompany]:
    request_user(request)
    return own_companies()
