"""Forms of the duplicate review: which record of a pair to keep when merging."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.web.forms.errors import DomainForm


class MergeForm(DomainForm):
    """The confirmed merge of a pair: `keep` is the side that stays."""

    keep = forms.ChoiceField(
        label=_("Keep"),
        choices=[("left", _("the left record")), ("right", _("the right record"))],
        widget=forms.HiddenInput,
    )
