"""Accord: a CRM for companies whose accounting lives in 1C.

One Django app per business noun; see docs/architecture.md for the layers.
"""
