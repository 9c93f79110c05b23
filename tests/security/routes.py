"""Every route of Accord, read from the URL conf and the OpenAPI document.

The security tests walk these lists instead of a hand-written list of URLs, so a route
added tomorrow is checked tomorrow: it must be classified in `route_map.py` or the suite
fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from accord.api.urls import api

# Routes that belong to libraries and are checked by their own authors, not ours.
LIBRARY_NAMESPACES = {"api"}  # the API is walked through its OpenAPI document instead


@dataclass(frozen=True)
class WebRoute:
    name: str  # "web:counterparty_card", or the bare name outside a namespace
    pattern: str  # "counterparties/<int:pk>/"
    params: tuple[str, ...]  # converter names in the pattern: ("pk",)


@dataclass(frozen=True)
class ApiOperation:
    method: str  # "GET"
    path: str  # "/api/v1/counterparties/{id}"
    params: tuple[str, ...]  # path parameters: ("id",)

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def web_routes() -> list[WebRoute]:
    found: list[WebRoute] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or namespace
                if ns in LIBRARY_NAMESPACES:
                    continue
                walk(entry, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern):
                pattern = prefix + str(entry.pattern)
                name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
                found.append(WebRoute(name, pattern, tuple(_PARAM.findall(pattern))))

    walk(get_resolver(), "", "")
    return found


def api_operations() -> list[ApiOperation]:
    schema = api.get_openapi_schema(path_prefix="/api/")
    operations: list[ApiOperation] = []
    for path, methods in schema["paths"].items():
        params = tuple(re.findall(r"{(\w+)}", path))
        for method in methods:
            operations.append(ApiOperation(method.upper(), path, params))
    return operations
