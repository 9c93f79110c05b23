"""The web interface: HTML pages and htmx fragments over the domain's selectors and services.

May import: any domain app (core, users, directory, ...). Never imported by them, nor by api.
"""
