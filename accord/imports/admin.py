"""Imports are managed in Accord's own pages, not in Django's admin."""
