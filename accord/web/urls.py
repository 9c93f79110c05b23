"""URLs of the web interface (namespace `web`)."""

from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView

from accord.web.views import (
    account,
    audit,
    auth,
    contact_persons,
    counterparties,
    deals,
    documents,
    exports,
    invoices,
    own_companies,
    payments,
    pipelines,
    receivables,
    settings,
    shipments,
    staff,
)
from accord.web.views import exchange as exchange_views
from accord.web.views.catalog import prices as catalog_prices
from accord.web.views.catalog import products as catalog_products
from accord.web.views.catalog import settings as catalog_settings
from accord.web.views.catalog import variants as catalog_variants

app_name = "web"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="web:counterparty_list"), name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("language/", auth.language, name="language"),
    # Sign-in steps and the own account (accord/web/views/auth.py, views/account.py)
    path("login/code/", auth.login_code, name="login_code"),
    path("login/enrol/", auth.login_enrol, name="login_enrol"),
    path("login/cancel/", auth.login_cancel, name="login_cancel"),
    path("account/", account.account, name="account"),
    path("account/password/", account.password_change, name="account_password"),
    path(
        "account/two-factor/enrol/",
        account.two_factor_enrol_view,
        name="account_two_factor_enrol",
    ),
    path(
        "account/two-factor/recovery-codes/",
        account.recovery_codes_view,
        name="account_recovery_codes",
    ),
    path(
        "account/two-factor/disable/",
        account.two_factor_disable_view,
        name="account_two_factor_disable",
    ),
    path("account/tokens/", account.api_token_create, name="account_token_create"),
    path(
        "account/tokens/<int:pk>/revoke/",
        account.api_token_revoke,
        name="account_token_revoke",
    ),
    path("counterparties/", counterparties.counterparty_list, name="counterparty_list"),
    path("counterparties/new/", counterparties.counterparty_create, name="counterparty_create"),
    path(
        "counterparties/new/validate/",
        counterparties.counterparty_validate,
        name="counterparty_validate",
    ),
    path("counterparties/<int:pk>/", counterparties.counterparty_card, name="counterparty_card"),
    path(
        "counterparties/<int:pk>/edit/", counterparties.counterparty_edit, name="counterparty_edit"
    ),
    path(
        "counterparties/<int:pk>/edit/validate/",
        counterparties.counterparty_validate,
        name="counterparty_validate_existing",
    ),
    path(
        "counterparties/<int:pk>/delete/",
        counterparties.counterparty_delete,
        name="counterparty_delete",
    ),
    path(
        "counterparties/<int:pk>/contacts/new/",
        contact_persons.contact_person_create,
        name="contact_person_create",
    ),
    path("contact-persons/", contact_persons.contact_person_list, name="contact_person_list"),
    path(
        "contact-persons/<int:pk>/edit/",
        contact_persons.contact_person_edit,
        name="contact_person_edit",
    ),
    path(
        "contact-persons/<int:pk>/delete/",
        contact_persons.contact_person_delete,
        name="contact_person_delete",
    ),
    # VIP masking: audited reveals and CSV exports (accord/directory/masking.py, exports.py)
    path(
        "counterparties/<int:pk>/reveal/",
        counterparties.counterparty_reveal,
        name="counterparty_reveal",
    ),
    path(
        "contact-persons/<int:pk>/reveal/",
        contact_persons.contact_person_reveal,
        name="contact_person_reveal",
    ),
    path("counterparties/export.csv", exports.counterparty_export, name="counterparty_export"),
    path("contact-persons/export.csv", exports.contact_person_export, name="contact_person_export"),
    path("settings/properties/", settings.properties, name="settings_properties"),
    path("settings/properties/new/", settings.property_new, name="settings_property_new"),
    path(
        "settings/properties/<int:pk>/edit/",
        settings.property_edit,
        name="settings_property_edit",
    ),
    path(
        "settings/properties/<int:pk>/delete/",
        settings.property_delete,
        name="settings_property_delete",
    ),
    # Deals (accord/web/views/deals.py) and their settings (views/pipelines.py)
    path("deals/", deals.deal_board, name="deal_board"),
    path("deals/list/", deals.deal_list, name="deal_list"),
    path("deals/new/", deals.deal_create, name="deal_create"),
    path("deals/stages/<int:stage_pk>/", deals.deal_column, name="deal_column"),
    path(
        "deals/counterparties/",
        deals.deal_counterparty_options,
        name="deal_counterparty_options",
    ),
    path("deals/contacts/", deals.deal_contact_options, name="deal_contact_options"),
    path("deals/<int:pk>/", deals.deal_card, name="deal_card"),
    path("deals/<int:pk>/edit/", deals.deal_edit, name="deal_edit"),
    path("deals/<int:pk>/move/", deals.deal_move, name="deal_move"),
    path("deals/<int:pk>/delete/", deals.deal_delete, name="deal_delete"),
    path("deals/<int:pk>/history/", audit.deal_history, name="deal_history"),
    # Quotes and orders (accord/web/views/documents.py)
    path("deals/<int:pk>/documents/", documents.deal_documents, name="deal_documents"),
    path("quotes/", documents.quote_list, name="quote_list"),
    path("quotes/new/", documents.quote_create, name="quote_create"),
    path("quotes/products/", documents.document_product_options, name="document_products"),
    path("quotes/<int:pk>/", documents.quote_card, name="quote_card"),
    path("quotes/<int:pk>/edit/", documents.quote_edit, name="quote_edit"),
    path("quotes/<int:pk>/status/", documents.quote_status, name="quote_status"),
    path("quotes/<int:pk>/order/", documents.quote_order, name="quote_order"),
    path("quotes/<int:pk>/print/", documents.quote_print, name="quote_print"),
    path("orders/", documents.order_list, name="order_list"),
    path("orders/new/", documents.order_create, name="order_create"),
    path("orders/<int:pk>/", documents.order_card, name="order_card"),
    path("orders/<int:pk>/edit/", documents.order_edit, name="order_edit"),
    path("orders/<int:pk>/status/", documents.order_status, name="order_status"),
    path("orders/<int:pk>/print/", documents.order_print, name="order_print"),
    # Shipments (accord/web/views/shipments.py)
    path("orders/<int:pk>/ship/", shipments.shipment_create, name="order_ship"),
    path("orders/<int:pk>/shipments/", shipments.order_shipments, name="order_shipments"),
    path("shipments/", shipments.shipment_list, name="shipment_list"),
    path("shipments/<int:pk>/", shipments.shipment_card, name="shipment_card"),
    path("shipments/<int:pk>/edit/", shipments.shipment_edit, name="shipment_edit"),
    path("shipments/<int:pk>/post/", shipments.shipment_post, name="shipment_post"),
    path("shipments/<int:pk>/cancel/", shipments.shipment_cancel, name="shipment_cancel"),
    path("shipments/<int:pk>/print/", shipments.shipment_print, name="shipment_print"),
    path("settings/pipelines/", pipelines.pipelines, name="settings_pipelines"),
    path("settings/pipelines/add/", pipelines.pipeline_add, name="settings_pipeline_add"),
    path("settings/pipelines/<int:pk>/", pipelines.pipeline_edit, name="settings_pipeline_edit"),
    path(
        "settings/pipelines/<int:pk>/stages/add/",
        pipelines.stage_add,
        name="settings_stage_add",
    ),
    path("settings/stages/<int:pk>/", pipelines.stage_edit, name="settings_stage_edit"),
    path("settings/stages/<int:pk>/move/", pipelines.stage_move, name="settings_stage_move"),
    path("settings/stages/<int:pk>/delete/", pipelines.stage_delete, name="settings_stage_delete"),
    path(
        "settings/lost-reasons/add/",
        pipelines.lost_reason_add,
        name="settings_lost_reason_add",
    ),
    path("settings/classifiers/", settings.classifiers, name="settings_classifiers"),
    path(
        "settings/classifiers/<str:kind>/add/",
        settings.classifier_add,
        name="settings_classifier_add",
    ),
    # Settings -> users, departments, roles (accord/web/views/staff.py)
    path("settings/users/", staff.users, name="settings_users"),
    path("settings/users/new/", staff.user_new, name="settings_user_new"),
    path("settings/users/<int:pk>/", staff.user_edit, name="settings_user_edit"),
    path("settings/users/<int:pk>/password/", staff.user_password, name="settings_user_password"),
    path("settings/users/<int:pk>/handover/", staff.user_handover, name="settings_user_handover"),
    path(
        "settings/users/<int:pk>/two-factor/reset/",
        staff.user_two_factor_reset,
        name="settings_user_two_factor_reset",
    ),
    path("settings/departments/", staff.departments, name="settings_departments"),
    path("settings/departments/add/", staff.department_add, name="settings_department_add"),
    path("settings/departments/<int:pk>/", staff.department_edit, name="settings_department_edit"),
    path(
        "settings/departments/<int:pk>/move/",
        staff.department_move,
        name="settings_department_move",
    ),
    path(
        "settings/departments/<int:pk>/delete/",
        staff.department_delete,
        name="settings_department_delete",
    ),
    path("settings/roles/", staff.roles, name="settings_roles"),
    path("settings/roles/new/", staff.role_new, name="settings_role_new"),
    path("settings/roles/<int:pk>/", staff.role_edit, name="settings_role_edit"),
    path("settings/roles/<int:pk>/delete/", staff.role_delete, name="settings_role_delete"),
    # History of cards and the audit log (accord/web/views/audit.py)
    path(
        "counterparties/<int:pk>/history/",
        audit.counterparty_history,
        name="counterparty_history",
    ),
    path(
        "contact-persons/<int:pk>/history/",
        audit.contact_person_history,
        name="contact_person_history",
    ),
    path("settings/audit/", audit.audit_list, name="settings_audit"),
    # ------------------------------------------------------------ invoices (views/invoices.py)
    path("invoices/", invoices.invoice_list, name="invoice_list"),
    path("invoices/new/", invoices.invoice_create, name="invoice_create"),
    path("invoices/<int:pk>/", invoices.invoice_card, name="invoice_card"),
    path("invoices/<int:pk>/edit/", invoices.invoice_edit, name="invoice_edit"),
    path("invoices/<int:pk>/issue/", invoices.invoice_issue, name="invoice_issue"),
    path("invoices/<int:pk>/cancel/", invoices.invoice_cancel, name="invoice_cancel"),
    path("invoices/<int:pk>/print/", invoices.invoice_print, name="invoice_print"),
    # ------------------------------------------------------------ payments (views/payments.py)
    path("invoices/<int:pk>/payments/", payments.invoice_payments, name="invoice_payments"),
    path("invoices/<int:pk>/plan/", payments.invoice_plan, name="invoice_plan"),
    path("orders/<int:pk>/invoice/", payments.order_invoice, name="order_invoice"),
    path("payments/", payments.payment_list, name="payment_list"),
    path("payments/new/", payments.payment_create, name="payment_create"),
    path("payments/<int:pk>/", payments.payment_card, name="payment_card"),
    path("payments/<int:pk>/cancel/", payments.payment_cancel, name="payment_cancel"),
    path("receivables/", receivables.receivables_list, name="receivables"),
    path("settings/own-companies/", own_companies.own_companies, name="settings_own_companies"),
    path(
        "settings/own-companies/new/",
        own_companies.own_company_new,
        name="settings_own_company_new",
    ),
    path(
        "settings/own-companies/<int:pk>/",
        own_companies.own_company_edit,
        name="settings_own_company_edit",
    ),
    # ------------------------------------------------------------ catalog
    path("catalog/", catalog_products.product_list, name="catalog_product_list"),
    path("catalog/new/", catalog_products.product_create, name="catalog_product_create"),
    path("catalog/<int:pk>/", catalog_products.product_card, name="catalog_product_card"),
    path("catalog/<int:pk>/edit/", catalog_products.product_edit, name="catalog_product_edit"),
    path("catalog/<int:pk>/prices/", catalog_prices.product_prices, name="catalog_product_prices"),
    path(
        "catalog/<int:pk>/variants/new/",
        catalog_variants.variant_create,
        name="catalog_variant_create",
    ),
    path(
        "catalog/variants/<int:pk>/edit/",
        catalog_variants.variant_edit,
        name="catalog_variant_edit",
    ),
    path("catalog/settings/", catalog_settings.catalog_settings, name="catalog_settings"),
    path(
        "catalog/settings/<str:kind>/add/",
        catalog_settings.catalog_settings_add,
        name="catalog_settings_add",
    ),
    # ------------------------------------------------------------ exchange with 1C
    path("settings/exchange/", exchange_views.nodes, name="settings_exchange"),
    path("settings/exchange/new/", exchange_views.node_new, name="settings_exchange_node_new"),
    path("settings/exchange/<int:pk>/", exchange_views.node_card, name="settings_exchange_node"),
    path(
        "settings/exchange/<int:pk>/edit/",
        exchange_views.node_edit,
        name="settings_exchange_node_edit",
    ),
    path(
        "settings/exchange/<int:pk>/delete/",
        exchange_views.node_delete,
        name="settings_exchange_node_delete",
    ),
    path(
        "settings/exchange/<int:pk>/upload/",
        exchange_views.node_upload,
        name="settings_exchange_upload",
    ),
    path(
        "settings/exchange/refs/<int:pk>/",
        exchange_views.ref_repoint,
        name="settings_exchange_ref_repoint",
    ),
    path("settings/exchange/runs/<int:pk>/", exchange_views.run_page, name="settings_exchange_run"),
]
