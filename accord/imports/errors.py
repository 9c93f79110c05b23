"""Errors of the import that the web and the API show as they are."""

from __future__ import annotations

from accord.core.errors import ConflictError


class ImportStateError(ConflictError):
    """The import is not in a state that allows this step (e.g. apply before the check)."""
