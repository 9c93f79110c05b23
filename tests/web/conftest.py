"""Fixtures of the web tests: htmx headers, custom properties, counterparties with details."""

from __future__ import annotations

import pytest

from accord.directory.models import PropertyDefinition, Tag
from tests.factories import ContactDetailFactory, ContactPersonFactory, CounterpartyFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def htmx() -> dict[str, str]:
    """Headers of a request that htmx makes for a fragment."""
    return dict(HTMX)


@pytest.fixture
def definitions(db) -> dict[str, PropertyDefinition]:
    """One custom property of each kind for counterparties."""
    target = PropertyDefinition.Target.COUNTERPARTY
    return {
        "segment": PropertyDefinition.objects.create(
            target=target,
            code="segment",
            name="Segment",
            kind="choice",
            choices=["SMB", "Enterprise"],
        ),
        "limit": PropertyDefinition.objects.create(
            target=target, code="limit", name="Credit limit", kind="number"
        ),
        "since": PropertyDefinition.objects.create(
            target=target, code="since", name="Client since", kind="date"
        ),
        "note": PropertyDefinition.objects.create(
            target=target, code="note", name="Short note", kind="text"
        ),
    }


@pytest.fixture
def make_counterparty(db):
    """A counterparty with tags and contact persons that each have a phone and an e-mail."""

    def make(responsible, *, tags=(), persons=0, **fields):
        cp = CounterpartyFactory(responsible=responsible, **fields)
        if tags:
            cp.tags.set([Tag.objects.get_or_create(name=name)[0] for name in tags])
        for _ in range(persons):
            person = ContactPersonFactory(counterparty=cp)
            ContactDetailFactory(contact_person=person)
            ContactDetailFactory(
                contact_person=person, kind="email", value=f"p{person.pk}@example.ru"
            )
        return cp

    return make
