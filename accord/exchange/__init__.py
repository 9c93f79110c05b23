"""The exchange with 1C: nodes (one per 1C base), runs, external identity, and the
CommerceML "exchange with site" protocol in which Accord plays the site.

- `models.py`: ExchangeNode, ExchangeSession (one protocol session of 1C), ExchangeRun and
  its errors, ExternalRef (1C `Ид` -> Accord row), OrderExport (what 1C has acknowledged).
- `records.py`: the frozen dataclasses a format reader yields and `mapping.py` applies.
- `formats/`: pure Python readers and writers (no Django, no domain imports).
- `mapping.py`: applies records through the domain's services, batch by batch.
- `services.py`: nodes, runs, orchestration (resumable, chunked commits), order export.
- `protocols/`: the HTTP endpoint 1C talks to (`/exchange/1c/`).

The domain never imports this app (docs/adr/0003). May import: core, users, directory,
catalog, sales, billing.
"""
