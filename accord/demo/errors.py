"""Errors of the demo data generator."""

from __future__ import annotations

from accord.core.errors import ConflictError


class DemoDataExistsError(ConflictError):
    """Counterparties exist already: generating more would mix demo data into them."""

    def __init__(self, existing: int) -> None:
        super().__init__(
            "demo_data_exists",
            f"Counterparties exist already ({existing:,}); nothing was generated.",
            extra={"existing": existing},
        )
        self.existing = existing
