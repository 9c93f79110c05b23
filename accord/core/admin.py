"""Core objects are managed in Accord's own UI and CLI; the Django admin is not installed."""
