"""Settings -> Own companies: our legal entities that issue invoices, with a bank account.

Guarded by `admin.billing_settings` (403, audited, for everyone else); the services check
the "change" right again.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accord.billing import selectors, settings_services
from accord.billing.models import BILLING_SETTINGS
from accord.users.access import can
from accord.web.forms.errors import submit
from accord.web.forms.own_companies import OwnCompanyForm
from accord.web.views.base import AuthedRequest, admin_page, go

PAGE = "settings/own_companies.html"
FORM = "settings/own_companies_form.html"

billing_settings = admin_page(BILLING_SETTINGS)


@billing_settings
@require_GET
def own_companies(request: AuthedRequest) -> HttpResponse:
    return render(request, PAGE, {
        "companies": selectors.own_companies(),
        "can_change": can(request.user, "change", BILLING_SETTINGS),
    })  # fmt: skip


@billing_settings
@require_http_methods(["GET", "POST"])
def own_company_new(request: AuthedRequest) -> HttpResponse:
    form = OwnCompanyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        company = submit(form, lambda data: settings_services.own_company_create(
            actor=request.user, data=data))  # fmt: skip
        if company is not None:
            messages.success(request, _("Own company “%(name)s” added.") % {"name": company.name})
            return go(request, reverse("web:settings_own_companies"))
    return render(request, FORM, {"form": form, "company": None})


@billing_settings
@require_http_methods(["GET", "POST"])
def own_company_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    company = selectors.own_company_get(pk=pk)
    form = OwnCompanyForm(request.POST if request.method == "POST" else None, instance=company)
    if request.method == "POST":
        saved = submit(form, lambda data: settings_services.own_company_update(
            actor=request.user, company=company, data=data))  # fmt: skip
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return go(request, reverse("web:settings_own_companies"))
    return render(request, FORM, {"form": form, "company": company})
