"""How each route is protected: every route of `routes.py` must be named here.

A new view or endpoint that is not classified fails `test_every_route_is_classified`, so
nobody can add a route that the IDOR matrix does not check. Classify by what the route
touches:

- `Owned(kind)`: one object that has an owner (a counterparty, a deal): another manager's
  object must answer 404 exactly like a missing id, and a write must change nothing.
- `Admin()`: administration: a manager is refused (403), nothing changes.
- `Collection()`: a list or a form with no object id; what it shows goes through
  `visible_to`, which the visibility and aggregate tests check.
- `Shared(reason)`: objects every signed-in user may see (the catalog) or that belong to the
  requester alone by construction (own account pages).
- `Public(reason)`: needs no sign-in or shows no data.
- `Machine(reason)`: an endpoint for another program, which authenticates it by its own
  credentials (not the sign-in session) and is CSRF-exempt by design: without them it
  answers a refusal in its own protocol and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Owned:
    kind: str  # a maker in objects.py
    param: str | None = "pk"  # the path parameter holding the id; None when it is in the body
    body: dict[str, Any] = field(default_factory=dict)  # "@id" is replaced by the object's id


@dataclass(frozen=True)
class Admin:
    kind: str | None = None  # a maker for routes with an id (the object may belong to anyone)
    param: str | None = None
    value: str | None = None  # a fixed value for a non-id parameter (e.g. a classifier kind)


@dataclass(frozen=True)
class Collection:
    pass


@dataclass(frozen=True)
class Shared:
    reason: str
    kind: str | None = None  # a maker, so the safe-reads crawl reaches the real page
    param: str | None = None


@dataclass(frozen=True)
class Public:
    reason: str


@dataclass(frozen=True)
class Machine:
    reason: str


Rule = Owned | Admin | Collection | Shared | Public | Machine

CATALOG = "the catalog is company-wide: every user who may view products sees all of it"
PIPELINES = "pipelines and stages are company-wide; the deals shown go through visible_to"
SIGN_IN = "a step of the requester's own sign-in"
ACCOUNT = "the requester's own account"
BILLING = "own companies (the issuers of invoices) are company-wide reference data"
PROCESSES = "process templates are company-wide configuration, read by whoever may start one"
ONEC = "1C's exchange protocol: HTTP Basic at checkauth, then its own cookie and sessid"

WEB: dict[str, Rule] = {
    "healthz": Public("liveness probe for load balancers; reveals no data"),
    "set_language": Public("Django's language switch; stores a cookie"),
    "exchange:onec": Machine(ONEC),
    "exchange:onec_no_slash": Machine(ONEC),
    "exchange:onec_bitrix": Machine(ONEC),
    "web:home": Collection(),
    "web:start_page_layout": Shared("the requester's own start page layout"),
    "web:interaction_list": Collection(),
    "web:interaction_create": Collection(),
    "web:interaction_edit": Owned("interaction"),
    "web:interaction_complete": Owned("interaction"),
    "web:interaction_cancel": Owned("interaction"),
    "web:counterparty_timeline": Owned("counterparty"),
    "web:assignment_list": Collection(),
    "web:assignment_create": Collection(),
    "web:assignment_card": Owned("assignment"),
    "web:assignment_edit": Owned("assignment"),
    "web:assignment_move": Owned("assignment", "pk", {"status": "cancelled"}),
    "web:assignment_note": Owned("assignment", "pk", {"text": "Taken over"}),
    "web:reminder_list": Collection(),
    "web:reminder_create": Collection(),
    "web:reminder_edit": Owned("reminder"),
    "web:reminder_snooze": Owned("reminder", "pk", {"delay": "1d"}),
    "web:reminder_dismiss": Owned("reminder"),
    "web:bell": Shared("the requester's own notifications"),
    "web:notifications_read": Shared("the requester's own notifications"),
    "web:login": Public("the sign-in form"),
    "web:login_code": Public(SIGN_IN),
    "web:login_enrol": Public(SIGN_IN),
    "web:login_cancel": Public(SIGN_IN),
    "web:logout": Public("ends the requester's own session"),
    "web:language": Public("stores the requester's own language"),
    "web:account": Shared(ACCOUNT),
    "web:account_password": Shared(ACCOUNT),
    "web:account_two_factor_enrol": Shared(ACCOUNT),
    "web:account_recovery_codes": Shared(ACCOUNT),
    "web:account_two_factor_disable": Shared(ACCOUNT),
    "web:account_token_create": Shared(ACCOUNT),
    "web:account_token_revoke": Owned("token"),
    # Directory
    "web:counterparty_list": Collection(),
    "web:counterparty_create": Collection(),
    "web:counterparty_validate": Collection(),
    "web:counterparty_export": Collection(),
    "web:counterparty_card": Owned("counterparty"),
    "web:counterparty_edit": Owned("counterparty"),
    "web:counterparty_validate_existing": Owned("counterparty"),
    "web:counterparty_delete": Owned("counterparty"),
    "web:counterparty_history": Owned("counterparty"),
    "web:counterparty_reveal": Owned("counterparty"),
    "web:contact_person_create": Owned("counterparty"),
    "web:contact_person_list": Collection(),
    "web:contact_person_export": Collection(),
    "web:contact_person_edit": Owned("contact_person"),
    "web:contact_person_delete": Owned("contact_person"),
    "web:contact_person_history": Owned("contact_person"),
    "web:contact_person_reveal": Owned("contact_person"),
    # Duplicates: a pair is visible when both its records are (views/dedup.py)
    "web:dedup_list": Collection(),
    "web:dedup_scan": Collection(),
    "web:dedup_merge": Owned("dedup_pair"),
    "web:dedup_dismiss": Owned("dedup_pair"),
    # Deals
    "web:deal_board": Collection(),
    "web:deal_list": Collection(),
    "web:deal_create": Collection(),
    "web:deal_counterparty_options": Collection(),
    "web:deal_contact_options": Collection(),
    "web:deal_column": Shared(PIPELINES, "stage", "stage_pk"),
    "web:deal_card": Owned("deal"),
    "web:deal_edit": Owned("deal"),
    "web:deal_move": Owned("deal"),
    "web:deal_delete": Owned("deal"),
    "web:deal_history": Owned("deal"),
    # Quotes and orders (Owned by their responsible manager)
    "web:deal_documents": Owned("deal"),
    "web:document_products": Shared(CATALOG),
    "web:quote_list": Collection(),
    "web:quote_create": Collection(),
    "web:quote_card": Owned("quote"),
    "web:quote_edit": Owned("quote"),
    "web:quote_status": Owned("quote"),
    "web:quote_order": Owned("quote"),
    "web:quote_print": Owned("quote"),
    "web:order_list": Collection(),
    "web:order_create": Collection(),
    "web:order_card": Owned("order"),
    "web:order_edit": Owned("order"),
    "web:order_status": Owned("order"),
    "web:order_print": Owned("order"),
    # Shipments (Owned by their responsible manager; creating one needs the order)
    "web:order_ship": Owned("order"),
    "web:order_shipments": Owned("order"),
    "web:shipment_list": Collection(),
    "web:shipment_card": Owned("shipment"),
    "web:shipment_edit": Owned("shipment"),
    "web:shipment_post": Owned("shipment"),
    "web:shipment_cancel": Owned("shipment"),
    "web:shipment_print": Owned("shipment"),
    # Catalog
    "web:catalog_product_list": Collection(),
    "web:catalog_product_create": Collection(),
    "web:catalog_product_card": Shared(CATALOG, "product", "pk"),
    "web:catalog_product_edit": Shared(CATALOG, "product", "pk"),
    "web:catalog_product_prices": Shared(CATALOG, "product", "pk"),
    "web:catalog_variant_create": Shared(CATALOG, "product", "pk"),
    "web:catalog_variant_edit": Shared(CATALOG, "variant", "pk"),
    "web:catalog_settings": Admin(),
    "web:catalog_settings_add": Admin(param="kind", value="warehouse"),
    # Settings
    "web:settings_properties": Admin(),
    "web:settings_property_new": Admin(),
    "web:settings_property_edit": Admin("property_definition", "pk"),
    "web:settings_property_delete": Admin("property_definition", "pk"),
    "web:settings_classifiers": Admin(),
    "web:settings_classifier_add": Admin(param="kind", value="source"),
    "web:settings_pipelines": Admin(),
    "web:settings_pipeline_add": Admin(),
    "web:settings_pipeline_edit": Admin("pipeline", "pk"),
    "web:settings_stage_add": Admin("pipeline", "pk"),
    "web:settings_stage_edit": Admin("stage", "pk"),
    "web:settings_stage_move": Admin("stage", "pk"),
    "web:settings_stage_delete": Admin("stage", "pk"),
    "web:settings_lost_reason_add": Admin(),
    "web:settings_users": Admin(),
    "web:settings_user_new": Admin(),
    "web:settings_user_edit": Admin("user", "pk"),
    "web:settings_user_password": Admin("user", "pk"),
    "web:settings_user_handover": Admin("user", "pk"),
    "web:settings_user_two_factor_reset": Admin("user", "pk"),
    "web:settings_departments": Admin(),
    "web:settings_department_add": Admin(),
    "web:settings_department_edit": Admin("department", "pk"),
    "web:settings_department_move": Admin("department", "pk"),
    "web:settings_department_delete": Admin("department", "pk"),
    "web:settings_roles": Admin(),
    "web:settings_role_new": Admin(),
    "web:settings_role_edit": Admin("role", "pk"),
    "web:settings_role_delete": Admin("role", "pk"),
    "web:settings_audit": Admin(),
    # Billing: invoices (Owned by their responsible manager) and own companies (Settings)
    "web:invoice_list": Collection(),
    "web:invoice_create": Collection(),
    "web:invoice_card": Owned("invoice"),
    "web:invoice_edit": Owned("invoice"),
    "web:invoice_issue": Owned("invoice"),
    "web:invoice_cancel": Owned("invoice"),
    "web:invoice_print": Owned("invoice"),
    # Billing: payments (Owned by their responsible manager), the invoice's payments block,
    # invoices from orders, and receivables (aggregates through visible_to)
    "web:invoice_payments": Owned("issued_invoice"),
    "web:invoice_plan": Owned("issued_invoice"),
    "web:order_invoice": Owned("order"),
    "web:payment_list": Collection(),
    "web:payment_create": Collection(),
    "web:payment_card": Owned("payment"),
    "web:payment_cancel": Owned("payment"),
    "web:receivables": Collection(),
    "web:settings_own_companies": Admin(),
    "web:settings_own_company_new": Admin(),
    "web:settings_own_company_edit": Admin("own_company", "pk"),
    # Settings -> Exchange with 1C (accord/web/views/exchange.py): a real node, link and run,
    # so a refused write is seen to change nothing
    "web:settings_exchange": Admin(),
    "web:settings_exchange_node_new": Admin(),
    "web:settings_exchange_node": Admin("exchange_node", "pk"),
    "web:settings_exchange_node_edit": Admin("exchange_node", "pk"),
    "web:settings_exchange_node_delete": Admin("exchange_node", "pk"),
    "web:settings_exchange_upload": Admin("exchange_node", "pk"),
    "web:settings_exchange_ref_repoint": Admin("exchange_ref", "pk"),
    "web:settings_exchange_run": Admin("exchange_run", "pk"),
    # Claims (Owned by their responsible manager); the form's links and the control report
    # go through visible_to
    "web:claim_list": Collection(),
    "web:claim_create": Collection(),
    "web:claim_form_links": Collection(),
    "web:claim_control": Collection(),
    "web:claim_card": Owned("claim"),
    "web:claim_edit": Owned("claim"),
    "web:claim_move": Owned("claim"),
    "web:claim_delete": Owned("claim"),
    "web:claim_history": Owned("claim"),
    # Business processes (Owned: visible to their starter and the holders of their steps);
    # an object's block and "Start a process" act on a deal by default (`?kind=`).
    "web:process_list": Collection(),
    "web:process_card": Owned("process"),
    "web:process_cancel": Owned("process"),
    "web:process_block": Owned("deal"),
    "web:process_start": Owned("deal"),
    "web:process_template_list": Admin(),
    "web:process_template_new": Admin(),
    "web:process_template_edit": Admin("process_template", "pk"),
    "web:process_template_delete": Admin("process_template", "pk"),
    # Imports (views/imports.py): a job is its author's (an "admin.imports" viewer sees all);
    # mapping profiles are their owner's alone
    "web:import_list": Collection(),
    "web:import_new": Collection(),
    "web:import_profiles": Collection(),
    "web:import_profile_export": Owned("import_profile"),
    "web:import_profile_delete": Owned("import_profile"),
    "web:import_detail": Owned("import_job"),
    "web:import_map": Owned("import_job"),
    "web:import_remap": Owned("import_job"),
    "web:import_apply": Owned("import_job"),
    "web:import_undo": Owned("import_job"),
    "web:import_errors": Owned("import_job"),
}

# A document line for the create operations (the product id need not exist: refused alike).
LINES = [{"product_id": 1, "quantity": "1", "price": "1"}]

API: dict[str, Rule] = {
    "GET /api/v1/counterparties": Collection(),
    "POST /api/v1/counterparties": Collection(),
    "GET /api/v1/counterparties/export.csv": Collection(),
    "GET /api/v1/counterparties/{id}": Owned("counterparty", "id"),
    "PATCH /api/v1/counterparties/{id}": Owned("counterparty", "id", {"name": "Taken over"}),
    "DELETE /api/v1/counterparties/{id}": Owned("counterparty", "id"),
    "POST /api/v1/counterparties/{id}/reveal": Owned("counterparty", "id"),
    "GET /api/v1/contact-persons": Collection(),
    "GET /api/v1/contact-persons/export.csv": Collection(),
    "POST /api/v1/contact-persons": Owned(
        "counterparty", None, {"counterparty_id": "@id", "name": "Planted Person"}
    ),
    "GET /api/v1/contact-persons/{id}": Owned("contact_person", "id"),
    "PATCH /api/v1/contact-persons/{id}": Owned("contact_person", "id", {"name": "Renamed"}),
    "DELETE /api/v1/contact-persons/{id}": Owned("contact_person", "id"),
    "POST /api/v1/contact-persons/{id}/reveal": Owned("contact_person", "id"),
    # Duplicates: a pair is visible when both its records are; a scan covers everything
    # but shows its totals only to who sees every counterparty
    "GET /api/v1/duplicates": Collection(),
    "GET /api/v1/duplicates/scan": Collection(),
    "POST /api/v1/duplicates/scan": Collection(),
    "POST /api/v1/duplicates/{id}/merge": Owned("dedup_pair", "id", {"keep": "left"}),
    "POST /api/v1/duplicates/{id}/dismiss": Owned("dedup_pair", "id"),
    "GET /api/v1/deals": Collection(),
    "POST /api/v1/deals": Owned("counterparty", None, {"counterparty_id": "@id", "title": "X"}),
    "GET /api/v1/deals/{id}": Owned("deal", "id"),
    "PATCH /api/v1/deals/{id}": Owned("deal", "id", {"title": "Taken over"}),
    "POST /api/v1/deals/{id}/move": Owned("deal", "id", {"stage_id": 1}),
    "GET /api/v1/quotes": Collection(),
    "POST /api/v1/quotes": Owned("counterparty", None, {"counterparty_id": "@id", "lines": LINES}),
    "GET /api/v1/quotes/{id}": Owned("quote", "id"),
    "PATCH /api/v1/quotes/{id}": Owned("quote", "id", {"notes": "Taken over"}),
    "POST /api/v1/quotes/{id}/order": Owned("quote", "id"),
    "GET /api/v1/orders": Collection(),
    "POST /api/v1/orders": Owned("counterparty", None, {"counterparty_id": "@id", "lines": LINES}),
    "GET /api/v1/orders/{id}": Owned("order", "id"),
    "PATCH /api/v1/orders/{id}": Owned("order", "id", {"notes": "Taken over"}),
    "POST /api/v1/orders/{id}/status": Owned("order", "id", {"status": "cancelled"}),
    "GET /api/v1/shipments": Collection(),
    "POST /api/v1/shipments": Owned("order", None, {"order_id": "@id"}),
    "GET /api/v1/shipments/{id}": Owned("shipment", "id"),
    "PATCH /api/v1/shipments/{id}": Owned("shipment", "id", {"notes": "Taken over"}),
    "POST /api/v1/shipments/{id}/post": Owned("shipment", "id"),
    "POST /api/v1/shipments/{id}/cancel": Owned("shipment", "id"),
    "GET /api/v1/pipelines": Collection(),
    "GET /api/v1/pipelines/{id}": Shared(PIPELINES, "pipeline", "id"),
    "GET /api/v1/products": Collection(),
    "POST /api/v1/products": Collection(),
    "GET /api/v1/products/{id}": Shared(CATALOG, "product", "id"),
    "PATCH /api/v1/products/{id}": Shared(CATALOG, "product", "id"),
    "PUT /api/v1/products/{id}/prices": Shared(CATALOG, "product", "id"),
    "GET /api/v1/variants": Collection(),
    "POST /api/v1/variants": Collection(),
    "GET /api/v1/variants/{id}": Shared(CATALOG, "variant", "id"),
    "PATCH /api/v1/variants/{id}": Shared(CATALOG, "variant", "id"),
    "GET /api/v1/price-types": Collection(),
    "POST /api/v1/price-types": Admin(),
    "GET /api/v1/price-types/{id}": Shared(CATALOG, "price_type", "id"),
    "PATCH /api/v1/price-types/{id}": Admin("price_type", "id"),
    "GET /api/v1/warehouses": Collection(),
    "POST /api/v1/warehouses": Admin(),
    "GET /api/v1/warehouses/{id}": Shared(CATALOG, "warehouse", "id"),
    "PATCH /api/v1/warehouses/{id}": Admin("warehouse", "id"),
    "GET /api/v1/audit-events": Admin(),
    "GET /api/v1/invoices": Collection(),
    "POST /api/v1/invoices": Owned("counterparty", None, {"counterparty_id": "@id"}),
    "GET /api/v1/invoices/{id}": Owned("invoice", "id"),
    "PATCH /api/v1/invoices/{id}": Owned("invoice", "id", {"notes": "Taken over"}),
    "POST /api/v1/invoices/{id}/issue": Owned("invoice", "id"),
    "POST /api/v1/invoices/{id}/cancel": Owned("invoice", "id"),
    "GET /api/v1/payments": Collection(),
    "POST /api/v1/payments": Owned(
        "counterparty", None, {"counterparty_id": "@id", "amount": "10.00"}
    ),
    "GET /api/v1/payments/{id}": Owned("payment", "id"),
    "POST /api/v1/payments/{id}/cancel": Owned("payment", "id"),
    "GET /api/v1/expected-payments": Collection(),
    "GET /api/v1/expected-payments/{id}": Owned("expected_payment", "id"),
    "PUT /api/v1/expected-payments": Owned(
        "issued_invoice",
        None,
        {"invoice_id": "@id", "rows": [{"due_date": "2026-01-01", "amount": "1000.00"}]},
    ),
    "GET /api/v1/receivables": Collection(),
    "POST /api/v1/orders/{id}/invoice": Owned("order", "id"),
    "GET /api/v1/own-companies": Shared(BILLING),
    "GET /api/v1/claims": Collection(),
    "GET /api/v1/claims/control": Collection(),
    "POST /api/v1/claims": Owned("counterparty", None, {"counterparty_id": "@id", "subject": "X"}),
    "GET /api/v1/claims/{id}": Owned("claim", "id"),
    "PATCH /api/v1/claims/{id}": Owned("claim", "id", {"subject": "Taken over"}),
    "DELETE /api/v1/claims/{id}": Owned("claim", "id"),
    "POST /api/v1/claims/{id}/move": Owned(
        "claim", "id", {"status": "rejected", "resolution": "Taken over"}
    ),
    # Activities: interactions, assignments (author and performers), reminders (their owner's)
    "GET /api/v1/interactions": Collection(),
    "POST /api/v1/interactions": Owned(
        "counterparty", None, {"counterparty_id": "@id", "kind": "call"}
    ),
    "GET /api/v1/interactions/{id}": Owned("interaction", "id"),
    "PATCH /api/v1/interactions/{id}": Owned("interaction", "id", {"subject": "Taken over"}),
    "DELETE /api/v1/interactions/{id}": Owned("interaction", "id"),
    "POST /api/v1/interactions/{id}/complete": Owned(
        "interaction", "id", {"outcome": "Taken over", "follow_up": {"starts_at": "2030-01-01"}}
    ),
    "POST /api/v1/interactions/{id}/cancel": Owned("interaction", "id"),
    "GET /api/v1/assignments": Collection(),
    "POST /api/v1/assignments": Owned(
        "counterparty", None, {"counterparty_id": "@id", "subject": "X", "performer_ids": [1]}
    ),
    "GET /api/v1/assignments/{id}": Owned("assignment", "id"),
    "PATCH /api/v1/assignments/{id}": Owned("assignment", "id", {"subject": "Taken over"}),
    "POST /api/v1/assignments/{id}/move": Owned("assignment", "id", {"status": "cancelled"}),
    "POST /api/v1/assignments/{id}/notes": Owned("assignment", "id", {"text": "Taken over"}),
    "GET /api/v1/reminders": Collection(),
    "POST /api/v1/reminders": Owned(
        "counterparty",
        None,
        {"counterparty_id": "@id", "subject": "X", "starts_at": "2030-01-01T09:00:00+03:00"},
    ),
    "GET /api/v1/reminders/{id}": Owned("reminder", "id"),
    "PATCH /api/v1/reminders/{id}": Owned("reminder", "id", {"subject": "Taken over"}),
    "DELETE /api/v1/reminders/{id}": Owned("reminder", "id"),
    "POST /api/v1/reminders/{id}/snooze": Owned("reminder", "id", {"delay": "1d"}),
    "POST /api/v1/reminders/{id}/dismiss": Owned("reminder", "id"),
    "GET /api/v1/notifications": Shared("the requester's own notifications"),
    "POST /api/v1/notifications/read": Shared("marks only the requester's own notifications"),
    "GET /api/v1/counterparties/{id}/timeline": Owned("counterparty", "id"),
    # Business processes; templates are read by whoever may start a process
    "GET /api/v1/processes": Collection(),
    "POST /api/v1/processes": Owned(
        "deal", None, {"template_id": 1, "object_kind": "deal", "object_id": "@id"}
    ),
    "GET /api/v1/processes/{id}": Owned("process", "id"),
    "POST /api/v1/processes/{id}/cancel": Owned("process", "id", {"reason": "Taken over"}),
    "GET /api/v1/process-templates": Collection(),
    "POST /api/v1/process-templates": Admin(),
    "GET /api/v1/process-templates/{id}": Shared(PROCESSES, "process_template", "id"),
    "PATCH /api/v1/process-templates/{id}": Admin("process_template", "id"),
    "DELETE /api/v1/process-templates/{id}": Admin("process_template", "id"),
    # Imports: a job is its author's (an "admin.imports" viewer sees all); profiles are
    # their owner's alone. Uploading and listing go through visible_to / the owner.
    "GET /api/v1/imports": Collection(),
    "POST /api/v1/imports": Collection(),
    "GET /api/v1/imports/{id}": Owned("import_job", "id"),
    "PUT /api/v1/imports/{id}/mapping": Owned(
        "import_job", "id", {"columns": {"Наименование": "name"}, "key": "none"}
    ),
    "POST /api/v1/imports/{id}/check": Owned("import_job", "id"),
    "POST /api/v1/imports/{id}/apply": Owned("import_job", "id"),
    "POST /api/v1/imports/{id}/undo": Owned("import_job", "id"),
    "GET /api/v1/imports/{id}/errors": Owned("import_job", "id"),
    "GET /api/v1/import-profiles": Collection(),
    "POST /api/v1/import-profiles": Collection(),
    "DELETE /api/v1/import-profiles/{id}": Owned("import_profile", "id"),
}
