"""Errors of the directory."""

from __future__ import annotations

from typing import Any

from accord.core.errors import ConflictError


class DuplicatesFoundError(ConflictError):
    """Likely duplicates exist; the caller shows them and may save anyway."""

    def __init__(self, duplicates: list[Any]) -> None:
        super().__init__(
            "duplicates",
            "Likely duplicates exist. Check them, or confirm to save anyway.",
            extra={"duplicates": duplicates},
        )
        self.duplicates = duplicates
