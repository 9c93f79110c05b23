"""Errors of the duplicate search and merge."""

from __future__ import annotations

from accord.core.errors import ConflictError


class MergeConflictError(ConflictError):
    """The two records cannot be merged without losing something; nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__("merge_conflict", message)


class PairDecidedError(ConflictError):
    """The pair was merged or dismissed already (by someone else, a moment ago)."""

    def __init__(self) -> None:
        super().__init__("pair_decided", "This pair has been decided already.")
