"""The REST API under /api/v1/ (django-ninja): schemas, endpoints, and the one place where
domain errors become JSON error bodies.

    urls.py          the NinjaAPI: auth, parser, docs, error handlers, one router per resource
    auth.py          Bearer API tokens and the web session (with CSRF)
    errors.py        every exception -> `{"code", "detail", "fields"}` (the only such place)
    parser.py        strict UTF-8 JSON bodies
    pagination.py    list parameters, the `count`/`items`/`next_cursor` page, cursor or offset
    docs.py          Swagger UI at /api/docs, served locally
    schemas/         request and response schemas, one module per resource
    counterparties.py, contact_persons.py   the endpoints: parse, call the domain, answer

May import: any domain app. Never imported by them, nor by web.
"""
