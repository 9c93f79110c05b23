"""Fixtures of the duplicate tests: a head of department who may merge, and a counterparty
with one object of every kind that can be linked to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps

from accord.directory.models import BankAccount, Tag
from accord.exchange.models import ExternalRef, RefKind
from accord.exchange.node_services import node_add_or_update
from tests.conftest import rows_of
from tests.factories import (
    ContactDetailFactory,
    ContactPersonFactory,
    DealFactory,
    DepartmentFactory,
    UserFactory,
    assignment_for,
    claim_for,
    interaction_for,
    invoice_draft,
    issued_invoice,
    order_for,
    payment_for,
    process_for,
    process_template,
    quote_for,
    reminder_for,
    shipment_for,
)


@pytest.fixture
def department(db):
    return DepartmentFactory()


@pytest.fixture
def head(department):
    """May change and delete counterparties of the department: may merge them."""
    return UserFactory(username="head", roles=["head"], department=department)


@pytest.fixture
def seller(department):
    """A manager of the head's department: may change, not delete."""
    return UserFactory(username="seller", roles=["manager"], department=department)


def node(name: str = "УТ") -> Any:
    made, _created = node_add_or_update(
        name=name, login=name.lower() + "-login", password="pass-12345"
    )
    return made


@dataclass
class Linked:
    """One object of each kind linked to `counterparty`, by model label."""

    counterparty: Any
    objects: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, obj: Any) -> Any:
        self.objects.setdefault(obj._meta.label, []).append(obj)
        return obj


def link_everything(owner: Any, cp: Any, *, node_name: str = "УТ") -> Linked:
    """Every kind of object a counterparty can have, made the way the app makes them."""
    linked = Linked(cp)
    cp.tags.set(
        [Tag.objects.get_or_create(name="опт")[0], Tag.objects.get_or_create(name="vip")[0]]
    )
    linked.add(
        BankAccount.objects.create(counterparty=cp, bic="044525225", account="40702810938000000001")
    )
    person = linked.add(ContactPersonFactory(counterparty=cp))
    linked.add(ContactDetailFactory(contact_person=person))
    deal = linked.add(DealFactory(responsible=owner, counterparty=cp))
    linked.add(quote_for(owner, deal=deal))
    order = linked.add(order_for(owner, deal=deal))
    linked.add(shipment_for(owner, order=order))
    linked.add(invoice_draft(responsible=owner, counterparty=cp))
    paid = linked.add(issued_invoice(responsible=owner, counterparty=cp))
    linked.add(payment_for(paid, "10.00"))
    claim = linked.add(claim_for(owner, counterparty=cp))
    linked.add(interaction_for(owner, counterparty=cp, claim_id=claim.pk))
    linked.add(assignment_for(owner, performers=[owner], counterparty_id=cp.pk))
    linked.add(reminder_for(owner, counterparty_id=cp.pk))
    template = process_template(object_kind="counterparty", name=f"Онбординг {cp.pk}")
    linked.add(process_for(owner, obj=cp, template=template))
    linked.add(
        ExternalRef.objects.create(
            node=node(node_name),
            kind=RefKind.COUNTERPARTY,
            external_id=f"1c-{cp.pk}",
            object_id=cp.pk,
        )
    )
    return linked


@pytest.fixture
def everything_state():
    """Every row of every Accord table but the refusals: a refused merge changes none."""

    def state() -> dict[str, list[dict[str, Any]]]:
        models = [m for m in apps.get_models() if m.__module__.startswith("accord.")]
        return rows_of(m for m in models if m._meta.label != "core.WorkerHeartbeat")

    return state
