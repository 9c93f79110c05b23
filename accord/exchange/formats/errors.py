"""The one error a format raises: the file is not something we can read safely."""

from __future__ import annotations


class FormatError(Exception):
    """A malformed, hostile or unsupported file. `message` is shown to the user and to 1C."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message if line is None else f"{message} (line {line})")
        self.message = message
        self.line = line
