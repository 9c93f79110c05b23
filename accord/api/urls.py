"""The REST API: one NinjaAPI mounted at /api/ by config/urls.py, resources under /api/v1/.

/api/openapi.json is the OpenAPI document, /api/docs its Swagger UI (served locally).
Every later resource follows the same conventions: a plural noun path, `count`/`items`/
`next_cursor` lists (`accord.api.pagination`), `id` in every object, and the error body of
`accord.api.errors`.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, path, re_path
from ninja import NinjaAPI

from accord.api import (
    assignments,
    audit,
    catalog,
    claims,
    contact_persons,
    counterparties,
    deals,
    dedup,
    imports,
    interactions,
    invoices,
    notifications,
    orders,
    payments,
    pipelines,
    processes,
    products,
    quotes,
    receivables,
    reminders,
    shipments,
    timeline,
)
from accord.api.auth import API_AUTH
from accord.api.docs import LocalSwagger, docs_asset
from accord.api.errors import install_error_handlers, json_method_not_allowed, json_not_found
from accord.api.parser import StrictJsonParser


class AccordAPI(NinjaAPI):
    """A NinjaAPI whose every answer under /api/ is JSON, a wrong method or path included."""

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                if pattern.name == "api-root":  # ninja's root raises an HTML 404
                    pattern.callback = json_not_found
                else:
                    pattern.callback = json_method_not_allowed(pattern.callback)
        extra: list[Any] = [
            path("docs/assets/<str:name>", docs_asset, name="docs-asset"),
            re_path(r"^.*$", json_not_found),
        ]
        return [*patterns, *extra], app_name, namespace


api = AccordAPI(
    title="Accord API",
    version="1",
    description=(
        "Authenticate with `Authorization: Bearer <token>` (create one with "
        "`accord token create LOGIN`) or with a signed-in web session plus the CSRF token. "
        "Errors answer `{code, detail, fields}`."
    ),
    urls_namespace="api",
    auth=API_AUTH,
    parser=StrictJsonParser(),
    docs=LocalSwagger(),
)
install_error_handlers(api)
api.add_router("/v1/counterparties", counterparties.router)
api.add_router("/v1/contact-persons", contact_persons.router)
api.add_router("/v1/duplicates", dedup.router)
api.add_router("/v1/pipelines", pipelines.router)
api.add_router("/v1/deals", deals.router)
api.add_router("/v1/quotes", quotes.router)
api.add_router("/v1/orders", orders.router)
api.add_router("/v1/shipments", shipments.router)
api.add_router("/v1/products", products.router)
api.add_router("/v1/variants", catalog.variants)
api.add_router("/v1/price-types", catalog.price_types)
api.add_router("/v1/warehouses", catalog.warehouses)
api.add_router("/v1/audit-events", audit.router)
api.add_router("/v1/invoices", invoices.router)
api.add_router("/v1/own-companies", invoices.own_companies_router)
api.add_router("/v1/payments", payments.router)
api.add_router("/v1/expected-payments", payments.expected_router)
api.add_router("/v1/receivables", receivables.router)
api.add_router("/v1/orders", receivables.order_invoice_router)  # POST /orders/{id}/invoice
api.add_router("/v1/claims", claims.router)
api.add_router("/v1/interactions", interactions.router)
api.add_router("/v1/assignments", assignments.router)
api.add_router("/v1/reminders", reminders.router)
api.add_router("/v1/notifications", notifications.router)
api.add_router("/v1/counterparties", timeline.router)  # GET /counterparties/{id}/timeline
api.add_router("/v1/processes", processes.router)
api.add_router("/v1/process-templates", processes.templates_router)
api.add_router("/v1/imports", imports.router)
api.add_router("/v1/import-profiles", imports.profiles_router)
