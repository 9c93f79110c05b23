"""Shared foundations: base model mixins, DomainError, the audit log, keyset pagination,
schedules and the background worker loop.

May import: Django and third-party libraries only. Every other app may import core.
"""
