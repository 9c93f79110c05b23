"""Makers of one object per kind, owned by a given user, for the security matrix."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from accord.directory.models import PropertyDefinition
from accord.users.models import Role
from accord.users.services import token_create
from tests.factories import (
    ContactPersonFactory,
    CounterpartyFactory,
    DealFactory,
    DepartmentFactory,
    PriceTypeFactory,
    ProductFactory,
    UserFactory,
    VariantFactory,
    WarehouseFactory,
    assignment_for,
    claim_for,
    interaction_for,
    invoice_draft,
    issued_invoice,
    order_for,
    own_company,
    payment_for,
    process_for,
    process_template,
    quote_for,
    reminder_for,
    sales_pipeline,
    shipment_for,
)

_numbers = itertools.count(1)


def _property_definition(owner: Any) -> Any:
    n = next(_numbers)
    return PropertyDefinition.objects.create(
        target=PropertyDefinition.Target.COUNTERPARTY,
        code=f"prop{n}",
        name=f"Prop {n}",
        kind="text",
    )


def _role(owner: Any) -> Any:
    n = next(_numbers)
    return Role.objects.create(code=f"role{n}", name=f"Role {n}", rules={})


def _token(owner: Any) -> Any:
    token, _raw = token_create(actor=None, username=owner.username, name="matrix")
    return token


def _exchange_node(owner: Any) -> Any:
    from accord.exchange.node_services import node_add_or_update

    node, _created = node_add_or_update(
        name=f"УТ {next(_numbers)}", login=f"ut{next(_numbers)}", password="ut-password-1"
    )
    return node


def _exchange_ref(owner: Any) -> Any:
    from accord.exchange.models import ExternalRef, RefKind

    price_type = PriceTypeFactory()
    return ExternalRef.objects.create(
        node=_exchange_node(owner), kind=RefKind.PRICE_TYPE,
        external_id=f"pt-{next(_numbers)}", object_id=price_type.pk,
    )  # fmt: skip


def _exchange_run(owner: Any) -> Any:
    from accord.exchange.models import ExchangeRun, RunSource

    return ExchangeRun.objects.create(
        node=_exchange_node(owner), source=RunSource.UPLOAD, filename="import.xml",
        path="/nonexistent/import.xml",
    )  # fmt: skip


def _import_job(owner: Any) -> Any:
    from accord.imports.models import ImportJob

    return ImportJob.objects.create(
        object="counterparties", filename="clients.csv", path="/nonexistent/clients.csv",
        dialect={"kind": "csv", "encoding": "utf-8", "delimiter": ";", "quotechar": '"'},
        header=["ИНН", "Наименование"], status="done", created_by=owner, updated_by=owner,
        mapping={"object": "counterparties", "columns": {"ИНН": "inn", "Наименование": "name"},
                 "key": "inn_kpp", "policy": "upsert", "on_error": "skip"},
    )  # fmt: skip


def _import_profile(owner: Any) -> Any:
    from accord.imports.models import ImportProfile

    return ImportProfile.objects.create(
        owner=owner, name=f"Profile {next(_numbers)}", object="counterparties",
        settings={"object": "counterparties", "columns": {"Наименование": "name"}},
    )  # fmt: skip


def _dedup_pair(owner: Any) -> Any:
    from accord.dedup.models import Kind, Pair

    one, two = CounterpartyFactory(responsible=owner), CounterpartyFactory(responsible=owner)
    return Pair.objects.create(
        kind=Kind.COUNTERPARTY, left_id=min(one.pk, two.pk), right_id=max(one.pk, two.pk),
        score=0.9, reasons=["name:95"],
    )  # fmt: skip


MAKERS: dict[str, Callable[[Any], Any]] = {
    "dedup_pair": _dedup_pair,
    "import_job": _import_job,
    "import_profile": _import_profile,
    "exchange_node": _exchange_node,
    "exchange_ref": _exchange_ref,
    "exchange_run": _exchange_run,
    "counterparty": lambda owner: CounterpartyFactory(responsible=owner),
    "contact_person": lambda owner: ContactPersonFactory(
        counterparty=CounterpartyFactory(responsible=owner)
    ),
    "deal": lambda owner: DealFactory(responsible=owner),
    "quote": lambda owner: quote_for(owner),
    "order": lambda owner: order_for(owner),
    "invoice": lambda owner: invoice_draft(responsible=owner),
    "issued_invoice": lambda owner: issued_invoice(responsible=owner),
    "payment": lambda owner: payment_for(issued_invoice(responsible=owner), "10.00"),
    "expected_payment": lambda owner: issued_invoice(responsible=owner).expected_payments.get(),
    "shipment": lambda owner: shipment_for(owner),
    "own_company": lambda owner: own_company(),
    "token": _token,
    "property_definition": _property_definition,
    "user": lambda owner: UserFactory(roles=["manager"]),
    "department": lambda owner: DepartmentFactory(),
    "role": _role,
    "pipeline": lambda owner: sales_pipeline(),
    "stage": lambda owner: sales_pipeline().stages.first(),
    "product": lambda owner: ProductFactory(),
    "variant": lambda owner: VariantFactory(),
    "price_type": lambda owner: PriceTypeFactory(),
    "warehouse": lambda owner: WarehouseFactory(),
    "claim": lambda owner: claim_for(owner),
    "interaction": lambda owner: interaction_for(owner),
    "assignment": lambda owner: assignment_for(owner, performers=[owner]),
    "reminder": lambda owner: reminder_for(owner),
    "process": lambda owner: process_for(owner),
    "process_template": lambda owner: process_template(),
}
