"""The URL map: the web UI at /, the REST API at /api/, health at /healthz."""

from django.urls import include, path

from accord.api.urls import api
from accord.web.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("accord.web.urls")),
]
