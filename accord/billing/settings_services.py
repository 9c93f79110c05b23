"""Writes of the billing settings: own companies and their bank accounts.

Administrative ("admin.billing_settings"); each write is validated, audited and atomic.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.billing.models import BILLING_SETTINGS, OwnBankAccount, OwnCompany
from accord.core.audit import AccessRefusedError, diff, log_action, snapshot
from accord.core.errors import NotFoundError
from accord.directory import identifiers as ids
from accord.directory.validation import Errors, clean_bank_accounts
from accord.users.access import can

TEXT = {
    "name": 255, "full_name": 500, "legal_address": 2000, "actual_address": 2000,
    "director": 255, "accountant": 255,
}  # fmt: skip
COMPANY_FIELDS = (*TEXT, "inn", "kpp", "ogrn", "is_default")
ACCOUNT_FIELDS = ("bank_name", "bic", "account", "correspondent_account")


def _require_change(actor: Any) -> None:
    if not can(actor, "change", BILLING_SETTINGS):
        raise AccessRefusedError("change", BILLING_SETTINGS)


def _text(value: Any, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(_("Enter text."))
    value = value.strip()
    if len(value) > limit:
        raise ValueError(_("At most %(n)d characters.") % {"n": limit})
    return value


def _optional(func: Any, value: str, **kwargs: Any) -> str:
    return func(value, **kwargs) if value else ""


def _inn(value: str) -> str:
    kind = "legal_entity" if len(ids.digits(value)) == 10 else "sole_trader"
    return ids.normalize_inn(value, kind=kind)


def clean_own_company(
    data: Mapping[str, Any], instance: OwnCompany | None = None
) -> dict[str, Any]:
    errors = Errors()
    known = {*COMPANY_FIELDS, "bank_accounts"}
    for name in sorted(set(data) - known):
        errors.add(name, _("Unknown field."))
    current = {n: getattr(instance, n) for n in COMPANY_FIELDS} if instance else {}
    merged = {**current, **{k: v for k, v in data.items() if k in known}}
    out: dict[str, Any] = {
        name: errors.check(name, _text, merged.get(name), limit) or ""
        for name, limit in TEXT.items()
    }
    if not out["name"] and "name" not in errors.fields:
        errors.add("name", _("This field is required."))
    inn = errors.check("inn", _text, merged.get("inn"), 20) or ""
    out["inn"] = errors.check("inn", _inn, inn) if inn else ""
    if not inn and "inn" not in errors.fields:
        errors.add("inn", _("This field is required."))
    kind = "legal_entity" if len(out["inn"] or "") == 10 else "sole_trader"
    kpp = errors.check("kpp", _text, merged.get("kpp"), 20) or ""
    out["kpp"] = errors.check("kpp", _optional, ids.normalize_kpp, kpp) or ""
    ogrn = errors.check("ogrn", _text, merged.get("ogrn"), 20) or ""
    out["ogrn"] = errors.check("ogrn", _optional, ids.normalize_ogrn, ogrn, kind=kind) or ""
    out["is_default"] = bool(merged.get("is_default"))
    errors.raise_if_any()
    if "bank_accounts" in data:
        out["bank_accounts"] = clean_bank_accounts(data["bank_accounts"])
    return out


def _accounts(company: OwnCompany) -> list[dict[str, str]]:
    return [{f: getattr(a, f) for f in ACCOUNT_FIELDS} for a in company.bank_accounts.all()]


def _save(actor: Any, company: OwnCompany, cleaned: dict[str, Any]) -> dict[str, Any]:
    """Write the fields and (when given) the bank accounts; answer the accounts' change."""
    accounts = cleaned.pop("bank_accounts", None)
    for name, value in cleaned.items():
        setattr(company, name, value)
    company.updated_at, company.updated_by = timezone.now(), actor
    company.save()
    if company.is_default:
        OwnCompany.objects.exclude(pk=company.pk).filter(is_default=True).update(is_default=False)
    if accounts is None:
        return {}
    before = _accounts(company)
    if before == accounts:
        return {}
    company.bank_accounts.all().delete()
    OwnBankAccount.objects.bulk_create(OwnBankAccount(company=company, **a) for a in accounts)
    return {"bank_accounts": [before, accounts]}


@transaction.atomic
def own_company_create(*, actor: Any, data: Mapping[str, Any]) -> OwnCompany:
    _require_change(actor)
    cleaned = clean_own_company(data)
    if not OwnCompany.objects.exists():
        cleaned["is_default"] = True  # the first company issues invoices by default
    company = OwnCompany(created_by=actor)
    accounts = _save(actor, company, cleaned)
    log_action(
        actor=actor,
        action="billing.owncompany.created",
        obj=company,
        changes={**snapshot(company, COMPANY_FIELDS), **accounts},
    )
    return company


@transaction.atomic
def own_company_update(*, actor: Any, company: OwnCompany, data: Mapping[str, Any]) -> OwnCompany:
    _require_change(actor)
    row = OwnCompany.objects.select_for_update().filter(pk=company.pk).first()
    if row is None:
        raise NotFoundError
    cleaned = clean_own_company(data, instance=row)
    before = snapshot(row, COMPANY_FIELDS)
    accounts = _save(actor, row, cleaned)
    changes = {**diff(before, snapshot(row, COMPANY_FIELDS)), **accounts}
    if changes:
        log_action(actor=actor, action="billing.owncompany.updated", obj=row, changes=changes)
    return row
