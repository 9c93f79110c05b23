"""A head of department (department scope) changes the department's records: the row lock
taken by the services must work on PostgreSQL, where a visibility filter joins the
responsible user (FOR UPDATE cannot lock the nullable side of an outer join)."""

from __future__ import annotations

import pytest

from accord.sales.services import deal_update
from tests.factories import DealFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_head_changes_a_deal_of_the_department():
    department = DepartmentFactory()
    head = UserFactory(roles=["head"], department=department)
    manager = UserFactory(roles=["manager"], department=department)
    deal = DealFactory(responsible=manager, counterparty__responsible=manager)
    changed = deal_update(actor=head, deal=deal, data={"title": "Renamed by the head"})
    assert changed.title == "Renamed by the head"


def test_a_head_changes_an_invoice_and_a_claim_of_the_department():
    from accord.activities.claim_services import claim_update
    from accord.billing.services import invoice_update
    from tests.factories import claim_for, invoice_draft

    department = DepartmentFactory()
    head = UserFactory(roles=["head"], department=department)
    manager = UserFactory(roles=["manager"], department=department)
    draft = invoice_draft(responsible=manager)
    invoice_update(actor=head, invoice=draft, data={"notes": "Checked by the head"})
    claim = claim_for(manager)
    changed = claim_update(actor=head, claim=claim, data={"subject": "Checked by the head"})
    assert changed.subject == "Checked by the head"
