"""Imports of spreadsheets (CSV, XLSX) into the directory and the catalog.

Owns the import log, mapping profiles and the undo records. `formats/` reads tables and is
pure Python; the loaders write through the domain's models with `core.bulk`, under the same
permission and audit rules as the domain's services. May import core, users, directory
and catalog.
"""
