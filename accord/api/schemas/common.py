"""Types that every resource's schemas share."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ConfigDict

# A database id: positive and within a signed 64-bit integer, so a huge number in a path,
# query or body is a 404 or a 400, never a database overflow.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class InSchema(Schema):
    """A request body. Unknown fields are refused (400 naming the field), not dropped."""

    model_config = ConfigDict(extra="forbid")

    def data(self) -> dict[str, Any]:
        """The fields the client sent, as the services take them (API field names, JSON values).

        Fields left out are not passed, so an update changes only what was sent (PATCH).
        """
        return self.model_dump(exclude_unset=True, mode="json")
