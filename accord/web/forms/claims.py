"""Forms of the claim pages: the list filters, the claim form, the status move and the
control report's period."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.activities.claim_selectors import CLAIM_SORTS, OPEN
from accord.activities.models import Claim, ClaimSeverity, ClaimStatus
from accord.billing.models import Invoice
from accord.catalog.models import Product
from accord.directory.models import Counterparty
from accord.sales.models import Order
from accord.sales.selectors import counterparties_for_deal
from accord.users.models import User
from accord.web.forms.counterparties import set_choices, user_choices
from accord.web.forms.errors import DomainForm
from accord.web.forms.filters import FilterForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LINK_OPTIONS = 50  # the latest orders and invoices of the counterparty offered as links


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class CheckedChoiceField(forms.ChoiceField):
    """A select whose value the service checks, so that a wrong one is reported together
    with every other problem of the input (and in the service's words)."""

    def valid_value(self, value: Any) -> bool:
        return True


class ClaimFilterForm(FilterForm):
    """The list's search and filters; every value is optional."""

    q = forms.CharField(required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[*_blank(_("Any status")), (OPEN, _("Open")), *list(ClaimStatus.choices)],
    )  # fmt: skip
    severity = forms.ChoiceField(
        label=_("Severity"), required=False,
        choices=_blank(_("Any severity")) + list(ClaimSeverity.choices),
    )  # fmt: skip
    responsible = forms.ChoiceField(label=_("Responsible"), required=False)
    counterparty = forms.IntegerField(required=False, min_value=1)
    overdue = forms.ChoiceField(
        label=_("Overdue"), required=False,
        choices=[("", _("Overdue or not")), ("1", _("Overdue only"))],
    )  # fmt: skip
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in CLAIM_SORTS])
    cursor = forms.CharField(required=False, max_length=500)

    FILTERS = ("status", "severity", "responsible", "counterparty", "overdue")

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data)
        people = user_choices(user)
        set_choices(self, "responsible", _blank(_("Anyone responsible")) + people)
        self.show_responsible = len(people) > 1


class ClaimForm(DomainForm):
    """Every field of a claim; the services check the values and the links."""

    subject = forms.CharField(
        label=_("Subject"), max_length=255, widget=forms.TextInput(attrs={"data-autofocus": ""})
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    counterparty_id = CheckedChoiceField(label=_("Counterparty"))
    contact_person_id = CheckedChoiceField(label=_("Contact person"), required=False)
    order_id = CheckedChoiceField(label=_("Order"), required=False)
    invoice_id = CheckedChoiceField(label=_("Invoice"), required=False)
    product_id = CheckedChoiceField(label=_("Product"), required=False)
    severity = forms.ChoiceField(
        label=_("Severity"), choices=ClaimSeverity.choices, initial=ClaimSeverity.MEDIUM
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE)
    responsible_id = CheckedChoiceField(label=_("Responsible manager"), required=False)

    service_required = ("subject", "counterparty_id")
    SERVICE_FIELDS = (
        "subject", "description", "counterparty_id", "contact_person_id", "order_id",
        "invoice_id", "product_id", "severity", "deadline", "responsible_id",
    )  # fmt: skip
    # The inputs that follow the chosen counterparty (the `links` partial of the form).
    LINKED = ("contact_person_id", "order_id", "invoice_id")

    def __init__(
        self,
        data: Any = None,
        *,
        user: User,
        instance: Claim | None = None,
        initial: dict[str, Any] | None = None,
    ) -> None:
        start = self._initial(user, instance, initial or {})
        super().__init__(data, initial=start)
        self.instance = instance
        chosen = self._counterparty(user, data, start)
        options = counterparties_for_deal(viewer=user, query="")
        if chosen is not None and chosen.pk not in {c.pk for c in options}:
            options.insert(0, chosen)
        set_choices(self, "counterparty_id", _blank("—") + [(str(c.pk), c.name) for c in options])
        self.set_links(user, chosen, instance)
        product = self._product(user, data, start)
        products = [(str(product.pk), str(product))] if product is not None else []
        set_choices(self, "product_id", _blank("—") + products)
        keep = instance.responsible if instance is not None else None
        set_choices(self, "responsible_id", user_choices(user, keep=keep))

    def set_links(
        self, user: User, chosen: Counterparty | None, instance: Claim | None = None
    ) -> None:
        """Contact persons, orders and invoices of the chosen counterparty (the claim's own
        links stay offered even when the user would not see them otherwise)."""
        people: list[tuple[str, str]] = []
        orders: list[tuple[str, str]] = []
        invoices: list[tuple[str, str]] = []
        if chosen is not None:
            people = [(str(p.pk), p.name) for p in chosen.contact_persons.all()]
            order_rows = Order.objects.visible_to(user).filter(counterparty=chosen)
            orders = [(str(o.pk), str(o)) for o in order_rows.order_by("-id")[:LINK_OPTIONS]]
            invoice_rows = Invoice.objects.visible_to(user).filter(counterparty=chosen)
            invoices = [(str(i.pk), str(i)) for i in invoice_rows.order_by("-id")[:LINK_OPTIONS]]
        if instance is not None and chosen is not None and instance.counterparty_id == chosen.pk:
            if instance.order is not None and str(instance.order_id) not in dict(orders):
                orders.insert(0, (str(instance.order_id), str(instance.order)))
            if instance.invoice is not None and str(instance.invoice_id) not in dict(invoices):
                invoices.insert(0, (str(instance.invoice_id), str(instance.invoice)))
        set_choices(self, "contact_person_id", _blank("—") + people)
        set_choices(self, "order_id", _blank("—") + orders)
        set_choices(self, "invoice_id", _blank("—") + invoices)

    @staticmethod
    def _initial(user: User, instance: Claim | None, given: dict[str, Any]) -> dict[str, Any]:
        if instance is None:
            return {"responsible_id": user.pk, "severity": ClaimSeverity.MEDIUM, **given}
        return {name: getattr(instance, name) for name in ClaimForm.SERVICE_FIELDS}

    @staticmethod
    def _counterparty(user: User, data: Any, start: dict[str, Any]) -> Counterparty | None:
        """The counterparty picked so far (posted or initial), if the user sees it."""
        raw: Any = data.get("counterparty_id") if data is not None else start.get("counterparty_id")
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            return None
        return Counterparty.objects.visible_to(user).filter(pk=pk).first()

    @staticmethod
    def _product(user: User, data: Any, start: dict[str, Any]) -> Product | None:
        """The product picked so far; the others come from the search (the catalog is big)."""
        raw: Any = data.get("product_id") if data is not None else start.get("product_id")
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            return None
        return Product.objects.visible_to(user).filter(pk=pk).first()

    def to_service(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        return {name: cleaned.get(name) for name in self.SERVICE_FIELDS}


class ClaimMoveForm(DomainForm):
    """A status move: the resolution when closing, a comment otherwise."""

    service_required = ("resolution",)  # asked only when closing, where it is required
    status = forms.ChoiceField(choices=ClaimStatus.choices, widget=forms.HiddenInput)
    resolution = forms.CharField(
        label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def to_service(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        return {name: cleaned.get(name) or "" for name in ("status", "resolution", "comment")}


class ClaimPeriodForm(forms.Form):
    """The control report's period."""

    date_from = forms.CharField(label=_("From"), required=False, widget=DATE)
    date_to = forms.CharField(label=_("To"), required=False, widget=DATE)
