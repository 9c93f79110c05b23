"""The URL map: the web UI at /, the REST API at /api/, health at /healthz, and the
endpoint 1C calls at /exchange/1c/ (and Bitrix's /bitrix/admin/1c_exchange.php)."""

from django.urls import include, path

from accord.api.urls import api
from accord.web.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the web UI: 1C's routes are CSRF-exempt and authenticate on their own.
    path("", include("accord.exchange.protocols.urls")),
    path("", include("accord.web.urls")),
]
