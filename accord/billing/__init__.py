"""Billing: our own legal entities (own companies) with their bank accounts, and invoices for
payment with their lines, gapless numbering and the requisites copied at issue. Payments,
expected payments and shipping documents come later.

May import: sales, catalog, directory, users, core.
"""
