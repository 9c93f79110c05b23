"""Forms of Settings -> Exchange with 1C: the node, a package to check or import, re-pointing.

The services check every value; these forms only shape the input (the status map arrives as
rows of two inputs and leaves as a dictionary).
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from accord.exchange.models import AnswerEncoding, AnswerVersion, ExchangeNode, MissingPolicy
from accord.exchange.node_services import NODE_FIELDS
from accord.sales.models import OrderStatus
from accord.web.forms.errors import DomainForm
from accord.web.forms.widgets import _getlist

MAX_UPLOAD = 200 * 1024 * 1024
UPLOAD_SUFFIXES = (".xml", ".zip")
STATUS_ROWS = 3  # empty rows offered below the filled ones
NEW_NODE_REQUIRED = ("name", "login", "password", "file_limit")


class StatusMapInput(forms.Widget):
    """Rows of (1C status, Accord status), posted as `<name>_1c` and `<name>_accord` lists."""

    template_name = "exchange/status_map_widget.html"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[tuple[str, str]]:
        texts = [str(v) for v in _getlist(data, f"{name}_1c")]
        statuses = [str(v) for v in _getlist(data, f"{name}_accord")]
        statuses += [""] * (len(texts) - len(statuses))
        return list(zip(texts, statuses, strict=False))

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False

    def format_value(self, value: Any) -> list[tuple[str, str]]:  # type: ignore[override]
        if isinstance(value, dict):
            return [(str(k), str(v)) for k, v in value.items()]
        return [(str(k), str(v)) for k, v in value or []]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        rows = [r for r in context["widget"]["value"] if r[0].strip() or r[1]]
        rows += [("", "")] * STATUS_ROWS
        context["widget"].update(rows=rows, statuses=OrderStatus.choices)
        return context


class StatusMapField(forms.Field):
    """1C's order statuses (its text) -> Accord statuses; rows without a 1C text are ignored."""

    widget = StatusMapInput

    def to_python(self, value: Any) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for text, status in value or []:
            text = str(text).strip()
            if not text:
                continue
            if not status:
                raise forms.ValidationError(
                    _("Choose the Accord status for “%(text)s”."), params={"text": text}
                )
            if text in mapping:
                raise forms.ValidationError(_("“%(text)s” is listed twice."), params={"text": text})
            mapping[text] = str(status)
        return mapping


class NodeForm(DomainForm):
    """An exchange node: what 1C signs in with and what flows which way."""

    name = forms.CharField(label=_("Name"), max_length=100)
    login = forms.CharField(
        label=_("Login for 1C"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    password = forms.CharField(
        label=_("Password for 1C"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False)
    catalog_in = forms.BooleanField(label=_("Load the catalog from 1C"), required=False)
    orders_out = forms.BooleanField(label=_("Send orders to 1C"), required=False)
    statuses_in = forms.BooleanField(label=_("Load order statuses from 1C"), required=False)
    missing_policy = forms.ChoiceField(
        label=_("Products missing from a full package"), choices=MissingPolicy.choices
    )
    create_counterparties = forms.BooleanField(
        label=_("Create counterparties that come with orders"), required=False
    )
    stop_on_error = forms.BooleanField(label=_("Stop on the first error"), required=False)
    answer_version = forms.ChoiceField(
        label=_("CommerceML version of the answers"), choices=AnswerVersion.choices, required=False
    )
    answer_encoding = forms.ChoiceField(
        label=_("Encoding of the answers"), choices=AnswerEncoding.choices
    )
    file_limit = forms.IntegerField(
        label=_("File part size, bytes"),
        help_text=_("1C cuts larger files into parts of this size."),
    )
    zip_allowed = forms.BooleanField(label=_("Let 1C send zip archives"), required=False)
    orders_from = forms.DateField(
        label=_("Send orders dated from"),
        required=False,
        help_text=_("Older orders are never sent. Empty: all orders."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    status_map = StatusMapField(
        label=_("1C order statuses"),
        required=False,
        help_text=_(
            "The status as 1C writes it, and the Accord status it means. Empty rows are ignored."
        ),
    )
    watch_folder = forms.CharField(
        label=_("Folder to watch for files"),
        required=False,
        max_length=500,
        help_text=_(
            "An absolute path on the server; files 1C drops there are imported on schedule."
        ),
    )

    service_required: tuple[str, ...] = ("name", "login", "file_limit")

    def __init__(self, data: Any = None, *, instance: ExchangeNode | None = None) -> None:
        initial: dict[str, Any] = {}
        if instance is not None:
            initial = {name: getattr(instance, name) for name in NODE_FIELDS}
        else:
            defaults = ExchangeNode()  # the model's defaults, for a new node's form
            initial = {name: getattr(defaults, name) for name in NODE_FIELDS if name != "name"}
            initial["login"] = ""
        super().__init__(data, initial=initial)
        self.instance = instance
        if instance is not None:
            self.fields["password"].help_text = _("Leave empty to keep the current password.")
        else:
            self.service_required = NEW_NODE_REQUIRED


class UploadForm(DomainForm):
    """A CommerceML package (xml, or a zip of them) to check, or to import."""

    MODES = (("check", _("Check only (dry run)")), ("import", _("Import")))

    file = forms.FileField(label=_("File"), help_text=_("CommerceML .xml or .zip, up to 200 MB."))
    mode = forms.ChoiceField(
        label=_("What to do"), choices=MODES, initial="check", widget=forms.RadioSelect
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if PurePath(upload.name or "").suffix.lower() not in UPLOAD_SUFFIXES:
            raise forms.ValidationError(_("Upload a .xml or a .zip file."))
        if (upload.size or 0) > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 200 MB."))
        return upload

    @property
    def dry_run(self) -> bool:
        return self.cleaned_data.get("mode") != "import"
