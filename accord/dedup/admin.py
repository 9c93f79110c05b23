"""Duplicates are reviewed in Accord's own UI and API; the Django admin is not installed."""
