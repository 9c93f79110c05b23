"""Forms of the account pages and of the second sign-in step."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accord.web.forms.errors import DomainForm


class CodeForm(DomainForm):
    """A one-time code from the app; at sign-in, a recovery code is accepted too."""

    code = forms.CharField(label=_("Code"), max_length=32, strip=True)

    def __init__(self, *args: Any, recovery: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if recovery:
            self.fields["code"].help_text = _(
                "The six digits from your authenticator app, or one of your recovery codes."
            )
        self.fields["code"].widget.attrs.update(
            autocomplete="one-time-code", autofocus=True, spellcheck="false", autocapitalize="off"
        )


class DisableTwoFactorForm(DomainForm):
    password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordChangeForm(DomainForm):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = " ".join(password_validators_help_texts())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            raise ValidationError({"new_password2": _("The two passwords do not match.")})
        return data


class TokenCreateForm(DomainForm):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("Say where the token is used, e.g. “1C exchange” or “reports script”."),
    )
