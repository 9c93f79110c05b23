"""Billing: our own legal entities (own companies) with their bank accounts, invoices for
payment with their lines, gapless numbering and the requisites copied at issue; expected
payments (the plan of an issued invoice), payments received with their allocations to
invoices (the rest is an advance), and receivables with ageing (receivables.py).

May import: sales, catalog, directory, users, core.
"""
