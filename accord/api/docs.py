"""The API documentation page at /api/docs: Swagger UI served from this server, no CDN.

ninja ships the Swagger UI files in its package; ninja's own page loads them from a CDN unless
ninja is an installed app. This page and `docs_asset` serve the packaged files directly, so
the documentation works on a machine with no internet access.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from ninja.openapi.docs import DocsBase

from accord.api.errors import json_not_found

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSETS_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
ASSETS = frozenset(
    {
        "swagger-ui.css",
        "swagger-ui.css.map",
        "swagger-ui-bundle.js",
        "swagger-ui-bundle.js.map",
        "swagger-ui-init.js",
        "favicon.svg",
        "favicon.png",
    }
)
ASSET_MAX_AGE = 60 * 60 * 24


def _asset_url(api: NinjaAPI, name: str) -> str:
    # The ninja version busts browser caches when an upgrade brings a new Swagger UI.
    url = reverse(f"{api.urls_namespace}:docs-asset", kwargs={"name": name})
    return f"{url}?v={ninja.__version__}"


class LocalSwagger(DocsBase):
    """Swagger UI with every file served by Accord itself."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
            "validatorUrl": None,  # else Swagger UI asks validator.swagger.io about the spec
        }
        context = {
            "title": f"{api.title} {api.version}",
            "swagger_settings": settings,
            "send_csrf": request.user.is_authenticated,
            "assets": {
                "css": _asset_url(api, "swagger-ui.css"),
                "bundle": _asset_url(api, "swagger-ui-bundle.js"),
                "init": _asset_url(api, "swagger-ui-init.js"),
                "icon_svg": _asset_url(api, "favicon.svg"),
                "icon_png": _asset_url(api, "favicon.png"),
            },
        }
        return render(request, "api/docs.html", context)


@require_GET
def docs_asset(request: HttpRequest, name: str) -> HttpResponseBase:
    """One Swagger UI file from ninja's package; any other name is a 404."""
    if name not in ASSETS:
        return json_not_found(request)
    content_type, _encoding = mimetypes.guess_type(name)
    response = FileResponse(
        (ASSETS_DIR / name).open("rb"),  # FileResponse closes it
        content_type=content_type or "application/octet-stream",
    )
    response["Cache-Control"] = f"public, max-age={ASSET_MAX_AGE}"
    return response
