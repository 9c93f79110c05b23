"""Errors of the users app."""

from accord.core.errors import DomainError


class UnknownRoleError(DomainError):
    def __init__(self, code: str) -> None:
        super().__init__("unknown_role", f"There is no role {code!r}.", fields={"role": [code]})


class UserNotFoundError(DomainError):
    status = 404

    def __init__(self, username: str) -> None:
        super().__init__("not_found", f"There is no user {username!r}.")
