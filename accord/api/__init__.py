"""The REST API under /api/v1/ (django-ninja): schemas, endpoints, and the one place where
domain errors become JSON error bodies.

May import: any domain app. Never imported by them, nor by web.
"""
