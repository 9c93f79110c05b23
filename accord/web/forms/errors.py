"""The one place where a refused action (`DomainError`) becomes messages on a form.

Services name fields the way the data dictionary does (`inn`, `custom.size`,
`bank_accounts.0.bic`, `phones.1`); a form says which of its fields shows each one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.core.errors import DomainError
from accord.directory.errors import DuplicatesFoundError

T = TypeVar("T")

# Messages for people by error code; a DomainError's own message is the fallback.
MESSAGES = {
    "invalid": _("Please correct the errors below."),
    "forbidden": _("You do not have permission to do this."),
    "not_found": _("This record no longer exists or is hidden from you."),
    "duplicates": _("Likely duplicates exist. Check them, or save anyway."),
}


class DomainForm(forms.Form):
    """A form that can show the errors of a service; subclasses map the error keys.

    Fields in `service_required` are marked required for people but checked by the service,
    so that an empty one is reported together with every other problem of the input.
    """

    service_required: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.duplicates: list[dict[str, Any]] = []
        self.duplicates_confirmable = False
        for name in self.service_required:
            self.fields[name].required = False

    def field_for(self, key: str) -> str | None:
        """The form field that shows errors of the service key `key`; None: the whole form."""
        name = key.split(".", 1)[0]
        return name if name in self.fields else None

    def add_service_error(self, key: str, message: str) -> None:
        field = self.field_for(key)
        if field is not None and message in self.errors.get(field, []):
            return  # the form said it already (a required field is checked by both)
        self.add_error(field, message)

    def to_service(self) -> dict[str, Any]:
        """The cleaned values as the service takes them."""
        return dict(self.cleaned_data)


def apply_domain_error(form: DomainForm, exc: DomainError, *, summary: bool = True) -> None:
    """Show `exc` on `form`: field messages on their fields, the rest above the form.

    A field that the form itself already found wrong keeps its own message. Without
    `summary` (the live validation), nothing is said above the form.
    """
    already_wrong = set(form.errors) if form.is_bound else set()
    for key, messages in exc.fields.items():
        if form.field_for(key) in already_wrong:
            continue
        for message in messages:
            form.add_service_error(key, message)
    if isinstance(exc, DuplicatesFoundError):
        form.duplicates = list(exc.duplicates)
        form.duplicates_confirmable = True
    elif summary:
        form.add_error(None, str(MESSAGES.get(exc.code, exc.message)))


def submit(form: DomainForm, call: Callable[[dict[str, Any]], T]) -> T | None:
    """Validate `form` and pass its data to `call` (one service); on refusal, show why."""
    if not form.is_valid():
        return None
    try:
        return call(form.to_service())
    except DomainError as exc:
        apply_domain_error(form, exc)
        return None


def attempt(form: DomainForm, call: Callable[[], object]) -> bool:
    """Run an action that takes no input (a confirmed delete); on refusal, show why."""
    return submit(form, lambda _data: call() or True) is not None
