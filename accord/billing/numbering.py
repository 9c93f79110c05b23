"""Gapless invoice numbers: one sequence row per own company and calendar year.

The row is locked (`select_for_update`) for the rest of the caller's transaction, so two
issues never take the same number, and a failed issue rolls its number back with it.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accord.billing.models import InvoiceSequence, OwnCompany


def _locked_sequence(company: OwnCompany, year: int) -> InvoiceSequence:
    rows = InvoiceSequence.objects.select_for_update()
    found = rows.filter(company=company, year=year).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():  # a savepoint: a concurrent first issue may win the insert
            return InvoiceSequence.objects.create(company=company, year=year)
    except IntegrityError:
        return rows.get(company=company, year=year)


def next_invoice_number(company: OwnCompany, year: int) -> int:
    """Take the next number of `company` in `year`; call inside the issuing transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Take an invoice number inside the transaction that issues it.")
    sequence = _locked_sequence(company, year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number
