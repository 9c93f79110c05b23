"""CSV downloads of the counterparty and contact person lists (`directory.exports`).

The list pages' Export form sends the list's own search and filters here, so the file holds
the rows the list shows. A GET, although it writes an audit event: the event records a
read, and no business data changes. Refusals (no "export", or VIP details asked for without
"reveal") end in the usual 403, before any row is read.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, StreamingHttpResponse
from django.views.decorators.http import require_GET

from accord.directory import exports
from accord.web.forms.contact_persons import ContactPersonSearchForm
from accord.web.forms.counterparties import CounterpartyFilterForm
from accord.web.views.base import AuthedRequest


def csv_response(export: exports.Export) -> StreamingHttpResponse:
    """The export streamed as it is produced: UTF-8 with BOM, `;`, an attachment."""
    return StreamingHttpResponse(export.lines, headers=export.headers())


def include_vip(request: HttpRequest) -> bool:
    return request.GET.get("include_vip", "").lower() in ("1", "true", "on", "yes")


@login_required
@require_GET
def counterparty_export(request: AuthedRequest) -> StreamingHttpResponse:
    form = CounterpartyFilterForm(request.GET, user=request.user)
    values = form.values()
    export = exports.counterparty_export(
        actor=request.user,
        query=values["q"],
        filters=form.filters(),
        sort=values["sort"] or "name",
        include_vip=include_vip(request),
    )
    return csv_response(export)


@login_required
@require_GET
def contact_person_export(request: AuthedRequest) -> StreamingHttpResponse:
    values = ContactPersonSearchForm(request.GET).values()
    export = exports.contact_person_export(
        actor=request.user, query=values["q"], include_vip=include_vip(request)
    )
    return csv_response(export)
