"""Imports of spreadsheets and their mapping profiles: what the API accepts and answers.

A mapping is the profile JSON of docs/import.md: which column feeds which field (the
field names of this API), the key that finds existing records, the policy, and what to
do with a bad row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from accord.api.pagination import ListParams, Paged
from accord.api.schemas.common import InSchema
from accord.imports.models import (
    ImportJob,
    ImportKey,
    ImportObject,
    ImportPolicy,
    ImportStatus,
    OnError,
)

ImportPhase = Literal["check", "apply"]


class ImportMappingIn(InSchema):
    """A column mapping. Left-out settings take their defaults (the object's first key,
    `upsert`, `skip`)."""

    object: ImportObject | None = Field(
        None, description="`counterparties` or `products`; must be the import's own."
    )
    columns: dict[str, str] = Field(
        default_factory=dict,
        description="Column header -> field name (`inn`, `contact.phone`, `custom.<code>`); "
        "columns left out are not loaded.",
    )
    key: ImportKey | None = Field(
        None, description="How a row finds the record it updates: inn_kpp, email, phone, "
        "code (counterparties), article, barcode (products), or none.",
    )  # fmt: skip
    policy: ImportPolicy | None = Field(None, description="add, update or upsert.")
    on_error: OnError | None = Field(
        None, description="skip: load the good rows; stop: load nothing if any row is bad."
    )


class ImportProfileIn(ImportMappingIn):
    """A profile to save; one of the caller's profiles with the same name is replaced."""

    name: str = Field(max_length=100, description="Unique among the caller's profiles.")

    def mapping(self) -> dict[str, Any]:
        data = self.data()
        data.pop("name", None)
        return data


class ImportProfileOut(Schema):
    id: int
    name: str
    object: ImportObject
    settings: dict[str, Any] = Field(description="The profile JSON (docs/import.md).")
    created_at: dt.datetime
    updated_at: dt.datetime


class ImportProfilePage(Paged[ImportProfileOut]):
    pass


class ImportJobRowOut(Schema):
    """An import in the log."""

    id: int
    object: ImportObject
    filename: str
    size: int = Field(description="Bytes.")
    status: ImportStatus = Field(
        description="new (waiting for the mapping) -> checking -> checked -> applying -> "
        "done | stopped | failed; a done import may become undone."
    )
    progress: int = Field(description="Per cent of rows done in the running step.")
    rows_total: int | None = Field(description="Rows in the file (an estimate until a check).")
    rows_done: int
    check_counts: dict[str, int] = Field(
        description="The check's rows per outcome: inserted, updated, unchanged, skipped, "
        "failed (what a load would do)."
    )
    counts: dict[str, int] = Field(description="The load's rows per outcome.")
    message: str = Field(description="Why the import failed or stopped.")
    created_by_id: int | None
    created_at: dt.datetime
    checked_at: dt.datetime | None
    applied_at: dt.datetime | None
    finished_at: dt.datetime | None
    undone_at: dt.datetime | None


class ImportJobOut(ImportJobRowOut):
    """An import with its file's header, how the file is read, and its mapping."""

    header: list[str] = Field(description="The file's column headers.")
    dialect: dict[str, str] = Field(
        description="How the file is read: kind (csv, xlsx), encoding, delimiter, quotechar."
    )
    mapping: dict[str, Any] = Field(description="The mapping in force (docs/import.md).")
    sample_updates: list[dict[str, Any]] = Field(
        description="Up to 20 updates the check found: "
        '`{"line": 7, "changes": {"phone": ["old", "new"]}}`.'
    )

    @staticmethod
    def resolve_dialect(obj: ImportJob) -> dict[str, str]:
        return {str(k): str(v) for k, v in (obj.dialect or {}).items()}


class ImportJobPage(Paged[ImportJobRowOut]):
    pass


class ImportListParams(ListParams):
    """`q` searches the file name."""

    status: ImportStatus | None = None
    object: ImportObject | None = None


class ImportProfileParams(ListParams):
    """`q` searches the profile name."""

    object: ImportObject | None = None


class ImportRowErrorOut(Schema):
    line: int = Field(description="The row's line in the file (the header is line 1).")
    column: str = Field(description="The column at fault; empty for an unreadable row.")
    reason: str
    phase: ImportPhase
    values: list[str] = Field(description="The row's cells, or its raw text if unreadable.")

    @staticmethod
    def resolve_values(obj: Any) -> list[str]:
        return [str(v) for v in (obj.values or [])]


class ImportRowErrorPage(Paged[ImportRowErrorOut]):
    pass


class ImportErrorParams(ListParams):
    phase: ImportPhase | None = Field(None, description="check or apply; both by default.")
