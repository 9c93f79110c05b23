"""The requisites of the two parties as an invoice prints them.

A draft shows the live values; `invoice_issue` copies them into the invoice (`issuer`,
`buyer`), so that an issued invoice keeps what it was issued with.
"""

from __future__ import annotations

from typing import Any

from accord.billing.models import Invoice, OwnCompany
from accord.directory.models import Counterparty

ACCOUNT_FIELDS = ("bank_name", "bic", "account", "correspondent_account")


def _account(rows: Any) -> dict[str, str] | None:
    first = next(iter(rows), None)
    return {name: getattr(first, name) for name in ACCOUNT_FIELDS} if first else None


def issuer_requisites(company: OwnCompany) -> dict[str, Any]:
    return {
        "name": company.full_name or company.name,
        "short_name": company.name,
        "inn": company.inn,
        "kpp": company.kpp,
        "ogrn": company.ogrn,
        "address": company.legal_address or company.actual_address,
        "director": company.director,
        "accountant": company.accountant,
        "bank_account": _account(company.bank_accounts.all()),
    }


def buyer_requisites(counterparty: Counterparty) -> dict[str, Any]:
    return {
        "name": counterparty.full_name or counterparty.name,
        "short_name": counterparty.name,
        "inn": counterparty.inn,
        "kpp": counterparty.kpp,
        "address": counterparty.legal_address or counterparty.actual_address,
        "bank_account": _account(counterparty.bank_accounts.all()),
    }


def invoice_parties(invoice: Invoice) -> tuple[dict[str, Any], dict[str, Any]]:
    """(issuer, buyer): the copies of an issued invoice, the live values of a draft."""
    if invoice.issuer and invoice.buyer:
        return invoice.issuer, invoice.buyer
    return issuer_requisites(invoice.own_company), buyer_requisites(invoice.counterparty)
