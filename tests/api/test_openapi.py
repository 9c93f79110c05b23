"""The OpenAPI document and the documentation page, which must work with no internet."""

from __future__ import annotations

import re

import pytest

EXPECTED_PATHS = {
    "/api/v1/counterparties": {"get", "post"},
    "/api/v1/counterparties/{id}": {"get", "patch", "delete"},
    "/api/v1/contact-persons": {"get", "post"},
    "/api/v1/contact-persons/{id}": {"get", "patch", "delete"},
    "/api/v1/counterparties/export.csv": {"get"},
    "/api/v1/counterparties/{id}/reveal": {"post"},
    "/api/v1/contact-persons/export.csv": {"get"},
    "/api/v1/contact-persons/{id}/reveal": {"post"},
    "/api/v1/duplicates": {"get"},
    "/api/v1/duplicates/scan": {"get", "post"},
    "/api/v1/duplicates/{id}/merge": {"post"},
    "/api/v1/duplicates/{id}/dismiss": {"post"},
    "/api/v1/products": {"get", "post"},
    "/api/v1/products/{id}": {"get", "patch"},
    "/api/v1/products/{id}/prices": {"put"},
    "/api/v1/variants": {"get", "post"},
    "/api/v1/variants/{id}": {"get", "patch"},
    "/api/v1/price-types": {"get", "post"},
    "/api/v1/price-types/{id}": {"get", "patch"},
    "/api/v1/warehouses": {"get", "post"},
    "/api/v1/warehouses/{id}": {"get", "patch"},
    "/api/v1/pipelines": {"get"},
    "/api/v1/pipelines/{id}": {"get"},
    "/api/v1/deals": {"get", "post"},
    "/api/v1/deals/{id}": {"get", "patch"},
    "/api/v1/deals/{id}/move": {"post"},
    "/api/v1/quotes": {"get", "post"},
    "/api/v1/quotes/{id}": {"get", "patch"},
    "/api/v1/quotes/{id}/order": {"post"},
    "/api/v1/orders": {"get", "post"},
    "/api/v1/orders/{id}": {"get", "patch"},
    "/api/v1/orders/{id}/status": {"post"},
    "/api/v1/shipments": {"get", "post"},
    "/api/v1/shipments/{id}": {"get", "patch"},
    "/api/v1/shipments/{id}/post": {"post"},
    "/api/v1/shipments/{id}/cancel": {"post"},
    "/api/v1/audit-events": {"get"},
    "/api/v1/invoices": {"get", "post"},
    "/api/v1/invoices/{id}": {"get", "patch"},
    "/api/v1/invoices/{id}/issue": {"post"},
    "/api/v1/invoices/{id}/cancel": {"post"},
    "/api/v1/own-companies": {"get"},
    "/api/v1/payments": {"get", "post"},
    "/api/v1/payments/{id}": {"get"},
    "/api/v1/payments/{id}/cancel": {"post"},
    "/api/v1/expected-payments": {"get", "put"},
    "/api/v1/expected-payments/{id}": {"get"},
    "/api/v1/receivables": {"get"},
    "/api/v1/orders/{id}/invoice": {"post"},
    "/api/v1/claims": {"get", "post"},
    "/api/v1/claims/control": {"get"},
    "/api/v1/claims/{id}": {"get", "patch", "delete"},
    "/api/v1/claims/{id}/move": {"post"},
    "/api/v1/interactions": {"get", "post"},
    "/api/v1/interactions/{id}": {"get", "patch", "delete"},
    "/api/v1/interactions/{id}/complete": {"post"},
    "/api/v1/interactions/{id}/cancel": {"post"},
    "/api/v1/assignments": {"get", "post"},
    "/api/v1/assignments/{id}": {"get", "patch"},
    "/api/v1/assignments/{id}/move": {"post"},
    "/api/v1/assignments/{id}/notes": {"post"},
    "/api/v1/reminders": {"get", "post"},
    "/api/v1/reminders/{id}": {"get", "patch", "delete"},
    "/api/v1/reminders/{id}/snooze": {"post"},
    "/api/v1/reminders/{id}/dismiss": {"post"},
    "/api/v1/notifications": {"get"},
    "/api/v1/notifications/read": {"post"},
    "/api/v1/counterparties/{id}/timeline": {"get"},
    "/api/v1/processes": {"get", "post"},
    "/api/v1/processes/{id}": {"get"},
    "/api/v1/processes/{id}/cancel": {"post"},
    "/api/v1/process-templates": {"get", "post"},
    "/api/v1/process-templates/{id}": {"get", "patch", "delete"},
    "/api/v1/imports": {"get", "post"},
    "/api/v1/imports/{id}": {"get"},
    "/api/v1/imports/{id}/mapping": {"put"},
    "/api/v1/imports/{id}/check": {"post"},
    "/api/v1/imports/{id}/apply": {"post"},
    "/api/v1/imports/{id}/undo": {"post"},
    "/api/v1/imports/{id}/errors": {"get"},
    "/api/v1/import-profiles": {"get", "post"},
    "/api/v1/import-profiles/{id}": {"delete"},
}


def test_openapi_lists_every_path_and_method(client, db):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Accord API"
    assert schema["info"]["version"] == "1"
    assert {path: set(ops) for path, ops in schema["paths"].items()} == EXPECTED_PATHS


def test_openapi_documents_the_error_body_and_both_logins(client, db):
    schema = client.get("/api/openapi.json").json()

    create = schema["paths"]["/api/v1/counterparties"]["post"]
    assert set(create["responses"]) == {"201", "400", "401", "403", "409"}
    assert set(schema["components"]["schemas"]["ErrorOut"]["required"]) == {
        "code",
        "detail",
        "fields",
    }
    assert {"BearerTokenAuth", "SessionCsrfAuth"} <= set(schema["components"]["securitySchemes"])


@pytest.mark.parametrize("logged_in", [False, True])
def test_docs_page_loads_nothing_from_other_hosts(client, manager, logged_in):
    if logged_in:
        client.force_login(manager)

    response = client.get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.IGNORECASE)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) == 5
    for asset in assets:
        assert asset.startswith("/api/docs/assets/")
        assert client.get(asset).status_code == 200
    settings = re.search(r'id="swagger-settings"[^>]*>([^<]+)<', html)
    assert settings is not None
    assert '"validatorUrl": null' in settings.group(1)


def test_docs_assets_serve_only_the_swagger_files(client, db):
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/docs/assets/settings.py").status_code == 404
    assert client.get("/api/docs/assets/..%2F__init__.py").status_code == 404
