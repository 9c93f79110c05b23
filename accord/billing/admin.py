"""Billing is managed in Accord's own UI and API; the Django admin is not installed."""
