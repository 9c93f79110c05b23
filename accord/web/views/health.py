"""GET /healthz: is the database reachable and is a background worker alive?"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accord.core.selectors import health_check


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    health = health_check()
    body = {
        "status": "ok" if health.ok else "degraded",
        "database": health.database,
        "worker": health.worker,
        "workers": health.workers,
        "worker_last_seen": health.last_seen.isoformat() if health.last_seen else None,
    }
    return JsonResponse(body, status=200 if health.ok else 503)
