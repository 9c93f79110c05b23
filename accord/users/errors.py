"""Errors of the users app."""

from django.utils.translation import gettext as _

from accord.core.errors import DomainError


class UnknownRoleError(DomainError):
    def __init__(self, code: str) -> None:
        super().__init__("unknown_role", f"There is no role {code!r}.", fields={"role": [code]})


class UserNotFoundError(DomainError):
    status = 404

    def __init__(self, username: str) -> None:
        super().__init__("not_found", f"There is no user {username!r}.")


class WrongCodeError(DomainError):
    """A one-time or recovery code that does not match; nothing was changed."""

    def __init__(self) -> None:
        message = _("The code is not valid.")
        super().__init__("wrong_code", message, fields={"code": [message]})


class SignInThrottledError(DomainError):
    status = 429

    def __init__(self) -> None:
        super().__init__("throttled", _("Too many sign-in attempts. Try again in a few minutes."))


class WrongPasswordError(DomainError):
    def __init__(self, field: str = "password") -> None:
        message = _("The password is not correct.")
        super().__init__("wrong_password", message, fields={field: [message]})


class TwoFactorRequiredError(DomainError):
    """A role of the user demands two-factor sign-in, so it cannot be turned off."""

    status = 409

    def __init__(self) -> None:
        super().__init__(
            "two_factor_required",
            _("Your role requires two-factor authentication, so it cannot be turned off."),
        )


class TwoFactorStateError(DomainError):
    """Enrolment when already enrolled, or recovery codes without enrolment."""

    status = 409
